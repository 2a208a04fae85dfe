// The one etcd member model. The plan (plan.ts) builds each member's structure once from the
// validated configuration: names, URLs, paths, binaries, timings, flag overrides. The facts that
// are not configuration but come from the running stack (the cluster token, the bootstrap state,
// later the membership operations) are bound to it by `bindMember` just before rendering, so
// flags, etcd.conf.yml, the env file, the unit and the pod all agree and no placeholder ever
// stands in for them.

import type { EtcdSettings, EtcdVersion, ExtraArgs, Layout, NodeConfig } from "../types";
import type { ConfigSource, MemberPaths } from "./layouts";

export type { MemberPaths } from "./layouts";

/**
 * `--initial-cluster-state`: `new` while bootstrapping a cluster, `existing` for a member that
 * joins a running one (after `etcdctl member add`) and for every start after a successful
 * bootstrap (pitfalls P2). See https://etcd.io/docs/v3.6/op-guide/clustering/
 */
export type InitialClusterState = "new" | "existing";

/** Facts a member needs that are not configuration: they come from the running stack. */
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
    /**
     * The exact `--initial-cluster` entries, in order, for a member joining a running cluster
     * whose member list includes members gone from the inventory (see membership.ts). Wins
     * over `initialClusterMembers`; must include the member itself.
     */
    readonly initialClusterEntries?: readonly { readonly name: string; readonly peerUrl: string }[];
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

/** The cluster-wide etcd settings every member renders as they are (see `EtcdSettings`). */
export type MemberSettings = Pick<EtcdSettings, "heartbeatIntervalMs" | "electionTimeoutMs" | "quotaBackendBytes" | "autoCompactionMode" | "autoCompactionRetention" | "snapshotCount">;

/** The structure of one etcd member, from configuration alone; see the file header. */
export interface MemberPlan extends MemberSettings {
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
        /** Undefined with `peerMode: loopback-plaintext`, the pc-master guide's plain-HTTP loopback peer. */
        readonly tls?: TlsFiles;
    };
    /** `--listen-metrics-urls`: plain HTTP on loopback (pitfalls P16). */
    readonly metricsListenUrls: readonly string[];
    /**
     * `initial-cluster` entries of every member of the inventory, in inventory order: the name
     * and first peer advertise URL of each, computed in one place so they always agree.
     */
    readonly peers: readonly { readonly name: string; readonly peerUrl: string }[];
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

/** A member ready to render: its plan with the stack's facts bound. */
export interface EtcdMember extends MemberPlan {
    /** `--initial-cluster`: the members of {@link MemberOptions.initialClusterMembers}, in inventory order. */
    readonly initialCluster: string;
    /** From {@link MemberOptions}. */
    readonly initialClusterState: InitialClusterState;
    /** From {@link MemberOptions}. */
    readonly initialClusterToken: string;
}

/** Bind the stack's facts to a member's plan. Throws for an inconsistent `initialClusterMembers`. */
export function bindMember(plan: MemberPlan, opts: MemberOptions): EtcdMember {
    if (opts.initialClusterEntries !== undefined) {
        if (!opts.initialClusterEntries.some((e) => e.name === plan.name)) {
            throw new Error(`initialClusterEntries must include the member itself ("${plan.name}")`);
        }
        return {
            ...plan,
            initialCluster: buildInitialCluster(opts.initialClusterEntries),
            initialClusterState: opts.initialClusterState,
            initialClusterToken: opts.initialClusterToken,
        };
    }
    const wanted = opts.initialClusterMembers ?? plan.peers.map((p) => p.name);
    for (const w of wanted) {
        if (!plan.peers.some((p) => p.name === w)) throw new Error(`initialClusterMembers: no node named "${w}"`);
    }
    if (!wanted.includes(plan.name)) throw new Error(`initialClusterMembers must include the member itself ("${plan.name}")`);
    return {
        ...plan,
        initialCluster: buildInitialCluster(plan.peers.filter((p) => wanted.includes(p.name))),
        initialClusterState: opts.initialClusterState,
        initialClusterToken: opts.initialClusterToken,
    };
}
