// Command line of `npm run bench -- [options]`. Pure: parseOptions throws a UsageError with the
// message to print; the defaults are the (3 runs of every figure, 1, 3, 5 and 7 members).

export const USAGE = `usage: npm run bench -- [options]

  --runs N          runs of every figure (default 3; fewer is a smoke run, its figures are not medians of 3)
  --sizes LIST      cluster sizes for the floor and the cold up, comma-separated, 1..7 (default 1,3,5,7)
  --bed NAME        test bed to use; must start with "bench" (default bench)
  --keep-bed        leave the bed up at the end (it is torn down by default)
  --parallel N      pass --parallel N to every pulumi operation (default: pulumi's own default)
  --out DIR         where the results JSON goes (default bench/results)
  --help            this text

The no-op up, preview, rolling change and destroy run on 3 members when 3 is among --sizes;
peak memory is sampled during the cold up of the largest size.
The run prints a table at the end and writes <time>.json (figures, versions, cores) and
<time>.timeline.json (per-resource engine timings of every operation) into --out.
Benchmarks measure; a missed target never fails the run (only an operation that errors does).`;

export class UsageError extends Error {}

export interface BenchOptions {
    runs: number;
    sizes: number[];
    bed: string;
    keepBed: boolean;
    parallel?: number;
    outDir: string;
    help: boolean;
}

export const DEFAULT_SIZES: readonly number[] = [1, 3, 5, 7];
export const DEFAULT_RUNS = 3;
/** The size the pull-request path (preview, no-op up), destroy and the rolling change run on. */
export const OPS_SIZE = 3;
/** Peak memory is sampled during the cold up of the largest size (7, the target, by default). */
export function memorySize(sizes: readonly number[]): number {
    return Math.max(...sizes);
}
/** etcd recommends at most 7 members, and a bed holds at most 9 hosts. */
const MAX_SIZE = 7;
const MAX_RUNS = 20;

function positiveInt(flag: string, value: string | undefined, max: number): number {
    if (value === undefined || !/^[0-9]+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got ${JSON.stringify(value ?? "")}`);
    const n = Number(value);
    if (n < 1 || n > max) throw new UsageError(`${flag} must be between 1 and ${max}, got ${n}`);
    return n;
}

export function parseSizes(value: string | undefined): number[] {
    if (value === undefined || value.trim() === "") throw new UsageError("--sizes needs a list such as 1,3,5,7");
    const sizes = value.split(",").map((s) => positiveInt("--sizes", s.trim(), MAX_SIZE));
    return [...new Set(sizes)].sort((a, b) => a - b);
}

export function parseOptions(argv: readonly string[], defaultOutDir: string): BenchOptions {
    const o: BenchOptions = { runs: DEFAULT_RUNS, sizes: [...DEFAULT_SIZES], bed: "bench", keepBed: false, outDir: defaultOutDir, help: false };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
        const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
        switch (flag) {
            case "--runs":
                o.runs = positiveInt(flag, value(), MAX_RUNS);
                break;
            case "--sizes":
                o.sizes = parseSizes(value());
                break;
            case "--bed": {
                const bed = value() ?? "";
                // Other engineers' beds and the dev stack's `default` bed are never ours to touch.
                if (!/^bench[a-z0-9]{0,3}$/.test(bed)) throw new UsageError(`--bed must start with "bench" and be at most 8 of [a-z0-9] (tb's rule), got ${JSON.stringify(bed)}`);
                o.bed = bed;
                break;
            }
            case "--keep-bed":
                o.keepBed = true;
                break;
            case "--parallel":
                o.parallel = positiveInt(flag, value(), 1024);
                break;
            case "--out": {
                const dir = value();
                if (dir === undefined || dir === "") throw new UsageError("--out needs a directory");
                o.outDir = dir;
                break;
            }
            case "--help":
            case "-h":
                o.help = true;
                break;
            default:
                throw new UsageError(`unknown option ${JSON.stringify(argv[i])}`);
        }
    }
    return o;
}
