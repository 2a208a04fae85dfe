// Locks of the local file backend that a dead `pulumi` left behind. A CLI killed mid-run (a
// cancelled test, a reboot) leaves `.pulumi/locks/<org>/<project>/<stack>/<id>.json`, and every
// later run on that stack fails with "the stack is currently locked by 1 lock(s)". The file
// backend has no `pulumi cancel`; a lock whose process no longer runs on this machine is removed.
// CLI: TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register scripts/lib/deadLocks.ts STACK...
//
// The lock holds only {pid, username, hostname, timestamp}: the pid as the CLI saw it in its own
// PID namespace, and the time the lock was taken. A pid alone says little (pids are reused, and
// the same number names different processes in different PID namespaces), so a lock counts as
// held while some process this one can see could be its CLI: one whose pid in its own, innermost
// namespace is the lock's pid (NSpid in /proc/<pid>/status), that is not a zombie, and that
// started before the lock was taken. A holder in a namespace this process cannot see (an
// ancestor's) that shares this hostname is beyond what the lock lets anyone judge.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PROJECT = "etcdhosts";
/** USER_HZ: the unit of a process's start time in /proc/<pid>/stat (100 on every Linux port). */
const CLOCK_TICKS_PER_SECOND = 100;
/** The boot time in /proc/stat has whole seconds, and clocks drift: a process counts as started
 * after the lock only when it started this much later. */
const START_SLACK_MS = 2000;

export interface LockContent {
    pid?: number;
    username?: string;
    hostname?: string;
    timestamp?: string;
}

/** What /proc says about one process, or undefined if it is gone. */
export interface ProcInfo {
    /** Its pid in the innermost PID namespace it is in: what its own getpid() returns. */
    innerPid: number;
    /** When it started, in ms since the epoch. */
    startMs: number;
    zombie: boolean;
}

function bootTimeMs(): number {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith("btime "));
    return Number(line?.split(/\s+/)[1]) * 1000;
}

export function procInfo(pid: number | string, bootMs = bootTimeMs()): ProcInfo | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the command name, which is in parentheses and may hold anything.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const nspid = /^NSpid:\s*(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1].trim().split(/\s+/);
        return {
            innerPid: Number(nspid?.[nspid.length - 1] ?? pid),
            startMs: bootMs + (Number(fields[19]) * 1000) / CLOCK_TICKS_PER_SECOND,
            zombie: fields[0] === "Z",
        };
    } catch {
        return undefined; // gone meanwhile
    }
}

function processExists(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Could some process this one can see be the `pulumi` that took the lock? */
export function lockHolderAlive(lock: LockContent): boolean {
    if (typeof lock.pid !== "number") return true; // not a lock we understand: leave it
    const takenMs = Date.parse(lock.timestamp ?? "");
    const boot = bootTimeMs();
    const couldHold = (p: ProcInfo | undefined) =>
        p !== undefined && !p.zombie && p.innerPid === lock.pid && (Number.isNaN(takenMs) || p.startMs <= takenMs + START_SLACK_MS);
    // The common case first: the holder is in this PID namespace, under the same number.
    const same = procInfo(lock.pid, boot);
    if (couldHold(same)) return true;
    // A process /proc does not show (hidepid) but that exists: nothing to judge it by, so keep.
    if (same === undefined && processExists(lock.pid)) return true;
    // A holder in a nested namespace (a container of this machine) has another number here.
    return fs
        .readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d) && Number(d) !== lock.pid)
        .some((d) => couldHold(procInfo(d, boot)));
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
        const lock = JSON.parse(fs.readFileSync(file, "utf8")) as LockContent;
        if (lock.hostname === os.hostname() && !lockHolderAlive(lock)) {
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
