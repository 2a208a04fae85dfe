// Component tests of snapshots and restore (pitfalls P14) under mocks: EtcdCluster creates
// EtcdBackups after its health gate; per snapshot member an EtcdSnapshots with its dirs, files
// and timer; on static-pod hosts the tools step; a restore in phases that span every member; the
// snapshot-first hook. Mocks first.
//
// What mocks can't prove: that the engine runs the phases in this order on real hosts, that
// systemd fires the timers, that etcdutl restores (test/e2e/snapshots.test.ts does), and, since
// the harness records no engine, the status the stack reads back from each host (it is
// "unknown" here by design: no host is touched without an engine).
import { RecordedResource, setupMocks, valueOf } from "../support/mocks";

const mocks = setupMocks((args) => {
    if (args.type === "random:index/randomId:RandomId") return { hex: "0123456789abcdef0123456789abcdef" };
    if (args.type === "command:remote:Command" && args.name.endsWith("-install")) return { stdout: "etcd Version: 3.6.16\n" };
    if (args.type === "command:remote:Command" && args.name === "rs-backups-restore-check") {
        return { stdout: '{"header":{"cluster_id":42,"member_id":1},"members":[{"ID":1,"name":"h1"}]}' };
    }
    return undefined;
});

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { snapshotBefore } from "../../components/etcd/etcdBackups";
import { EtcdCluster } from "../../components/etcd/etcdCluster";
import { planMembership } from "../../components/etcd/membership";
import { ClusterPlan, planCluster } from "../../components/etcd/plan";
import { renderSnapshotService, renderSnapshotTimer } from "../../components/etcd/renderSnapshotUnits";
import { renderSnapshotScript } from "../../components/etcd/snapshotScript";
import { restoreToken } from "../../components/etcd/restoreScripts";
import { decodeFileBundle } from "../../components/remote/shell";
import type { SshConnectionArgs } from "../../components/remote/connection";
import type { NodeConfig } from "../../components/types";
import { parseWith } from "../unit/helpers";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const TOKEN = "etcd-0123456789abcdef0123456789abcdef";

function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-backups-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}
const DIR = tempDir();
for (const b of ["etcd", "etcdctl", "etcdutl"]) fs.writeFileSync(path.join(DIR, b), `fake ${b}\n`);
const SNAPSHOT = path.join(DIR, "snap.db");
fs.writeFileSync(SNAPSHOT, "snapshot bytes");
const SNAPSHOT_SHA = "ee36ef8194c4dd1e734e6d64f62653008e6566dbd5e2cd7f289f0f4f3e4467a4";
const ENV = { ETCDHOSTS_ETCD_DIR_3_6: DIR };

/** A first `up` (no previous member list) of Pulumi.yaml's defaults, three nodes and `overrides`. */
function cluster(name: string, overrides: Record<string, unknown>): EtcdCluster {
    const plan: ClusterPlan = planCluster(parseWith(overrides));
    return new EtcdCluster(name, { plan, membership: planMembership(plan, undefined, false), sshPrivateKey: SSH_KEY, env: ENV });
}

const sd = cluster("sd", {});
cluster("two", { backupMembers: ["h2"], backupEachMember: true, wipeDataOnDestroy: true });
cluster("off", { backups: false });
cluster("sp", { layout: "static-pod", etcdImage: "etcdhosts.local/etcd:{version}" });
const rs = cluster("rs", { restore: { snapshot: SNAPSHOT, generation: 3, bumpRevision: 1000, markCompacted: true } });

const names = (rs: readonly RecordedResource[]): string[] => rs.map((r) => r.name).sort();
const deps = (r: RecordedResource): string[] => r.options.dependencies.map((urn) => urn.split("::").pop()!).sort();

test("after the gate, one EtcdSnapshots per member: dirs, files, timer", async () => {
    await mocks.settle();
    const backups = mocks.named("sd-backups");
    assert.equal(backups.type, "etcdhosts:etcd:EtcdBackups");
    assert.deepEqual(deps(backups), ["sd-health"]);
    assert.deepEqual(names(mocks.childrenOf("sd-backups")), ["sd-backups-h1-snapshots", "sd-backups-h2-snapshots", "sd-backups-h3-snapshots"]);
    assert.deepEqual(names(mocks.childrenOf("sd-backups-h2-snapshots")), ["sd-backups-h2-snapshots-dirs", "sd-backups-h2-snapshots-files", "sd-backups-h2-snapshots-timer"]);
    // Children don't inherit the component's dependsOn: the first step waits for the gate itself.
    assert.deepEqual(deps(mocks.named("sd-backups-h2-snapshots-dirs")), ["sd-health"]);
    assert.deepEqual(deps(mocks.named("sd-backups-h2-snapshots-timer")), ["sd-backups-h2-snapshots-files-write"]);
});

test("the files are the rendered script (0700) and units (0644), written secret-safe", async () => {
    await mocks.settle();
    const plan = planCluster(parseWith({}));
    const m = plan.members[1];
    const b = plan.backups!;
    const write = mocks.named("sd-backups-h2-snapshots-files-write");
    assert.deepEqual(decodeFileBundle(write.inputs.stdin), [renderSnapshotScript(m, b.tools.h2, b.schedule!), renderSnapshotService(m), renderSnapshotTimer(m, b.schedule!.members[1])]);
    assert.match(write.inputs.create, /\nstage 1 \/usr\/local\/sbin\/etcdhosts-snapshot \/usr\/local\/sbin\/\.tmp\.etcdhosts-snapshot 0700 root root\n/);
    assert.match(write.inputs.create, /\nstage 2 \/etc\/systemd\/system\/etcdhosts-snapshot\.service \S+ 0644 root root\n/);
    assert.match(write.inputs.create, /\nstage 3 \/etc\/systemd\/system\/etcdhosts-snapshot\.timer \S+ 0644 root root\n/);
    assert.equal(write.inputs.logging, "none");
    const timer = mocks.named("sd-backups-h2-snapshots-timer");
    assert.match(timer.inputs.create, /systemctl daemon-reload\nsystemctl enable etcdhosts-snapshot\.timer\nsystemctl restart etcdhosts-snapshot\.timer'$/);
    assert.equal(timer.inputs.delete, "sh -c 'set -eu\nsystemctl disable --now etcdhosts-snapshot.timer 2>/dev/null || true\nsystemctl daemon-reload'");
});

test("snapshots outlive the stack unless wipeDataOnDestroy; backupMembers picks the hosts", async () => {
    await mocks.settle();
    const kept = mocks.named("sd-backups-h1-snapshots-dirs");
    assert.equal(kept.inputs.delete, undefined);
    assert.equal(kept.options.retainOnDelete, true);
    assert.deepEqual(names(mocks.childrenOf("two-backups")), ["two-backups-h2-snapshots"]);
    const wiped = mocks.named("two-backups-h2-snapshots-dirs");
    assert.equal(wiped.inputs.delete, "sh -c 'set -eu\nrm -rf -- /var/lib/etcdhosts/snapshots /var/lib/etcdhosts/snapshot.status\nrmdir -- /var/lib/etcdhosts 2>/dev/null || true'");
    assert.equal(wiped.options.retainOnDelete, false);
    assert.equal(mocks.resources.filter((r) => r.name.startsWith("off-backups")).length, 0);
});

test("static pods: the tools come out of the running image first, then the timers", async () => {
    await mocks.settle();
    for (const n of ["h1", "h2", "h3"]) {
        const tools = mocks.named(`sp-backups-${n}-tools`);
        assert.match(tools.inputs.create, /^sh -c '# etcdhosts snapshot tools from etcdhosts\.local\/etcd:3\.6\.16\n/);
        assert.match(tools.inputs.create, /src="\/proc\/\$pid\/root/);
        assert.deepEqual(deps(tools), ["sp-health"]);
        assert.deepEqual(deps(mocks.named(`sp-backups-${n}-snapshots-dirs`)), [`sp-backups-${n}-tools`]);
    }
    const [script] = decodeFileBundle(mocks.named("sp-backups-h1-snapshots-files-write").inputs.stdin);
    assert.match(script, /ctl\(\) \{ \/var\/lib\/etcdhosts\/bin\/etcdctl --cacert=\/etc\/kubernetes\/pki\/etcd\/ca\.crt /);
});

test("a restore: upload and prepare everywhere, then restore everywhere, then start everywhere, then one check", async () => {
    await mocks.settle();
    const nodes = ["h1", "h2", "h3"];
    assert.deepEqual(names(mocks.childrenOf("rs-backups-restore")), [
        "rs-backups-restore-check",
        ...nodes.flatMap((n) => ["prepare", "restore", "stage", "start", "upload"].map((r) => `rs-backups-restore-${n}-${r}`)),
    ].sort());
    for (const n of nodes) {
        const upload = mocks.named(`rs-backups-restore-${n}-upload`);
        assert.equal(upload.inputs.remotePath, "/var/lib/etcdhosts/restore/snapshot.db");
        assert.deepEqual(upload.inputs.triggers, [SNAPSHOT_SHA, "3"]);
        assert.deepEqual(deps(mocks.named(`rs-backups-restore-${n}-prepare`)), [`rs-backups-restore-${n}-upload`, "rs-token"]);
        assert.deepEqual(deps(mocks.named(`rs-backups-restore-${n}-restore`)), [...nodes.map((o) => `rs-backups-restore-${o}-prepare`), "rs-token"]);
        assert.deepEqual(deps(mocks.named(`rs-backups-restore-${n}-start`)), [...nodes.map((o) => `rs-backups-restore-${o}-restore`), "rs-token"]);
        const restore = mocks.named(`rs-backups-restore-${n}-restore`).inputs.create as string;
        assert.match(restore, new RegExp(`--initial-cluster-token ${restoreToken(TOKEN, 3)} `));
        assert.match(restore, / --bump-revision 1000 --mark-compacted /);
        assert.match(mocks.named(`rs-backups-restore-${n}-prepare`).inputs.create, new RegExp(`sha256 ${SNAPSHOT_SHA}`));
    }
    // The restore waits for the timers (it stops and restarts them), and they for the gate.
    const timers = nodes.map((n) => `rs-backups-${n}-snapshots-timer`);
    assert.deepEqual(deps(mocks.named("rs-backups-restore")), timers);
    assert.deepEqual(deps(mocks.named("rs-backups-restore-h1-stage")), timers);
    assert.deepEqual(deps(mocks.named("rs-backups-restore-check")), nodes.map((n) => `rs-backups-restore-${n}-start`));
    assert.equal(await valueOf(rs.backups!.restoredClusterId!), "42");
});

test("the hook: a snapshot now on a snapshot host, again when its reason changes; none without snapshots", async () => {
    const plan = planCluster(parseWith({}));
    const connect = (n: NodeConfig): SshConnectionArgs => ({ host: n.sshHost, port: n.sshPort, user: n.sshUser, privateKey: SSH_KEY, hostKey: n.hostKey });
    const hook = snapshotBefore("before-upgrade", { plan, connect, reason: "etcd 3.6.16 → 3.6.17", member: "h2" }, { parent: sd });
    snapshotBefore("before-first", { plan, connect, reason: "member add h4", member: undefined }, { parent: sd });
    await mocks.settle();
    const r = mocks.named("before-upgrade");
    assert.ok(hook !== undefined);
    assert.equal(r.inputs.connection.host, "10.213.0.12");
    assert.equal(r.inputs.create, [
        "sh -c '# etcdhosts snapshot before: etcd 3.6.16 → 3.6.17",
        "set -eu",
        'if [ ! -x /usr/local/sbin/etcdhosts-snapshot ]; then echo "etcdhosts: no snapshot before this change: snapshots are not set up on $(uname -n) yet"; exit 0; fi',
        "/usr/local/sbin/etcdhosts-snapshot now'",
    ].join("\n"));
    assert.equal(mocks.named("before-first").inputs.connection.host, "10.213.0.11");
    assert.equal(snapshotBefore("never", { plan: planCluster(parseWith({ backups: false })), connect, reason: "x", member: undefined }, {}), undefined);
    assert.equal(snapshotBefore("never", { plan: planCluster(parseWith({ backupMembers: ["h1"] })), connect, reason: "x", member: "h3" }, {}), undefined);
    assert.equal(cluster("x", { backups: false }).backups, undefined);
});

test("a snapshot file the runner cannot read fails at construction, naming restore.snapshot", () => {
    assert.throws(
        () => cluster("bad", { restore: { snapshot: path.join(DIR, "missing.db"), generation: 1 } }),
        (e: Error) => e.message === `restore.snapshot: ${path.join(DIR, "missing.db")} cannot be read (ENOENT)`,
    );
});
