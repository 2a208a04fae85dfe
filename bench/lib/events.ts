// Engine events → where the time of one `pulumi` operation went. The Automation API streams the
// engine's events over gRPC as they happen (CLI >= 3.206), so the moment an event reaches us is
// its time to within milliseconds; the events' own `timestamp` is whole seconds only. Pure
// except for `EventRecorder`, which only reads a clock.

import type { EngineEvent } from "@pulumi/pulumi/automation";

export type EventKind = "prelude" | "pre" | "out" | "failed" | "summary";

/** One engine event, reduced to what the breakdown needs. `t` is ms since the operation started. */
export interface TimedEvent {
    t: number;
    kind: EventKind;
    urn?: string;
    type?: string;
    op?: string;
}

/** What a resource step is, by the product's child names (components/etcd/etcdCluster.ts and friends). */
export type Category =
    | "providers"
    | "token"
    | "keys-certs"
    | "host-prep"
    | "files"
    | "start"
    | "roll"
    | "gate"
    | "bootstrap"
    | "other";

export interface ResourceTiming {
    name: string;
    type: string;
    op: string;
    category: Category;
    /** ms since the operation started. */
    start: number;
    end: number | null;
    failed: boolean;
}

export interface Span {
    /** First step of the category began, ms since the operation started. */
    start: number;
    /** Last step of the category ended. */
    end: number;
    /** end - start: the wall-clock time the category was in progress (steps overlap). */
    ms: number;
    /** Sum of the steps' own durations (time some step of it was running, counted per step). */
    busyMs: number;
    steps: number;
}

export interface Breakdown {
    /** The `pulumi` process: spawn to exit. */
    totalMs: number;
    /** Spawn to the engine's prelude: CLI start-up, backend and stack load. */
    cliMs: number | null;
    /** Spawn to the stack resource's registration: the language host and node have started. */
    stackMs: number | null;
    /**
     * Spawn to the program's first resource after the stack itself: CLI, language host, loading
     * (and ts-node's compiling and type-checking) of the program. The stack resource registers
     * before the program's modules load, so its own event would hide the compile.
     */
    startupMs: number | null;
    spans: Partial<Record<Category, Span>>;
    /** First `*-start` began → the health gate saw every member healthy. */
    startToHealthyMs: number | null;
    /** The `*-health` step alone. */
    gateMs: number | null;
    /** The last step ended → the process exited (state written, summary, exit). */
    tailMs: number | null;
    /** Slowest resource steps, longest first. */
    slowest: { name: string; category: Category; ms: number }[];
    /** Step counts by operation (create, same, update, delete, replace...). */
    ops: Record<string, number>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

function nameOf(urn: string): string {
    const i = urn.lastIndexOf("::");
    return i === -1 ? urn : urn.slice(i + 2);
}

export function categorize(type: string, name: string): Category | undefined {
    if (type === STACK_TYPE || type.startsWith("etcdhosts:")) return undefined; // components: no work of their own
    if (type.startsWith("pulumi:providers:")) return "providers";
    if (type.startsWith("tls:")) return "keys-certs";
    if (type.startsWith("random:")) return "token";
    if (/-host-/.test(name)) return "host-prep";
    if (/-(pki-write|config-write|cluster-state)$/.test(name)) return "files";
    if (name.endsWith("-start")) return "start";
    if (name.endsWith("-roll")) return "roll";
    if (name.endsWith("-health")) return "gate";
    if (name.endsWith("-bootstrapped")) return "bootstrap";
    return "other";
}

/** Collects events as they arrive, timed against `t0` (performance.now() at the CLI's spawn). */
export class EventRecorder {
    readonly events: TimedEvent[] = [];
    constructor(private readonly t0: () => number) {}

    readonly onEvent = (e: EngineEvent): void => {
        const t = performance.now() - this.t0();
        if (e.preludeEvent) this.events.push({ t, kind: "prelude" });
        else if (e.summaryEvent) this.events.push({ t, kind: "summary" });
        else if (e.resourcePreEvent) {
            const m = e.resourcePreEvent.metadata;
            this.events.push({ t, kind: "pre", urn: m.urn, type: m.type, op: m.op });
        } else if (e.resOutputsEvent) {
            const m = e.resOutputsEvent.metadata;
            this.events.push({ t, kind: "out", urn: m.urn, type: m.type, op: m.op });
        } else if (e.resOpFailedEvent) {
            const m = e.resOpFailedEvent.metadata;
            this.events.push({ t, kind: "failed", urn: m.urn, type: m.type, op: m.op });
        }
    };
}

/** Each resource step, from its pre event to its outputs (or failure) event. */
export function resourceTimings(events: readonly TimedEvent[]): ResourceTiming[] {
    const open = new Map<string, ResourceTiming>();
    const done: ResourceTiming[] = [];
    for (const e of events) {
        if (e.urn === undefined || e.type === undefined) continue;
        const name = nameOf(e.urn);
        const category = categorize(e.type, name);
        if (category === undefined) continue;
        // A replacement emits a pre/out pair per half (delete, create) under one URN: key by both.
        const key = `${e.urn}\0${e.op ?? ""}`;
        if (e.kind === "pre") {
            const r: ResourceTiming = { name, type: e.type, op: e.op ?? "", category, start: e.t, end: null, failed: false };
            open.set(key, r);
            done.push(r);
        } else if (e.kind === "out" || e.kind === "failed") {
            const r = open.get(key) ?? [...open.entries()].find(([k]) => k.startsWith(`${e.urn}\0`))?.[1];
            if (r !== undefined) {
                r.end = e.t;
                r.failed = e.kind === "failed";
                open.delete(`${e.urn}\0${r.op}`);
            }
        }
    }
    return done;
}

function span(rs: readonly ResourceTiming[]): Span | undefined {
    const finished = rs.filter((r): r is ResourceTiming & { end: number } => r.end !== null);
    if (finished.length === 0) return undefined;
    const start = Math.min(...finished.map((r) => r.start));
    const end = Math.max(...finished.map((r) => r.end));
    return { start, end, ms: end - start, busyMs: finished.reduce((s, r) => s + (r.end - r.start), 0), steps: finished.length };
}

export function breakdown(events: readonly TimedEvent[], totalMs: number, topN = 8): Breakdown {
    const timings = resourceTimings(events);
    const spans: Partial<Record<Category, Span>> = {};
    const categories = [...new Set(timings.map((r) => r.category))];
    for (const c of categories) {
        const s = span(timings.filter((r) => r.category === c));
        if (s !== undefined) spans[c] = s;
    }
    const prelude = events.find((e) => e.kind === "prelude");
    const firstPre = events.find((e) => e.kind === "pre" && e.type !== STACK_TYPE);
    const ends = timings.map((r) => r.end).filter((t): t is number => t !== null);
    const gate = spans.gate;
    const start = spans.start;
    const ops: Record<string, number> = {};
    for (const r of timings) if (r.category !== "providers") ops[r.op] = (ops[r.op] ?? 0) + 1;
    return {
        totalMs,
        cliMs: prelude?.t ?? null,
        stackMs: events.find((e) => e.kind === "pre" && e.type === STACK_TYPE)?.t ?? null,
        startupMs: firstPre?.t ?? null,
        spans,
        startToHealthyMs: start !== undefined && gate !== undefined ? gate.end - start.start : null,
        gateMs: gate?.ms ?? null,
        tailMs: ends.length > 0 ? totalMs - Math.max(...ends) : null,
        slowest: timings
            .filter((r): r is ResourceTiming & { end: number } => r.end !== null)
            .map((r) => ({ name: r.name, category: r.category, ms: Math.round(r.end - r.start) }))
            .sort((a, b) => b.ms - a.ms)
            .slice(0, topN),
        ops,
    };
}
