// Pure builders of the read-only checks that run on a host before anything on it is touched.

import { parentDir, shQuote } from "./shell";

/**
 * Name of the marker file in the data dir that ties it to one cluster generation. It holds the
 * cluster token (etcd's `initial-cluster-token`). etcd logs "found invalid file under data
 * directory" for it at start, as it does for `lost+found`; that warning is harmless.
 */
export const CLUSTER_MARKER_FILE = ".etcdhosts-cluster-token";

/** Cluster tokens are written into scripts and files; keep them to a safe alphabet. */
export function validateClusterToken(token: string): string[] {
    return /^[A-Za-z0-9._-]{1,128}$/.test(token)
        ? []
        : [`clusterToken must be 1-128 letters, digits, ".", "_" or "-", got ${JSON.stringify(token)}`];
}

/**
 * First command on a host: proves SSH works (the provider's dial retries do the waiting) and,
 * for a non-root user, that `sudo -n` works, with a message that says what to fix.
 * Runs as the login user, without sudo.
 */
export function waitForSshScript(sshUser: string): string {
    const lines = ["set -eu"];
    if (sshUser !== "root") {
        const msg = `etcdhosts: user ${sshUser} on $(uname -n) can't run sudo without a password (sudo -n): add a NOPASSWD sudoers rule or connect as root`;
        lines.push(`sudo -n true 2>/dev/null || { printf '%s\\n' "${msg}" >&2; exit 1; }`);
    }
    lines.push(`echo "etcdhosts: ssh ok on $(uname -n)"`);
    return lines.join("\n");
}

/** Inputs of {@link preflightScript}. */
export interface PreflightSpec {
    /** etcd data dir to inspect. */
    dataDir: string;
    /** This cluster's token; a data dir whose marker holds another token is foreign. */
    clusterToken: string;
    /** TCP ports that must be free or held by etcd itself. */
    ports: readonly number[];
    /** Fail when the host's clock is this many seconds or more behind the runner's. */
    maxClockBehindSeconds: number;
    /** Fail when the host's clock is this many seconds or more ahead of the runner's. */
    maxClockAheadSeconds: number;
    /** Resource name of the runner-clock stamp, named in the stale-stamp hint. */
    clockResourceName: string;
    /**
     * The data dir a distribution package gives its own etcd, Debian's `/var/lib/etcd/default`
     * (install method "package", {@link DEBIAN_PACKAGE_DATA_DIR}). When it lies directly in
     * `dataDir` and holds nothing but that package's own one-member localhost cluster, it does
     * not make the data dir count as foreign: the install step moves it aside. Anything else in
     * it (a peer URL off loopback, files besides `member/`) is refused like any foreign data.
     * Defaults to none.
     */
    packageDataDir?: string;
}

/**
 * Where Debian's `etcd-server` keeps the data of its own `etcd.service`: the packaged unit sets
 * `ETCD_DATA_DIR=/var/lib/etcd/default`, and on a real `apt install` that service starts at once
 * and bootstraps a one-member cluster there (`ETCD_NAME=%H`, peer `http://localhost:2380`).
 */
export const DEBIAN_PACKAGE_DATA_DIR = "/var/lib/etcd/default";

/**
 * Shell function `package_local_cluster DIR`: true when DIR is empty or holds only `member/`,
 * and every peer URL its WAL and db record is on loopback, i.e. it is the distribution package's
 * own localhost cluster, which no other host can ever have been part of. No peer URL found at
 * all (a purged WAL, say) is not proof: false. Read-only.
 */
export function packageLocalClusterFunction(): string {
    return [
        "package_local_cluster() {",
        `  [ -d "$1" ] || return 1`,
        `  [ -z "$(ls -A "$1" | grep -v -x -F -e member)" ] || return 1`,
        `  [ -d "$1/member" ] || return 0`,
        `  urls=$(cat "$1"/member/wal/*.wal "$1/member/snap/db" 2>/dev/null | grep -a -o '"peerURLs":\\[[^]]*\\]' | grep -a -o '[a-z]*://[^"]*' | sort -u)`,
        `  [ -n "$urls" ] || return 1`,
        `  ! printf '%s\\n' "$urls" | grep -q -v -E '^https?://(localhost|127\\.[0-9.]+|\\[::1\\])(:[0-9]+)?$'`,
        "}",
    ].join("\n");
}

/**
 * Read-only preflight, run as root. Expects the Pulumi runner's clock (epoch seconds, one line)
 * on stdin. Fails, naming the host, when:
 *
 * - the host's clock is behind the runner's by more than `maxClockBehindSeconds`: certificates
 *   the runner issues now would be "not yet valid" on the host (`@pulumi/tls` can't backdate,
 *   pitfalls P10);
 * - the host's clock is ahead by more than `maxClockAheadSeconds` (leaves would expire early);
 * - the data dir is not empty (`lost+found` doesn't count, P18) and has no marker with this
 *   cluster's token: another cluster's, or an unmarked etcd `member/` dir (P1). Never wiped.
 *   With `packageDataDir`, the package's own localhost cluster in it is no reason to fail;
 * - a port is held by anything other than an `etcd` process (a re-run on a live member is fine).
 */
export function preflightScript(spec: PreflightSpec): string {
    const marker = `${spec.dataDir}/${CLUSTER_MARKER_FILE}`;
    const ports = spec.ports.map(String).join(" ");
    const behind = spec.maxClockBehindSeconds;
    const ahead = spec.maxClockAheadSeconds;
    // The distribution package's own data dir, when it lies directly in ours (see PreflightSpec).
    const pkg = spec.packageDataDir;
    const pkgName = pkg !== undefined && parentDir(pkg) === spec.dataDir ? pkg.slice(pkg.lastIndexOf("/") + 1) : undefined;
    const packageDirLines =
        pkg === undefined || pkgName === undefined
            ? []
            : [
                  `    pkg_dir=${shQuote(pkg)}`,
                  `    if [ -e "$pkg_dir" ]; then`,
                  `      package_local_cluster "$pkg_dir" || fail "data dir $data_dir holds $pkg_dir, which is not only the etcd package's own localhost cluster (a peer URL off loopback, or more than member/): it belongs to another cluster. It is never wiped automatically: back it up, then move it aside or remove it by hand."`,
                  `      echo "etcdhosts: $pkg_dir holds only the etcd package's own localhost cluster; the install step moves it aside (kept, never wiped)"`,
                  `    fi`,
              ];
    return [
        "set -eu",
        `fail() { printf 'etcdhosts preflight failed on %s: %s\\n' "$(uname -n)" "$*" >&2; exit 1; }`,
        ...(packageDirLines.length > 0 ? [packageLocalClusterFunction()] : []),
        "",
        "# Clock: the runner's epoch seconds arrive on stdin.",
        "runner=''",
        `IFS= read -r runner || [ -n "$runner" ] || fail "the Pulumi runner's clock (epoch seconds) is missing on stdin"`,
        `case "$runner" in ''|*[!0-9]*) fail "expected the Pulumi runner's clock as epoch seconds on stdin, got '$runner'" ;; esac`,
        "now=$(date -u +%s)",
        `if [ $((runner - now)) -gt ${behind} ]; then fail "this host's clock is $((runner - now))s behind the machine running Pulumi (limit ${behind}s): certificates issued now would be rejected here as not yet valid. Sync the clock (chrony or systemd-timesyncd; check with: timedatectl show -p NTPSynchronized) and retry."; fi`,
        `if [ $((now - runner)) -gt ${ahead} ]; then fail "this host's clock is $((now - runner))s ahead of the machine running Pulumi (limit ${ahead}s): certificates would expire early here. Sync the clock and retry. If an earlier preflight of this host failed, the recorded runner time may be stale instead: pulumi up --replace the ${spec.clockResourceName} resource."; fi`,
        "",
        "# Data dir: empty (lost+found aside), or marked with this cluster's token.",
        `data_dir=${shQuote(spec.dataDir)}`,
        `marker=${shQuote(marker)}`,
        `token=${shQuote(spec.clusterToken)}`,
        `if [ -e "$data_dir" ] && [ ! -d "$data_dir" ]; then fail "data dir $data_dir exists but is not a directory"; fi`,
        `if [ -d "$data_dir" ]; then`,
        `  if [ -f "$marker" ]; then`,
        `    found=$(head -n 1 "$marker")`,
        `    [ "$found" = "$token" ] || fail "data dir $data_dir belongs to another etcd cluster: its marker $marker holds token '$found', this cluster's token is '$token'. It is never wiped automatically: check it, then move it aside or remove it by hand."`,
        `  elif [ -d "$data_dir/member" ]; then`,
        `    fail "data dir $data_dir holds etcd data (member/) but not this cluster's marker $marker: it belongs to another or an older cluster. It is never wiped automatically: back it up, then move it aside or remove it by hand."`,
        `  else`,
        ...packageDirLines,
        `    others=$(ls -A "$data_dir" | grep -v -x -F -e lost+found${pkgName !== undefined ? ` -e ${shQuote(pkgName)}` : ""} | head -n 5 | tr '\\n' ' ')`,
        `    [ -z "$others" ] || fail "data dir $data_dir is not empty and has no marker $marker (found: $others). Refusing to use it: empty it or choose another data dir."`,
        `  fi`,
        `fi`,
        "",
        "# Ports: free, or held by etcd itself (a re-run against a live member).",
        `ss -Hltn >/dev/null 2>&1 || fail "ss (iproute2) is needed to check ports ${ports}"`,
        `for port in ${ports}; do`,
        `  foreign=$(ss -Hltnp "sport = :$port" | grep -v -F '(("etcd",' || true)`,
        `  [ -z "$foreign" ] || fail "port $port is already in use by another process: $foreign"`,
        `done`,
        `echo "etcdhosts: preflight ok"`,
    ].join("\n");
}

