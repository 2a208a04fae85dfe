// The one etcd member model. Built from a validated ClusterConfig plus the two facts that are
// not configuration (the bootstrap state and the per-cluster token), it holds every value the
// renderers need, so flags, etcd.conf.yml, the env file, the unit and the pod all agree.

import type { AutoCompactionMode, ClusterConfig, EtcdVersion, ExtraArgs, Layout, NodeConfig } from "../types";
import { formatUrl, parseIp } from "../validateAddress";
import {
    BINARY_PATHS,
    CERT_FILES,
    CLIENT_PORT,
    CONFIG_FILE,
    ConfigSource,
    DATA_DIR,
    ENV_FILE,
    ETCDCTL_PROFILE_FILE,
    KUBEADM_MANIFEST_FILE,
    LOOPBACK,
    METRICS_PORT,
    PEER_PORT,
    UNIT_FILE,
    WILDCARD,
    configSourceOf,
    pkiDirOf,
} from "./constants";

/**
 * `--initial-cluster-state`: `new` while bootstrapping a cluster, `existing` for a member that
 * joins a running one (after `etcdctl member add`) and for every start after a successful
 * bootstrap (pitfalls P2). See https://etcd.io/docs/v3.6/op-guide/clustering/
 */
export type InitialClusterState = "new" | "existing";

/** Facts a member needs that are not configuration. */
export interface MemberOptions {
    /** See {@link InitialClusterState}. */
    readonly initialClusterState: InitialClusterState;
    /**
     * `--initial-cluster-token`, random per cluster generation (`random.RandomId`) so a
     * re-created cluster never accepts a stale member (pitfalls P3).
     */
    readonly initialClusterToken: string;
    /**
     * Names of the members `--initial-cluster` lists, for a member joining a running cluster:
     * the current members plus itself (kubeadm's join). Listed in inventory order whatever the
     * order given. Defaults to every node of the inventory.
     */
    readonly initialClusterMembers?: readonly string[];
}

/** Certificate, key and CA files of one TLS endpoint. */
export interface TlsFiles {
    /** Certificate (PEM) on the host. */
    readonly certFile: string;
    /** Private key (PEM, mode 0600, owned by the etcd user) on the host. */
    readonly keyFile: string;
    /** CA bundle the peer or client certificate is checked against. */
    readonly trustedCaFile: string;
}

/** Host paths of the files a member's layout writes. Undefined where a layout has no such file. */
export interface MemberPaths {
    /** etcd.conf.yml (`systemd` layout). */
    readonly configFile?: string;
    /** ETCD_* environment file (`pc-master` layout). */
    readonly envFile?: string;
    /** systemd unit (`systemd`, `pc-master`). */
    readonly unitFile?: string;
    /** Static pod manifest (`static-pod`). */
    readonly manifestFile?: string;
    /** `/etc/profile.d/etcdctl.sh` (every layout). */
    readonly etcdctlProfile: string;
}

/** Everything about one etcd member; see the file header. */
export interface EtcdMember {
    /** `--name`; equals `node.name`. */
    readonly name: string;
    /** Position in the inventory (0-based); field names in errors use it (`nodes[1]`). */
    readonly index: number;
    /** The inventory entry. */
    readonly node: NodeConfig;
    /** The cluster's layout. */
    readonly layout: Layout;
    /** etcd version the flags are rendered for. */
    readonly version: EtcdVersion;
    /** How the etcd process receives this configuration. */
    readonly configSource: ConfigSource;
    /**
     * IP family of the member's listeners: the family of the listen IP (of the address when it
     * is an IP). Picks the loopback (`127.0.0.1` / `::1`) as kubeadm does.
     */
    readonly ipFamily: "ipv4" | "ipv6";
    /** `127.0.0.1` or `::1`. */
    readonly loopback: string;
    /** The IP listeners bind to, or undefined when none binds to the host address. */
    readonly listenIp?: string;
    /** Client port (2379): URLs and the server certificate. */
    readonly client: {
        /** `--listen-client-urls`: loopback and listen IP, or the wildcard with `clientListenAll`. */
        readonly listenUrls: readonly string[];
        /** `--advertise-client-urls`: `https://<address>:2379`. */
        readonly advertiseUrls: readonly string[];
        /** `--cert-file`, `--key-file`, `--trusted-ca-file`; client certificates are always required. */
        readonly tls: TlsFiles;
    };
    /** Peer port (2380): URLs and the peer certificate. */
    readonly peer: {
        /** `--listen-peer-urls`. */
        readonly listenUrls: readonly string[];
        /** `--initial-advertise-peer-urls`; the first one is this member's `initial-cluster` entry. */
        readonly advertiseUrls: readonly string[];
        /** Undefined with `peerMode: loopback-plaintext`, the seed's plain-HTTP loopback peer. */
        readonly tls?: TlsFiles;
    };
    /** `--listen-metrics-urls`: plain HTTP on loopback (pitfalls P16). */
    readonly metricsListenUrls: readonly string[];
    /** `--initial-cluster`, built once from the canonical member list. */
    readonly initialCluster: string;
    /** From {@link MemberOptions}. */
    readonly initialClusterState: InitialClusterState;
    /** From {@link MemberOptions}. */
    readonly initialClusterToken: string;
    /** `--data-dir`: `/var/lib/etcd`, mode 0700, owned by the etcd user. */
    readonly dataDir: string;
    /** Directory of this member's certificates on the host. */
    readonly pkiDir: string;
    /** Client certificate of the etcdctl profile (the operator's admin cert). */
    readonly adminClientTls: TlsFiles;
    /** Files the layout writes on the host. */
    readonly paths: MemberPaths;
    /**
     * Host paths of etcd and etcdctl. For `static-pod`, etcd runs from the image (`etcd` on the
     * image's PATH) and these name where etcdctl would be installed on the host.
     */
    readonly binaries: { readonly etcd: string; readonly etcdctl: string };
    /** Container image (`static-pod` only). */
    readonly image?: string;
    /** `--heartbeat-interval` (ms). */
    readonly heartbeatIntervalMs: number;
    /** `--election-timeout` (ms). */
    readonly electionTimeoutMs: number;
    /** `0` omits the flag (etcd's default). */
    readonly quotaBackendBytes: number;
    /** `--auto-compaction-mode`. */
    readonly autoCompactionMode: AutoCompactionMode;
    /** `--auto-compaction-retention`. */
    readonly autoCompactionRetention: string;
    /** `0` omits the flag (etcd's default). */
    readonly snapshotCount: number;
    /**
     * Cluster-wide `extraArgs` overlaid with this node's `extraArgs` (node wins). Applied by
     * `buildFlags`; `null` removes a default flag.
     */
    readonly extraArgs: ExtraArgs;
}

/** `name=peerURL` pairs joined with commas: the value of `--initial-cluster`. */
export function buildInitialCluster(entries: readonly { readonly name: string; readonly peerUrl: string }[]): string {
    return entries.map((e) => `${e.name}=${e.peerUrl}`).join(",");
}

/**
 * Split an `--initial-cluster` value into its entries, as etcd does (`types.NewURLsMap`): comma
 * separated `name=url` pairs, a name may repeat for several URLs.
 */
export function parseInitialCluster(s: string): { name: string; peerUrl: string }[] {
    if (s === "") return [];
    return s.split(",").map((pair) => {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new Error(`initial-cluster entry "${pair}" is not name=url`);
        return { name: pair.slice(0, eq), peerUrl: pair.slice(eq + 1) };
    });
}

/** Family and listen IP of a node; see {@link EtcdMember.ipFamily}. */
function listenFacts(node: NodeConfig): { listenIp?: string; family: "ipv4" | "ipv6" } {
    const ip = parseIp(node.listenAddress ?? node.address);
    if (ip !== undefined) return { listenIp: ip.value, family: ip.kind === "ipv6" ? "ipv6" : "ipv4" };
    return { family: "ipv4" };
}

function tlsFiles(dir: string, cert: string, key: string): TlsFiles {
    return { certFile: `${dir}/${cert}`, keyFile: `${dir}/${key}`, trustedCaFile: `${dir}/${CERT_FILES.caCert}` };
}

function binariesOf(cfg: ClusterConfig): { etcd: string; etcdctl: string } {
    const install = cfg.etcd.install;
    switch (install.method) {
        case "package":
            return { ...BINARY_PATHS.debian };
        case "binary":
        case "tarball":
            return { ...BINARY_PATHS.local };
        case "preinstalled": {
            const dir = install.etcdPath.slice(0, install.etcdPath.lastIndexOf("/"));
            return { etcd: install.etcdPath, etcdctl: `${dir}/etcdctl` };
        }
        default: {
            const exhaustive: never = install;
            throw new Error(`unknown install method ${JSON.stringify(exhaustive)}`);
        }
    }
}

function pathsOf(layout: Layout): MemberPaths {
    switch (layout) {
        case "systemd":
            return { configFile: CONFIG_FILE, unitFile: UNIT_FILE, etcdctlProfile: ETCDCTL_PROFILE_FILE };
        case "pc-master":
            return { envFile: ENV_FILE, unitFile: UNIT_FILE, etcdctlProfile: ETCDCTL_PROFILE_FILE };
        case "static-pod":
            return { manifestFile: KUBEADM_MANIFEST_FILE, etcdctlProfile: ETCDCTL_PROFILE_FILE };
        default: {
            const exhaustive: never = layout;
            throw new Error(`unknown layout ${String(exhaustive)}`);
        }
    }
}

/** Peer advertise URL of a node; the one place it is computed, so `initial-cluster` always agrees. */
function peerAdvertiseUrl(cfg: ClusterConfig, node: NodeConfig): string {
    if (cfg.peerMode === "loopback-plaintext") {
        return formatUrl("http", LOOPBACK[listenFacts(node).family], PEER_PORT);
    }
    return formatUrl("https", node.address, PEER_PORT);
}

/** Build one member. Throws for a name not in the inventory or an inconsistent `initialClusterMembers`. */
export function buildMember(cfg: ClusterConfig, name: string, opts: MemberOptions): EtcdMember {
    const index = cfg.nodes.findIndex((n) => n.name === name);
    if (index === -1) throw new Error(`no node named "${name}" in the inventory`);
    const node = cfg.nodes[index];
    const { listenIp, family } = listenFacts(node);
    const loopback = LOOPBACK[family];

    const wanted = opts.initialClusterMembers ?? cfg.nodes.map((n) => n.name);
    for (const w of wanted) {
        if (!cfg.nodes.some((n) => n.name === w)) throw new Error(`initialClusterMembers: no node named "${w}"`);
    }
    if (!wanted.includes(name)) throw new Error(`initialClusterMembers must include the member itself ("${name}")`);
    const initialCluster = buildInitialCluster(
        cfg.nodes.filter((n) => wanted.includes(n.name)).map((n) => ({ name: n.name, peerUrl: peerAdvertiseUrl(cfg, n) })),
    );

    const needBind = (what: string): string => {
        if (listenIp === undefined) {
            throw new Error(`member "${name}": ${what} binds to the host but neither address nor listenAddress is an IP`);
        }
        return listenIp;
    };
    const clientListenUrls = cfg.clientListenAll
        ? [formatUrl("https", WILDCARD[family], CLIENT_PORT)]
        : [formatUrl("https", loopback, CLIENT_PORT), formatUrl("https", needBind("the client listener"), CLIENT_PORT)];
    const peerListenUrls =
        cfg.peerMode === "loopback-plaintext"
            ? [formatUrl("http", loopback, PEER_PORT)]
            : [formatUrl("https", needBind("the peer listener"), PEER_PORT)];

    const pkiDir = pkiDirOf(cfg.layout);
    const merged: Record<string, string | null> = { ...cfg.etcd.extraArgs, ...node.extraArgs };

    return {
        name,
        index,
        node,
        layout: cfg.layout,
        version: cfg.etcd.version,
        configSource: configSourceOf(cfg.layout),
        ipFamily: family,
        loopback,
        ...(listenIp !== undefined ? { listenIp } : {}),
        client: {
            listenUrls: clientListenUrls,
            advertiseUrls: [formatUrl("https", node.address, CLIENT_PORT)],
            tls: tlsFiles(pkiDir, CERT_FILES.serverCert, CERT_FILES.serverKey),
        },
        peer: {
            listenUrls: peerListenUrls,
            advertiseUrls: [peerAdvertiseUrl(cfg, node)],
            ...(cfg.peerMode === "tls" ? { tls: tlsFiles(pkiDir, CERT_FILES.peerCert, CERT_FILES.peerKey) } : {}),
        },
        metricsListenUrls: [formatUrl("http", loopback, METRICS_PORT)],
        initialCluster,
        initialClusterState: opts.initialClusterState,
        initialClusterToken: opts.initialClusterToken,
        dataDir: DATA_DIR,
        pkiDir,
        adminClientTls: tlsFiles(pkiDir, CERT_FILES.adminClientCert, CERT_FILES.adminClientKey),
        paths: pathsOf(cfg.layout),
        binaries: binariesOf(cfg),
        ...(cfg.layout === "static-pod" ? { image: cfg.etcd.image } : {}),
        heartbeatIntervalMs: cfg.etcd.heartbeatIntervalMs,
        electionTimeoutMs: cfg.etcd.electionTimeoutMs,
        quotaBackendBytes: cfg.etcd.quotaBackendBytes,
        autoCompactionMode: cfg.etcd.autoCompactionMode,
        autoCompactionRetention: cfg.etcd.autoCompactionRetention,
        snapshotCount: cfg.etcd.snapshotCount,
        extraArgs: merged,
    };
}

/** Build every member, in inventory order. */
export function buildMembers(cfg: ClusterConfig, opts: MemberOptions): EtcdMember[] {
    return cfg.nodes.map((n) => buildMember(cfg, n.name, opts));
}
