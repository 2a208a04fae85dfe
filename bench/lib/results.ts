// What a results file says about the machine and the versions it measured, and the writing of
// bench/results/<timestamp>.json (figures) and <timestamp>.timeline.json (per-resource engine
// timings of every operation). parsePins and timestamp are pure.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** KEY=VALUE lines of toolchain/pins.env (quotes removed; comments and blanks skipped). */
export function parsePins(text: string): Record<string, string> {
    const pins: Record<string, string> = {};
    for (const line of text.split("\n")) {
        const m = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        if (m === null) continue;
        pins[m[1]] = m[2].trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
    }
    return pins;
}

/** A file-name-safe UTC timestamp: 2025-01-31T12-34-56Z. */
export function timestamp(d: Date): string {
    return d.toISOString().replace(/\.[0-9]+Z$/, "Z").replace(/:/g, "-");
}

export interface Environment {
    cores: number;
    cpuModel: string;
    totalMemoryBytes: number;
    node: string;
    pins: Record<string, string>;
    /** The project's npm dependencies, name to pinned version. */
    packages: Record<string, string>;
    /** Settings from the environment that change what is measured (unset: null). */
    settings: Record<string, string | null>;
}

/** Environment variables that change how the program is compiled or run. */
const MEASURED_SETTINGS = ["PULUMI_NODEJS_TRANSPILE_ONLY", "PULUMI_NODEJS_TSCONFIG_PATH", "PULUMI_TOOLCHAIN"];

export function environment(repoRoot: string): Environment {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const cpus = os.cpus();
    return {
        cores: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        totalMemoryBytes: os.totalmem(),
        node: process.version,
        pins: parsePins(fs.readFileSync(path.join(repoRoot, "toolchain", "pins.env"), "utf8")),
        packages: { ...pkg.dependencies, ...pkg.devDependencies },
        settings: Object.fromEntries(MEASURED_SETTINGS.map((k) => [k, process.env[k] ?? null])),
    };
}

/** Writes both files; returns the figures file's path. */
export function writeResults(outDir: string, stamp: string, results: unknown, timeline: unknown): string {
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${stamp}.json`);
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(outDir, `${stamp}.timeline.json`), `${JSON.stringify(timeline)}\n`);
    return file;
}
