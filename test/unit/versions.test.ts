// The version table against facts checked in etcd's sources.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { EtcdVersion } from "../../components/types";
import {
    DEPRECATED_FLAGS,
    EXPERIMENTAL_FLAG_TO_FEATURE_3_6,
    FLAGS,
    FLAG_ONLY,
    FLAG_SINCE_PATCH,
    SERIES,
    compactHashCheckForm,
    corruptCheckForm,
    defaultSnapshotCount,
    flagAvailability,
    healthEndpoints,
    parseEtcdVersion,
    watchProgressFlag,
} from "../../components/etcd/versions";
import { parseGoDuration } from "../../components/etcd/goDuration";

function v(s: string): EtcdVersion {
    const r = parseEtcdVersion(s);
    assert.ok(typeof r !== "string", r as string);
    return r;
}

describe("parseEtcdVersion", () => {
    it("parses and rejects", () => {
        assert.deepEqual(parseEtcdVersion("v3.5.35"), { full: "3.5.35", series: "3.5", major: 3, minor: 5, patch: 35 });
        assert.equal(parseEtcdVersion("3.3.18"), '"3.3.18" is not supported; supported series: 3.4, 3.5, 3.6');
        assert.equal(parseEtcdVersion("3.6.016"), '"3.6.016" is not an etcd version of the form 3.6.16');
        assert.equal(parseEtcdVersion("3.6.0-rc.1"), '"3.6.0-rc.1" is not an etcd version of the form 3.6.16');
    });
});

describe("flagAvailability", () => {
    const cases: [string, string, ReturnType<typeof flagAvailability>][] = [
        ["3.6.16", "enable-v2", { status: "removed", removedIn: "3.6" }],
        ["3.6.16", "experimental-enable-v2v3", { status: "removed", removedIn: "3.6" }],
        ["3.6.16", "proxy", { status: "removed", removedIn: "3.6" }],
        ["3.5.35", "enable-v2", { status: "ok", kind: "bool" }],
        ["3.5.35", "log-package-levels", { status: "removed", removedIn: "3.5" }],
        ["3.5.35", "experimental-backend-bbolt-freelist-type", { status: "removed", removedIn: "3.5" }],
        ["3.4.23", "feature-gates", { status: "added-later", since: "3.6" }],
        ["3.4.23", "backend-bbolt-freelist-type", { status: "added-later", since: "3.5" }],
        ["3.4.10", "experimental-watch-progress-notify-interval", { status: "added-later", since: "3.4.11" }],
        ["3.5.4", "experimental-compact-hash-check-enabled", { status: "added-later", since: "3.5.5" }],
        ["3.6.16", "feature-gates", { status: "ok", kind: "string" }],
        ["3.6.16", "watch-progress-notify-interval", { status: "ok", kind: "duration" }],
        ["3.6.16", "listen-client-urls", { status: "ok", kind: "csv" }],
        ["3.6.16", "cipher-suites", { status: "ok", kind: "list" }],
        ["3.4.23", "peer-cert-allowed-cn", { status: "ok", kind: "string" }], // a list from 3.5
        ["3.6.16", "no-such-flag", { status: "unknown" }],
    ];
    for (const [version, flag, want] of cases) {
        it(`${flag} on ${version}`, () => assert.deepEqual(flagAvailability(v(version), flag), want));
    }
});

describe("version-dependent forms", () => {
    it("initial corruption check: flag until 3.5, feature gate from 3.6", () => {
        assert.deepEqual(corruptCheckForm(v("3.4.23")), { form: "flag", flag: "experimental-initial-corrupt-check" });
        assert.deepEqual(corruptCheckForm(v("3.5.35")), { form: "flag", flag: "experimental-initial-corrupt-check" });
        assert.deepEqual(corruptCheckForm(v("3.6.16")), { form: "feature-gate", gate: "InitialCorruptCheck" });
    });
    it("compact hash check: none before 3.5.5", () => {
        assert.equal(compactHashCheckForm(v("3.4.23")), undefined);
        assert.equal(compactHashCheckForm(v("3.5.4")), undefined);
        assert.deepEqual(compactHashCheckForm(v("3.5.5")), { form: "flag", flag: "experimental-compact-hash-check-enabled" });
        assert.deepEqual(compactHashCheckForm(v("3.6.0")), { form: "feature-gate", gate: "CompactHashCheck" });
    });
    it("health URLs: /livez and /readyz from 3.5.11", () => {
        assert.deepEqual(healthEndpoints(v("3.4.23")), { liveness: "/health", startup: "/health" });
        assert.deepEqual(healthEndpoints(v("3.5.2")), { liveness: "/health", startup: "/health" });
        assert.deepEqual(healthEndpoints(v("3.5.10")), { liveness: "/health?exclude=NOSPACE&serializable=true", startup: "/health?serializable=false" });
        assert.deepEqual(healthEndpoints(v("3.5.11")), { liveness: "/livez", readiness: "/readyz", startup: "/readyz" });
        assert.deepEqual(healthEndpoints(v("3.6.16")), { liveness: "/livez", readiness: "/readyz", startup: "/readyz" });
    });
    it("watch progress flag renamed in 3.6", () => {
        assert.equal(watchProgressFlag(v("3.4.10")), undefined);
        assert.equal(watchProgressFlag(v("3.4.11")), "experimental-watch-progress-notify-interval");
        assert.equal(watchProgressFlag(v("3.5.0")), "experimental-watch-progress-notify-interval");
        assert.equal(watchProgressFlag(v("3.6.16")), "watch-progress-notify-interval");
    });
    it("snapshot-count default dropped to 10000 in 3.6", () => {
        assert.deepEqual([defaultSnapshotCount(v("3.5.35")), defaultSnapshotCount(v("3.6.16"))], [100000, 10000]);
    });
});

describe("table consistency", () => {
    it("deprecations, patch additions and experimental-flag mappings name flags of their series", () => {
        for (const s of SERIES) {
            for (const f of Object.keys(DEPRECATED_FLAGS[s])) assert.ok(FLAGS[s].has(f), `${s} deprecates unknown ${f}`);
            for (const f of Object.keys(FLAG_SINCE_PATCH[s])) assert.ok(FLAGS[s].has(f), `${s} adds unknown ${f}`);
        }
        for (const f of Object.keys(EXPERIMENTAL_FLAG_TO_FEATURE_3_6)) assert.ok(FLAGS["3.6"].has(f), f);
        for (const f of FLAG_ONLY) assert.ok(SERIES.some((s) => FLAGS[s].has(f)), f);
    });
    it("every series knows the flags etcdhosts always renders", () => {
        const always = ["name", "listen-client-urls", "advertise-client-urls", "listen-peer-urls", "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-state", "initial-cluster-token", "data-dir", "cert-file", "key-file", "trusted-ca-file", "client-cert-auth", "peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-client-cert-auth", "snapshot-count", "listen-metrics-urls", "heartbeat-interval", "election-timeout", "quota-backend-bytes", "auto-compaction-mode", "auto-compaction-retention", "strict-reconfig-check"];
        for (const s of SERIES) for (const f of always) assert.ok(FLAGS[s].has(f), `${s} lacks ${f}`);
    });
});

describe("parseGoDuration", () => {
    const cases: [string, bigint | undefined][] = [
        ["0", 0n],
        ["5s", 5_000_000_000n],
        ["1h30m", 5_400_000_000_000n],
        ["1.5s", 1_500_000_000n],
        ["100ms", 100_000_000n],
        ["10µs", 10_000n],
        [".5h", 1_800_000_000_000n],
        ["5", undefined],
        ["-5s", undefined],
        ["5 s", undefined],
        ["", undefined],
        ["1d", undefined],
    ];
    for (const [s, want] of cases) it(JSON.stringify(s), () => assert.equal(parseGoDuration(s), want));
});
