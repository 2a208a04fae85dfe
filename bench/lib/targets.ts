// The targets, judged from the samples. Times and ratios are judged on the median; the
// zero-counts (changes, failed writes) on every run; memory on the highest peak. Pure.

import { key, Samples } from "./figures";
import { Summary, ratio, summarize } from "./stats";

export type TargetStatus = "met" | "missed" | "not measured";

export interface Target {
    name: string;
    status: TargetStatus;
    detail: string;
}

const GIB = 1024 ** 3;

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function judge(name: string, summary: Summary, pick: (s: Summary) => number | null, ok: (v: number) => boolean, show: (v: number) => string): Target {
    const v = summary.n === 0 ? null : pick(summary);
    if (v === null) return { name, status: "not measured", detail: "not in this run's sizes or it failed" };
    return { name, status: ok(v) ? "met" : "missed", detail: show(v) };
}

/** A time under `limitMs` (median) with zero changes on every run. */
function noop(name: string, samples: Samples, timeKey: string, changesKey: string, limitMs: number): Target {
    const time = summarize(samples[timeKey] ?? []);
    const changes = summarize(samples[changesKey] ?? []);
    if (time.median === null || changes.max === null) return { name, status: "not measured", detail: "not in this run's sizes or it failed" };
    const ok = time.median < limitMs && changes.max === 0;
    return { name, status: ok ? "met" : "missed", detail: `median ${s1(time.median)}, most changes in a run ${changes.max}` };
}

export function targets(samples: Samples): Target[] {
    const upOverFloor = ratio(samples[key.up(3)] ?? [], samples[key.floor(3)] ?? []);
    const scaling = ratio(samples[key.up(7)] ?? [], samples[key.up(1)] ?? []);
    return [
        judge("cold up(3) <= 4x floor(3)", upOverFloor, (s) => s.median, (v) => v <= 4, (v) => `median ratio ${v.toFixed(2)}x`),
        judge("up(7) / up(1) <= 1.5", scaling, (s) => s.median, (v) => v <= 1.5, (v) => `median ratio ${v.toFixed(2)}x`),
        noop("no-op up(3) < 5 s, zero changes", samples, key.noopUp, key.noopUpChanges, 5000),
        noop("preview(3) < 5 s, zero changes", samples, key.preview, key.previewChanges, 5000),
        judge("rolling change: zero failed writes", summarize(samples[key.rollFailed] ?? []), (s) => s.max, (v) => v === 0, (v) => `most failed writes in a run: ${v}`),
        judge("peak memory of up(7) < 1 GiB", summarize(samples[key.memory(7)] ?? []), (s) => s.max, (v) => v < GIB, (v) => `highest peak ${(v / 1024 ** 2).toFixed(0)} MiB`),
    ];
}
