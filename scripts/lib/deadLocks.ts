// Locks of the local file backend that a dead `pulumi` left behind. A CLI killed mid-run (a
// cancelled test, a reboot) leaves `.pulumi/locks/<org>/<project>/<stack>/<id>.json`, and every
// later run on that stack fails with "the stack is currently locked by 1 lock(s)". The file
// backend has no `pulumi cancel`; a lock whose process no longer runs on this machine is removed.
// CLI: TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register scripts/lib/deadLocks.ts STACK...
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PROJECT = "etcdhosts";

function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * Removes the locks on `stack` in the file backend `backendUrl` (`file://...`) held by a process
 * of this machine that no longer runs; returns the files removed. A live lock stays.
 */
export function removeDeadLocks(stack: string, backendUrl = process.env.PULUMI_BACKEND_URL ?? ""): string[] {
    if (!backendUrl.startsWith("file://")) return [];
    const dir = path.join(backendUrl.slice("file://".length).replace(/\?.*$/, ""), ".pulumi", "locks", "organization", PROJECT, stack);
    if (!fs.existsSync(dir)) return [];
    const removed: string[] = [];
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json"))) {
        const file = path.join(dir, f);
        const lock = JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: number; hostname?: string };
        if (lock.hostname === os.hostname() && typeof lock.pid === "number" && !processAlive(lock.pid)) {
            fs.rmSync(file, { force: true });
            removed.push(file);
        }
    }
    return removed;
}

if (require.main === module) {
    for (const stack of process.argv.slice(2)) {
        for (const f of removeDeadLocks(stack)) console.error(`removed the lock a dead pulumi left on stack ${stack}: ${path.basename(f)}`);
    }
}
