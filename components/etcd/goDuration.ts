// Go's time.ParseDuration syntax, which etcd uses for every duration flag. etcd.conf.yml cannot
// take that syntax: etcd decodes the file through JSON into time.Duration, an integer of
// nanoseconds, so renderConfigFile converts with this module.

const UNIT_NS: Readonly<Record<string, bigint>> = {
    ns: 1n,
    us: 1000n,
    "µs": 1000n, // U+00B5 micro sign
    "μs": 1000n, // U+03BC Greek mu; Go accepts both
    ms: 1000000n,
    s: 1000000000n,
    m: 60n * 1000000000n,
    h: 3600n * 1000000000n,
};

const TERM = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Nanoseconds of a Go duration such as `5s`, `1h30m`, `1.5s` or `0`, or undefined when Go's
 * `time.ParseDuration` would reject it. Negative durations are rejected too: no etcd duration
 * flag means anything negative.
 */
export function parseGoDuration(s: string): bigint | undefined {
    if (s === "0") return 0n;
    if (s.length === 0) return undefined;
    let total = 0n;
    TERM.lastIndex = 0;
    while (TERM.lastIndex < s.length) {
        const m = TERM.exec(s);
        if (m === null) return undefined;
        const [, num, unit] = m;
        if (num === "" || num === ".") return undefined;
        const [intPart, fracPart = ""] = num.split(".");
        const scale = UNIT_NS[unit];
        let value = BigInt(intPart === "" ? "0" : intPart) * scale;
        if (fracPart !== "") {
            // Go truncates fractional nanoseconds; so does integer division here.
            value += (BigInt(fracPart) * scale) / 10n ** BigInt(fracPart.length);
        }
        total += value;
    }
    return total;
}
