// Membership as configuration, end to end on one bed of five systemd hosts with the real CLI:
// grow 1 → 3 → 5 and shrink 5 → 4 → 3 with `up` while a client writes every 20 ms, then a
// rename refused at preview. Each step checks the member list etcd reports, that every member
// votes and is healthy, and that no acknowledged write is lost.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/membership.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Inventory, downBed } from "../support/testbed";
import { bedKnownHosts, bootBed, hostOk, secs, systemdConfig } from "../support/e2e";
import { SandboxStack, bedNodes, preview, sandboxStack, up } from "../support/sandboxStack";
import { EtcdClient, run } from "../support/etcdClient";
import { removeDeadLocks } from "../../scripts/lib/deadLocks";

const BED = "e2emem";
const STACK = "e2e-membership";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";

interface Member {
    name: string;
    isLearner?: boolean;
    clientURLs?: string[];
}

describe("membership changes with pulumi up", { skip, timeout: 40 * 60_000 }, () => {
    let inv: Inventory;
    let s: SandboxStack | undefined;
    let unregister: () => void = () => undefined;
    let outputs: Record<string, unknown> = {};
    /** Every write acknowledged so far, across all steps: all must be readable at the end. */
    const acknowledged = new Map<string, string>();

    const nodes = (count: number) => bedNodes(inv, count);
    const config = (count: number) => systemdConfig(nodes(count), { knownHosts: bedKnownHosts(inv) });

    before(async () => {
        ({ inv, unregister } = await bootBed(BED, 5));
        s = await sandboxStack(STACK, config(1), { sshKeyFile: inv.sshPrivateKeyPath });
    });

    after(async () => {
        try {
            if (s !== undefined) await s.dispose();
        } finally {
            await downBed(BED);
            unregister();
        }
    });

    /** The member list as etcd reports it, through the given outputs' endpoints. */
    async function members(out: Record<string, unknown>): Promise<Member[]> {
        const c = EtcdClient.fromOutputs(out);
        try {
            const list = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as { members: Member[] };
            return list.members;
        } finally {
            c.dispose();
        }
    }

    /** `up` to `count` members while a client writes through the previous endpoints; the write counts. */
    async function changeUnderWrites(t: { diagnostic(m: string): void }, count: number, prefix: string): Promise<void> {
        const stack = s as SandboxStack;
        const client = EtcdClient.fromOutputs(outputs);
        const loop = client.startWriteLoop({ prefix, intervalMs: 20, maxWrites: 15_000, maxDurationMs: 5 * 60_000, attempts: 5, attemptTimeoutMs: 3000 });
        await new Promise((r) => setTimeout(r, 500));
        stack.setConfig(config(count));
        const t0 = Date.now();
        let upError: unknown;
        try {
            outputs = await up(stack);
        } catch (e) {
            upError = e;
        }
        const result = await loop.stop();
        client.dispose();
        t.diagnostic(`up to ${count} members took ${secs(Date.now() - t0)}; writes ${result.writes}, acknowledged ${result.acknowledged.size}, retried ${result.retried.length}, failed ${result.failed.length}`);
        for (const r of result.failed.slice(0, 3)) t.diagnostic(`failed ${r.key}: ${r.errors.join(" | ")}`);
        if (upError !== undefined) throw upError;
        assert.equal(result.stoppedBy, "stop", "the write loop hit its bound before the change was done");
        for (const [k, v] of result.acknowledged) acknowledged.set(k, v);
        // Writes fail only while a leader election is in flight; retried on the next member.
        assert.ok(result.failed.length <= 5, `${result.failed.length} writes failed`);
        assert.ok(result.writes > 50, `only ${result.writes} writes during the change`);

        const names = inv.hosts.slice(0, count).map((h) => h.name);
        assert.deepEqual(outputs.memberNames, names);
        const list = await members(outputs);
        assert.deepEqual(list.map((m) => m.name).sort(), [...names].sort());
        assert.deepEqual(list.filter((m) => m.isLearner === true).map((m) => m.name), [], "every member votes");
        const c = EtcdClient.fromOutputs(outputs);
        try {
            const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "-w", "json"])) as { endpoint: string; health: boolean }[];
            assert.deepEqual(health.filter((h) => !h.health), [], JSON.stringify(health));
            const stored = await c.getPrefix("/e2e/mem/");
            const missing = [...acknowledged].filter(([k, v]) => stored.get(k) !== v).map(([k]) => k);
            assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged writes not readable`);
        } finally {
            c.dispose();
        }
    }

    it("1. one member bootstraps alone", { timeout: 10 * 60_000 }, async (t) => {
        const t0 = Date.now();
        outputs = await up(s as SandboxStack);
        t.diagnostic(`up of 1 member took ${secs(Date.now() - t0)}`);
        assert.deepEqual((await members(outputs)).map((m) => m.name), ["h1"]);
        assert.deepEqual(outputs.membership, { members: [{ name: "h1", peerUrl: `https://${inv.hosts[0].address}:2380`, address: inv.hosts[0].address }], removed: [] });
    });

    it("2. grow 1 → 3 under writes: learners added one at a time, promoted, no write lost", { timeout: 10 * 60_000 }, async (t) => {
        await changeUnderWrites(t, 3, "/e2e/mem/grow3-");
        // The joiners started from the running cluster's member list, never a cluster of their own.
        for (const h of inv.hosts.slice(1, 3)) {
            const journal = await hostOk(BED, h, "journalctl -u etcd.service --no-pager -o cat | grep -c 'cluster ID mismatch' || true");
            assert.equal(journal, "0", `${h.name} saw another cluster`);
        }
    });

    it("3. grow 3 → 5 under writes", { timeout: 10 * 60_000 }, async (t) => {
        await changeUnderWrites(t, 5, "/e2e/mem/grow5-");
    });

    it("4. shrink 5 → 4 → 3 under writes, one member per up; the removed hosts stop etcd", { timeout: 15 * 60_000 }, async (t) => {
        await changeUnderWrites(t, 4, "/e2e/mem/shrink4-");
        await changeUnderWrites(t, 3, "/e2e/mem/shrink3-");
        for (const h of inv.hosts.slice(3)) {
            assert.equal(await hostOk(BED, h, "systemctl is-active etcd.service || true"), "inactive", h.name);
        }
        assert.deepEqual((outputs.membership as { removed: { name: string }[] }).removed.map((r) => r.name), ["h5", "h4"]);
    });

    it("5. an up killed with SIGKILL just after a member add converges on the next up", { timeout: 15 * 60_000 }, async (t) => {
        const stack = s as SandboxStack;
        stack.setConfig(config(4));
        // Kill the CLI (and what it started) the moment h4's join step has run: h4 is then in
        // the member list as an unstarted learner, and the stack records no membership change.
        let killed = false;
        const upRun = stack.stack
            .up({
                color: "never",
                onOutput: (o) => {
                    if (!killed && /etcd-h4-join created/.test(o)) {
                        killed = true;
                        // The CLI and its whole tree (language host, program, plugins), at once.
                        const tree = 'k() { for c in $(pgrep -P "$1"); do k "$c"; done; kill -9 "$1" 2>/dev/null; }; for p in $(pgrep -f -- "$0"); do k "$p"; done';
                        void run("sh", ["-c", tree, `up --yes .*--stack ${STACK} --non-interactive`]);
                    }
                },
            })
            .then(() => "finished", (e: Error) => `failed: ${e.message.split("\n")[0]}`);
        t.diagnostic(`killed up: ${await upRun}`);
        assert.ok(killed, "the up was not killed after h4's join");
        // What a kill leaves: the dead CLI's lock (the file backend has no `pulumi cancel`).
        t.diagnostic(`dead locks removed: ${removeDeadLocks(STACK).length}`);
        const stuck = await members(outputs);
        t.diagnostic(`member list after the kill: ${stuck.map((m) => `${m.name || "(unstarted)"}${m.isLearner ? " learner" : ""}`).join(", ")}`);
        assert.equal(stuck.length, 4, "h4 was added before the kill");

        const t0 = Date.now();
        outputs = await up(stack);
        t.diagnostic(`converging up took ${secs(Date.now() - t0)}`);
        const list = await members(outputs);
        assert.deepEqual(list.map((m) => m.name).sort(), ["h1", "h2", "h3", "h4"], "no duplicate, no orphaned learner");
        assert.deepEqual(list.filter((m) => m.isLearner === true), []);
        // Back to three for the refusals below (one member per up).
        stack.setConfig(config(3));
        outputs = await up(stack);
        assert.deepEqual((await members(outputs)).map((m) => m.name).sort(), ["h1", "h2", "h3"]);
    });

    it("6. two members at once, or a rename, are refused at preview, naming the field", { timeout: 10 * 60_000 }, async () => {
        const stack = s as SandboxStack;
        stack.setConfig(config(1));
        await assert.rejects(preview(stack), /nodes: 2 members leave at once \(h2, h3\); remove one per up, or set allowUnsafeMembershipChange: true/);
        const renamed = nodes(3).map((n) => (n.name === "h3" ? { ...n, name: "h3x" } : n));
        stack.setConfig(systemdConfig(renamed, { knownHosts: bedKnownHosts(inv) }));
        await assert.rejects(preview(stack), /nodes\[2\]\.name: "h3x" takes over the peer URL https:\/\/[0-9.]+:2380 of member "h3", which leaves in the same up: a rename is a removal and an addition/);
        // Back to the deployed inventory: nothing to do, the refusals touched nothing.
        stack.setConfig(config(3));
        const p = await preview(stack);
        assert.equal(p.changeSummary.create ?? 0, 0, JSON.stringify(p.changeSummary));
        assert.equal(p.changeSummary.delete ?? 0, 0, JSON.stringify(p.changeSummary));
    });
});
