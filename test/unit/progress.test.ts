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
    it("prints the label, the age and the progress every interval", () => {
        const r = bash('. scripts/lib/heartbeat.sh; heartbeat_start "building x" echo "3/7 done"; out=$(sleep 2.5; echo result); heartbeat_stop; echo "$out"');
        assert.equal(r.stdout, "result\n");
        const lines = r.stderr.trim().split("\n");
        assert.ok(lines.length >= 1, r.stderr);
        for (const l of lines) assert.match(l, /^building x: running for \d+s; 3\/7 done$/);
    });

    it("stops without holding the caller's stdout open", () => {
        // With a 30 s interval, a sleep left behind would keep the pipe of `bash -c` open 30 s.
        const r = bash('. scripts/lib/heartbeat.sh; HEARTBEAT_SECONDS=30 heartbeat_start "x"; sleep 0.3; heartbeat_stop; echo done');
        assert.equal(r.stdout, "done\n");
        assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    });

    it("ends by itself when the script that started it is gone", () => {
        const r = bash('bash -c \'. scripts/lib/heartbeat.sh; heartbeat_start orphan; echo $HEARTBEAT_PID\' 2>/dev/null');
        const pid = Number(r.stdout.trim());
        // Gone, or a zombie waiting for its new parent to reap it; polled, as a loaded machine
        // may run its next beat late.
        const gone = () => !fs.existsSync(`/proc/${pid}`) || /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
        const deadline = Date.now() + 15_000;
        while (!gone() && Date.now() < deadline) spawnSync("sleep", ["0.2"]);
        assert.ok(gone(), `heartbeat ${pid} still running`);
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
