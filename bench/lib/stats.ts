// Summaries of repeated measurements: the median with min and max, as the issue asks for every
// figure, and ratios of two such figures. Pure.

/** A figure measured `n` times. `median`, `min` and `max` are null when nothing was measured. */
export interface Summary {
    n: number;
    median: number | null;
    min: number | null;
    max: number | null;
    /** Every sample, in run order, for whoever wants more than three numbers. */
    samples: number[];
}

/** Median (mean of the two middle values for an even count), min and max of the finite samples. */
export function summarize(samples: readonly (number | null | undefined)[]): Summary {
    const xs = samples.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
    if (xs.length === 0) return { n: 0, median: null, min: null, max: null, samples: [] };
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { n: xs.length, median, min: sorted[0], max: sorted[sorted.length - 1], samples: xs };
}

/**
 * A derived ratio: `median` is the ratio of the two medians; `min` and `max` come from the
 * per-run ratios of samples taken in the same round (the two are measured back to back, so a
 * pair shares the machine's load at that moment). Null where either side is missing.
 */
export function ratio(numerator: readonly (number | null)[], denominator: readonly (number | null)[]): Summary {
    const num = summarize(numerator);
    const den = summarize(denominator);
    const pairs: number[] = [];
    for (let i = 0; i < Math.min(numerator.length, denominator.length); i++) {
        const a = numerator[i];
        const b = denominator[i];
        if (typeof a === "number" && typeof b === "number" && Number.isFinite(a) && Number.isFinite(b) && b > 0) pairs.push(a / b);
    }
    const perRun = summarize(pairs);
    const median = num.median !== null && den.median !== null && den.median > 0 ? num.median / den.median : null;
    return { n: perRun.n, median, min: perRun.min, max: perRun.max, samples: perRun.samples };
}
