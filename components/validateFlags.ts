// Checks of `extraArgs` (cluster-wide and per node) against the chosen etcd version's flag table,
// so an unknown or removed flag fails at preview instead of as a crash-looping etcd (pitfalls P13).

import type { EtcdVersion, ExtraArgs } from "./types";
import type { LayoutSpec } from "./etcd/layouts";
import { parseGoDuration } from "./etcd/goDuration";
import {
    DEPRECATED_FLAGS,
    EXPERIMENTAL_FLAG_TO_FEATURE_3_6,
    FEATURE_GATES_3_6,
    FLAGS,
    FLAG_ONLY,
    FlagKind,
    compactHashCheckForm,
    corruptCheckForm,
    flagAvailability,
} from "./etcd/versions";
import { isLoopbackIp, parseUrl } from "./validateAddress";
import { showBrief } from "./validateHostKeys";

/** Flags a config key sets; an override would silently fight the key. */
export const FLAGS_OWNED_BY_KEYS: Readonly<Record<string, string>> = {
    "heartbeat-interval": "heartbeatIntervalMs",
    "election-timeout": "electionTimeoutMs",
    "quota-backend-bytes": "quotaBackendBytes",
    "auto-compaction-mode": "autoCompactionMode",
    "auto-compaction-retention": "autoCompactionRetention",
    "snapshot-count": "snapshotCount",
};

const CERTS = "certificates are issued and placed by etcdhosts";
const PEERS = "peer URLs must match initial-cluster; they follow nodes[].address and peerMode";
const BOOTSTRAP = "bootstrap is built from the node inventory and a random per-cluster token";
const DATA = "the data dir is fixed; the unit's ReadWritePaths and the pod's hostPath cover only it";

/** Flags etcdhosts derives itself, with the reason an override is refused. */
export const MANAGED_FLAGS: Readonly<Record<string, string>> = {
    "name": "the member name is nodes[].name",
    "data-dir": DATA,
    "wal-dir": DATA,
    "initial-cluster": BOOTSTRAP,
    "initial-cluster-state": BOOTSTRAP,
    "initial-cluster-token": BOOTSTRAP,
    "initial-advertise-peer-urls": PEERS,
    "listen-peer-urls": PEERS,
    "cert-file": CERTS,
    "key-file": CERTS,
    "trusted-ca-file": CERTS,
    "peer-cert-file": CERTS,
    "peer-key-file": CERTS,
    "peer-trusted-ca-file": CERTS,
    "client-cert-auth": "client certificate authentication is always on",
    "peer-client-cert-auth": "peer certificate authentication is always on",
    "auto-tls": "it would replace the issued certificates with self-signed ones",
    "peer-auto-tls": "it would replace the issued certificates with self-signed ones",
    "peer-skip-client-san-verification": "peer certificates are always checked against the peer's address",
    "experimental-peer-skip-client-san-verification": "peer certificates are always checked against the peer's address",
    "config-file": "the layout decides how etcd is configured",
    "force-new-cluster": "it is a one-off disaster-recovery switch that must never stay in the configuration",
    "proxy": "etcdhosts runs members, not v2 proxies",
    "version": "it makes etcd print its version and exit",
};

/**
 * What a flag value may hold: enough for URLs (IPv6 in brackets), lists, durations, paths, cipher
 * suites and feature gates, and nothing a shell, systemd's unit and environment file parsers or
 * YAML would read as syntax. The renderers quote anyway; this keeps every rendered file plain.
 */
const FLAG_VALUE = /^[A-Za-z0-9._,:/=@+*[\]-]*$/;
const MAX_FLAG_VALUE_LENGTH = 4096;
const FLAG_VALUE_RULE = "letters, digits and . _ , : / = @ + * [ ] -, at most 4096 characters (no space, quote, $, %, ;, ` or line break)";

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

function suggestion(v: EtcdVersion, name: string): string {
    let best: string | undefined;
    let bestD = 3;
    for (const candidate of [...FLAGS[v.series].keys()].sort()) {
        const d = distance(name, candidate);
        if (d < bestD) {
            best = candidate;
            bestD = d;
        }
    }
    return best === undefined ? "" : ` (did you mean "${best}"?)`;
}

/** Why a value does not fit a flag kind, or undefined. */
function valueProblem(name: string, kind: FlagKind, value: string): string | undefined {
    switch (kind) {
        case "bool":
            return value === "true" || value === "false" ? undefined : `"${value}" is not true or false`;
        case "int":
            return /^[0-9]+$/.test(value) ? undefined : `"${value}" is not a non-negative integer`;
        case "duration":
            return parseGoDuration(value) !== undefined ? undefined : `"${value}" is not a Go duration such as 500ms, 5s or 1h30m`;
        case "csv":
            if (name.endsWith("-urls")) {
                const bad = value.split(",").find((u) => parseUrl(u) === undefined);
                return bad === undefined ? undefined : `"${bad}" is not a URL of the form https://host:port`;
            }
            return undefined;
        case "string":
        case "list":
            return undefined;
        default: {
            const exhaustive: never = kind;
            return `unknown kind ${String(exhaustive)}`;
        }
    }
}

/** Result of the checks: errors block the deployment, warnings are reported. */
export interface FlagCheckResult {
    /** `<field>.<flag>: message` lines that block the deployment. */
    readonly errors: string[];
    /** `<field>.<flag>: message` lines reported alongside (deprecations, P16). */
    readonly warnings: string[];
}

/**
 * Check one `extraArgs` object. `field` names it in messages (`extraArgs`, `nodes[2].extraArgs`);
 * each problem reads `<field>.<flag>: message`.
 */
export function checkExtraArgs(field: string, args: ExtraArgs, version: EtcdVersion, layout: Pick<LayoutSpec, "name" | "configSource">): FlagCheckResult {
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const name of Object.keys(args).sort()) {
        const at = `${field}.${name}`;
        const value = args[name];
        if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
            errors.push(`${field}: ${showBrief(name)} is not an etcd flag name (no leading dashes, lowercase, e.g. "max-request-bytes")`);
            continue;
        }
        const ownerKey = FLAGS_OWNED_BY_KEYS[name];
        if (ownerKey !== undefined) {
            errors.push(`${at}: --${name} is set by the ${ownerKey} config key; set that instead`);
            continue;
        }
        const managed = MANAGED_FLAGS[name] ?? (name.startsWith("discovery") ? BOOTSTRAP : undefined);
        if (managed !== undefined) {
            errors.push(`${at}: --${name} is managed by etcdhosts (${managed})`);
            continue;
        }
        const avail = flagAvailability(version, name);
        switch (avail.status) {
            case "ok":
                break;
            case "unknown":
                errors.push(`${at}: --${name} is not an etcd ${version.series} flag${suggestion(version, name)}`);
                continue;
            case "removed":
                errors.push(
                    `${at}: --${name} was removed in etcd ${avail.removedIn} (etcdVersion is ${version.full}); etcd would exit with "flag provided but not defined: -${name}"`,
                );
                continue;
            case "added-later":
                errors.push(`${at}: --${name} needs etcd ${avail.since} or later (etcdVersion is ${version.full})`);
                continue;
            default: {
                const exhaustive: never = avail;
                throw new Error(`unknown availability ${JSON.stringify(exhaustive)}`);
            }
        }
        if (value === null) continue; // removal of a default: nothing else to check
        if (value.length > MAX_FLAG_VALUE_LENGTH || !FLAG_VALUE.test(value)) {
            errors.push(`${at}: ${showBrief(value)} is not a flag value etcdhosts passes on: ${FLAG_VALUE_RULE}`);
            continue;
        }
        if (layout.configSource === "config-file" && FLAG_ONLY.has(name)) {
            errors.push(
                `${at}: --${name} cannot be set in etcd.conf.yml (etcd reads it only from the command line or ETCD_* variables), which layout "${layout.name}" uses`,
            );
            continue;
        }
        const problem = valueProblem(name, avail.kind, value);
        if (problem !== undefined) {
            errors.push(`${at}: ${problem}`);
            continue;
        }
        if (name === "feature-gates") errors.push(...featureGateProblems(at, value));
        const deprecated = DEPRECATED_FLAGS[version.series][name];
        if (deprecated !== undefined) warnings.push(`${at}: ${deprecated}`);
        errors.push(...plaintextListenerProblems(at, name, value));
    }
    return { errors, warnings };
}

/** Flags of the client port: every URL of them is https, so every client presents a certificate. */
export const CLIENT_URL_FLAGS: readonly string[] = ["listen-client-urls", "listen-client-http-urls", "advertise-client-urls"];

/**
 * mTLS always: a client URL that is not https, or a plain-HTTP metrics listener off loopback, is
 * refused. Loopback metrics stay allowed (kubeadm's probes use them; pitfalls P16).
 */
function plaintextListenerProblems(at: string, name: string, value: string): string[] {
    const urls = value.split(",").map((url) => ({ url, u: parseUrl(url) }));
    if (CLIENT_URL_FLAGS.includes(name)) {
        return urls
            .filter(({ u }) => u?.scheme === "http")
            .map(({ url }) => `${at}: ${url} is plain HTTP; every client URL is https, so that clients must present a certificate (mutual TLS)`);
    }
    if (name === "listen-metrics-urls") {
        return urls
            .filter(({ u }) => u !== undefined && u.scheme === "http" && !(u.hostKind === "dns" ? u.host === "localhost" : isLoopbackIp(u.host)))
            .map(({ url }) => `${at}: ${url} would serve /metrics and /health in plaintext beyond loopback; use http://127.0.0.1:<port> (or [::1]) or https:// with client certificates (pitfalls P16)`);
    }
    return [];
}

/** Problems with a 3.6 `--feature-gates` value. */
function featureGateProblems(at: string, value: string): string[] {
    const problems: string[] = [];
    for (const pair of value.split(",")) {
        const m = /^([A-Za-z0-9]+)=(true|false)$/.exec(pair.trim());
        if (m === null) {
            problems.push(`${at}: "${pair}" is not Name=true or Name=false`);
        } else if (!FEATURE_GATES_3_6.includes(m[1])) {
            problems.push(`${at}: feature gate "${m[1]}" is not known to etcd 3.6 (known: ${FEATURE_GATES_3_6.join(", ")})`);
        }
    }
    return problems;
}

/**
 * On 3.6, etcd refuses an experimental flag together with `--feature-gates` naming the same
 * feature ("cannot specify both flags"). etcdhosts always sets InitialCorruptCheck and
 * CompactHashCheck gates, so those two experimental flags always collide.
 * `layers` are the extraArgs objects in application order with their field names.
 */
export function checkFeatureGateConflicts(layers: readonly { field: string; args: ExtraArgs }[], version: EtcdVersion): string[] {
    if (version.minor < 6) return [];
    const gates = new Set<string>();
    const corrupt = corruptCheckForm(version);
    const hash = compactHashCheckForm(version);
    if (corrupt.form === "feature-gate") gates.add(corrupt.gate);
    if (hash?.form === "feature-gate") gates.add(hash.gate);
    for (const { args } of layers) {
        const fg = args["feature-gates"];
        if (fg === null) gates.clear();
        else if (fg !== undefined) {
            for (const pair of fg.split(",")) {
                const name = pair.split("=")[0].trim();
                if (name !== "") gates.add(name);
            }
        }
    }
    const problems: string[] = [];
    for (const { field, args } of layers) {
        for (const name of Object.keys(args).sort()) {
            const gate = EXPERIMENTAL_FLAG_TO_FEATURE_3_6[name];
            if (gate !== undefined && args[name] !== null && gates.has(gate)) {
                problems.push(
                    `${field}.${name}: etcd 3.6 refuses it together with --feature-gates=${gate}=..., which is set; use feature-gates "${gate}=${args[name]}" instead`,
                );
            }
        }
    }
    return problems;
}
