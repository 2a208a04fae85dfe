// The snapshot script (components/etcd/snapshotScript.ts) run under the local /bin/sh against
// shims of etcdctl, etcdutl and df, in a temp dir standing in for the host's snapshot dir:
// whose turn it is, retention before writing, the free-space refusal, a snapshot that fails to
// verify, and the status file that keeps the last success. Also the plan's timer schedules.
// What shims can't prove: that real etcdctl/etcdutl and systemd behave so (test/e2e/snapshots).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as child_process from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onCalendar, planBackups } from "../../components/etcd/backupPlan";
import { planCluster } from "../../components/etcd/plan";
import { renderSnapshotScript } from "../../components/etcd/snapshotScript";
import { parseSnapshotStatus } from "../../components/etcd/snapshotStatus";
import { SNAPSHOT_DIR, SNAPSHOT_STATUS_FILE } from "../../components/constants";
import { parseWith } from "./helpers";

interface Host {
    root: string;
    dir: string;
    statusFile: string;
    script: string;
}

/** A temp "host": shims on PATH, the script's dirs redirected, the rotation's turn fixed to start at h1. */
function host(overrides: Record<string, unknown>, member: string, shim: { healthy?: string[]; corrupt?: boolean; freeKib?: number } = {}): Host {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-snap-"));
    process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    const healthy = shim.healthy ?? ["127.0.0.1", "10.213.0.11", "10.213.0.12", "10.213.0.13"];
    // etcdctl: health by endpoint address, a fixed db size, `snapshot save` writes a file.
    fs.writeFileSync(
        path.join(bin, "etcdctl"),
        [
            "#!/bin/sh",
            'ep=""; for a in "$@"; do case "$a" in --endpoints=*) ep=${a#--endpoints=} ;; esac; done',
            'case "$*" in',
            `  *"endpoint health"*) for h in ${healthy.join(" ")}; do case "$ep" in *"//$h:"*) exit 0 ;; esac; done; echo unhealthy >&2; exit 1 ;;`,
            `  *"endpoint status"*) echo '[{"Endpoint":"x","Status":{"header":{"revision":9},"dbSize":2097152,"leader":1}}]' ;;`,
            '  *"snapshot save"*) for a in "$@"; do f=$a; done; printf "snapshot-data" > "$f.part"; mv "$f.part" "$f"; echo "Snapshot saved at $f" ;;',
            "  *) echo unexpected \"$*\" >&2; exit 3 ;;",
            "esac",
        ].join("\n"),
        { mode: 0o755 },
    );
    fs.writeFileSync(
        path.join(bin, "etcdutl"),
        shim.corrupt
            ? "#!/bin/sh\necho 'Error: invalid database' >&2\nexit 1\n"
            : `#!/bin/sh\necho '{"hash":3735928559,"revision":1234,"totalKey":10000,"totalSize":2097152,"version":"3.6.0"}'\n`,
        { mode: 0o755 },
    );
    fs.writeFileSync(path.join(bin, "df"), `#!/bin/sh\necho 'Filesystem 1024-blocks Used Available Capacity Mounted on'\necho "fake 100 1 ${shim.freeKib ?? 10485760} 1% /"\n`, { mode: 0o755 });
    const cfg = parseWith(overrides);
    const plan = planCluster(cfg);
    const m = plan.members.find((x) => x.name === member)!;
    const schedule = plan.backups!.schedule!;
    const text = renderSnapshotScript(m, { etcdctl: path.join(bin, "etcdctl"), etcdutl: path.join(bin, "etcdutl"), fromImage: false }, schedule)
        .replace(`\ndir=${SNAPSHOT_DIR}\n`, `\ndir='${root}/snapshots'\n`)
        .replace(`\nstatus_file=${SNAPSHOT_STATUS_FILE}\n`, `\nstatus_file='${root}/state/snapshot.status'\n`)
        .replace(/^PATH=/m, `PATH=${bin}:`)
        // Interval 0 of the rotation, whatever the clock says: its turn starts at the first member.
        .replace(/^interval_seconds=.*$/m, "interval_seconds=100000000000");
    const script = path.join(root, "etcdhosts-snapshot");
    fs.writeFileSync(script, text, { mode: 0o700 });
    return { root, dir: path.join(root, "snapshots"), statusFile: path.join(root, "state/snapshot.status"), script };
}

function run(h: Host, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = child_process.spawnSync("sh", [h.script, ...args], { encoding: "utf8", timeout: 30_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const snapshots = (h: Host): string[] => fs.readdirSync(h.dir).filter((f) => !f.startsWith(".")).sort();
const status = (h: Host) => parseSnapshotStatus(fs.readFileSync(h.statusFile, "utf8"));

describe("the snapshot script against shims", () => {
    it("takes a verified snapshot on its turn: 0600 in a 0700 dir, the status file says so", () => {
        const h = host({}, "h1");
        const r = run(h);
        assert.equal(r.status, 0, r.stderr);
        const files = snapshots(h);
        assert.equal(files.length, 1);
        assert.match(files[0], /^etcd-snapshot-h1-\d{8}T\d{6}Z\.db$/);
        assert.equal(fs.statSync(path.join(h.dir, files[0])).mode & 0o777, 0o600);
        assert.equal(fs.statSync(h.dir).mode & 0o777, 0o700);
        assert.equal(fs.statSync(h.statusFile).mode & 0o777, 0o644);
        const s = status(h);
        assert.equal(s.result, "ok");
        assert.equal(s.file, files[0]);
        assert.deepEqual([s.revision, s.hash, s.totalKeys, s.size], [1234, 3735928559, 10000, 13]);
        assert.equal(s.lastSuccess, s.lastAttempt);
        assert.match(r.stdout, /revision 1234, hash 3735928559, 10000 keys, 13 bytes/);
        assert.deepEqual(fs.readdirSync(h.dir).filter((f) => f.startsWith(".tmp")), []);
    });

    it("skips while an earlier member of the turn is healthy, and takes it when that one is not", () => {
        const h = host({}, "h2");
        assert.equal(run(h).status, 0);
        assert.deepEqual(snapshots(h), []);
        assert.equal(status(h).result, "skipped");
        assert.equal(status(h).message, "member h1 is healthy and takes the snapshot of this interval");
        const down = host({}, "h2", { healthy: ["127.0.0.1", "10.213.0.12", "10.213.0.13"] });
        assert.equal(run(down).status, 0);
        assert.equal(snapshots(down).length, 1);
        // `now` takes one whoever's turn it is.
        assert.equal(run(h, "now").status, 0);
        assert.equal(snapshots(h).length, 1);
    });

    it("each member its own: no rotation", () => {
        const h = host({ backupEachMember: true }, "h3");
        assert.equal(run(h).status, 0);
        assert.equal(snapshots(h).length, 1);
    });

    it("retention before writing keeps exactly the newest N", () => {
        const h = host({ backupRetain: 2 }, "h1");
        fs.mkdirSync(h.dir, { recursive: true });
        for (const t of ["20250101T000000Z", "20250102T000000Z", "20250103T000000Z"]) fs.writeFileSync(path.join(h.dir, `etcd-snapshot-h1-${t}.db`), "old");
        fs.writeFileSync(path.join(h.dir, ".tmp.etcd-snapshot-h1-20250104T000000Z.db"), "half");
        const r = run(h);
        assert.equal(r.status, 0, r.stderr);
        const files = snapshots(h);
        assert.equal(files.length, 2);
        assert.equal(files[0], "etcd-snapshot-h1-20250103T000000Z.db");
        assert.deepEqual(fs.readdirSync(h.dir).filter((f) => f.startsWith(".tmp")), []);
        assert.match(r.stdout, /removed etcd-snapshot-h1-20250101T000000Z\.db \(keeping the newest 2\)/);
    });

    it("refuses on a nearly full disk, with a clear message and no file; the last success stays", () => {
        const h = host({ backupMinFreeMiB: 1024 }, "h1");
        assert.equal(run(h).status, 0);
        const first = status(h);
        fs.writeFileSync(path.join(h.root, "bin", "df"), "#!/bin/sh\necho header\necho 'fake 100 1 524288 1% /'\n", { mode: 0o755 });
        const r = run(h, "now");
        assert.equal(r.status, 1);
        const msg = "refusing to take a snapshot: 512 MiB free on the file system of " + h.dir + ", below the database size (2 MiB) plus backupMinFreeMiB (1024 MiB)";
        assert.equal(r.stderr.trim(), `etcdhosts-snapshot: ${msg}`);
        assert.equal(snapshots(h).length, 1);
        const s = status(h);
        assert.equal(s.result, "failed");
        assert.equal(s.message, msg);
        assert.equal(s.lastSuccess, first.lastSuccess);
        assert.equal(s.file, first.file);
    });

    it("an unhealthy member and a snapshot that does not verify fail and leave no file", () => {
        const sick = host({}, "h1", { healthy: [] });
        const r = run(sick, "now");
        assert.equal(r.status, 1);
        assert.match(r.stderr, /member h1 is not healthy: no snapshot taken/);
        const bad = host({}, "h1", { corrupt: true });
        const r2 = run(bad, "now");
        assert.equal(r2.status, 1);
        assert.match(r2.stderr, /the snapshot did not verify, removed it: Error: invalid database/);
        assert.deepEqual(fs.readdirSync(bad.dir).filter((f) => f !== ".lock"), []);
        assert.equal(status(bad).result, "failed");
        assert.equal(status(bad).lastSuccess, undefined);
    });
});

describe("timer schedules", () => {
    it("OnCalendar steps on the UTC clock", () => {
        assert.equal(onCalendar(360, 0), "*-*-* 00/6:00:00 UTC");
        assert.equal(onCalendar(360, 7200), "*-*-* 02/6:00:00 UTC");
        assert.equal(onCalendar(1440, 28800), "*-*-* 08:00:00 UTC");
        assert.equal(onCalendar(15, 0), "*-*-* *:00/15:00 UTC");
        assert.equal(onCalendar(15, 300), "*-*-* *:05/15:00 UTC");
        assert.equal(onCalendar(1, 20), "*-*-* *:00/1:20 UTC");
    });

    it("one per interval: every timer at the same step; each member: spread over the step", () => {
        const one = planCluster(parseWith()).backups!.schedule!;
        assert.deepEqual(one.members.map((m) => m.onCalendar), Array(3).fill("*-*-* 00/6:00:00 UTC"));
        assert.deepEqual(one.rotation, [
            { name: "h1", clientUrl: "https://10.213.0.11:2379" },
            { name: "h2", clientUrl: "https://10.213.0.12:2379" },
            { name: "h3", clientUrl: "https://10.213.0.13:2379" },
        ]);
        const each = planCluster(parseWith({ backupEachMember: true, backupInterval: "1h" })).backups!.schedule!;
        assert.deepEqual(each.members.map((m) => m.onCalendar), ["*-*-* 00/1:00:00 UTC", "*-*-* 00/1:20:00 UTC", "*-*-* 00/1:40:00 UTC"]);
    });

    it("no backups and no restore: no backup plan; a restore alone keeps the tools", () => {
        const cfg = parseWith({ backups: false });
        assert.equal(planCluster(cfg).backups, undefined);
        const restoreOnly = planCluster(parseWith({ backups: false, restore: { snapshot: "/srv/s.db", generation: 1 } })).backups!;
        assert.equal(restoreOnly.schedule, undefined);
        assert.deepEqual(restoreOnly.tools.h1, { etcdctl: "/usr/local/bin/etcdctl", etcdutl: "/usr/local/bin/etcdutl", fromImage: false });
        const old = parseWith({ layout: "static-pod", etcdVersion: "3.4.23" });
        const sp = planBackups(old, planCluster(old).layout, planCluster(old).members)!;
        assert.deepEqual(sp.tools.h1, { etcdctl: "/var/lib/etcdhosts/bin/etcdctl", fromImage: true });
    });
});
