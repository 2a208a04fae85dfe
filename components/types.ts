// Plain types of the parsed, validated cluster configuration. `parseClusterConfig` (config.ts)
// is the only producer; everything downstream (member model, renderers, components, stacks)
// reads these and never re-checks shape.
//
// Defaults are NOT repeated here or in code: every scalar default lives in Pulumi.yaml, and the
// parser receives values Pulumi already defaulted. The "Defaults to" notes below quote Pulumi.yaml.

import { LAYOUT_SPECS } from "./etcd/layouts";

/**
 * How etcd runs on the hosts; each has a home in `components/etcd/layouts/`.
 * - `pc-master`: one member on a master host; client port with client-cert auth, tuned timings
 *   (the pc-master guide). Configured through an `ETCD_*` environment file.
 * - `systemd`: N members with mutual TLS on client and peer ports, `/etc/etcd/etcd.conf.yml` and a
 *   hardened `Type=notify` unit run as user `etcd` (the three-node TLS guides).
 * - `static-pod`: kubelet manifests in `/etc/kubernetes/manifests`, kubeadm cert layout (the
 *   kubeadm static-pod guide). See docs/guides.md for the guides.
 */
export type Layout = keyof typeof LAYOUT_SPECS;

/** Every {@link Layout}, in documentation (registry) order. */
export const LAYOUTS: readonly Layout[] = Object.keys(LAYOUT_SPECS) as Layout[];

/**
 * Where the etcd binary comes from.
 * - `package`: the distribution package (Debian/Ubuntu `etcd-server`, `/usr/bin/etcd`).
 * - `binary`: etcd and etcdctl copied from a directory on the machine running Pulumi.
 * - `tarball`: an official release tarball downloaded on the host and checked against a sha256.
 * - `preinstalled`: already on the host at `etcdPath`.
 * Ignored by the `static-pod` layout, whose etcd comes from the container image.
 */
export type InstallMethod = "package" | "binary" | "tarball" | "preinstalled";

/** Every {@link InstallMethod}. */
export const INSTALL_METHODS: readonly InstallMethod[] = ["package", "binary", "tarball", "preinstalled"];

/**
 * Peer transport of the `pc-master` layout.
 * - `tls`: peer URL on the host address with mutual TLS, so the member can later grow into a
 *   cluster (pitfalls P6).
 * - `loopback-plaintext`: the pc-master guide's `http://127.0.0.1:2380`. Works for one member only and can
 *   never grow; parsing warns.
 */
export type PeerMode = "tls" | "loopback-plaintext";

/** Every {@link PeerMode}. */
export const PEER_MODES: readonly PeerMode[] = ["tls", "loopback-plaintext"];

/** Key algorithm of the CA and every leaf certificate. Same spelling as `components/pki/certProfiles.ts`. */
export type TlsAlgorithm = "ECDSA-P256" | "RSA-2048" | "RSA-4096";

/** Every {@link TlsAlgorithm}. */
export const TLS_ALGORITHMS: readonly TlsAlgorithm[] = ["ECDSA-P256", "RSA-2048", "RSA-4096"];

/**
 * etcd's `--auto-compaction-mode`: `periodic` keeps a time window of history, `revision` a number
 * of revisions. See https://etcd.io/docs/v3.6/op-guide/maintenance/#auto-compaction
 */
export type AutoCompactionMode = "periodic" | "revision";

/** Every {@link AutoCompactionMode}. */
export const AUTO_COMPACTION_MODES: readonly AutoCompactionMode[] = ["periodic", "revision"];

/** The etcd minor series this project renders flags for. */
export type EtcdSeries = "3.4" | "3.5" | "3.6";

/** A parsed `etcdVersion` such as `3.6.16`. */
export interface EtcdVersion {
    /** As written, e.g. `3.6.16`. */
    readonly full: string;
    /** `3.4`, `3.5` or `3.6`: selects the flag table in `components/etcd/versions.ts`. */
    readonly series: EtcdSeries;
    /** Always 3. */
    readonly major: 3;
    /** 4, 5 or 6. */
    readonly minor: 4 | 5 | 6;
    /** Patch level; some flags and the `/livez` `/readyz` endpoints depend on it. */
    readonly patch: number;
}

/**
 * etcd flag overrides: flag name without dashes → value. `null` removes a flag etcdhosts would
 * set by default (kubeadm `ExtraArgs` semantics plus removal). Values are validated against the
 * flag table of the chosen etcd version; see `components/validateFlags.ts`.
 */
export type ExtraArgs = Readonly<Record<string, string | null>>;

/** One etcd member's host, from the `nodes` inventory. */
export interface NodeConfig {
    /**
     * etcd member name (`--name`), certificate CN, DNS SAN and the key of every per-node Pulumi
     * child (`${name}-${node.name}-<role>`), so it must be a lowercase DNS label and unique.
     */
    readonly name: string;
    /**
     * Address the member advertises to clients and peers: IPv4, IPv6 (without brackets) or a DNS
     * name. Always covered by the member's certificates. See
     * https://etcd.io/docs/v3.6/op-guide/configuration/#--advertise-client-urls
     */
    readonly address: string;
    /**
     * IP the member's listeners bind to. Defaults to `address` when that is an IP. Required when
     * `address` is a DNS name and a listener binds to the host, because etcd binds only to IPs
     * ("expected IP in URL for binding").
     */
    readonly listenAddress?: string;
    /** Host Pulumi connects to over SSH. Defaults to `address`. */
    readonly sshHost: string;
    /** SSH port. Defaults to the cluster-wide `sshPort` (Pulumi.yaml: `22`). */
    readonly sshPort: number;
    /** SSH user. Defaults to the cluster-wide `sshUser` (Pulumi.yaml: `root`). */
    readonly sshUser: string;
    /** The host's DNS name, added to the member's certificate SANs. Defaults to none. */
    readonly hostname?: string;
    /** Extra certificate SANs (IPs, DNS names, `*.domain` wildcards). Defaults to none. */
    readonly extraSans: readonly string[];
    /** Per-member etcd flag overrides, applied after the cluster-wide `extraArgs`. Defaults to none. */
    readonly extraArgs: ExtraArgs;
    /**
     * The host key the SSH connection pins, `<type> <base64>` (e.g. `ssh-ed25519 AAAA…`): the
     * node's own `hostKey`, else the one `knownHosts` lists for `sshHost`/`sshPort`. A host that
     * presents another key fails the SSH handshake, before anything is sent. Absent only when
     * `insecureSkipHostKeyCheck` is on and no key was given. See `validateHostKeys.ts`.
     */
    readonly hostKey?: string;
}

/** How etcd gets onto the host. A discriminated union on `method`. */
export type InstallConfig =
    | { readonly method: "package" }
    | {
          readonly method: "binary";
          /**
           * Local directory holding `etcd` and `etcdctl`. When unset the component takes the
           * directory from the environment variable named by `binaryDirEnvVar(version)`
           * (`ETCDHOSTS_ETCD_DIR_3_6`, set by `toolchain/env.sh`).
           */
          readonly binaryDir?: string;
      }
    | {
          readonly method: "tarball";
          /** Release tarball URL, e.g. `https://github.com/etcd-io/etcd/releases/download/v3.6.16/etcd-v3.6.16-linux-amd64.tar.gz`. */
          readonly url: string;
          /** Lowercase hex sha256 of the tarball; the download is rejected when it differs. */
          readonly sha256: string;
      }
    | {
          readonly method: "preinstalled";
          /** Absolute path of the etcd binary already on every host. */
          readonly etcdPath: string;
      };

/** PKI settings. */
export interface TlsConfig {
    /** Key algorithm of generated keys. Defaults to `ECDSA-P256`. */
    readonly algorithm: TlsAlgorithm;
    /** Validity of a generated CA in hours. Defaults to `87600` (10 years). */
    readonly caValidityHours: number;
    /** Validity of leaf certificates in hours. Defaults to `8760` (1 year). */
    readonly certValidityHours: number;
    /**
     * Leaves become ready for renewal this many hours before they expire; the next `pulumi up`
     * replaces them (pitfalls P9). Defaults to `720` (30 days).
     */
    readonly certEarlyRenewalHours: number;
    /**
     * Bring-your-own CA certificate, PEM. Set together with the secret `caKeyPem`, or neither.
     * Defaults to none (a CA is generated).
     */
    readonly caCertPem?: string;
    /** True when a CA key was configured (`caKeyPem`); the key itself is never copied here. */
    readonly externalCa: boolean;
}

/** etcd settings shared by every member. */
export interface EtcdSettings {
    /** etcd version whose flags are rendered. Defaults to `3.6.16`. */
    readonly version: EtcdVersion;
    /** Where the binary comes from. Defaults to `binary`. */
    readonly install: InstallConfig;
    /**
     * Container image of the `static-pod` layout, `{version}` already expanded. Defaults to
     * `etcdhosts/etcd:{version}`. Ignored by other layouts.
     */
    readonly image: string;
    /**
     * `--heartbeat-interval` in ms. Defaults to `100`. See
     * https://etcd.io/docs/v3.6/tuning/#time-parameters
     */
    readonly heartbeatIntervalMs: number;
    /** `--election-timeout` in ms, at least 5 × heartbeat and at most 50000. Defaults to `1000`. */
    readonly electionTimeoutMs: number;
    /**
     * `--quota-backend-bytes`. `0` leaves etcd's default (2 GiB); etcd suggests at most 8 GiB.
     * Defaults to `2147483648`. See https://etcd.io/docs/v3.6/dev-guide/limit/#storage-size-limit
     */
    readonly quotaBackendBytes: number;
    /** `--auto-compaction-mode`. Defaults to `periodic`. */
    readonly autoCompactionMode: AutoCompactionMode;
    /**
     * `--auto-compaction-retention`: a Go duration or hours (`periodic`), a revision count
     * (`revision`); `0` disables. Defaults to `1h`.
     */
    readonly autoCompactionRetention: string;
    /**
     * `--snapshot-count`; `0` leaves etcd's default for the version (100000 on 3.4/3.5, 10000
     * on 3.6). Defaults to `10000`, kubeadm's value.
     */
    readonly snapshotCount: number;
    /** Cluster-wide flag overrides. Defaults to `{}`. */
    readonly extraArgs: ExtraArgs;
}

/**
 * Scheduled snapshots (pitfalls P14): a systemd timer on the host of each member in `members`.
 * See https://etcd.io/docs/v3.6/op-guide/recovery/#snapshotting-the-keyspace
 */
export interface BackupConfig {
    /** Minutes between snapshots; divides an hour, or is whole hours dividing a day. Pulumi.yaml: `6h`. */
    readonly intervalMinutes: number;
    /** Snapshots each host keeps (the newest). Pulumi.yaml: `7`. */
    readonly retain: number;
    /** Members whose hosts take snapshots, in inventory order (`backupMembers`; empty there means every member). */
    readonly members: readonly string[];
    /**
     * `false`: one snapshot per interval from the first healthy member of a rotation over
     * `members`; `true`: every one of `members` takes its own, staggered. Pulumi.yaml: `false`.
     */
    readonly eachMember: boolean;
    /** Refuse a snapshot when free space is below the database size plus this. Pulumi.yaml: `1024`. */
    readonly minFreeMiB: number;
}

/**
 * Restore every member from one snapshot into a new cluster generation (pitfalls P14). See
 * https://etcd.io/docs/v3.6/op-guide/recovery/#restoring-a-cluster
 */
export interface RestoreConfig {
    /** Absolute path of the snapshot file on the machine running Pulumi. */
    readonly snapshot: string;
    /** Restore generation, at least 1: a new number restores again, the same one never does. */
    readonly generation: number;
    /** `etcdutl snapshot restore --bump-revision`; 0 for none (etcd 3.5 and later). */
    readonly bumpRevision: number;
    /** `--mark-compacted`, given exactly together with a `bumpRevision` above 0. */
    readonly markCompacted: boolean;
}

/** The parsed, validated configuration of one stack. */
export interface ClusterConfig {
    /** Defaults to `systemd`. */
    readonly layout: Layout;
    /** The members, in inventory order; that order is the canonical `initial-cluster` order. */
    readonly nodes: readonly NodeConfig[];
    /** etcd version, install, timings, storage and flag overrides. */
    readonly etcd: EtcdSettings;
    /** `pc-master` only (other layouts always use `tls`). Defaults to `tls`. */
    readonly peerMode: PeerMode;
    /**
     * Listen for clients on the wildcard address (`https://0.0.0.0:2379`, or `https://[::]:2379`
     * for IPv6 members) instead of the member address plus loopback. Defaults to `false`.
     */
    readonly clientListenAll: boolean;
    /** Key algorithm, validities and the optional bring-your-own CA. */
    readonly tls: TlsConfig;
    /**
     * Let `pulumi destroy` delete the data dir. Defaults to `false` (the data dir is retained;
     * the dev and sandbox stacks set `true`).
     */
    readonly wipeDataOnDestroy: boolean;
    /** Let one `up` remove several members or shrink below three (membership.ts). Defaults to `false`. */
    readonly allowUnsafeMembershipChange: boolean;
    /** Preflight fails when a host's clock differs from the runner's by more; `0` skips the check. Defaults to `2`. */
    readonly maxClockSkewSeconds: number;
    /** Scheduled snapshots; undefined with `backups: false`. */
    readonly backups?: BackupConfig;
    /** A restore; undefined when `restore` is empty (Pulumi.yaml: `{}`). */
    readonly restore?: RestoreConfig;
    /** Non-fatal findings (quorum, growth, deprecations), one line each, `field: message`. */
    readonly warnings: readonly string[];
}
