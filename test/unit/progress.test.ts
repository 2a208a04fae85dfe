// The progress lines of long builds: scripts/lib/heartbeat.sh (a line per interval, gone when
// stopped or when its script dies) and toolchain/progress.sh (Go packages compiled out of the total).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./helpers";

function bash(script: string): { stdout: string; stderr: string; ms: number } {
    const t0 = Date.now();
    const r = spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, HEARTBEAT_SECONDS: "1" } });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

describe("heartbeat.sh", () => {
    it("prints the label, the age and the progress every interval, and stops without holding stdout", () => {
        const r = bash('. scripts/lib/heartbeat.sh; heartbeat_start "building x" echo "3/7 done"; out=$(sleep 2.5; echo result); heartbeat_stop; echo "$out"');
        assert.equal(r.stdout, "result\n");
        assert.deepEqual(r.stderr.trim().split("\n"), ["building x: running for 1s; 3/7 done", "building x: running for 2s; 3/7 done"]);
        // A leftover sleep would have kept the pipe of `bash -c` open for up to an interval more.
        assert.ok(r.ms < 3500, `took ${r.ms} ms`);
    });

    it("ends by itself when the script that started it is gone", () => {
        const r = bash('bash -c \'. scripts/lib/heartbeat.sh; heartbeat_start orphan; echo $HEARTBEAT_PID\' 2>/dev/null');
        const pid = Number(r.stdout.trim());
        spawnSync("sleep", ["2.5"]);
        assert.throws(() => process.kill(pid, 0), /ESRCH/);
    });
});

describe("toolchain progress", () => {
    it("counts the compiled packages of the list in the build log", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "progress-"));
        try {
            fs.writeFileSync(path.join(dir, "log"), "==> tls: build plugin (3s)\nfmt\nexample.com/a\ngo: downloading example.com/b v1.0.0\n");
            fs.writeFileSync(path.join(dir, "pkgs"), "example.com/a\nexample.com/b\nfmt\nos\n");
            const r = bash(`. toolchain/lib.sh; . toolchain/progress.sh; go_progress ${dir}/log ${dir}/pkgs; go_progress ${dir}/log ${dir}/none`);
            assert.deepEqual(r.stdout.trim().split("\n"), [`2/4 Go packages compiled (log: ${dir}/log)`, `2/? Go packages compiled (log: ${dir}/log)`]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
