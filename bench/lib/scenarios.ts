// The measured scenarios of one round: the floor, a cold `up` (with its breakdown and, for the
// memory size, the process tree's peak memory), and on the operations size the no-op `up`,
// `preview`, the rolling change under a writing client, and `destroy`. Each records its samples
// (figures.ts) and a detailed record for the results file.

import { EtcdClient } from "../../test/support/etcdClient";
import type { Inventory } from "../../test/support/testbed";
import { BenchStack, TimedOp, benchConfig } from "./benchStack";
import { Breakdown, ResourceTiming, breakdown, resourceTimings } from "./events";
import { Samples, breakdownSamples, key, put } from "./figures";
import { floor } from "./hosts";
import { MemoryPeak, MemorySampler } from "./memory";
import { WriteStats, startTimedWrites } from "./writeLoop";

/** One measured operation, as the results file keeps it. */
export interface RunRecord {
    round: number;
    size: number;
    what: string;
    ms: number;
    [detail: string]: unknown;
}

export interface TimelineEntry {
    round: number;
    size: number;
    what: string;
    resources: ResourceTiming[];
}

export interface BenchContext {
    inventory: Inventory;
    certDir: string;
    samples: Samples;
    records: RunRecord[];
    timeline: TimelineEntry[];
    log(message: string): void;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Records an operation with its breakdown and timeline; returns the breakdown. */
function keep(ctx: BenchContext, round: number, size: number, what: string, op: TimedOp, extra: Record<string, unknown> = {}): Breakdown {
    const b = breakdown(op.events, op.ms);
    ctx.records.push({ round, size, what, ms: op.ms, changes: op.changes, breakdown: b, ...extra });
    ctx.timeline.push({ round, size, what, resources: resourceTimings(op.events) });
    ctx.log(`${what} (${size}): ${secs(op.ms)}, ${op.changes} change(s)`);
    return b;
}

export async function runFloor(ctx: BenchContext, round: number, size: number): Promise<void> {
    const ms = await floor(ctx.inventory, size, ctx.certDir);
    put(ctx.samples, key.floor(size), round, ms);
    ctx.records.push({ round, size, what: "floor", ms });
    ctx.log(`floor (${size}): ${secs(ms)}`);
}

/** `up` of a fresh stack on clean hosts; returns the stack's outputs. */
export async function runColdUp(ctx: BenchContext, round: number, size: number, stack: BenchStack, sampleMemory: boolean): Promise<Record<string, unknown>> {
    const sampler = sampleMemory ? new MemorySampler(100) : undefined;
    let memory: MemoryPeak | undefined;
    let op: TimedOp;
    try {
        op = await stack.up();
    } finally {
        memory = sampler?.stop();
    }
    const b = keep(ctx, round, size, "cold up", op, memory !== undefined ? { memory } : {});
    put(ctx.samples, key.up(size), round, op.ms);
    for (const [part, ms] of Object.entries(breakdownSamples(b))) put(ctx.samples, key.upPart(size, part), round, ms);
    if (memory !== undefined) put(ctx.samples, key.memory(size), round, memory.peakBytes);
    if (memory !== undefined) {
        const each = memory.atPeak.map((p) => `${p.name} ${(p.rssBytes / 1024 ** 2).toFixed(0)}`).join(", ");
        ctx.log(`peak memory of pulumi's process tree: ${(memory.peakBytes / 1024 ** 2).toFixed(0)} MiB (MiB each: ${each})`);
    }
    return op.outputs;
}

/** The pull-request path on a running cluster: a no-op `up` and a `preview`. */
export async function runNoop(ctx: BenchContext, round: number, size: number, stack: BenchStack): Promise<void> {
    const upOp = await stack.up();
    put(ctx.samples, key.noopUp, round, upOp.ms);
    put(ctx.samples, key.noopUpChanges, round, upOp.changes);
    keep(ctx, round, size, "no-op up", upOp);
    const pv = await stack.preview();
    put(ctx.samples, key.preview, round, pv.ms);
    put(ctx.samples, key.previewChanges, round, pv.changes);
    keep(ctx, round, size, "preview", pv);
}

/** heartbeat 100→150 ms and election 1000→1500 ms, rolled while a client writes every 20 ms. */
export async function runRoll(ctx: BenchContext, round: number, size: number, stack: BenchStack, outputs: Record<string, unknown>): Promise<void> {
    const client = EtcdClient.fromOutputs(outputs);
    try {
        stack.setConfig(benchConfig(ctx.inventory, size, { heartbeatIntervalMs: 150, electionTimeoutMs: 1500 }));
        const writes = startTimedWrites(client, { prefix: `/bench/roll-${round}/`, intervalMs: 20 });
        let stats: WriteStats;
        let op: TimedOp;
        try {
            op = await stack.up();
        } finally {
            stats = await writes.stop();
        }
        if (op.changes === 0) throw new Error("the rolling change changed nothing");
        const rollSteps = resourceTimings(op.events)
            .filter((r) => r.category === "roll" && r.end !== null)
            .map((r) => ({ name: r.name, ms: Math.round((r.end as number) - r.start) }));
        put(ctx.samples, key.roll, round, op.ms);
        put(ctx.samples, key.rollWrites, round, stats.writes);
        put(ctx.samples, key.rollFailed, round, stats.failed);
        put(ctx.samples, key.rollMaxLatency, round, stats.maxLatencyMs);
        keep(ctx, round, size, "rolling change", op, { writes: stats, rollSteps });
        ctx.log(`  client: ${stats.writes} writes, ${stats.failed} failed, ${stats.retried} retried, longest ${Math.round(stats.maxLatencyMs)} ms`);
    } finally {
        client.dispose();
    }
}

export async function runDestroy(ctx: BenchContext, round: number, size: number, stack: BenchStack): Promise<void> {
    const op = await stack.destroy();
    put(ctx.samples, key.destroy, round, op.ms);
    keep(ctx, round, size, "destroy", op);
}
