// parseClusterConfig: the only place the configuration's shape is checked. It takes what
// index.ts reads from Pulumi config (every key of Pulumi.yaml's `config:` section, already
// defaulted by Pulumi) and returns a typed ClusterConfig, or throws one ConfigError listing every
// problem so an operator fixes them in one go.
//
// index.ts:
//     const cfg = new pulumi.Config();
//     const raw = Object.fromEntries(CONFIG_KEYS.map((k) => [k, cfg.get(k)]));
//     const cluster = parseClusterConfig({ ...raw, caKeyPem: cfg.getSecret("caKeyPem") !== undefined });
// Secrets never enter the ClusterConfig: `caKeyPem` is only checked for presence and
// `sshPrivateKey` is ignored here; index.ts reads both with getSecret(). Neither is declared in
// Pulumi.yaml (see the comment there), so "unset" really is undefined.

export type { ClusterConfig, NodeConfig } from "./types";
export { ConfigError } from "./configError";
import { AUTO_COMPACTION_MODES, ClusterConfig, EtcdSettings, EtcdVersion, LAYOUTS, PEER_MODES } from "./types";
import { ConfigError } from "./configError";
import { MAX_SUGGESTED_QUOTA_BYTES } from "./constants";
import { parseGoDuration } from "./etcd/goDuration";
import { parseEtcdVersion } from "./etcd/versions";
import { BACKUP_SCALAR_KEYS, readBackups, readRestore } from "./validateBackups";
import { checkFlagOverrides, checkTopology } from "./validateCluster";
import { readInstall } from "./validateInstall";
import { readTls } from "./validateTls";
import { resolveHostKeys, showBrief } from "./validateHostKeys";
import { USER_NAME, readNodes } from "./validateNodes";
import { validateTiming } from "./validateTiming";
import { Problems, isRecord, readBool, readEnum, readExtraArgs, readInt, readString, rejectUnknownKeys, show } from "./validateValues";

/** Scalar keys of Pulumi.yaml and their Pulumi types. */
export const SCALAR_KEYS = {
    layout: "string",
    sshUser: "string",
    sshPort: "integer",
    etcdVersion: "string",
    installMethod: "string",
    etcdBinaryDir: "string",
    tarballUrl: "string",
    tarballSha256: "string",
    etcdPath: "string",
    etcdImage: "string",
    heartbeatIntervalMs: "integer",
    electionTimeoutMs: "integer",
    quotaBackendBytes: "integer",
    autoCompactionMode: "string",
    autoCompactionRetention: "string",
    snapshotCount: "integer",
    peerMode: "string",
    clientListenAll: "boolean",
    tlsAlgorithm: "string",
    caValidityHours: "integer",
    certValidityHours: "integer",
    certEarlyRenewalHours: "integer",
    caCertPem: "string",
    wipeDataOnDestroy: "boolean",
    allowUnsafeMembershipChange: "boolean",
    maxClockSkewSeconds: "integer",
    backups: "boolean",
    backupInterval: "string",
    backupRetain: "integer",
    backupEachMember: "boolean",
    backupMinFreeMiB: "integer",
    knownHosts: "string",
    insecureSkipHostKeyCheck: "boolean",
} as const;

/** Structured keys: `nodes` (array of objects), `extraArgs` and `restore` (objects), `backupMembers` (array of names). */
export const STRUCTURED_KEYS = ["nodes", "extraArgs", "backupMembers", "restore"] as const;

/** Secret keys: read by index.ts with getSecret() and left out of Pulumi.yaml; the parser sees at most whether they are set. */
export const SECRET_KEYS = ["sshPrivateKey", "caKeyPem"] as const;

/** Every non-secret key index.ts passes through; Pulumi.yaml declares exactly these. */
export const CONFIG_KEYS: readonly string[] = [...Object.keys(SCALAR_KEYS), ...STRUCTURED_KEYS];

/** Keys read together by readInstall / readTls (each runs only when all of its keys are present). */
const INSTALL_KEYS = ["installMethod", "etcdBinaryDir", "tarballUrl", "tarballSha256", "etcdPath"];
const TLS_KEYS = ["tlsAlgorithm", "caValidityHours", "certValidityHours", "certEarlyRenewalHours", "caCertPem"];


function readRetention(p: Problems, mode: string | undefined, value: unknown): string | undefined {
    const s = readString(p, "autoCompactionRetention", value);
    if (s === undefined || mode === undefined) return undefined;
    if (mode === "revision") {
        if (!/^[0-9]+$/.test(s)) {
            p.error("autoCompactionRetention", `${show(s)} is not a revision count (autoCompactionMode is "revision")`);
            return undefined;
        }
    } else if (!/^[0-9]+$/.test(s) && parseGoDuration(s) === undefined) {
        p.error("autoCompactionRetention", `${show(s)} is neither a number of hours nor a Go duration such as 30m or 1h (autoCompactionMode is "periodic")`);
        return undefined;
    }
    return s;
}

/**
 * Parse and validate the raw configuration. Pure. Returns a ClusterConfig (with `warnings`) or
 * throws a {@link ConfigError} with every problem found.
 */
export function parseClusterConfig(raw: unknown): ClusterConfig {
    const p = new Problems();
    if (!isRecord(raw)) throw new ConfigError([`config: expected an object of Pulumi config keys, got ${show(raw)}`]);
    rejectUnknownKeys(p, "", raw, [...CONFIG_KEYS, ...SECRET_KEYS], "configuration key");
    for (const key of CONFIG_KEYS) {
        // `nodes` has no default; its message says what to write.
        if (raw[key] === undefined && key !== "nodes") p.error(key, "required (Pulumi.yaml gives it a default; pass every declared key)");
    }
    const present = (key: string): boolean => raw[key] !== undefined;

    const layout = present("layout") ? readEnum(p, "layout", raw.layout, LAYOUTS) : undefined;
    const sshUser = present("sshUser") ? readString(p, "sshUser", raw.sshUser) : undefined;
    if (sshUser !== undefined && !USER_NAME.test(sshUser)) p.error("sshUser", `${showBrief(sshUser)} is not a user name`);
    const sshPort = present("sshPort") ? readInt(p, "sshPort", raw.sshPort, 1, 65535) : undefined;

    let version: EtcdVersion | undefined;
    if (present("etcdVersion")) {
        const s = readString(p, "etcdVersion", raw.etcdVersion);
        if (s !== undefined) {
            const parsed = parseEtcdVersion(s);
            if (typeof parsed === "string") p.error("etcdVersion", parsed);
            else version = parsed;
        }
    }
    const install = INSTALL_KEYS.every(present) ? readInstall(p, raw, version?.series) : undefined;

    let image: string | undefined;
    if (present("etcdImage")) {
        const s = readString(p, "etcdImage", raw.etcdImage);
        if (s !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._\-/:@{}]{0,511}$/.test(s)) p.error("etcdImage", `${showBrief(s)} is not a container image reference (at most 512 characters)`);
        else if (s !== undefined && version !== undefined) image = s.replace(/\{version\}/g, version.full);
    }

    const heartbeat = present("heartbeatIntervalMs") ? readInt(p, "heartbeatIntervalMs", raw.heartbeatIntervalMs, 0) : undefined;
    const election = present("electionTimeoutMs") ? readInt(p, "electionTimeoutMs", raw.electionTimeoutMs, 0) : undefined;
    if (heartbeat !== undefined && election !== undefined) p.errors.push(...validateTiming(heartbeat, election));
    const quota = present("quotaBackendBytes") ? readInt(p, "quotaBackendBytes", raw.quotaBackendBytes, 0) : undefined;
    if (quota !== undefined && quota > MAX_SUGGESTED_QUOTA_BYTES) {
        p.warn("quotaBackendBytes", `${quota} exceeds etcd's suggested maximum of ${MAX_SUGGESTED_QUOTA_BYTES} (8 GiB); etcd warns and may degrade`);
    }
    const compactionMode = present("autoCompactionMode") ? readEnum(p, "autoCompactionMode", raw.autoCompactionMode, AUTO_COMPACTION_MODES) : undefined;
    const retention = present("autoCompactionRetention") ? readRetention(p, compactionMode, raw.autoCompactionRetention) : undefined;
    const snapshotCount = present("snapshotCount") ? readInt(p, "snapshotCount", raw.snapshotCount, 0) : undefined;
    const peerMode = present("peerMode") ? readEnum(p, "peerMode", raw.peerMode, PEER_MODES) : undefined;
    const clientListenAll = present("clientListenAll") ? readBool(p, "clientListenAll", raw.clientListenAll) : undefined;
    const tls = TLS_KEYS.every(present) ? readTls(p, raw) : undefined;
    const wipe = present("wipeDataOnDestroy") ? readBool(p, "wipeDataOnDestroy", raw.wipeDataOnDestroy) : undefined;
    const allowUnsafeMembershipChange = present("allowUnsafeMembershipChange") ? readBool(p, "allowUnsafeMembershipChange", raw.allowUnsafeMembershipChange) : undefined;
    const skew = present("maxClockSkewSeconds") ? readInt(p, "maxClockSkewSeconds", raw.maxClockSkewSeconds, 0) : undefined;
    const extraArgs = present("extraArgs") ? readExtraArgs(p, "extraArgs", raw.extraArgs) : undefined;
    const knownHosts = present("knownHosts") ? readString(p, "knownHosts", raw.knownHosts) : undefined;
    const insecureHostKeys = present("insecureSkipHostKeyCheck") ? readBool(p, "insecureSkipHostKeyCheck", raw.insecureSkipHostKeyCheck) : undefined;
    const parsedNodes = readNodes(p, raw.nodes, { sshUser, sshPort });
    // Without both host key settings the nodes still go through the topology and flag checks below.
    const nodes =
        parsedNodes !== undefined && knownHosts !== undefined && insecureHostKeys !== undefined
            ? resolveHostKeys(p, parsedNodes, { knownHosts, insecureSkipHostKeyCheck: insecureHostKeys })
            : parsedNodes;
    const backups = [...BACKUP_SCALAR_KEYS, "backupMembers"].every(present) ? readBackups(p, raw, nodes?.map((n) => n.name)) : undefined;
    const restore = present("restore") ? readRestore(p, raw.restore, version) : undefined;
    if (version?.series === "3.4") {
        p.warn("etcdVersion", `etcd 3.4 is end of life upstream; plan the upgrade to 3.5 and then 3.6 (one minor at a time)`);
    }
    // Cross-field rules run as soon as their own inputs parsed, so one run reports as much as possible.
    if (layout !== undefined && peerMode !== undefined && clientListenAll !== undefined && nodes !== undefined) {
        checkTopology(p, { layout, peerMode, clientListenAll, nodes });
    }
    if (layout !== undefined && version !== undefined && extraArgs !== undefined && nodes !== undefined) {
        checkFlagOverrides(p, { layout, version, extraArgs, nodes });
    }

    if (
        p.errors.length > 0 ||
        layout === undefined ||
        version === undefined ||
        install === undefined ||
        image === undefined ||
        heartbeat === undefined ||
        election === undefined ||
        quota === undefined ||
        compactionMode === undefined ||
        retention === undefined ||
        snapshotCount === undefined ||
        peerMode === undefined ||
        clientListenAll === undefined ||
        tls === undefined ||
        wipe === undefined ||
        allowUnsafeMembershipChange === undefined ||
        skew === undefined ||
        extraArgs === undefined ||
        knownHosts === undefined ||
        insecureHostKeys === undefined ||
        nodes === undefined ||
        backups === undefined ||
        restore === undefined
    ) {
        throw new ConfigError(p.errors, p.warnings);
    }

    const etcd: EtcdSettings = {
        version,
        install,
        image,
        heartbeatIntervalMs: heartbeat,
        electionTimeoutMs: election,
        quotaBackendBytes: quota,
        autoCompactionMode: compactionMode,
        autoCompactionRetention: retention,
        snapshotCount,
        extraArgs,
    };
    return {
        layout,
        nodes,
        etcd,
        peerMode,
        clientListenAll,
        tls,
        wipeDataOnDestroy: wipe,
        allowUnsafeMembershipChange,
        maxClockSkewSeconds: skew,
        ...(backups !== false ? { backups } : {}),
        ...(restore !== false ? { restore } : {}),
        warnings: p.warnings,
    };
}
