// Checks across fields of an otherwise well-formed configuration: layout rules, quorum, the
// flag overrides against the version, and certificate coverage of every URL (pitfalls P4, P6,
// P7, P13). Runs after every field parsed on its own.

import type { ClusterConfig, EtcdVersion, ExtraArgs, Layout, NodeConfig, PeerMode } from "./types";
import { MAX_RECOMMENDED_MEMBERS, configSourceOf } from "./etcd/constants";
import { buildMembers } from "./etcd/member";
import { memberSans, uncoveredUrls } from "./pki/sans";
import { checkExtraArgs, checkFeatureGateConflicts } from "./validateFlags";
import { parseIp } from "./validateAddress";
import { Problems } from "./validateValues";

/** What {@link checkTopology} reads; runs as soon as these parsed, even if other keys failed. */
export interface TopologyInput {
    readonly layout: Layout;
    readonly peerMode: PeerMode;
    readonly clientListenAll: boolean;
    readonly nodes: readonly NodeConfig[];
}

/** Layout, quorum and listener rules. */
export function checkTopology(p: Problems, cfg: TopologyInput): void {
    const n = cfg.nodes.length;
    if (cfg.layout === "pc-master" && n !== 1) {
        p.error("nodes", `layout "pc-master" runs exactly one member, got ${n} (use layout "systemd" for a cluster)`);
    }
    if (cfg.peerMode === "loopback-plaintext") {
        if (cfg.layout !== "pc-master") p.error("peerMode", `"loopback-plaintext" is only possible with layout "pc-master"`);
        else {
            p.warn(
                "peerMode",
                `"loopback-plaintext" advertises the peer URL on loopback without TLS, so this member can never grow into a cluster (pitfalls P6); use "tls" to keep that option`,
            );
        }
    }
    if (n % 2 === 0 && n > 0) {
        const quorum = Math.floor(n / 2) + 1;
        p.warn(
            "nodes",
            `an even number of members (${n}) tolerates no more failures than ${n - 1} (quorum ${quorum}, ${n - quorum} failure${n - quorum === 1 ? "" : "s"} tolerated) and can split ${n / 2}/${n / 2}; use an odd number of members`,
        );
    }
    if (n > MAX_RECOMMENDED_MEMBERS) {
        p.warn("nodes", `${n} members; etcd recommends at most ${MAX_RECOMMENDED_MEMBERS}, since every write waits for a majority`);
    }
    // etcd binds only to IPs; a DNS address needs listenAddress for every listener on the host.
    const needsBindIp = cfg.peerMode === "tls" || !cfg.clientListenAll;
    cfg.nodes.forEach((node, i) => {
        if (needsBindIp && node.listenAddress === undefined && parseIp(node.address) === undefined) {
            p.error(
                `nodes[${i}].listenAddress`,
                `required because address "${node.address}" is a DNS name and etcd binds listeners only to IP addresses ("expected IP in URL for binding")`,
            );
        }
    });
}

/** What {@link checkFlagOverrides} reads. */
export interface FlagOverridesInput {
    readonly layout: Layout;
    readonly version: EtcdVersion;
    /** Cluster-wide `extraArgs`. */
    readonly extraArgs: ExtraArgs;
    readonly nodes: readonly NodeConfig[];
}

/** `extraArgs` of the cluster and every node against the version's flag table. */
export function checkFlagOverrides(p: Problems, cfg: FlagOverridesInput): void {
    const source = configSourceOf(cfg.layout);
    const version = cfg.version;
    const cluster = checkExtraArgs("extraArgs", cfg.extraArgs, version, source);
    p.errors.push(...cluster.errors);
    p.warnings.push(...cluster.warnings);
    p.errors.push(...checkFeatureGateConflicts([{ field: "extraArgs", args: cfg.extraArgs }], version));
    cfg.nodes.forEach((node, i) => {
        const field = `nodes[${i}].extraArgs`;
        const r = checkExtraArgs(field, node.extraArgs, version, source);
        p.errors.push(...r.errors);
        p.warnings.push(...r.warnings);
        // Cluster-level conflicts are reported once above; report only the node's own here.
        p.errors.push(
            ...checkFeatureGateConflicts(
                [
                    { field: "extraArgs", args: cfg.extraArgs },
                    { field, args: node.extraArgs },
                ],
                version,
            ).filter((m) => m.startsWith(`${field}.`)),
        );
    });
}

/**
 * Every https URL of every member must be covered by its certificates. The SANs derive from the
 * inventory, so only URLs added through `extraArgs` can fall outside; the fix is `extraSans`.
 */
export function checkCertificateCoverage(p: Problems, cfg: ClusterConfig): void {
    // The bootstrap state and token do not affect URLs; placeholders suffice.
    const members = buildMembers(cfg, { initialClusterState: "new", initialClusterToken: "validation" });
    for (const m of members) {
        const sans = memberSans(m);
        for (const u of uncoveredUrls(m, sans)) {
            p.error(
                `nodes[${m.index}].extraSans`,
                `${u.url} (${u.flag}) is not covered by the certificates of member "${m.name}"; add "${u.host}"`,
            );
        }
    }
}
