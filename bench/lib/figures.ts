// The benchmark's figures: where the samples of each run go, what each figure is called, and the
// derived ratios. Pure.

import type { Breakdown } from "./events";
import { Summary, ratio, summarize } from "./stats";

/** Samples by figure key; index = round, so figures of one round line up (null: not measured). */
export type Samples = Record<string, (number | null)[]>;

export type Unit = "ms" | "bytes" | "count" | "ratio";

export interface FigureSpec {
    key: string;
    label: string;
    unit: Unit;
}

export interface Figure extends FigureSpec {
    summary: Summary;
}

export function put(samples: Samples, key: string, round: number, value: number | null): void {
    const list = (samples[key] ??= []);
    while (list.length < round) list.push(null);
    list[round] = value;
}

/** The parts of a cold up, as events.ts derives them (keys under `up.<size>.`). */
export const BREAKDOWN_PARTS: readonly { part: string; label: string }[] = [
    { part: "startup", label: "CLI, language host, program load (to 1st resource)" },
    { part: "keysCerts", label: "keys and certificates" },
    { part: "hostPrep", label: "host preparation" },
    { part: "files", label: "certificate, config and unit writes" },
    { part: "startToHealthy", label: "etcd start to healthy" },
    { part: "gate", label: "health gate" },
    { part: "tail", label: "last step to CLI exit" },
];

export const key = {
    floor: (n: number) => `floor.${n}`,
    up: (n: number) => `up.${n}`,
    upPart: (n: number, part: string) => `up.${n}.${part}`,
    memory: (n: number) => `memory.${n}`,
    noopUp: "noop.up",
    noopUpChanges: "noop.up.changes",
    preview: "noop.preview",
    previewChanges: "noop.preview.changes",
    roll: "roll",
    rollFailed: "roll.failedWrites",
    rollMaxLatency: "roll.maxWriteLatency",
    rollWrites: "roll.writes",
    destroy: "destroy",
};

/** Every figure the options ask for, in table order. */
export function figureSpecs(sizes: readonly number[], opsSize: number, memorySize: number | undefined): FigureSpec[] {
    const specs: FigureSpec[] = [];
    for (const n of sizes) specs.push({ key: key.floor(n), label: `floor, ${n} member${n === 1 ? "" : "s"}`, unit: "ms" });
    for (const n of sizes) {
        specs.push({ key: key.up(n), label: `cold up, ${n} member${n === 1 ? "" : "s"}`, unit: "ms" });
        for (const p of BREAKDOWN_PARTS) specs.push({ key: key.upPart(n, p.part), label: `  ${p.label}`, unit: "ms" });
    }
    if (sizes.includes(opsSize)) {
        specs.push(
            { key: key.noopUp, label: `no-op up, ${opsSize} members`, unit: "ms" },
            { key: key.noopUpChanges, label: "  resources changed", unit: "count" },
            { key: key.preview, label: `preview, ${opsSize} members`, unit: "ms" },
            { key: key.previewChanges, label: "  resources changed", unit: "count" },
            { key: key.roll, label: `rolling change, ${opsSize} members`, unit: "ms" },
            { key: key.rollWrites, label: "  client writes (every 20 ms)", unit: "count" },
            { key: key.rollFailed, label: "  failed writes", unit: "count" },
            { key: key.rollMaxLatency, label: "  longest write latency", unit: "ms" },
            { key: key.destroy, label: `destroy, ${opsSize} members`, unit: "ms" },
        );
    }
    if (memorySize !== undefined) specs.push({ key: key.memory(memorySize), label: `peak memory of pulumi's tree, up of ${memorySize}`, unit: "bytes" });
    return specs;
}

export function figures(samples: Samples, specs: readonly FigureSpec[]): Figure[] {
    return specs.map((s) => ({ ...s, summary: summarize(samples[s.key] ?? []) }));
}

/** cold up / floor per size, and up(largest) / up(smallest) (up(7)/up(1) with the default sizes). */
export function ratioFigures(samples: Samples, sizes: readonly number[]): Figure[] {
    const out: Figure[] = sizes.map((n) => ({
        key: `ratio.up/floor.${n}`,
        label: `cold up / floor, ${n} member${n === 1 ? "" : "s"}`,
        unit: "ratio" as const,
        summary: ratio(samples[key.up(n)] ?? [], samples[key.floor(n)] ?? []),
    }));
    if (sizes.length > 1) {
        const lo = sizes[0];
        const hi = sizes[sizes.length - 1];
        out.push({ key: `ratio.up${hi}/up${lo}`, label: `cold up(${hi}) / cold up(${lo})`, unit: "ratio", summary: ratio(samples[key.up(hi)] ?? [], samples[key.up(lo)] ?? []) });
    }
    return out;
}

/** A cold up's breakdown (events.ts) as the samples of its parts, keyed like BREAKDOWN_PARTS. */
export function breakdownSamples(b: Breakdown): Record<string, number | null> {
    return {
        startup: b.startupMs,
        keysCerts: b.spans["keys-certs"]?.ms ?? null,
        hostPrep: b.spans["host-prep"]?.ms ?? null,
        files: b.spans.files?.ms ?? null,
        startToHealthy: b.startToHealthyMs,
        gate: b.gateMs,
        tail: b.tailMs,
    };
}
