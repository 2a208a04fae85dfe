// Checks across fields of an otherwise well-formed configuration: layout rules, quorum and the
// flag overrides against the version (pitfalls P4, P6, P13). Runs after every field parsed on its
// own. Certificate coverage of every URL needs the members' URLs: the plan checks it (plan.ts).

import type { EtcdVersion, ExtraArgs, Layout, NodeConfig, PeerMode } from "./types";
import { MAX_RECOMMENDED_MEMBERS } from "./constants";
import { LAYOUT_SPECS, layoutSpec } from "./etcd/layouts";
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

/** Layout, quorum and listener rules: the layout's own (its spec), then those every layout shares. */
export function checkTopology(p: Problems, cfg: TopologyInput): void {
    const n = cfg.nodes.length;
    const spec = layoutSpec(cfg.layout);
    spec.checkTopology(p, cfg);
    if (!spec.peerModes.includes(cfg.peerMode)) {
        const allowing = Object.values(LAYOUT_SPECS).filter((l) => l.peerModes.includes(cfg.peerMode)).map((l) => `"${l.name}"`);
        p.error("peerMode", `"${cfg.peerMode}" is only possible with layout ${allowing.join(" or ")}`);
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
    const layout = layoutSpec(cfg.layout);
    const version = cfg.version;
    const cluster = checkExtraArgs("extraArgs", cfg.extraArgs, version, layout);
    p.errors.push(...cluster.errors);
    p.warnings.push(...cluster.warnings);
    p.errors.push(...checkFeatureGateConflicts([{ field: "extraArgs", args: cfg.extraArgs }], version));
    cfg.nodes.forEach((node, i) => {
        const field = `nodes[${i}].extraArgs`;
        const r = checkExtraArgs(field, node.extraArgs, version, layout);
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
