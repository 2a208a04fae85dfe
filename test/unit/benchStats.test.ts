// The benchmark's summaries (bench/lib/stats.ts) and its command line (bench/lib/options.ts).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ratio, summarize } from "../../bench/lib/stats";
import { DEFAULT_RUNS, DEFAULT_SIZES, UsageError, memorySize, parseOptions } from "../../bench/lib/options";

describe("summarize", () => {
    it("takes the middle value of an odd count, the mean of the middle two of an even one", () => {
        assert.deepEqual(summarize([30, 10, 20]), { n: 3, median: 20, min: 10, max: 30, samples: [30, 10, 20] });
        assert.equal(summarize([4, 1, 3, 2]).median, 2.5);
    });
    it("skips what was not measured, and has no median without samples", () => {
        assert.deepEqual(summarize([null, 5, undefined, Number.NaN]), { n: 1, median: 5, min: 5, max: 5, samples: [5] });
        assert.deepEqual(summarize([]), { n: 0, median: null, min: null, max: null, samples: [] });
    });
});

describe("ratio", () => {
    it("divides the medians; min and max come from the rounds' own pairs", () => {
        const r = ratio([40, 20, 30], [10, 10, 5]);
        assert.equal(r.median, 30 / 10);
        assert.deepEqual(r.samples, [4, 2, 6]);
        assert.equal(r.min, 2);
        assert.equal(r.max, 6);
    });
    it("leaves out rounds where a side is missing or zero", () => {
        const r = ratio([40, null, 30], [10, 10, 0]);
        assert.deepEqual(r.samples, [4]);
        assert.equal(ratio([null], [1]).median, null);
    });
});

describe("parseOptions", () => {
    const parse = (...argv: string[]) => parseOptions(argv, "/out");
    it("defaults to the issue's runs and sizes on the bench bed", () => {
        assert.deepEqual(parse(), { runs: DEFAULT_RUNS, sizes: [...DEFAULT_SIZES], bed: "bench", keepBed: false, outDir: "/out", help: false });
    });
    it("reads quick development runs, in both spellings", () => {
        assert.deepEqual(parse("--runs", "1", "--sizes", "3,1,3").sizes, [1, 3]);
        assert.equal(parse("--runs=2").runs, 2);
        assert.deepEqual(parse("--sizes=5").sizes, [5]);
        const o = parse("--keep-bed", "--parallel", "4", "--out", "x", "--bed", "bench2");
        assert.deepEqual([o.keepBed, o.parallel, o.outDir, o.bed], [true, 4, "x", "bench2"]);
        assert.equal(parse("-h").help, true);
    });
    it("rejects what it can't use, saying why", () => {
        const fails = (argv: string[], message: RegExp) => assert.throws(() => parse(...argv), (e: unknown) => e instanceof UsageError && message.test(e.message));
        fails(["--runs", "0"], /--runs must be between 1 and 20, got 0/);
        fails(["--runs"], /--runs needs a whole number/);
        fails(["--sizes", "1,8"], /--sizes must be between 1 and 7, got 8/);
        fails(["--sizes", "1,x"], /--sizes needs a whole number, got "x"/);
        fails(["--sizes", ""], /--sizes needs a list/);
        fails(["--bed", "e2esys"], /--bed must start with "bench"/);
        fails(["--fast"], /unknown option "--fast"/);
    });
});

describe("memorySize", () => {
    it("is the largest size measured", () => {
        assert.equal(memorySize([1, 3, 5, 7]), 7);
        assert.equal(memorySize([1, 3]), 3);
    });
});
