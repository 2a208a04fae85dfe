// Membership as configuration: what this `up` changes in the running cluster's member list,
// decided before any resource exists from the plan and the membership the stack's previous `up`
// recorded (stacks/previous.ts). Pure.
//
// - No previous record: the members bootstrap together (`initial-cluster-state: new`).
// - A node new to the inventory joins: added as a learner on the running cluster, started with
//   `existing` and the current member list, promoted once in sync, one joiner at a time.
// - A node gone from the inventory leaves: removed from the member list by its own host before
//   its etcd stops (the member step's delete), its data dir moved aside unless wipe is on.
//
// Changes etcd cannot make safely in one step are refused here, naming the field: a rename (the
// same peer URL under a new name), a member whose peer URL changes, replacing every member at
// once, and shrinking by more than one member or below three without the explicit override.

import { ConfigError } from "../configError";
import type { MemberOptions } from "./member";
import type { ClusterPlan } from "./plan";

/** What a deployed stack records of each member, as its `membership` output. */
export interface MemberRecord {
    readonly name: string;
    /** The peer URL etcd knows the member by. */
    readonly peerUrl: string;
    /** The node's `address`, for messages. */
    readonly address: string;
}

/**
 * The `membership` output of a deployed stack: its members, and the members removed from it
 * (kept so that the step that removed each stays declared and the next `up` changes nothing).
 */
export interface MembershipRecord {
    readonly members: readonly MemberRecord[];
    readonly removed: readonly MemberRecord[];
}

/** See the file header. */
export interface MembershipPlan {
    /** True when no previous `up` recorded a membership: every member bootstraps. */
    readonly bootstrap: boolean;
    /** Names of the nodes that join in this `up`, in inventory order. */
    readonly joining: readonly string[];
    /** Members of the previous `up` that leave in this one. */
    readonly leaving: readonly MemberRecord[];
    /** Every member removed so far, those leaving now included: each keeps its removal step. */
    readonly removed: readonly MemberRecord[];
    /** The facts each member's configuration is rendered with (token bound later). */
    readonly facts: Readonly<Record<string, Omit<MemberOptions, "initialClusterToken">>>;
}

/** The members of a plan as the stack records them. */
export function memberRecords(plan: ClusterPlan): MemberRecord[] {
    return plan.members.map((m) => ({ name: m.name, peerUrl: m.peer.advertiseUrls[0], address: m.node.address }));
}

/** What the stack exports once an `up` succeeded. */
export function membershipRecord(plan: ClusterPlan, membership: MembershipPlan): MembershipRecord {
    return { members: memberRecords(plan), removed: [...membership.removed] };
}

/** Facts of every member, and the changes, for a plan given the previous record. */
export function planMembership(plan: ClusterPlan, record: MembershipRecord | undefined, allowUnsafe: boolean): MembershipPlan {
    const all = plan.members.map((m) => m.name);
    if (record === undefined || record.members.length === 0) {
        return {
            bootstrap: true,
            joining: [],
            leaving: [],
            removed: [],
            facts: Object.fromEntries(all.map((n) => [n, { initialClusterState: "new" }])),
        };
    }
    const previous = record.members;
    const problems: string[] = [];
    const wanted = new Map(memberRecords(plan).map((r) => [r.name, r]));
    const before = new Map(previous.map((r) => [r.name, r]));
    const staying = previous.filter((r) => wanted.has(r.name));
    const leaving = previous.filter((r) => !wanted.has(r.name));
    const joining = plan.members.filter((m) => !before.has(m.name));

    for (const r of staying) {
        const now = wanted.get(r.name)!;
        if (now.peerUrl !== r.peerUrl) {
            const i = all.indexOf(r.name);
            problems.push(
                `nodes[${i}].address: member "${r.name}" is known to the cluster by its peer URL ${r.peerUrl}, and this change moves it to ${now.peerUrl}; etcd cannot move a member in place. Replace it in two ups: remove "${r.name}" from nodes, then add it back with the new address (or under a new name)`,
            );
        }
    }
    for (const j of joining) {
        const url = j.peer.advertiseUrls[0];
        const taken = leaving.find((r) => r.peerUrl === url);
        if (taken !== undefined) {
            problems.push(
                `nodes[${j.index}].name: "${j.name}" takes over the peer URL ${url} of member "${taken.name}", which leaves in the same up: a rename is a removal and an addition. Do it in two ups: first remove "${taken.name}" from nodes (its data is moved aside on its host), then add "${j.name}"`,
            );
        }
    }
    if (staying.length === 0) {
        problems.push(`nodes: no member of the running cluster (${previous.map((r) => r.name).join(", ")}) stays; keep at least one so the new members can join it`);
    }
    if (!plan.layout.membershipChanges && (joining.length > 0 || leaving.length > 0)) {
        problems.push(`nodes: layout "${plan.layout.name}" cannot add or remove members of a running cluster yet; keep the inventory as deployed (${previous.map((r) => r.name).join(", ")})`);
    }
    const after = staying.length + joining.length;
    if (!allowUnsafe && leaving.length > 1) {
        problems.push(
            `nodes: ${leaving.length} members leave at once (${leaving.map((r) => r.name).join(", ")}); remove one per up, or set allowUnsafeMembershipChange: true to accept the risk to quorum`,
        );
    }
    if (!allowUnsafe && leaving.length > 0 && after < 3 && after < previous.length) {
        problems.push(
            `nodes: shrinking the cluster from ${previous.length} to ${after} member${after === 1 ? "" : "s"} leaves it without failure tolerance; set allowUnsafeMembershipChange: true if that is intended`,
        );
    }
    if (problems.length > 0) throw new ConfigError(problems, plan.config.warnings);

    // A joiner starts with exactly the member list it will find: the previous members (those
    // leaving are removed only after every joiner is in), the joiners before it, and itself.
    const facts: Record<string, Omit<MemberOptions, "initialClusterToken">> = {};
    for (const m of plan.members) facts[m.name] = { initialClusterState: "new" };
    const current = [...previous.map((r) => ({ name: r.name, peerUrl: r.peerUrl }))];
    for (const j of joining) {
        current.push({ name: j.name, peerUrl: j.peer.advertiseUrls[0] });
        facts[j.name] = { initialClusterState: "existing", initialClusterEntries: [...current] };
    }
    // A removed name that comes back is a joiner again, no longer a removed member.
    const removed = [...record.removed.filter((r) => !wanted.has(r.name) && !leaving.some((l) => l.name === r.name)), ...leaving];
    return { bootstrap: false, joining: joining.map((j) => j.name), leaving, removed, facts };
}

/** One line per change, for the preview: which member joins, which leaves. */
export function describeMembership(m: MembershipPlan): string[] {
    return [
        ...m.joining.map((n) => `membership: "${n}" joins the running cluster (added as a learner, promoted once in sync)`),
        ...m.leaving.map((r) => `membership: "${r.name}" (${r.peerUrl}) leaves the cluster (removed from the member list, then stopped)`),
    ];
}
