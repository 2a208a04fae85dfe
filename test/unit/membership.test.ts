// Membership as configuration: what an `up` changes in the member list, decided from the plan
// and the record of the previous `up`, with the exact refusals an operator sees at preview.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError } from "../../components/config";
import { MemberRecord, MembershipRecord, describeMembership, membershipRecord, planMembership } from "../../components/etcd/membership";
import { planCluster } from "../../components/etcd/plan";
import { parseWith } from "./helpers";

const node = (i: number): { name: string; address: string } => ({ name: `h${i}`, address: `10.213.0.1${i}` });
const rec = (i: number): MemberRecord => ({ name: `h${i}`, peerUrl: `https://10.213.0.1${i}:2380`, address: `10.213.0.1${i}` });
const nodes = (...ids: number[]): { name: string; address: string }[] => ids.map(node);
const record = (ids: number[], removed: number[] = []): MembershipRecord => ({ members: ids.map(rec), removed: removed.map(rec) });
const plan = (ids: number[], extra: Record<string, unknown> = {}) => planCluster(parseWith({ nodes: nodes(...ids), ...extra }));

function refusal(f: () => unknown): readonly string[] {
    try {
        f();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("expected a ConfigError");
}

describe("planMembership", () => {
    it("no previous record: every member bootstraps with initial-cluster-state new", () => {
        const m = planMembership(plan([1, 2, 3]), undefined, false);
        assert.deepEqual(m, { bootstrap: true, joining: [], leaving: [], removed: [], facts: { h1: { initialClusterState: "new" }, h2: { initialClusterState: "new" }, h3: { initialClusterState: "new" } } });
    });

    it("the same inventory again changes nothing", () => {
        const m = planMembership(plan([1, 2, 3]), record([1, 2, 3]), false);
        assert.deepEqual({ joining: m.joining, leaving: m.leaving, removed: m.removed, bootstrap: m.bootstrap }, { joining: [], leaving: [], removed: [], bootstrap: false });
        assert.deepEqual(describeMembership(m), []);
    });

    it("grow 1 → 3: joiners start existing, each with the member list it will find", () => {
        const m = planMembership(plan([1, 2, 3]), record([1]), false);
        assert.deepEqual(m.joining, ["h2", "h3"]);
        assert.deepEqual(m.facts.h1, { initialClusterState: "new" });
        assert.deepEqual(m.facts.h2, { initialClusterState: "existing", initialClusterEntries: [1, 2].map((i) => ({ name: `h${i}`, peerUrl: rec(i).peerUrl })) });
        assert.deepEqual(m.facts.h3, { initialClusterState: "existing", initialClusterEntries: [1, 2, 3].map((i) => ({ name: `h${i}`, peerUrl: rec(i).peerUrl })) });
        assert.deepEqual(describeMembership(m), [
            'membership: "h2" joins the running cluster (added as a learner, promoted once in sync)',
            'membership: "h3" joins the running cluster (added as a learner, promoted once in sync)',
        ]);
    });

    it("shrink 5 → 4 by one: the leaver is recorded as removed; a joiner's list keeps members that leave later", () => {
        const m = planMembership(plan([1, 2, 3, 4]), record([1, 2, 3, 4, 5]), false);
        assert.deepEqual(m.leaving, [rec(5)]);
        assert.deepEqual(m.removed, [rec(5)]);
        assert.deepEqual(describeMembership(m), ['membership: "h5" (https://10.213.0.15:2380) leaves the cluster (removed from the member list, then stopped)']);
        const swap = planMembership(plan([1, 2, 3, 6]), record([1, 2, 3, 4]), false);
        assert.deepEqual(swap.facts.h6.initialClusterEntries?.map((e) => e.name), ["h1", "h2", "h3", "h4", "h6"]);
    });

    it("removed members stay recorded, so their removal steps stay declared; a name that comes back joins again", () => {
        const later = planMembership(plan([1, 2, 3]), record([1, 2, 3], [5]), false);
        assert.deepEqual(later.removed, [rec(5)]);
        const back = planMembership(plan([1, 2, 3, 5]), record([1, 2, 3], [5]), false);
        assert.deepEqual(back.joining, ["h5"]);
        assert.deepEqual(back.removed, []);
        assert.deepEqual(membershipRecord(plan([1, 2, 3]), later), { members: [rec(1), rec(2), rec(3)], removed: [rec(5)] });
    });

    it("refusals, with the field and what to do", () => {
        assert.deepEqual(refusal(() => planMembership(plan([1, 2, 4]), { members: [rec(1), rec(2), { name: "h3", peerUrl: rec(4).peerUrl, address: rec(4).address }], removed: [] }, false)), [
            'nodes[2].name: "h4" takes over the peer URL https://10.213.0.14:2380 of member "h3", which leaves in the same up: a rename is a removal and an addition. Do it in two ups: first remove "h3" from nodes (its data is moved aside on its host), then add "h4"',
        ]);
        assert.deepEqual(refusal(() => planMembership(plan([1, 2, 3]), { members: [rec(1), rec(2), { ...rec(3), peerUrl: "https://10.213.0.99:2380" }], removed: [] }, false)), [
            'nodes[2].address: member "h3" is known to the cluster by its peer URL https://10.213.0.99:2380, and this change moves it to https://10.213.0.13:2380; etcd cannot move a member in place. Replace it in two ups: remove "h3" from nodes, then add it back with the new address (or under a new name)',
        ]);
        assert.deepEqual(refusal(() => planMembership(plan([4, 5, 6]), record([1, 2, 3]), true)), [
            "nodes: no member of the running cluster (h1, h2, h3) stays; keep at least one so the new members can join it",
        ]);
        assert.deepEqual(refusal(() => planMembership(plan([1, 2, 3]), record([1, 2, 3, 4, 5]), false)), [
            "nodes: 2 members leave at once (h4, h5); remove one per up, or set allowUnsafeMembershipChange: true to accept the risk to quorum",
        ]);
        assert.deepEqual(refusal(() => planMembership(plan([1, 2]), record([1, 2, 3]), false)), [
            "nodes: shrinking the cluster from 3 to 2 members leaves it without failure tolerance; set allowUnsafeMembershipChange: true if that is intended",
        ]);
        assert.deepEqual(refusal(() => planMembership(plan([1, 2, 3, 4], { layout: "static-pod" }), record([1, 2, 3]), false)), [
            'nodes: layout "static-pod" cannot add or remove members of a running cluster yet; keep the inventory as deployed (h1, h2, h3)',
        ]);
    });

    it("the override lets one up shrink by two and below three", () => {
        const m = planMembership(plan([1]), record([1, 2, 3]), true);
        assert.deepEqual(m.leaving.map((r) => r.name), ["h2", "h3"]);
    });
});
