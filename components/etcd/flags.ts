// One ordered flag list per member: kubeadm getEtcdCommand-style defaults, then `extraArgs`
// overrides (cluster-wide, then per node). Every renderer (command line, ETCD_* file,
// etcd.conf.yml, static pod) starts from this list, so they cannot disagree.

import type { EtcdMember, MemberPlan } from "./member";
import { WATCH_PROGRESS_NOTIFY_INTERVAL } from "../constants";
import {
    FlagKind,
    compactHashCheckForm,
    corruptCheckForm,
    flagAvailability,
    needsZapLoggerFlag,
    watchProgressFlag,
} from "./versions";

/** One etcd flag: name without dashes, value as the command line takes it, and its kind. */
export interface EtcdFlag {
    /** Flag name without dashes, e.g. `listen-client-urls`. */
    readonly name: string;
    /** Value as the command line and ETCD_* variables take it (durations as `5s`). */
    readonly value: string;
    /** How renderConfigFile writes and validateFlags checks the value. */
    readonly kind: FlagKind;
}

/** `Name=bool` pairs of a `--feature-gates` value, in order. Throws on malformed input (validation rejects it first). */
export function parseFeatureGates(value: string): [string, boolean][] {
    if (value.trim() === "") return [];
    return value.split(",").map((pair) => {
        const m = /^([A-Za-z0-9]+)=(true|false)$/.exec(pair.trim());
        if (m === null) throw new Error(`feature gate "${pair}" is not Name=true|false`);
        return [m[1], m[2] === "true"];
    });
}

/**
 * A member's plan, with or without the stack's facts bound: without them (the plan's own checks
 * of URLs and SANs) the three bootstrap flags are left out rather than faked.
 */
export type FlagSource = MemberPlan & Partial<Pick<EtcdMember, "initialCluster" | "initialClusterState" | "initialClusterToken">>;

/**
 * Defaults in kubeadm's getEtcdCommand order, then our additions. Which corruption-check and
 * watch-progress flags appear depends on the version (versions.ts).
 */
export function defaultFlags(m: FlagSource): EtcdFlag[] {
    const v = m.version;
    const out: EtcdFlag[] = [];
    const add = (name: string, value: string, kind: FlagKind): void => {
        out.push({ name, value, kind });
    };

    add("name", m.name, "string");
    const gates: string[] = [];
    const corrupt = corruptCheckForm(v);
    const hash = compactHashCheckForm(v);
    if (corrupt.form === "feature-gate") gates.push(`${corrupt.gate}=true`);
    if (hash?.form === "feature-gate") gates.push(`${hash.gate}=true`);
    if (gates.length > 0) add("feature-gates", gates.join(","), "string");
    add("listen-client-urls", m.client.listenUrls.join(","), "csv");
    add("advertise-client-urls", m.client.advertiseUrls.join(","), "csv");
    add("listen-peer-urls", m.peer.listenUrls.join(","), "csv");
    add("initial-advertise-peer-urls", m.peer.advertiseUrls.join(","), "csv");
    if (m.initialCluster !== undefined) add("initial-cluster", m.initialCluster, "string");
    if (m.initialClusterState !== undefined) add("initial-cluster-state", m.initialClusterState, "string");
    if (m.initialClusterToken !== undefined) add("initial-cluster-token", m.initialClusterToken, "string");
    add("data-dir", m.dataDir, "string");
    add("cert-file", m.client.tls.certFile, "string");
    add("key-file", m.client.tls.keyFile, "string");
    add("trusted-ca-file", m.client.tls.trustedCaFile, "string");
    add("client-cert-auth", "true", "bool");
    if (m.peer.tls !== undefined) {
        add("peer-cert-file", m.peer.tls.certFile, "string");
        add("peer-key-file", m.peer.tls.keyFile, "string");
        add("peer-trusted-ca-file", m.peer.tls.trustedCaFile, "string");
        add("peer-client-cert-auth", "true", "bool");
    }
    if (m.snapshotCount > 0) add("snapshot-count", String(m.snapshotCount), "int");
    add("listen-metrics-urls", m.metricsListenUrls.join(","), "csv");
    if (corrupt.form === "flag") add(corrupt.flag, "true", "bool");
    if (hash?.form === "flag") add(hash.flag, "true", "bool");
    const watch = watchProgressFlag(v);
    if (watch !== undefined) add(watch, WATCH_PROGRESS_NOTIFY_INTERVAL, "duration");
    add("heartbeat-interval", String(m.heartbeatIntervalMs), "int");
    add("election-timeout", String(m.electionTimeoutMs), "int");
    if (m.quotaBackendBytes > 0) add("quota-backend-bytes", String(m.quotaBackendBytes), "int");
    add("auto-compaction-mode", m.autoCompactionMode, "string");
    add("auto-compaction-retention", m.autoCompactionRetention, "string");
    // Already etcd's default; explicit because it is what keeps `member add/remove` from
    // breaking quorum (pitfalls P5).
    add("strict-reconfig-check", "true", "bool");
    if (needsZapLoggerFlag(v)) add("logger", "zap", "string");
    return out;
}

/**
 * The member's flags: defaults with `extraArgs` applied. An override replaces a default in place,
 * a new flag is appended (sorted by name), `null` removes a default. `feature-gates` overrides
 * merge gate by gate into the default gates instead of replacing them.
 */
export function buildFlags(m: FlagSource): EtcdFlag[] {
    const flags = defaultFlags(m);
    const added: EtcdFlag[] = [];
    for (const name of Object.keys(m.extraArgs).sort()) {
        const value = m.extraArgs[name];
        const at = flags.findIndex((f) => f.name === name);
        if (value === null) {
            if (at !== -1) flags.splice(at, 1);
            continue;
        }
        const avail = flagAvailability(m.version, name);
        if (avail.status !== "ok") throw new Error(`--${name} is not a flag of etcd ${m.version.full}`);
        let finalValue = value;
        if (name === "feature-gates" && at !== -1) {
            const gates = new Map(parseFeatureGates(flags[at].value));
            for (const [gate, on] of parseFeatureGates(value)) gates.set(gate, on);
            finalValue = [...gates].map(([gate, on]) => `${gate}=${on}`).join(",");
        }
        const flag = { name, value: finalValue, kind: avail.kind };
        if (at !== -1) flags[at] = flag;
        else added.push(flag);
    }
    return [...flags, ...added];
}

/** Value of a flag in a list, or undefined. */
export function flagValue(flags: readonly EtcdFlag[], name: string): string | undefined {
    return flags.find((f) => f.name === name)?.value;
}

/**
 * `--name=value` arguments sorted by flag name, as kubeadm's ArgumentsToCommand emits them:
 * the order no longer depends on which flags were overridden.
 */
export function toArgs(flags: readonly EtcdFlag[]): string[] {
    return [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => `--${f.name}=${f.value}`);
}

/** Every member's client URLs as advertised (after overrides): etcdctl's endpoint list. */
export function clientEndpoints(members: readonly MemberPlan[]): string[] {
    return members.flatMap((m) => (flagValue(buildFlags(m), "advertise-client-urls") ?? "").split(",").filter((u) => u !== ""));
}
