// Snapshots and restore end to end (pitfalls P14), on one bed of four kubelet-variant hosts:
// h1..h3 run the systemd layout (stack e2e-snapshots), h4 a one-member static-pod cluster (stack
// e2e-snapshots-spod). 10 000 keys, a snapshot through the timer, retention, a refusal on a
// nearly full disk, `npm run snapshot`, every data dir wiped and restored through config, the
// quorum-loss recovery the README gives, and the static pod's snapshot and restore.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/snapshots.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Inventory, InventoryHost, downBed, readInventory, registerBedTeardown, runTb, sshHost } from "../support/testbed";
import { bedKnownHosts, hostOk, secs, systemdConfig } from "../support/e2e";
import { REPO_ROOT, SandboxStack, StackConfig, bedNodes, preview, sandboxStack, up } from "../support/sandboxStack";
import { EtcdClient, run } from "../support/etcdClient";

const BED = "e2esnap";
const STACK = "e2e-snapshots";
const SPOD_STACK = "e2e-snapshots-spod";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";
const SNAPSHOTS = "/var/lib/etcdhosts/snapshots";
const STATUS = "/var/lib/etcdhosts/snapshot.status";
const ETCD_IMAGE_REPO = spawnSync("bash", ["-c", '. toolchain/images/images.env; echo "$ETCD_IMAGE_REPO"'], { cwd: REPO_ROOT, encoding: "utf8" }).stdout.trim();

const ok = (host: InventoryHost, command: string): Promise<string> => hostOk(BED, host, command);

/** `key=value` lines of a host's status file. */
async function status(host: InventoryHost): Promise<Record<string, string>> {
    const text = await ok(host, `cat ${STATUS}`);
    return Object.fromEntries(text.split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

/** Writes `count` keys `${prefix}NNNNN` in transactions of 100 puts (etcd allows 128 per txn). */
function writeKeys(c: EtcdClient, prefix: string, count: number): void {
    for (let b = 0; b < count; b += 100) {
        const puts = Array.from({ length: Math.min(100, count - b) }, (_, i) => `put ${prefix}${String(b + i).padStart(5, "0")} v${b + i}`);
        const r = spawnSync(c.etcdctlPath, [`--endpoints=${c.endpoints.join(",")}`, ...c.tlsArgs(), "txn"], { input: `\n${puts.join("\n")}\n\n\n`, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
    }
}

/** `npm run snapshot` as a user types it (through scripts/run.sh), with the bed's key; host keys as the stack pins them. */
function pullSnapshot(inv: Inventory, stack: string, out: string, now = false): { file: string; revision: number; hash: number; totalKeys: number; size: number; sha256: string; member: string } {
    const args = ["scripts/run.sh", "snapshot", "--stack", stack, "--out", out, "--ssh-key", inv.sshPrivateKeyPath, ...(now ? ["--now"] : [])];
    const r = spawnSync("bash", args, { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 });
    assert.equal(r.status, 0, `npm run snapshot failed:\n${r.stderr}`);
    return JSON.parse(r.stdout);
}

/** Stops etcd and empties the data dir, marker included (what a lost disk leaves). */
async function wipeMember(host: InventoryHost): Promise<void> {
    await ok(host, "systemctl kill -s KILL etcd.service 2>/dev/null; systemctl stop etcd.service; find /var/lib/etcd -mindepth 1 -delete");
}

describe("snapshots and restore", { skip, timeout: 30 * 60_000 }, () => {
    let inv: Inventory;
    let hosts: InventoryHost[];
    let spodHost: InventoryHost;
    let s: SandboxStack | undefined;
    let spod: SandboxStack | undefined;
    let client: EtcdClient | undefined;
    let outputs: Record<string, unknown> = {};
    let spodOutputs: Record<string, unknown> = {};
    let config: StackConfig = {};
    let tmp = "";
    let unregister: () => void = () => undefined;
    /** The newest snapshot pulled to the runner, and the revision the cluster had. */
    let pulled: ReturnType<typeof pullSnapshot> | undefined;

    before(async () => {
        unregister = registerBedTeardown(BED);
        const t0 = Date.now();
        const r = await runTb(["up", "4", "--bed", BED, "--image", "kubelet"], { timeoutMs: 90 * 60_000 });
        assert.equal(r.code, 0, `tb up failed:\n${r.stderr}`);
        inv = readInventory(r.stdout.trim().split("\n").pop() ?? "");
        hosts = inv.hosts.slice(0, 3);
        spodHost = inv.hosts[3];
        console.log(`# bed ${BED} up in ${secs(Date.now() - t0)}`);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-e2esnap-"));
        config = systemdConfig(bedNodes(inv, 3), { backupRetain: 2, knownHosts: bedKnownHosts(inv) });
        s = await sandboxStack(STACK, config, { sshKeyFile: inv.sshPrivateKeyPath });
        spod = await sandboxStack(SPOD_STACK, spodConfig(inv), { sshKeyFile: inv.sshPrivateKeyPath });
    });

    after(async () => {
        client?.dispose();
        try {
            await Promise.all([s?.dispose(), spod?.dispose()]);
        } finally {
            await downBed(BED);
            unregister();
            if (tmp !== "") fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("1. up: a timer on every host, a root-only snapshot dir, each host in the snapshots output", { timeout: 10 * 60_000 }, async (t) => {
        const t0 = Date.now();
        [outputs, spodOutputs] = await Promise.all([up(s!), up(spod!)]);
        t.diagnostic(`pulumi up of both stacks took ${secs(Date.now() - t0)}`);
        client = EtcdClient.fromOutputs(outputs);
        const snaps = outputs.snapshots as Record<string, { schedule: string; status: { result: string } }>;
        assert.deepEqual(Object.keys(snaps), ["h1", "h2", "h3"]);
        for (const h of hosts) {
            assert.equal(snaps[h.name].schedule, "*-*-* 00/6:00:00 UTC");
            assert.equal(snaps[h.name].status.result, "none");
            assert.equal(await ok(h, "systemctl is-active etcdhosts-snapshot.timer etcd.service"), "active\nactive");
            assert.equal(await ok(h, `stat -c '%a %U' ${SNAPSHOTS} /usr/local/sbin/etcdhosts-snapshot /usr/local/bin/etcdutl`), "700 root\n700 root\n755 root");
        }
    });

    it("2. 10 000 keys and a snapshot through the timer: one member takes it, verified, 0600; retention keeps exactly N", { timeout: 10 * 60_000 }, async (t) => {
        const c = client!;
        let t0 = Date.now();
        writeKeys(c, "k/", 10_000);
        t.diagnostic(`10 000 keys written in ${secs(Date.now() - t0)}`);
        // Every timer fires at the same step; triggering all three is what the timer does.
        t0 = Date.now();
        await Promise.all(hosts.map((h) => ok(h, "systemctl start etcdhosts-snapshot.service")));
        t.diagnostic(`snapshot of 10 000 keys through the timer's service: ${secs(Date.now() - t0)}`);
        const all = await Promise.all(hosts.map(status));
        const taken = all.filter((x) => x.result === "ok");
        assert.equal(taken.length, 1, JSON.stringify(all));
        const taker = hosts.find((h) => h.name === taken[0].member)!;
        for (const x of all.filter((y) => y.result !== "ok")) assert.equal(x.message, `member ${taker.name} is healthy and takes the snapshot of this interval`);
        assert.equal(Number(taken[0].total_keys) >= 10_000, true, JSON.stringify(taken[0]));
        const file = `${SNAPSHOTS}/${taken[0].file}`;
        assert.equal(await ok(taker, `stat -c '%a %U' ${file}`), "600 root");
        const st = JSON.parse(await ok(taker, `etcdutl snapshot status -w json ${file}`)) as { hash: number; revision: number; totalKey: number };
        assert.deepEqual([st.hash, st.revision], [Number(taken[0].hash), Number(taken[0].revision)]);
        assert.equal(await ok(taker, `sha256sum ${file} | cut -d ' ' -f 1`), taken[0].sha256);
        // backupRetain: 2. Three more (a second apart, the names carry the second): still exactly two.
        await ok(taker, "for i in 1 2 3; do sleep 1; etcdhosts-snapshot now >/dev/null; done");
        assert.equal(await ok(taker, `ls ${SNAPSHOTS} | grep -c '^etcd-snapshot-'`), "2");
        assert.equal(await ok(taker, `ls -A ${SNAPSHOTS} | grep -c '^\\.tmp' || true`), "0");
    });

    it("3. a nearly full disk: the member whose turn it is refuses, the unit fails, no partial file", { timeout: 5 * 60_000 }, async () => {
        // A 2 MiB file system over the snapshot dir of every member: below backupMinFreeMiB (1024).
        await Promise.all(hosts.map((h) => ok(h, `mount -t tmpfs -o size=2m,mode=0700 tmpfs ${SNAPSHOTS}`)));
        try {
            const runs = await Promise.all(hosts.map((h) => sshHost(h, "systemctl start etcdhosts-snapshot.service", { bed: BED })));
            const failed = hosts.filter((_, i) => runs[i].code !== 0);
            assert.equal(failed.length, 1, JSON.stringify(runs));
            const h = failed[0];
            assert.equal(await ok(h, "systemctl is-failed etcdhosts-snapshot.service || true"), "failed");
            const msg = `refusing to take a snapshot: 2 MiB free on the file system of ${SNAPSHOTS}, below the database size (0 MiB) plus backupMinFreeMiB (1024 MiB)`;
            const db = (await status(h)).message;
            assert.match(db, /^refusing to take a snapshot: 2 MiB free on the file system of \/var\/lib\/etcdhosts\/snapshots, below the database size \([0-9]+ MiB\) plus backupMinFreeMiB \(1024 MiB\)$/, msg);
            assert.match(await ok(h, "journalctl -u etcdhosts-snapshot.service -n 20 --no-pager"), /etcdhosts-snapshot: refusing to take a snapshot: 2 MiB free/);
            assert.equal(await ok(h, `ls -A ${SNAPSHOTS}`), ".lock");
            const st = await status(h);
            assert.equal(st.result, "failed");
            assert.notEqual(st.last_success, "", "the last success stays in the status");
        } finally {
            await Promise.all(hosts.map((h) => ok(h, `umount ${SNAPSHOTS}`)));
        }
    });

    it("4. npm run snapshot pulls the newest verified snapshot, with revision, hash and size", { timeout: 5 * 60_000 }, async (t) => {
        const t0 = Date.now();
        pulled = pullSnapshot(inv, STACK, path.join(tmp, "pull"));
        t.diagnostic(`npm run snapshot took ${secs(Date.now() - t0)}: ${JSON.stringify(pulled)}`);
        assert.equal(fs.statSync(pulled.file).mode & 0o777, 0o600);
        assert.ok(pulled.totalKeys >= 10_000 && pulled.revision > 0 && pulled.size === fs.statSync(pulled.file).size);
        const local = JSON.parse((await run(path.join(path.dirname(client!.etcdctlPath), "etcdutl"), ["snapshot", "status", "-w", "json", pulled.file])).stdout) as { hash: number; revision: number };
        assert.deepEqual([local.hash, local.revision], [pulled.hash, pulled.revision]);
    });

    it("5. every data dir wiped, restored through config: all keys, equal hashkv, a new cluster ID, revisions bumped, writes accepted", { timeout: 10 * 60_000 }, async (t) => {
        const c = client!;
        const statusBefore = JSON.parse(await c.etcdctlOk(["endpoint", "status", "-w", "json"])) as { Status: { header: { cluster_id: number; revision: number } } }[];
        const oldCluster = String(outputs.clusterId);
        await Promise.all(hosts.map(wipeMember));
        config = { ...config, restore: { snapshot: pulled!.file, generation: 1, bumpRevision: 1_000_000, markCompacted: true } };
        s!.setConfig(config);
        const t0 = Date.now();
        outputs = await up(s!);
        t.diagnostic(`restore to healthy (pulumi up, 10 000 keys): ${secs(Date.now() - t0)}`);
        // The output read at the start of this up shows the refusal of test 3.
        const results = Object.values(outputs.snapshots as Record<string, { status: { result: string } }>).map((x) => x.status.result).sort();
        assert.deepEqual(results, ["failed", "skipped", "skipped"]);
        assert.equal((await c.getPrefix("k/")).size, 10_000);
        const hashes = JSON.parse(await c.etcdctlOk(["endpoint", "hashkv", "-w", "json"])) as { HashKV: { hash: number } }[];
        assert.equal(new Set(hashes.map((h) => h.HashKV.hash)).size, 1, JSON.stringify(hashes));
        const after = JSON.parse(await c.etcdctlOk(["endpoint", "status", "-w", "json"])) as { Status: { header: { cluster_id: number; revision: number } } }[];
        assert.notEqual(String(outputs.restoredClusterId), oldCluster);
        assert.ok(after.every((e) => e.Status.header.revision >= pulled!.revision + 1_000_000), JSON.stringify(after.map((e) => e.Status.header)));
        assert.ok(after[0].Status.header.revision > statusBefore[0].Status.header.revision);
        await c.etcdctlOk(["put", "after-restore", "yes"]);
        assert.equal((await c.etcdctlOk(["get", "after-restore", "--print-value-only"])).trim(), "yes");
        // Old data moved aside, never deleted (here: only the marker-less empty dir, nothing to move).
        for (const h of hosts) assert.equal(await ok(h, "cat /var/lib/etcdhosts/restored-generation | cut -d ' ' -f 2"), "1");
        // Leaving the generation alone restores nothing.
        await preview(s!, { expectNoChanges: true });
    });

    it("6. quorum loss: two members killed and wiped; a restore of the newest snapshot into a new generation brings three back", { timeout: 10 * 60_000 }, async (t) => {
        const c = client!;
        writeKeys(c, "acked/", 500);
        const snap = pullSnapshot(inv, STACK, path.join(tmp, "quorum"), true);
        await Promise.all([hosts[1], hosts[2]].map(wipeMember));
        // No quorum: the survivor cannot take a write.
        const lost = await c.etcdctl(["put", "lost", "x"], { endpoints: [c.endpoints[0]] });
        assert.notEqual(lost.code, 0);
        config = { ...config, restore: { snapshot: snap.file, generation: 2 } };
        s!.setConfig(config);
        const t0 = Date.now();
        outputs = await up(s!);
        t.diagnostic(`quorum-loss recovery (pulumi up): ${secs(Date.now() - t0)}`);
        const members = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as { members: { name: string }[] };
        assert.deepEqual(members.members.map((m) => m.name).sort(), ["h1", "h2", "h3"]);
        const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "-w", "json"])) as { health: boolean }[];
        assert.ok(health.every((h) => h.health), JSON.stringify(health));
        assert.equal((await c.getPrefix("acked/")).size, 500);
        assert.equal((await c.getPrefix("k/")).size, 10_000);
        await c.etcdctlOk(["put", "after-quorum-loss", "yes"]);
        // The survivor's old data is kept beside the data dir.
        assert.match(await ok(hosts[0], "ls -d /var/lib/etcd.before-restore-g2-*"), /^\/var\/lib\/etcd\.before-restore-g2-\d{8}T\d{6}Z$/);
    });

    it("7. static pod: a snapshot through the timer on the host, and a restore into a new generation", { timeout: 10 * 60_000 }, async (t) => {
        const sc = EtcdClient.fromOutputs(spodOutputs);
        try {
            writeKeys(sc, "spod/", 300);
            await ok(spodHost, "systemctl start etcdhosts-snapshot.service");
            assert.equal((await status(spodHost)).result, "ok");
            assert.equal(await ok(spodHost, "stat -c '%a' /var/lib/etcdhosts/bin/etcdutl"), "755");
            const snap = pullSnapshot(inv, SPOD_STACK, path.join(tmp, "spod"));
            // The data is lost with the pod stopped (its manifest taken away), then restored.
            await ok(spodHost, "rm -f /etc/kubernetes/manifests/etcd.yaml; while pgrep -x etcd >/dev/null; do sleep 0.2; done; find /var/lib/etcd -mindepth 1 -delete");
            spod!.setConfig({ ...spodConfig(inv), restore: { snapshot: snap.file, generation: 1 } });
            const t0 = Date.now();
            const o = await up(spod!);
            t.diagnostic(`static-pod restore to healthy: ${secs(Date.now() - t0)}`);
            assert.notEqual(String(o.restoredClusterId), String(spodOutputs.clusterId));
            assert.equal((await sc.getPrefix("spod/")).size, 300);
            await sc.etcdctlOk(["put", "spod-after", "yes"]);
        } finally {
            sc.dispose();
        }
    });
});

/** A one-member static-pod cluster on the bed's fourth host. */
function spodConfig(inv: Inventory): StackConfig {
    const h = inv.hosts[3];
    return { layout: "static-pod", etcdVersion: "3.6.16", etcdImage: `${ETCD_IMAGE_REPO}:{version}`, knownHosts: bedKnownHosts(inv), nodes: [{ name: h.name, address: h.address }] };
}
