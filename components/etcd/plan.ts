// planCluster: what this cluster should be, computed once per run from the validated
// configuration and passed down to every renderer, script and component. Pure.
//
// The plan holds structure only: members with their names, URLs, SANs, paths and flag overrides,
// the client endpoints, and the layout's spec. Facts that come from the running stack (the
// cluster token, the bootstrap state) are bound to a member by `bindMember` at render time.

import type { ClusterConfig, NodeConfig } from "../types";
import { ConfigError } from "../configError";
import { BINARY_PATHS, CERT_FILES, CLIENT_PORT, DATA_DIR, LOOPBACK, METRICS_PORT, PEER_PORT, WILDCARD } from "../constants";
import { CertificateSans } from "../pki/sans";
import { formatUrl, parseIp } from "../validateAddress";
import { Problems } from "../validateValues";
import { BackupPlan, planBackups } from "./backupPlan";
import { clientEndpoints } from "./flags";
import { LayoutSpec, layoutSpec } from "./layouts";
import type { MemberPlan, MemberSettings, TlsFiles } from "./member";
import { memberSans, uncoveredUrls } from "./memberSans";

/** One member of the plan with its certificates' SANs. */
export interface PlannedMember extends MemberPlan {
    /** SANs of the member's server and peer certificates. */
    readonly sans: CertificateSans;
}

/** See the file header. */
export interface ClusterPlan {
    /** The validated configuration the plan was built from. */
    readonly config: ClusterConfig;
    /** The layout's spec. */
    readonly layout: LayoutSpec;
    /** Every member, in inventory order (the canonical `initial-cluster` order). */
    readonly members: readonly PlannedMember[];
    /** Member names, in inventory order. */
    readonly memberNames: readonly string[];
    /** Every member's client URLs as advertised (after overrides): etcdctl's endpoint list. */
    readonly clientEndpoints: readonly string[];
    /** Snapshots and restore (pitfalls P14); undefined when there are neither. */
    readonly backups?: BackupPlan;
}

/** Family and listen IP of a node: the family of the listen IP (of the address when it is an IP). */
function listenFacts(node: NodeConfig): { listenIp?: string; family: "ipv4" | "ipv6" } {
    const ip = parseIp(node.listenAddress ?? node.address);
    if (ip !== undefined) return { listenIp: ip.value, family: ip.kind === "ipv6" ? "ipv6" : "ipv4" };
    return { family: "ipv4" };
}

function tlsFiles(dir: string, cert: string, key: string): TlsFiles {
    return { certFile: `${dir}/${cert}`, keyFile: `${dir}/${key}`, trustedCaFile: `${dir}/${CERT_FILES.caCert}` };
}

/** Host paths of etcd and etcdctl for the install method. */
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

/** Peer advertise URL of a node; the one place it is computed, so `initial-cluster` always agrees. */
function peerAdvertiseUrl(cfg: ClusterConfig, node: NodeConfig): string {
    if (cfg.peerMode === "loopback-plaintext") {
        return formatUrl("http", LOOPBACK[listenFacts(node).family], PEER_PORT);
    }
    return formatUrl("https", node.address, PEER_PORT);
}

function memberSettings(etcd: ClusterConfig["etcd"]): MemberSettings {
    const { heartbeatIntervalMs, electionTimeoutMs, quotaBackendBytes, autoCompactionMode, autoCompactionRetention, snapshotCount } = etcd;
    return { heartbeatIntervalMs, electionTimeoutMs, quotaBackendBytes, autoCompactionMode, autoCompactionRetention, snapshotCount };
}

/** The structure of one member. */
function planMember(cfg: ClusterConfig, layout: LayoutSpec, index: number): MemberPlan {
    const node = cfg.nodes[index];
    const name = node.name;
    const { listenIp, family } = listenFacts(node);
    const loopback = LOOPBACK[family];
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
    const pkiDir = layout.pkiDir;
    return {
        name,
        index,
        node,
        layout: cfg.layout,
        version: cfg.etcd.version,
        configSource: layout.configSource,
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
        peers: cfg.nodes.map((n) => ({ name: n.name, peerUrl: peerAdvertiseUrl(cfg, n) })),
        dataDir: DATA_DIR,
        pkiDir,
        adminClientTls: tlsFiles(pkiDir, CERT_FILES.adminClientCert, CERT_FILES.adminClientKey),
        paths: layout.paths,
        binaries: binariesOf(cfg),
        ...(layout.usesImage ? { image: cfg.etcd.image } : {}),
        ...memberSettings(cfg.etcd),
        // Cluster-wide `extraArgs` overlaid with the node's own (node wins).
        extraArgs: { ...cfg.etcd.extraArgs, ...node.extraArgs },
    };
}

/**
 * The plan of a validated configuration. Throws a {@link ConfigError} when a URL the member
 * serves with its certificates is not covered by them (pitfalls P7): the SANs derive from the
 * inventory, so only URLs added through `extraArgs` can fall outside; the fix is `extraSans`.
 */
export function planCluster(config: ClusterConfig): ClusterPlan {
    const layout = layoutSpec(config.layout);
    const p = new Problems();
    const members = config.nodes.map((_, i): PlannedMember => {
        const plan = planMember(config, layout, i);
        const sans = memberSans(plan);
        for (const u of uncoveredUrls(plan, sans)) {
            p.error(`nodes[${i}].extraSans`, `${u.url} (${u.flag}) is not covered by the certificates of member "${plan.name}"; add "${u.host}"`);
        }
        return { ...plan, sans };
    });
    if (p.errors.length > 0) throw new ConfigError(p.errors, config.warnings);
    const backups = planBackups(config, layout, members);
    return {
        config,
        layout,
        members,
        memberNames: members.map((m) => m.name),
        clientEndpoints: clientEndpoints(members),
        ...(backups !== undefined ? { backups } : {}),
    };
}
