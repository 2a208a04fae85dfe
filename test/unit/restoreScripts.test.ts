// The restore scripts (components/etcd/restoreScripts.ts), the runner's ssh arguments
// (components/remote/sshClient.ts) and the pure parts of `npm run snapshot` (scripts/snapshot.ts):
// exact text where it matters, the per-version and per-runtime differences, and the generation
// record run under the local /bin/sh. What this can't prove: that etcdutl restores and the
// members form a cluster (test/e2e/snapshots.test.ts).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as child_process from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { planCluster } from "../../components/etcd/plan";
import { RestoreSpec, restoreMemberScript, restorePrepareScript, restoreStartScript, restoreToken, restoreUnstageScript } from "../../components/etcd/restoreScripts";
import { parseSnapshotStatus } from "../../components/etcd/snapshotStatus";
import { RESTORE_MARKER } from "../../components/constants";
import { knownHostsLine, sshArgs } from "../../components/remote/sshClient";
import { newestSnapshot, parseArgs } from "../../scripts/snapshot";
import { parseWith } from "./helpers";

const TOKEN = "etcd-0123456789abcdef0123456789abcdef";
const SHA = "a".repeat(64);

function spec(overrides: Record<string, unknown>, member = "h1", restore = { snapshot: "/srv/snap.db", generation: 2, bumpRevision: 0, markCompacted: false }): RestoreSpec {
    const plan = planCluster(parseWith(overrides));
    const m = plan.members.find((x) => x.name === member)!;
    return { member: m, tools: plan.backups!.tools[member], restore, token: TOKEN, sha256: SHA, clusterMarkerFile: ".etcdhosts-cluster-token", runAs: plan.layout.runAs };
}

describe("restore scripts", () => {
    it("the generation's token is new per generation", () => {
        assert.equal(restoreToken(TOKEN, 3), `${TOKEN}-g3`);
    });

    it("etcd 3.6: etcdutl restores every member with the whole member list and the generation's token; the revision bump when asked", () => {
        const bump = restoreMemberScript(spec({}, "h2", { snapshot: "/srv/snap.db", generation: 2, bumpRevision: 1000, markCompacted: true }));
        assert.ok(bump.includes(
            "out=$(/usr/local/bin/etcdutl snapshot restore /var/lib/etcdhosts/restore/snapshot.db --name h2 " +
                "--initial-cluster h1=https://10.213.0.11:2380,h2=https://10.213.0.12:2380,h3=https://10.213.0.13:2380 " +
                `--initial-cluster-token ${TOKEN}-g2 --initial-advertise-peer-urls https://10.213.0.12:2380 ` +
                '--bump-revision 1000 --mark-compacted --data-dir "$tmp" 2>&1)',
        ), bump);
        assert.ok(bump.includes("\nsystemctl stop etcd.service\n"));
        // Restored in root's directory next to the data dir, then moved in; the marker written as
        // the data dir's account; ownership changed on links themselves, never through them.
        assert.ok(bump.includes("\ntmp=$(mktemp -d /var/lib/etcd.restore.XXXXXXXX)\n"), bump);
        assert.ok(bump.includes(`\nmv -T -- "$tmp/member" /var/lib/etcd/member\n`), bump);
        assert.ok(bump.includes("| setpriv --reuid=etcd --regid=etcd --clear-groups -- sh -c "), bump);
        assert.ok(bump.includes("\nchown -R -h etcd:etcd /var/lib/etcd\n"));
        assert.ok(!restoreMemberScript(spec({})).includes("--bump-revision"));
    });

    it("etcd 3.4: its etcdctl restores (no etcdutl); a static pod stops by losing its manifest and stays root's", () => {
        const old = restoreMemberScript(spec({ etcdVersion: "3.4.23", installMethod: "package" }));
        assert.match(old, /out=\$\(ETCDCTL_API=3 \/usr\/bin\/etcdctl snapshot restore /);
        const pod = restoreMemberScript(spec({ layout: "static-pod", etcdImage: "etcdhosts.local/etcd:{version}" }));
        assert.ok(pod.includes("\nrm -f -- /etc/kubernetes/manifests/etcd.yaml\n"));
        assert.ok(pod.includes("/var/lib/etcdhosts/bin/etcdutl snapshot restore"));
        assert.ok(pod.includes("\nchown -R -h root:root /var/lib/etcd\n"));
        assert.ok(!pod.includes("systemctl stop etcd.service"));
    });

    it("a host that completed the generation does nothing in any phase; another generation runs", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-restore-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        const marker = path.join(dir, "restored-generation");
        const s = spec({});
        const run = (script: string): { status: number | null; stdout: string; stderr: string } => {
            const text = script.split(RESTORE_MARKER).join(marker).replace(/\/var\/lib\/etcdhosts\/restore\/snapshot\.db/g, path.join(dir, "nope.db"));
            const r = child_process.spawnSync("sh", ["-c", text], { encoding: "utf8" });
            return { status: r.status, stdout: r.stdout, stderr: r.stderr };
        };
        fs.writeFileSync(marker, `${TOKEN} 2\n`);
        for (const script of [restorePrepareScript(s), restoreMemberScript(s), restoreStartScript(s)]) {
            const r = run(script);
            assert.equal(r.status, 0, r.stderr);
            assert.equal(r.stdout, "etcdhosts restore: member h1 already completed generation 2; nothing to do (a new generation restores again)\n");
        }
        // Generation 3 (or another cluster's record): the prepare phase looks for its upload.
        const next = run(restorePrepareScript({ ...s, restore: { ...s.restore, generation: 3 } }));
        assert.equal(next.status, 1);
        assert.match(next.stderr, /^etcdhosts restore: the uploaded snapshot \S+ is missing on member h1\n$/);
    });

    it("the start phase records the generation and drops the upload; unstaging removes the record only with wipeDataOnDestroy", () => {
        const start = restoreStartScript(spec({}));
        assert.ok(start.includes(`\nprintf '%s\\n' '${TOKEN} 2' > /var/lib/etcdhosts/.tmp.restored-generation\n`));
        assert.ok(start.includes("\nrm -f -- /var/lib/etcdhosts/restore/snapshot.db\n"));
        assert.ok(start.includes("\nsystemctl start --no-block etcd.service\n"));
        assert.equal(restoreUnstageScript(false), "set -eu\nrm -rf -- /var/lib/etcdhosts/restore");
        assert.equal(restoreUnstageScript(true), "set -eu\nrm -rf -- /var/lib/etcdhosts/restore\nrm -f -- /var/lib/etcdhosts/restored-generation\nrmdir -- /var/lib/etcdhosts 2>/dev/null || true");
    });
});

describe("the runner's ssh", () => {
    it("pins a host key through a known_hosts file, or accepts any without one", () => {
        const t = { host: "10.0.0.1", port: 22, user: "root" };
        assert.equal(knownHostsLine(t, "ssh-ed25519 AAAA\n"), "10.0.0.1 ssh-ed25519 AAAA");
        assert.equal(knownHostsLine({ ...t, port: 2222 }, "ssh-ed25519 AAAA"), "[10.0.0.1]:2222 ssh-ed25519 AAAA");
        assert.deepEqual(sshArgs(t, { keyFile: "/k", knownHostsFile: "/kh" }, "cat x"), [
            "-i", "/k", "-p", "22", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR",
            "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/kh", "--", "root@10.0.0.1", "cat x",
        ]);
        assert.ok(sshArgs(t, { keyFile: "/k" }, "x").includes("StrictHostKeyChecking=no"));
    });
});

describe("npm run snapshot", () => {
    it("arguments", () => {
        assert.deepEqual(parseArgs(["--stack", "prod", "--now", "--out", "snaps"], "/home/op"), { stack: "prod", now: true, out: "/home/op/snaps" });
        assert.throws(() => parseArgs(["--now"], "/"), /^Error: --stack is required\nusage: npm run snapshot -- --stack <name>/);
        assert.throws(() => parseArgs(["--stack", "s", "--bogus"], "/"), /unknown argument "--bogus"/);
    });

    it("takes the newest last success, never a file name it does not expect", () => {
        const host = (member: string, text: string) => ({ member, target: { host: member, port: 22, user: "root" }, status: parseSnapshotStatus(text) });
        const a = host("h1", "result=failed\nlast_success=2026-01-01T06:00:00Z\nfile=etcd-snapshot-h1-20260101T060000Z.db\nrevision=5");
        const b = host("h2", "result=ok\nlast_success=2026-01-01T12:00:00Z\nfile=etcd-snapshot-h2-20260101T120000Z.db\nrevision=9");
        const evil = host("h3", "result=ok\nlast_success=2027-01-01T00:00:00Z\nfile=../../etc/shadow");
        assert.equal(newestSnapshot([a, b, evil])?.member, "h2");
        assert.equal(newestSnapshot([a])?.member, "h1");
        assert.equal(newestSnapshot([host("h1", "")]), undefined);
    });
});
