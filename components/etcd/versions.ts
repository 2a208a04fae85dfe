// The version table: what differs between etcd 3.4, 3.5 and 3.6 for a provisioner (pitfalls
// P13). Checked against etcd's sources (server/embed/config.go, server/etcdmain/config.go,
// server/features/etcd_features.go at v3.5.35 and v3.6.16; etcdmain/config.go of release-3.4)
// and CHANGELOG-3.4/3.5.

import type { EtcdSeries, EtcdVersion } from "../types";
import { FLAGS_3_4, FLAGS_3_5, FLAGS_3_6, FlagKind, FlagKindLists } from "./flagTable";

export type { FlagKind } from "./flagTable";

/** Supported series, oldest first. */
export const SERIES: readonly EtcdSeries[] = ["3.4", "3.5", "3.6"];

function expand(lists: FlagKindLists): ReadonlyMap<string, FlagKind> {
    const m = new Map<string, FlagKind>();
    for (const kind of Object.keys(lists) as FlagKind[]) {
        for (const name of lists[kind].split(" ")) m.set(name, kind);
    }
    return m;
}

/** Flags accepted by each series (latest patch) and their kinds. */
export const FLAGS: Readonly<Record<EtcdSeries, ReadonlyMap<string, FlagKind>>> = {
    "3.4": expand(FLAGS_3_4),
    "3.5": expand(FLAGS_3_5),
    "3.6": expand(FLAGS_3_6),
};

/**
 * Flags that appeared in a later patch of a series (from CHANGELOG-3.4/3.5); older patches
 * reject them as unknown. Only patches the changelogs name are listed.
 */
export const FLAG_SINCE_PATCH: Readonly<Record<EtcdSeries, Readonly<Record<string, number>>>> = {
    "3.4": {
        "unsafe-no-fsync": 10,
        "auth-token-ttl": 10,
        "experimental-watch-progress-notify-interval": 11,
        "experimental-warning-apply-duration": 16,
        "max-concurrent-streams": 20,
        "experimental-enable-lease-checkpoint-persist": 20,
    },
    "3.5": {
        "experimental-enable-lease-checkpoint-persist": 2,
        "max-concurrent-streams": 5,
        "experimental-compact-hash-check-enabled": 5,
        "experimental-compact-hash-check-time": 5,
        "listen-client-http-urls": 8,
        "tls-min-version": 8,
        "tls-max-version": 8,
    },
    "3.6": {},
};

/** etcd 3.5's deprecation message format (`deprecatedWarningMessage` in etcdmain/config.go). */
const DEPRECATED_IN_3_5 = ["enable-v2", "experimental-enable-v2v3", "proxy", "proxy-failure-wait", "proxy-refresh-interval", "proxy-dial-timeout", "proxy-write-timeout", "proxy-read-timeout"];

/**
 * Deprecation warnings per series. 3.5 and 3.6: the messages etcd logs, verbatim (etcdmain/config.go
 * `deprecatedFlags`). 3.4 logs none; its entries quote the flags' help text.
 */
export const DEPRECATED_FLAGS: Readonly<Record<EtcdSeries, Readonly<Record<string, string>>>> = {
    "3.4": {
        "log-output": "--log-output: [TO BE DEPRECATED IN v3.5] use '--log-outputs'.",
        "debug": "--debug: [TO BE DEPRECATED IN v3.5] Enable debug-level logging for etcd. Use '--log-level=debug' instead.",
        "log-package-levels": "--log-package-levels: [TO BE DEPRECATED IN v3.5] Specify a particular log level for each etcd package.",
    },
    "3.5": Object.fromEntries(DEPRECATED_IN_3_5.map((f) => [f, `--${f} is deprecated in 3.5 and will be decommissioned in 3.6.`])),
    "3.6": {
        "max-snapshots": "--max-snapshots is deprecated in 3.6 and will be decommissioned in 3.8.",
        "v2-deprecation": "--v2-deprecation is deprecated and scheduled for removal in v3.8. The default value is enforced, ignoring user input.",
        "experimental-compact-hash-check-enabled": "--experimental-compact-hash-check-enabled is deprecated in 3.6 and will be decommissioned in 3.7. Use '--feature-gates=CompactHashCheck=true' instead.",
        "experimental-compact-hash-check-time": "--experimental-compact-hash-check-time is deprecated in 3.6 and will be decommissioned in 3.7. Use '--compact-hash-check-time' instead.",
        "experimental-txn-mode-write-with-shared-buffer": "--experimental-txn-mode-write-with-shared-buffer is deprecated in v3.6 and will be decommissioned in v3.7. Use '--feature-gates=TxnModeWriteWithSharedBuffer=true' instead.",
        "experimental-corrupt-check-time": "--experimental-corrupt-check-time is deprecated in v3.6 and will be decommissioned in v3.7. Use '--corrupt-check-time' instead.",
        "experimental-compaction-batch-limit": "--experimental-compaction-batch-limit is deprecated in v3.6 and will be decommissioned in v3.7. Use '--compaction-batch-limit' instead.",
        "experimental-watch-progress-notify-interval": "--experimental-watch-progress-notify-interval is deprecated in v3.6 and will be decommissioned in v3.7. Use '--watch-progress-notify-interval' instead.",
        "experimental-warning-apply-duration": "--experimental-warning-apply-duration is deprecated in v3.6 and will be decommissioned in v3.7. Use '--warning-apply-duration' instead.",
        "experimental-bootstrap-defrag-threshold-megabytes": "--experimental-bootstrap-defrag-threshold-megabytes is deprecated in v3.6 and will be decommissioned in v3.7. Use '--bootstrap-defrag-threshold-megabytes' instead.",
        "experimental-memory-mlock": "--experimental-memory-mlock is deprecated in v3.6 and will be decommissioned in v3.7. Use '--memory-mlock' instead.",
        "experimental-snapshot-catchup-entries": "--experimental-snapshot-catchup-entries is deprecated in v3.6 and will be decommissioned in v3.7. Use '--snapshot-catchup-entries' instead.",
        "experimental-compaction-sleep-interval": "--experimental-compaction-sleep-interval is deprecated in v3.6 and will be decommissioned in v3.7. Use 'compaction-sleep-interval' instead.",
        "experimental-downgrade-check-time": "--experimental-downgrade-check-time is deprecated in v3.6 and will be decommissioned in v3.7. Use '--downgrade-check-time' instead.",
        "experimental-enable-distributed-tracing": "--experimental-enable-distributed-tracing is deprecated in 3.6 and will be decommissioned in 3.7. Use --enable-distributed-tracing instead.",
        "experimental-distributed-tracing-address": "--experimental-distributed-tracing-address is deprecated in 3.6 and will be decommissioned in 3.7. Use --distributed-tracing-address instead.",
        "experimental-distributed-tracing-service-name": "--experimental-distributed-tracing-service-name is deprecated in 3.6 and will be decommissioned in 3.7. Use --distributed-tracing-service-name instead.",
        "experimental-distributed-tracing-instance-id": "--experimental-distributed-tracing-instance-id is deprecated in 3.6 and will be decommissioned in 3.7. Use --distributed-tracing-instance-id instead.",
        "experimental-distributed-tracing-sampling-rate": "--experimental-distributed-tracing-sampling-rate is deprecated in 3.6 and will be decommissioned in 3.7. Use --distributed-tracing-sampling-rate instead.",
    },
};

/** Server feature gates of etcd 3.6 (server/features/etcd_features.go). */
export const FEATURE_GATES_3_6: readonly string[] = [
    "CompactHashCheck",
    "InitialCorruptCheck",
    "LeaseCheckpoint",
    "LeaseCheckpointPersist",
    "SetMemberLocalAddr",
    "StopGRPCServiceOnDefrag",
    "TxnModeWriteWithSharedBuffer",
];

/**
 * 3.6's `ExperimentalFlagToFeatureMap`: these experimental flags still work on 3.6 but etcd
 * refuses to start when the same feature also appears in `--feature-gates`.
 */
export const EXPERIMENTAL_FLAG_TO_FEATURE_3_6: Readonly<Record<string, string>> = {
    "experimental-stop-grpc-service-on-defrag": "StopGRPCServiceOnDefrag",
    "experimental-initial-corrupt-check": "InitialCorruptCheck",
    "experimental-compact-hash-check-enabled": "CompactHashCheck",
    "experimental-txn-mode-write-with-shared-buffer": "TxnModeWriteWithSharedBuffer",
    "experimental-enable-lease-checkpoint": "LeaseCheckpoint",
    "experimental-enable-lease-checkpoint-persist": "LeaseCheckpointPersist",
};

/**
 * Flags etcd reads from the command line (or ETCD_* variables) but not from etcd.conf.yml: no
 * key in `embed.Config`/`configJSON`/`securityConfig` carries them.
 */
export const FLAG_ONLY: ReadonlySet<string> = new Set([
    "client-crl-file",
    "peer-crl-file",
    "raft-read-timeout",
    "raft-write-timeout",
    "version",
    "config-file",
    "discovery-token",
    "discovery-endpoints",
    "discovery-dial-timeout",
    "discovery-request-timeout",
    "discovery-keepalive-time",
    "discovery-keepalive-timeout",
    "discovery-insecure-transport",
    "discovery-insecure-skip-tls-verify",
    "discovery-cert",
    "discovery-key",
    "discovery-cacert",
    "discovery-user",
    "discovery-password",
    "log-output",
]);

/** Parse `3.6.16` into an {@link EtcdVersion}, or return why not. */
export function parseEtcdVersion(s: string): EtcdVersion | string {
    const m = /^v?(3)\.([0-9]+)\.(0|[1-9][0-9]*)$/.exec(s);
    if (m === null) return `"${s}" is not an etcd version of the form 3.6.16`;
    const minor = Number(m[2]);
    if (minor !== 4 && minor !== 5 && minor !== 6) {
        return `"${s}" is not supported; supported series: ${SERIES.join(", ")}`;
    }
    const full = s.startsWith("v") ? s.slice(1) : s;
    return { full, series: `3.${minor}` as EtcdSeries, major: 3, minor, patch: Number(m[3]) };
}

/** Whether a version is at least `series.patch`. */
export function atLeast(v: EtcdVersion, minor: 4 | 5 | 6, patch = 0): boolean {
    return v.minor > minor || (v.minor === minor && v.patch >= patch);
}

/**
 * Whether an etcdctl of this version should get `ETCDCTL_API=3`. v3 is the default from 3.4, and
 * 3.6 dropped the variable: its etcdctl warns "unrecognized environment variable ETCDCTL_API=3"
 * on every call. Set it only where it is still read, for an older etcdctl on PATH.
 */
export function wantsEtcdctlApiEnv(v: EtcdVersion): boolean {
    return !atLeast(v, 6);
}

/** Answer of {@link flagAvailability}. */
export type FlagAvailability =
    | { readonly status: "ok"; readonly kind: FlagKind }
    | { readonly status: "unknown" }
    | { readonly status: "removed"; readonly removedIn: EtcdSeries }
    | { readonly status: "added-later"; readonly since: string };

/** Whether `--name` exists in etcd `v`, and if not why. */
export function flagAvailability(v: EtcdVersion, name: string): FlagAvailability {
    const kind = FLAGS[v.series].get(name);
    if (kind !== undefined) {
        const since = FLAG_SINCE_PATCH[v.series][name];
        if (since !== undefined && v.patch < since) return { status: "added-later", since: `${v.series}.${since}` };
        return { status: "ok", kind };
    }
    const idx = SERIES.indexOf(v.series);
    for (let i = idx - 1; i >= 0; i--) {
        if (FLAGS[SERIES[i]].has(name)) return { status: "removed", removedIn: SERIES[i + 1] };
    }
    for (let i = idx + 1; i < SERIES.length; i++) {
        if (FLAGS[SERIES[i]].has(name)) return { status: "added-later", since: SERIES[i] };
    }
    return { status: "unknown" };
}

/** HTTP paths on the loopback metrics listener used for probes and health checks. */
export interface HealthEndpoints {
    /** Is the process alive (not wedged)? Must not fail on quorum loss (kubeadm#3039). */
    readonly liveness: string;
    /** Can the member serve (has a leader, no alarm)? Undefined when the version has no `/readyz`. */
    readonly readiness?: string;
    /** Has the member started (waits for `/readyz` where available)? */
    readonly startup: string;
}

/**
 * Health paths by version: `/livez` and `/readyz` exist from 3.5.11 (etcd-io/etcd#17039). Before,
 * kubeadm probed `/health?exclude=NOSPACE&serializable=true` (liveness; the query parameters
 * arrived in 3.5.3, etcd-io/etcd#13706) and `/health?serializable=false` (startup); 3.4 has only
 * a plain `/health`.
 */
export function healthEndpoints(v: EtcdVersion): HealthEndpoints {
    if (atLeast(v, 5, 11)) return { liveness: "/livez", readiness: "/readyz", startup: "/readyz" };
    if (atLeast(v, 5, 3)) return { liveness: "/health?exclude=NOSPACE&serializable=true", startup: "/health?serializable=false" };
    return { liveness: "/health", startup: "/health" };
}

/** How the initial data-corruption check is switched on (pitfalls P13). */
export type CorruptCheckForm =
    | { readonly form: "flag"; readonly flag: "experimental-initial-corrupt-check" }
    | { readonly form: "feature-gate"; readonly gate: "InitialCorruptCheck" };

/** 3.4 and 3.5: `--experimental-initial-corrupt-check=true`; 3.6: `--feature-gates=InitialCorruptCheck=true`. */
export function corruptCheckForm(v: EtcdVersion): CorruptCheckForm {
    return v.minor >= 6
        ? { form: "feature-gate", gate: "InitialCorruptCheck" }
        : { form: "flag", flag: "experimental-initial-corrupt-check" };
}

/**
 * How the leader's periodic compaction-hash check is switched on, or undefined where it does not
 * exist (3.4, 3.5 before 3.5.5).
 */
export function compactHashCheckForm(
    v: EtcdVersion,
): { readonly form: "flag"; readonly flag: "experimental-compact-hash-check-enabled" } | { readonly form: "feature-gate"; readonly gate: "CompactHashCheck" } | undefined {
    if (v.minor >= 6) return { form: "feature-gate", gate: "CompactHashCheck" };
    if (atLeast(v, 5, 5)) return { form: "flag", flag: "experimental-compact-hash-check-enabled" };
    return undefined;
}

/** Name of the watch-progress flag, renamed in 3.6; undefined before 3.4.11. */
export function watchProgressFlag(v: EtcdVersion): "watch-progress-notify-interval" | "experimental-watch-progress-notify-interval" | undefined {
    if (v.minor >= 6) return "watch-progress-notify-interval";
    if (v.minor === 5 || v.patch >= 11) return "experimental-watch-progress-notify-interval";
    return undefined;
}

/** 3.4 still defaults to the deprecated capnslog logger; zap is the only logger from 3.5. */
export function needsZapLoggerFlag(v: EtcdVersion): boolean {
    return v.minor === 4;
}

/** etcd's own `--snapshot-count` default: 100000 before 3.6, 10000 from 3.6. */
export function defaultSnapshotCount(v: EtcdVersion): number {
    return v.minor >= 6 ? 10000 : 100000;
}

/** Versioned documentation root, e.g. `https://etcd.io/docs/v3.6`. */
export function docsBase(v: EtcdVersion): string {
    return `https://etcd.io/docs/v${v.series}`;
}
