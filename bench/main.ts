// `npm run bench`: boots the bed, then `--runs` rounds of: for each size, the floor and a cold
// `up` back to back (so their ratio pairs runs under the same load), on the operations size also
// the no-op `up`, `preview`, the rolling change and `destroy`; hosts are cleaned after each.
// Ends with the table and bench/results/<timestamp>.json. Exit 0 when everything was measured
// (whatever the figures), 1 when an operation broke, 2 on a usage error.
// Run through scripts/bench.sh, which builds the toolchain and loads toolchain/env.sh.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../test/support/sandboxStack";
import { downBed, registerBedTeardown, upBed } from "../test/support/testbed";
import { benchConfig, openBenchStack } from "./lib/benchStack";
import { figureSpecs, figures, ratioFigures } from "./lib/figures";
import { cleanHosts, generateFloorCerts } from "./lib/hosts";
import { BenchOptions, OPS_SIZE, USAGE, UsageError, memorySize, parseOptions } from "./lib/options";
import { environment, timestamp, writeResults } from "./lib/results";
import { BenchContext, runColdUp, runDestroy, runFloor, runNoop, runRoll } from "./lib/scenarios";
import { renderTable } from "./lib/table";
import { targets } from "./lib/targets";

const t0 = performance.now();
const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

/** Runs one step; a failure is logged and counted, and the run goes on. */
async function step<T>(errors: string[], what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
        return await fn();
    } catch (e) {
        const message = `${what}: ${(e as Error).message}`;
        errors.push(message);
        log(`FAILED ${message}`);
        return undefined;
    }
}

async function round(ctx: BenchContext, o: BenchOptions, r: number, errors: string[]): Promise<void> {
    for (const size of o.sizes) {
        log(`round ${r + 1}/${o.runs}, ${size} member(s)`);
        await step(errors, `floor(${size})`, () => runFloor(ctx, r, size));
        // Unmeasured set-up side by side: the floor's clean-up and the new stack. The clean-up is
        // not a step: hosts left dirty would fail everything after, so its failure ends the run.
        const [, stack] = await Promise.all([
            cleanHosts(ctx.inventory, size),
            step(errors, `new stack(${size})`, () => openBenchStack(`bench-up-${size}`, ctx.inventory, benchConfig(ctx.inventory, size), o.parallel)),
        ]);
        if (stack === undefined) continue;
        const outputs = await step(errors, `cold up(${size})`, () => runColdUp(ctx, r, size, stack, size === memorySize(o.sizes)));
        if (outputs !== undefined && size === OPS_SIZE) {
            const ok = await step(errors, `no-op up and preview(${size})`, async () => {
                await runNoop(ctx, r, size, stack);
                return true;
            });
            if (ok) await step(errors, `rolling change(${size})`, () => runRoll(ctx, r, size, stack, outputs));
            await step(errors, `destroy(${size})`, () => runDestroy(ctx, r, size, stack));
        }
        await Promise.all([stack.forget(), cleanHosts(ctx.inventory, size)]);
    }
}

/** Boots the bed and runs every round; returns what was measured and what broke. */
async function measure(o: BenchOptions): Promise<{ ctx: BenchContext; errors: string[] }> {
    const unregister = registerBedTeardown(o.bed);
    log(`bed ${o.bed}: ${Math.max(...o.sizes)} hosts`);
    const inventory = await upBed({ hosts: Math.max(...o.sizes), bed: o.bed });
    const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-bench-certs-"));
    const ctx: BenchContext = { inventory, certDir, samples: {}, records: [], timeline: [], log };
    const errors: string[] = [];
    try {
        await generateFloorCerts(inventory, certDir);
        for (let r = 0; r < o.runs; r++) await round(ctx, o, r, errors);
    } catch (e) {
        errors.push(`aborted: ${(e as Error).message}`);
        log(`ABORTED ${(e as Error).message}`);
    } finally {
        fs.rmSync(certDir, { recursive: true, force: true });
        if (!o.keepBed) await downBed(o.bed).catch((e: Error) => log(`bed down failed: ${e.message}`));
        unregister();
    }
    return { ctx, errors };
}

/** The results files and the table. */
function report(o: BenchOptions, started: Date, loadAtStart: number[], ctx: BenchContext, errors: string[]): void {
    const figs = [...figures(ctx.samples, figureSpecs(o.sizes, OPS_SIZE, memorySize(o.sizes))), ...ratioFigures(ctx.samples, o.sizes)];
    const tgts = targets(ctx.samples);
    const wallMs = performance.now() - t0;
    const env = environment(REPO_ROOT);
    const file = writeResults(o.outDir, timestamp(started), {
        startedAt: started.toISOString(),
        wallMs,
        options: o,
        machine: { ...env, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg() },
        figures: Object.fromEntries(figs.map((f) => [f.key, { label: f.label.trim(), unit: f.unit, ...f.summary }])),
        targets: tgts,
        errors,
        runs: ctx.records,
    }, ctx.timeline);
    const out = [`\n${renderTable(figs, tgts)}\n`];
    out.push(`${env.cores} cores, load average ${loadAtStart.map((l) => l.toFixed(1)).join(" ")} at start; wall time ${(wallMs / 60000).toFixed(1)} min`);
    const settings = Object.entries(env.settings).filter(([, v]) => v !== null);
    if (settings.length > 0) out.push(`measured with ${settings.map(([k, v]) => `${k}=${v}`).join(" ")}`);
    out.push(`results: ${path.relative(process.cwd(), file)}`);
    if (errors.length > 0) out.push(`\n${errors.length} operation(s) failed:`, ...errors.map((e) => `  - ${e.split("\n")[0]}`));
    process.stdout.write(`${out.join("\n")}\n`);
}

async function main(o: BenchOptions): Promise<number> {
    const started = new Date();
    const loadAtStart = os.loadavg();
    const { ctx, errors } = await measure(o);
    report(o, started, loadAtStart, ctx, errors);
    return errors.length > 0 ? 1 : 0;
}

let options: BenchOptions;
try {
    options = parseOptions(process.argv.slice(2), path.join(REPO_ROOT, "bench", "results"));
} catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    process.exit(2);
}
if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
}
main(options).then(
    (code) => process.exit(code),
    (e: Error) => {
        process.stderr.write(`bench: ${e.stack ?? e.message}\n`);
        process.exit(1);
    },
);
