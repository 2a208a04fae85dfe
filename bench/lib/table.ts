// The table printed at the end of a run: every figure as median, min and max over its runs, then
// the targets. Pure.

import type { Figure, Unit } from "./figures";
import type { Target } from "./targets";

export function formatValue(v: number | null, unit: Unit): string {
    if (v === null) return "-";
    switch (unit) {
        case "ms":
            return v < 10_000 ? `${(v / 1000).toFixed(2)} s` : `${(v / 1000).toFixed(1)} s`;
        case "bytes":
            return `${(v / 1024 ** 2).toFixed(0)} MiB`;
        case "count":
            return Number.isInteger(v) ? String(v) : v.toFixed(1);
        case "ratio":
            return `${v.toFixed(2)}x`;
        default: {
            const exhaustive: never = unit;
            throw new Error(`unknown unit ${String(exhaustive)}`);
        }
    }
}

function pad(cells: readonly string[], widths: readonly number[]): string {
    return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
}

export function renderTable(figures: readonly Figure[], targets: readonly Target[]): string {
    const header = ["figure", "median", "min", "max", "runs"];
    const rows = figures.map((f) => [f.label, formatValue(f.summary.median, f.unit), formatValue(f.summary.min, f.unit), formatValue(f.summary.max, f.unit), String(f.summary.n)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const lines = [pad(header, widths), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => pad(r, widths))];
    lines.push("", "targets:");
    for (const t of targets) lines.push(`  [${t.status === "met" ? "met" : t.status === "missed" ? "MISSED" : "n/a"}] ${t.name}: ${t.detail}`);
    return lines.join("\n");
}
