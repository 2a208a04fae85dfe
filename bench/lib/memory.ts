// Peak resident memory of a process tree: every ~100 ms, the RSS of every descendant of this
// process (during an `up` that is the `pulumi` CLI, the language host, the program's node and
// the provider plugins), summed. Shared pages count once per process, as RSS does. The parsing
// and the tree sum are pure; MemorySampler reads /proc.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

export interface ProcEntry {
    pid: number;
    ppid: number;
    /** The command name (`comm`, at most 15 characters). */
    name: string;
    rssBytes: number;
}

/** One /proc/<pid>/stat line; undefined when it can't be read as one. */
export function parseStat(text: string, pageSize: number): ProcEntry | undefined {
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    const pid = Number.parseInt(text, 10);
    if (open === -1 || close < open || !Number.isInteger(pid)) return undefined;
    const fields = text.slice(close + 2).trim().split(" ");
    // fields[0] is field 3 (state): ppid is field 4, rss (pages) field 24.
    const ppid = Number(fields[1]);
    const rssPages = Number(fields[21]);
    if (!Number.isInteger(ppid) || !Number.isInteger(rssPages)) return undefined;
    return { pid, ppid, name: text.slice(open + 1, close), rssBytes: rssPages * pageSize };
}

/** RSS summed over the descendants of `root` (not `root` itself), and those processes. */
export function descendantsRss(procs: readonly ProcEntry[], root: number): { bytes: number; processes: ProcEntry[] } {
    const children = new Map<number, ProcEntry[]>();
    for (const p of procs) {
        const siblings = children.get(p.ppid);
        if (siblings === undefined) children.set(p.ppid, [p]);
        else siblings.push(p);
    }
    let bytes = 0;
    const processes: ProcEntry[] = [];
    const queue = [...(children.get(root) ?? [])];
    const seen = new Set<number>([root]);
    while (queue.length > 0) {
        const p = queue.shift() as ProcEntry;
        if (seen.has(p.pid)) continue;
        seen.add(p.pid);
        bytes += p.rssBytes;
        processes.push(p);
        queue.push(...(children.get(p.pid) ?? []));
    }
    return { bytes, processes };
}

function readProcs(pageSize: number): ProcEntry[] {
    const out: ProcEntry[] = [];
    for (const name of fs.readdirSync("/proc")) {
        if (!/^[0-9]+$/.test(name)) continue;
        try {
            const p = parseStat(fs.readFileSync(`/proc/${name}/stat`, "utf8"), pageSize);
            if (p !== undefined) out.push(p);
        } catch {
            // The process exited between readdir and read.
        }
    }
    return out;
}

/** The program's file name from its command line (`comm` cuts `pulumi-resource-command` short). */
function programName(p: ProcEntry): string {
    try {
        const argv0 = fs.readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0")[0];
        return argv0 === "" ? p.name : argv0.slice(argv0.lastIndexOf("/") + 1);
    } catch {
        return p.name;
    }
}

export interface MemoryPeak {
    peakBytes: number;
    /** The tree's processes at the peak, largest first: command name and RSS. */
    atPeak: { name: string; rssBytes: number }[];
    samples: number;
}

/** Samples this process's descendants until stop(). */
export class MemorySampler {
    private readonly pageSize = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim()) || 4096;
    private peak: MemoryPeak = { peakBytes: 0, atPeak: [], samples: 0 };
    private readonly timer: NodeJS.Timeout;

    constructor(intervalMs = 100, private readonly root = process.pid) {
        this.timer = setInterval(() => this.sample(), intervalMs);
        this.sample();
    }

    private sample(): void {
        const { bytes, processes } = descendantsRss(readProcs(this.pageSize), this.root);
        this.peak.samples++;
        if (bytes > this.peak.peakBytes) {
            const atPeak = processes.map((p) => ({ name: programName(p), rssBytes: p.rssBytes })).sort((a, b) => b.rssBytes - a.rssBytes);
            this.peak = { ...this.peak, peakBytes: bytes, atPeak };
        }
    }

    stop(): MemoryPeak {
        clearInterval(this.timer);
        this.sample();
        return { ...this.peak };
    }
}
