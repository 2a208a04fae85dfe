import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { removeDeadLocks } from "../../scripts/lib/deadLocks";

test("removeDeadLocks: removes the locks of dead processes of this machine, keeps live and foreign ones", () => {
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-locks-"));
    try {
        const dir = path.join(backend, ".pulumi", "locks", "organization", "etcdhosts", "e2e-x");
        fs.mkdirSync(dir, { recursive: true });
        // A pid that surely ran and ended.
        const dead = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
        const write = (name: string, pid: number, hostname: string) =>
            fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ pid, username: "root", hostname, timestamp: "2026-11-23T10:45:46Z" }));
        write("dead", Number(dead), os.hostname());
        write("live", process.pid, os.hostname());
        write("foreign", Number(dead), `${os.hostname()}-other`);

        const removed = removeDeadLocks("e2e-x", `file://${backend}`);
        assert.deepEqual(removed.map((f) => path.basename(f)), ["dead.json"]);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["foreign.json", "live.json"]);
        // Other backends and absent stacks: nothing to do.
        assert.deepEqual(removeDeadLocks("e2e-x", "s3://bucket"), []);
        assert.deepEqual(removeDeadLocks("e2e-none", `file://${backend}`), []);
    } finally {
        fs.rmSync(backend, { recursive: true, force: true });
    }
});
