// What a layout is: where its files go, who owns them, how etcd receives its configuration and
// runs, and the layout's own rules. One file per layout implements this (systemd.ts, pcMaster.ts,
// staticPod.ts) and index.ts registers them; nothing else branches on a layout's name.
//
// Specs are data plus small pure rules, and import nothing from rendering or wiring, so the
// config parser, the plan, the renderers and the components can all read them.

import type { NodeConfig, PeerMode } from "../../types";
import type { Problems } from "../../validateValues";

/**
 * How the etcd process receives its configuration: `etcd.conf.yml` (`--config-file`), an
 * `ETCD_*` environment file, or the static pod's command line. Decides the renderer and which
 * flags `extraArgs` may set (etcd reads some only from the command line or the environment).
 */
export type ConfigSource = "config-file" | "env-file" | "pod-command";

/** What starts, restarts and stops etcd: a systemd unit, or the kubelet from a static pod manifest. */
export type Runtime = "systemd" | "static-pod";

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
    /** Where the manifest is staged before the kubelet sees it (`static-pod`). */
    readonly stagedManifest?: string;
    /** `/etc/profile.d/etcdctl.sh` (every layout). */
    readonly etcdctlProfile: string;
}

/**
 * The file that carries `initial-cluster-state`, and the line that turns from `new` to
 * `existing` once the cluster has bootstrapped (pitfalls P2). Patterns are `sed` basic regexes.
 */
export interface StateFile {
    /** Which of the member's files (see {@link MemberPaths}). */
    readonly file: "configFile" | "envFile" | "stagedManifest";
    readonly from: string;
    readonly to: string;
}

/** What the layout rules read; they run as soon as these parsed, even if other keys failed. */
export interface TopologyInput {
    readonly peerMode: PeerMode;
    readonly clientListenAll: boolean;
    readonly nodes: readonly NodeConfig[];
}

/** One layout. See the file header. */
export interface LayoutSpec {
    /** The `layout` config value. */
    readonly name: string;
    /** See {@link ConfigSource}. */
    readonly configSource: ConfigSource;
    /** See {@link Runtime}. */
    readonly runtime: Runtime;
    /** Directory of the member's certificates on the host. */
    readonly pkiDir: string;
    /** Files the layout writes. */
    readonly paths: MemberPaths;
    /** See {@link StateFile}. */
    readonly stateFile: StateFile;
    /**
     * Account etcd runs as, owner of its keys, PKI dir and data dir. The kubelet runs a static
     * pod's etcd as root, so that layout creates no account.
     */
    readonly runAs: { readonly user: string; readonly group: string };
    /** Whether etcd and etcdctl are installed on the host (a static pod runs etcd from its image). */
    readonly installsEtcd: boolean;
    /** Whether `etcdImage` is used. */
    readonly usesImage: boolean;
    /**
     * Whether `up` may add and remove members of a running cluster (membership.ts); the scripts
     * need etcdctl on the hosts.
     */
    readonly membershipChanges: boolean;
    /** Peer modes the layout allows, the first being the usual one. */
    readonly peerModes: readonly PeerMode[];
    /** The layout's own rules, beyond those every layout shares. */
    checkTopology(p: Problems, input: TopologyInput): void;
}
