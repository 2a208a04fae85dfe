// The benchmark's figures, targets and table (bench/lib/figures.ts, targets.ts, table.ts), its
// process-tree memory sum (memory.ts) and the version pins of its results file (results.ts).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Samples, breakdownSamples, figureSpecs, figures, key, put, ratioFigures } from "../../bench/lib/figures";
import { targets } from "../../bench/lib/targets";
import { formatValue, renderTable } from "../../bench/lib/table";
import { descendantsRss, parseStat } from "../../bench/lib/memory";
import { parsePins, timestamp } from "../../bench/lib/results";
import { breakdown } from "../../bench/lib/events";

const MIB = 1024 ** 2;

/** Three rounds of every figure the targets read. */
function samples(over: Partial<Record<string, (number | null)[]>> = {}): Samples {
    const s: Samples = {
        [key.floor(1)]: [2000, 2100, 1900],
        [key.floor(3)]: [5000, 6000, 5500],
        [key.up(1)]: [10_000, 11_000, 12_000],
        [key.up(3)]: [18_000, 20_000, 22_000],
        [key.up(7)]: [14_000, 15_000, 16_000],
        [key.noopUp]: [3000, 3500, 4000],
        [key.noopUpChanges]: [0, 0, 0],
        [key.preview]: [3000, 6000, 7000],
        [key.previewChanges]: [0, 0, 0],
        [key.rollFailed]: [0, 1, 0],
        [key.memory(7)]: [700 * MIB, 1100 * MIB, 800 * MIB],
    };
    for (const [k, v] of Object.entries(over)) if (v !== undefined) s[k] = v;
    return s;
}

describe("put", () => {
    it("keeps a figure's samples aligned with the rounds", () => {
        const s: Samples = {};
        put(s, "a", 2, 5);
        put(s, "a", 0, 1);
        assert.deepEqual(s.a, [1, null, 5]);
    });
});

describe("figureSpecs", () => {
    it("lists floor, cold up with its parts, the operations size's figures and memory", () => {
        const keys = figureSpecs([1, 3], 3, 3).map((f) => f.key);
        assert.deepEqual(keys.slice(0, 3), ["floor.1", "floor.3", "up.1"]);
        assert.ok(keys.includes("up.3.startToHealthy"));
        assert.ok(keys.includes(key.rollFailed) && keys.includes(key.destroy));
        assert.equal(keys[keys.length - 1], "memory.3");
    });
    it("leaves out the operations when their size isn't measured", () => {
        assert.ok(!figureSpecs([1, 5], 3, 5).some((f) => f.key === key.noopUp));
    });
});

describe("ratioFigures", () => {
    it("gives cold up / floor per size and the largest over the smallest size", () => {
        const r = ratioFigures(samples(), [1, 3, 7]);
        assert.deepEqual(r.map((f) => f.key), ["ratio.up/floor.1", "ratio.up/floor.3", "ratio.up/floor.7", "ratio.up7/up1"]);
        assert.equal(r[1].summary.median, 20_000 / 5500);
        assert.equal(r[2].summary.median, null);
        assert.equal(r[3].summary.median, 15_000 / 11_000);
    });
});

describe("targets", () => {
    const byName = (s: Samples) => Object.fromEntries(targets(s).map((t) => [t.name, t]));
    it("judges times on the median, zero counts on every run, memory on the highest peak", () => {
        const t = byName(samples());
        assert.equal(t["cold up(3) <= 4x floor(3)"].status, "met");
        assert.equal(t["up(7) / up(1) <= 1.5"].status, "met");
        assert.equal(t["no-op up(3) < 5 s, zero changes"].status, "met");
        assert.equal(t["preview(3) < 5 s, zero changes"].status, "missed");
        assert.equal(t["rolling change: zero failed writes"].status, "missed");
        assert.equal(t["peak memory of up(7) < 1 GiB"].status, "missed");
        assert.equal(t["peak memory of up(7) < 1 GiB"].detail, "highest peak 1100 MiB");
    });
    it("misses a fast no-op that changed something, and says what wasn't measured", () => {
        const t = byName(samples({ [key.noopUpChanges]: [0, 2, 0], [key.up(7)]: [] }));
        assert.equal(t["no-op up(3) < 5 s, zero changes"].status, "missed");
        assert.equal(t["up(7) / up(1) <= 1.5"].status, "not measured");
    });
});

describe("table", () => {
    it("formats each unit", () => {
        assert.deepEqual(
            [formatValue(1234, "ms"), formatValue(61_234, "ms"), formatValue(700 * MIB, "bytes"), formatValue(2, "count"), formatValue(3.456, "ratio"), formatValue(null, "ms")],
            ["1.23 s", "61.2 s", "700 MiB", "2", "3.46x", "-"],
        );
    });
    it("prints median, min, max and runs per figure, then the targets", () => {
        const s = samples();
        const text = renderTable(figures(s, [{ key: key.floor(3), label: "floor, 3 members", unit: "ms" }]), targets(s));
        const lines = text.split("\n");
        assert.match(lines[0], /^figure\s+median\s+min\s+max\s+runs$/);
        assert.match(lines[2], /^floor, 3 members\s+5\.50 s\s+5\.00 s\s+6\.00 s\s+3$/);
        assert.ok(lines.includes("  [met] cold up(3) <= 4x floor(3): median ratio 3.64x"));
        assert.ok(lines.includes("  [MISSED] rolling change: zero failed writes: most failed writes in a run: 1"));
    });
});

describe("breakdownSamples", () => {
    it("names a breakdown's parts as the figures do", () => {
        const parts = breakdownSamples(breakdown([], 1000));
        assert.deepEqual(Object.keys(parts), ["startup", "keysCerts", "hostPrep", "files", "startToHealthy", "gate", "tail"]);
        assert.ok(Object.values(parts).every((v) => v === null));
    });
});

describe("memory", () => {
    it("reads pid, parent and resident pages of a stat line, whatever the command name", () => {
        const line = "4242 (node (ts) x) S 4100 4242 4100 0 -1 4194560 100 0 0 0 50 10 0 0 20 0 11 0 123 1000000 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assert.deepEqual(parseStat(line, 4096), { pid: 4242, ppid: 4100, name: "node (ts) x", rssBytes: 2560 * 4096 });
        assert.equal(parseStat("garbage", 4096), undefined);
    });
    it("sums the descendants of a process, not the process itself nor its siblings", () => {
        const procs = [
            { pid: 1, ppid: 0, name: "init", rssBytes: 1000 },
            { pid: 10, ppid: 1, name: "node", rssBytes: 100 }, // the benchmark
            { pid: 11, ppid: 10, name: "pulumi", rssBytes: 20 },
            { pid: 12, ppid: 11, name: "pulumi-language", rssBytes: 30 },
            { pid: 13, ppid: 12, name: "node", rssBytes: 40 }, // the program
            { pid: 14, ppid: 11, name: "pulumi-resource", rssBytes: 5 },
            { pid: 20, ppid: 1, name: "sshd", rssBytes: 7000 }, // someone else
        ];
        const tree = descendantsRss(procs, 10);
        assert.equal(tree.bytes, 95);
        assert.deepEqual(tree.processes.map((p) => p.pid).sort(), [11, 12, 13, 14]);
        assert.deepEqual(descendantsRss(procs, 99), { bytes: 0, processes: [] });
    });
});

describe("results", () => {
    it("reads the toolchain pins", () => {
        assert.deepEqual(parsePins('# c\nPULUMI_VERSION=3.259.0\n\nETCD_VERSIONS="3.6.16 3.5.35"\n  lower=x\n'), { PULUMI_VERSION: "3.259.0", ETCD_VERSIONS: "3.6.16 3.5.35" });
    });
    it("stamps files with a sortable UTC time", () => {
        assert.equal(timestamp(new Date("2025-01-31T12:34:56.789Z")), "2025-01-31T12-34-56Z");
    });
});
