// Every fixed default of the etcd layer in one place (etcdadm `constants/constants.go`). Values
// an operator can change are Pulumi config keys with their defaults in Pulumi.yaml, not here.

import type { EtcdSeries } from "./types";

/** First line of every file etcdhosts writes to a host (`#` is a comment in all of them). */
export const MANAGED_HEADER = "# Managed by Pulumi (etcdhosts). Local edits are overwritten.";

/** etcd's client port (IANA). */
export const CLIENT_PORT = 2379;
/** etcd's peer port (IANA). */
export const PEER_PORT = 2380;
/**
 * Port of the plain-HTTP `/metrics`, `/health`, `/livez` and `/readyz` listener, bound to loopback
 * (kubeadm `EtcdMetricsPort`; pitfalls P16: those endpoints have no authentication).
 */
export const METRICS_PORT = 2381;

/** Loopback address per IP family; kubeadm picks the family of the advertise address. */
export const LOOPBACK = { ipv4: "127.0.0.1", ipv6: "::1" } as const;
/** Wildcard (listen-on-all) address per IP family. */
export const WILDCARD = { ipv4: "0.0.0.0", ipv6: "::" } as const;

/** etcd's data directory (kubeadm and etcdadm default). Mode 0700, owned by the etcd user. */
export const DATA_DIR = "/var/lib/etcd";
/**
 * Where Debian's `etcd-server` keeps the data of its own `etcd.service`: the packaged unit sets
 * `ETCD_DATA_DIR=/var/lib/etcd/default`, and on a real `apt install` that service starts at once
 * and bootstraps a one-member cluster there (`ETCD_NAME=%H`, peer `http://localhost:2380`). It
 * lies inside {@link DATA_DIR}; the install step stops that service and moves the directory aside
 * before our member first starts.
 */
export const DEBIAN_PACKAGE_DATA_DIR = "/var/lib/etcd/default";

/** Configuration directory of the systemd layouts. */
export const CONFIG_DIR = "/etc/etcd";
/** Certificate directory of the systemd layouts. */
export const PKI_DIR = "/etc/etcd/pki";
/** etcd configuration file of the `systemd` layout. */
export const CONFIG_FILE = "/etc/etcd/etcd.conf.yml";
/** `ETCD_*` environment file of the `pc-master` layout. */
export const ENV_FILE = "/etc/etcd/etcd.env";
/** The systemd unit; `/etc/systemd/system` wins over a distribution package's `/lib/systemd/system/etcd.service`. */
export const UNIT_FILE = "/etc/systemd/system/etcd.service";
/** Name of the systemd unit. */
export const UNIT_NAME = "etcd.service";
/** etcdctl environment for login shells (the cluster-setup guide). */
export const ETCDCTL_PROFILE_FILE = "/etc/profile.d/etcdctl.sh";

/** System user and group etcd runs as (Debian's package creates the same). */
export const ETCD_USER = "etcd";
export const ETCD_GROUP = "etcd";

/** kubeadm's certificate directory for etcd (`<CertificatesDir>/etcd`). */
export const KUBEADM_PKI_DIR = "/etc/kubernetes/pki/etcd";
/** The etcd static pod manifest. */
export const KUBEADM_MANIFEST_FILE = "/etc/kubernetes/manifests/etcd.yaml";
/**
 * Marker of a completed bootstrap: holds the cluster token. While it matches the current token,
 * every config written to the host says `initial-cluster-state: existing` (pitfalls P2). Kept in
 * the config dir, not the data dir, so a member that lost its data does not re-bootstrap a new
 * cluster but fails to start, which is the safe way to fail.
 */
export const BOOTSTRAPPED_MARKER = `${CONFIG_DIR}/.etcdhosts-bootstrapped`;
/** Where the static-pod layout stages a member's manifest before the kubelet sees it. */
export const STAGED_MANIFEST = "/etc/kubernetes/etcdhosts/etcd.yaml";
/** Annotation kubeadm puts on its etcd pod with the member's client URL. */
export const KUBEADM_ADVERTISE_CLIENT_URLS_ANNOTATION = "kubeadm.kubernetes.io/etcd.advertise-client-urls";

/**
 * Certificate and key file names inside the PKI directory; the same in both layouts and the same
 * stems as kubeadm and `components/pki/certProfiles.ts` (`<baseName>.crt` / `.key`). The CA key
 * never goes to a host: Pulumi signs.
 */
export const CERT_FILES = {
    caCert: "ca.crt",
    serverCert: "server.crt",
    serverKey: "server.key",
    peerCert: "peer.crt",
    peerKey: "peer.key",
    /** Operator client certificate (CN `root`) used by the etcdctl profile. */
    adminClientCert: "admin-client.crt",
    adminClientKey: "admin-client.key",
    /** Client certificate of health checks. */
    healthcheckClientCert: "healthcheck-client.crt",
    healthcheckClientKey: "healthcheck-client.key",
} as const;

/** Where etcd and etcdctl live on the host, per install method. */
export const BINARY_PATHS = {
    /** Upstream binaries (`binary` and `tarball` installs), as the release docs and etcdadm place them. */
    local: { etcd: "/usr/local/bin/etcd", etcdctl: "/usr/local/bin/etcdctl" },
    /** Debian/Ubuntu `etcd-server` / `etcd-client` packages (the deploy-etcd guide: "etcd 指令在 /usr/bin 底下"). */
    debian: { etcd: "/usr/bin/etcd", etcdctl: "/usr/bin/etcdctl" },
} as const;

/** Inside the static pod the image's `etcd` is on PATH (kubeadm's command starts with `etcd`). */
export const STATIC_POD_COMMAND = "etcd";

/**
 * Prefix of the environment variable naming a local directory of etcd binaries for `binary`
 * installs when `etcdBinaryDir` is empty, e.g. `ETCDHOSTS_ETCD_DIR_3_6` (set by `toolchain/env.sh`).
 */
export const ETCD_BINARY_DIR_ENV_PREFIX = "ETCDHOSTS_ETCD_DIR_";

/** Environment variable of `binary` installs for a series: `ETCDHOSTS_ETCD_DIR_3_6` for 3.6. */
export function binaryDirEnvVar(series: EtcdSeries): string {
    return `${ETCD_BINARY_DIR_ENV_PREFIX}${series.replace(".", "_")}`;
}

/** etcd's upper bound on `--election-timeout` (`maxElectionMs` in server/embed/config.go). */
export const MAX_ELECTION_TIMEOUT_MS = 50000;
/** Largest backend quota etcd suggests, 8 GiB (`MaxQuotaBytes`); above it etcd warns. */
export const MAX_SUGGESTED_QUOTA_BYTES = 8 * 1024 * 1024 * 1024;
/** etcd recommends at most 7 members: every write waits for a majority. */
export const MAX_RECOMMENDED_MEMBERS = 7;

/**
 * Watch progress notifications for kube-apiserver's watch cache, as kubeadm sets
 * (`watch-progress-notify-interval=5s`).
 */
export const WATCH_PROGRESS_NOTIFY_INTERVAL = "5s";

/** Upper bound for validity periods in hours (100 years); the TLS provider overflows on huge values (hashicorp/terraform-provider-tls#554). */
export const MAX_VALIDITY_HOURS = 876000;

/** kubeadm's static-pod resource requests. */
export const STATIC_POD_REQUESTS = { cpu: "100m", memory: "100Mi" } as const;

/** systemd unit resource limits and restart policy (Typhoon's etcd-member.service; the deploy-etcd guide's Restart=on-failure). */
export const UNIT_SETTINGS = {
    restart: "on-failure",
    restartSec: 5,
    limitNoFile: 40000,
} as const;

/** Debian packages of the `package` install: the server and etcdctl. */
export const DEBIAN_PACKAGES: readonly string[] = ["etcd-server", "etcd-client"];

/**
 * The first SSH step's patience with a fresh host. The dial limit trips before the timeout
 * (20 × (10 s + 5 s backoff) < 10 min), so the error names the host and port.
 */
export const SSH_WAIT = { timeout: "10m", dialErrorLimit: 20, perDialTimeout: 10 } as const;

/**
 * How far a host's clock may be ahead of the runner's recorded time. Loose on purpose: a host
 * ahead only sees leaves expire early, which early renewal absorbs, and a preflight retried after
 * a failure reuses the earlier runner stamp. "Behind" is the direction that breaks fresh
 * certificates; `maxClockSkewSeconds` bounds it.
 */
export const CLOCK_AHEAD_TOLERANCE_SECONDS = 86400;

/** A generated CA: kubeadm's CN, no early renewal (a new CA is a rotation, never a side effect of `up`). */
export const GENERATED_CA = { commonName: "etcd-ca", earlyRenewalHours: 0 } as const;

/** CN of the operator's (etcdctl) client certificate: etcd's super-user once auth is enabled. */
export const ADMIN_COMMON_NAME = "root";

// Snapshots and restore (pitfalls P14). Host paths of etcdhosts' own state, outside the data dir
// so that losing the data dir does not lose the snapshots.

/** etcdhosts' state on a host: snapshot status, restore records. `0755 root:root`. */
export const HOST_STATE_DIR = "/var/lib/etcdhosts";
/** Snapshot files, root's alone: `0700 root:root`, every file `0600` (a snapshot holds every key). */
export const SNAPSHOT_DIR = `${HOST_STATE_DIR}/snapshots`;
/** Outcome of the last snapshot run, `key=value` lines (`0644`: times and hashes, no data). */
export const SNAPSHOT_STATUS_FILE = `${HOST_STATE_DIR}/snapshot.status`;
/** Where static-pod hosts keep the etcdctl and etcdutl copied from the running etcd image. */
export const SNAPSHOT_TOOLS_DIR = `${HOST_STATE_DIR}/bin`;
/** The snapshot script (`0700 root:root`); `etcdhosts-snapshot now` takes one at once. */
export const SNAPSHOT_SCRIPT = "/usr/local/sbin/etcdhosts-snapshot";
/** The oneshot service and the timer that runs it. */
export const SNAPSHOT_SERVICE_NAME = "etcdhosts-snapshot.service";
export const SNAPSHOT_TIMER_NAME = "etcdhosts-snapshot.timer";
export const SNAPSHOT_SERVICE_FILE = `/etc/systemd/system/${SNAPSHOT_SERVICE_NAME}`;
export const SNAPSHOT_TIMER_FILE = `/etc/systemd/system/${SNAPSHOT_TIMER_NAME}`;
/** Snapshot file names: `etcd-snapshot-<member>-<UTC time>.db`; they sort by time on one host. */
export const SNAPSHOT_FILE_PREFIX = "etcd-snapshot-";
/** Where a restore's snapshot is uploaded (`0700`, owned by the SSH login user, who uploads it). */
export const RESTORE_STAGING_DIR = `${HOST_STATE_DIR}/restore`;
/** The restore generation a host has completed: `<cluster token> <generation>`. */
export const RESTORE_MARKER = `${HOST_STATE_DIR}/restored-generation`;
/** Key a restore writes and deletes to prove the restored cluster accepts writes. */
export const RESTORE_CHECK_KEY = "/etcdhosts/restore-check";

// Bounds on every host step (issue 15): no step of `up` can hang.

/**
 * Upper bounds of the host steps, as Pulumi `customTimeouts` (the command provider applies them).
 * Well above the scripts' own bounds (health waits of 30–180 s, etcdctl's 3–10 s per call, curl's
 * and apt-get's limits below), so they end only a step whose host stopped making progress in a way
 * neither the script nor the SSH keepalives notice.
 */
export const STEP_TIMEOUTS = {
    /** Checks, files, account and directories, start, roll, health, membership. */
    step: "10m",
    /** Installing etcd: a bounded download or apt-get run, then the binaries' checks. */
    install: "30m",
    /** Moving binaries or a snapshot onto a host: their size decides. */
    transfer: "60m",
} as const;
/** Seconds curl may take for a release tarball (`--max-time`). */
export const DOWNLOAD_MAX_SECONDS = 900;
/** Seconds apt-get may take to install the etcd packages (`timeout`), and to wait for dpkg's lock. */
export const APT_MAX_SECONDS = 900;
export const APT_LOCK_WAIT_SECONDS = 120;
/**
 * Where `binary` installs upload etcd and etcdctl: one directory per host step, `0700` and owned by
 * the SSH login user, who uploads (root, or the sudo user), in root's state directory.
 */
export const BINARY_STAGING_DIR = `${HOST_STATE_DIR}/stage`;
