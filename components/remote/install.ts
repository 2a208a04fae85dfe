// Pure builders of the scripts that put etcd and etcdctl on a host, one per install method.
// Every script ends by printing `etcd --version`, which `parseEtcdVersion` reads back.
//
// The install specs arrive complete and validated (`parseClusterConfig` checks the config keys
// behind them); nothing here defaults or re-checks a value.

import { parentDir, shJoin, shQuote, tempPathFor } from "../shellWords";
import { APT_LOCK_WAIT_SECONDS, APT_MAX_SECONDS, BINARY_PATHS, DEBIAN_PACKAGE_DATA_DIR, DOWNLOAD_MAX_SECONDS, UNIT_FILE } from "../constants";
import { CLUSTER_MARKER_FILE, packageLocalClusterFunction } from "./preflight";

/** Debian packages: `etcd-server` and `etcd-client` (binaries in `/usr/bin`). */
export interface PackageInstall {
    method: "package";
    /**
     * Packages to require, e.g. `["etcd-server", "etcd-client"]`. Missing ones are installed
     * with `apt-get install -y`, which only works with a reachable (local) mirror: without one,
     * preinstall them.
     *
     * Debian's `etcd-server` enables and starts its own `etcd.service` on a real `apt install`:
     * a one-member cluster on localhost with data in `/var/lib/etcd/default`. The install step
     * takes over from it (see {@link packageInstallScript}): it stops and disables the packaged
     * service and moves that localhost cluster's data aside. Preflight accepts both (ports held
     * by an `etcd` process; `default/` holding only a localhost cluster), but still refuses a
     * `default/` with data of any other cluster. The systemd layout's unit overrides the
     * packaged one from `/etc/systemd/system`; the static-pod layout must keep the packaged
     * service disabled.
     */
    packages: readonly string[];
}

/** Binaries uploaded from the machine running Pulumi. */
export interface BinaryInstall {
    method: "binary";
    /**
     * Local directory holding `etcd` and `etcdctl` (e.g. an unpacked release). Read at
     * preview time: their sha256 decides when to upload and install again.
     */
    localDir: string;
    /** Target directory on the host, e.g. `/usr/local/bin`. */
    installDir: string;
}

/** A release tarball fetched by the host itself. */
export interface TarballInstall {
    method: "tarball";
    /** `https://`, `http://` or `file://` URL reachable from the host (hosts have no internet: use a mirror). */
    url: string;
    /** Expected sha256 of the tarball, hex. Checked before extracting. */
    sha256: string;
    /** etcd version in the tarball, e.g. `3.5.17`; an installed `etcd` of this version is kept. */
    version: string;
    /** Target directory on the host, e.g. `/usr/local/bin`. */
    installDir: string;
}

/** etcd already on the host, e.g. baked into the image. */
export interface PreinstalledInstall {
    method: "preinstalled";
    /** Absolute path of `etcd`. */
    etcdPath: string;
    /** Absolute path of `etcdctl`. */
    etcdctlPath: string;
    /** Required version, e.g. `3.5.17`, or `undefined` to accept whatever version is there. */
    version: string | undefined;
}

/**
 * Nothing to install or check: etcd doesn't run from host binaries. For the static-pod layout,
 * where kubelet runs etcd from its container image. `HostPreparation` then has no install step
 * and reports empty binary paths and version.
 */
export interface NoInstall {
    method: "none";
}

/** How etcd gets onto a host. */
export type EtcdInstall = PackageInstall | BinaryInstall | TarballInstall | PreinstalledInstall | NoInstall;

/** Binaries the `binary` and `tarball` methods install. */
export const INSTALLED_BINARIES: readonly string[] = ["etcd", "etcdctl"];
/**
 * Installed next to etcdctl when the source has it: etcdutl verifies and restores snapshots
 * (pitfalls P14). Release tarballs and the toolchain ship it from etcd 3.5; 3.4 has none.
 */
export const OPTIONAL_BINARIES: readonly string[] = ["etcdutl"];

/** Where `etcd` and `etcdctl` end up; empty strings for `none`. */
export function binaryPaths(spec: EtcdInstall): { etcd: string; etcdctl: string } {
    switch (spec.method) {
        case "none":
            return { etcd: "", etcdctl: "" };
        case "package":
            return { ...BINARY_PATHS.debian };
        case "binary":
        case "tarball":
            return { etcd: `${spec.installDir}/etcd`, etcdctl: `${spec.installDir}/etcdctl` };
        case "preinstalled":
            return { etcd: spec.etcdPath, etcdctl: spec.etcdctlPath };
        default: {
            const exhaustive: never = spec;
            throw new Error(`unknown install method ${JSON.stringify(exhaustive)}`);
        }
    }
}

const FAIL = `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`;

/** Shell expression printing the version an etcd binary reports, or nothing. */
function versionOf(etcdPath: string): string {
    return `$(${shQuote(etcdPath)} --version 2>/dev/null | sed -n 's/^etcd Version: //p')`;
}

/**
 * `package`: require Debian packages, `apt-get install -y` only the missing ones, then take over
 * from the package's own etcd.
 *
 * Debian's `etcd-server` enables and starts its `etcd.service` when apt installs it (a test bed
 * image that baked the package in may have it disabled instead; both are handled):
 *
 * - Until our unit exists ({@link UNIT_FILE}, same name, so it overrides the packaged one
 *   once written), the packaged service is stopped and disabled, so it neither holds ports 2379
 *   and 2380 nor comes back at boot. Nothing is masked: a mask of `etcd.service` would hit our
 *   unit too. Once our unit exists this is skipped, so a re-run never stops our own member.
 * - Its data, {@link DEBIAN_PACKAGE_DATA_DIR}, lies inside our data dir when that is
 *   `/var/lib/etcd`. While our data dir has no cluster marker yet, it is moved aside to
 *   `<dataDir>.package-default.<UTC time>` (kept, never wiped) if it holds only the package's
 *   own localhost cluster (the same test preflight applies); anything else there fails the step.
 *
 * @param dataDir our data dir; the package's data dir is only touched when it lies directly in it.
 */
export function packageInstallScript(packages: readonly string[], dataDir: string): string {
    const moveAside =
        parentDir(DEBIAN_PACKAGE_DATA_DIR) === dataDir
            ? [
                  packageLocalClusterFunction(),
                  `pkg_dir=${shQuote(DEBIAN_PACKAGE_DATA_DIR)}`,
                  `if [ -e "$pkg_dir" ] && [ ! -f ${shQuote(`${dataDir}/${CLUSTER_MARKER_FILE}`)} ]; then`,
                  `  package_local_cluster "$pkg_dir" || fail "$pkg_dir holds data of another etcd cluster than the package's own localhost one; not touching it. It is never wiped automatically: back it up, then move it aside or remove it by hand."`,
                  `  aside=${shQuote(`${dataDir}.package-default.`)}$(date -u +%Y%m%dT%H%M%SZ)`,
                  `  mv -- "$pkg_dir" "$aside"`,
                  `  echo "etcdhosts: moved the etcd package's own localhost cluster from $pkg_dir to $aside (kept, never wiped)"`,
                  "fi",
              ]
            : [];
    return [
        "set -eu",
        FAIL,
        "missing=''",
        `for p in ${shJoin(packages)}; do`,
        `  dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"`,
        "done",
        `if [ -n "$missing" ]; then`,
        `  command -v apt-get >/dev/null 2>&1 || fail "packages$missing are missing and apt-get is not available: install them, or choose another install method"`,
        // Bounded: a mirror that never answers, or dpkg's lock held by another apt, cannot hang the step.
        `  DEBIAN_FRONTEND=noninteractive timeout ${APT_MAX_SECONDS} apt-get -o DPkg::Lock::Timeout=${APT_LOCK_WAIT_SECONDS} -o Acquire::http::Timeout=30 install -y --no-install-recommends $missing || fail "packages$missing are missing and apt-get could not install them within ${APT_MAX_SECONDS}s. These hosts have no internet access: preinstall the packages or point apt at a local mirror."`,
        "fi",
        `if [ ! -e ${UNIT_FILE} ]; then`,
        "  if systemctl is-active --quiet etcd.service; then",
        `    systemctl stop etcd.service || fail "could not stop the etcd package's own etcd.service"`,
        `    echo "etcdhosts: stopped the etcd package's own etcd.service"`,
        "  fi",
        "  if systemctl is-enabled --quiet etcd.service 2>/dev/null; then",
        `    systemctl disable etcd.service || fail "could not disable the etcd package's own etcd.service"`,
        `    echo "etcdhosts: disabled the etcd package's own etcd.service"`,
        "  fi",
        "fi",
        ...moveAside,
        "/usr/bin/etcd --version",
    ].join("\n");
}

/** One uploaded binary to move into place. */
export interface StagedBinary {
    /** Where `CopyToRemote` put it. */
    staged: string;
    /** Final path. */
    target: string;
    /** sha256 of the local file, hex. */
    sha256: string;
}

/**
 * `binary`: move uploaded binaries into place. Each is first copied to a root-owned temp file
 * next to its target and hashed *there*, so what gets renamed into place is exactly what was
 * verified, whoever could touch the staging path.
 */
export function binaryInstallScript(binaries: readonly StagedBinary[], etcdPath: string): string {
    const lines = [
        "set -eu",
        "umask 022",
        FAIL,
        `put() { [ -f "$1" ] || fail "staged file $1 is missing (was it cleaned up?); re-upload it with pulumi up --replace on its stage resource"; mkdir -p -- "$(dirname -- "$2")"; install -m 0755 -o root -g root "$1" "$3"; actual=$(sha256sum "$3" | cut -d ' ' -f 1); if [ "$actual" != "$4" ]; then rm -f -- "$3"; fail "sha256 mismatch for $2: expected $4, got $actual"; fi; mv -f -- "$3" "$2"; }`,
    ];
    for (const b of binaries) {
        lines.push(shJoin(["put", b.staged, b.target, tempPathFor(b.target), b.sha256.toLowerCase()]));
    }
    lines.push(`${shQuote(etcdPath)} --version`);
    return lines.join("\n");
}

/**
 * `tarball`: fetch on the host with curl, verify the sha256 *before* extracting, install `etcd`
 * and `etcdctl`. Idempotent: skipped when the installed `etcd --version` already matches.
 */
export function tarballInstallScript(spec: TarballInstall): string {
    const dir = spec.installDir;
    const sha = spec.sha256.toLowerCase();
    return [
        "set -eu",
        "umask 022",
        FAIL,
        `dir=${shQuote(dir)}`,
        `want=${shQuote(spec.version)}`,
        `url=${shQuote(spec.url)}`,
        // From 3.5 an install without etcdutl (made before etcdhosts installed it) is redone.
        `if [ -x "$dir/etcd" ] && [ -x "$dir/etcdctl" ]${spec.version.startsWith("3.4.") ? "" : ' && [ -x "$dir/etcdutl" ]'} && [ "${versionOf(`${dir}/etcd`)}" = "$want" ]; then`,
        `  "$dir/etcd" --version`,
        "  exit 0",
        "fi",
        `command -v curl >/dev/null 2>&1 || fail "curl is needed to fetch the etcd tarball"`,
        "work=$(mktemp -d)",
        `trap 'rm -rf -- "$work"' EXIT`,
        `curl -fsSL --retry 3 --connect-timeout 10 --max-time ${DOWNLOAD_MAX_SECONDS} -o "$work/etcd.tar.gz" "$url" || fail "could not download $url within ${DOWNLOAD_MAX_SECONDS}s"`,
        `actual=$(sha256sum "$work/etcd.tar.gz" | cut -d ' ' -f 1)`,
        `want_sha=${shQuote(sha)}`,
        `[ "$actual" = "$want_sha" ] || fail "sha256 mismatch for $url: expected $want_sha, got $actual"`,
        `tar -xzf "$work/etcd.tar.gz" -C "$work" --no-same-owner`,
        `mkdir -p -- "$dir"`,
        `for b in ${[...INSTALLED_BINARIES, ...OPTIONAL_BINARIES].join(" ")}; do`,
        `  src=$(find "$work" -type f -name "$b" | head -n 1)`,
        `  if [ -z "$src" ]; then case "$b" in ${OPTIONAL_BINARIES.join(" | ")}) continue ;; esac; fail "the tarball has no $b binary"; fi`,
        `  install -m 0755 -o root -g root "$src" "$dir/.tmp.$b"`,
        `  mv -f -- "$dir/.tmp.$b" "$dir/$b"`,
        "done",
        `got=${versionOf(`${dir}/etcd`)}`,
        `[ "$got" = "$want" ] || fail "the installed etcd reports version '$got', expected $want: does the tarball hold that version?"`,
        `"$dir/etcd" --version`,
    ].join("\n");
}

/** `preinstalled`: check that both binaries are there and that `etcd --version` works (and matches). */
export function preinstalledCheckScript(spec: PreinstalledInstall): string {
    const { etcd, etcdctl } = binaryPaths(spec);
    // Paths reach the shell as quoted assignments only; messages expand the variables.
    const lines = [
        "set -eu",
        FAIL,
        `etcd=${shQuote(etcd)}`,
        `etcdctl=${shQuote(etcdctl)}`,
        `[ -x "$etcd" ] || fail "etcd is not installed at $etcd (or not executable)"`,
        `[ -x "$etcdctl" ] || fail "etcdctl is not installed at $etcdctl (or not executable)"`,
        `got=$("$etcd" --version 2>/dev/null | sed -n 's/^etcd Version: //p')`,
        `[ -n "$got" ] || fail "$etcd --version printed no 'etcd Version:' line; is it etcd?"`,
    ];
    if (spec.version !== undefined) {
        lines.push(`want=${shQuote(spec.version)}`, `[ "$got" = "$want" ] || fail "$etcd is version $got, expected $want"`);
    }
    lines.push(`"$etcd" --version`);
    return lines.join("\n");
}

/** Idempotent removal of installed binaries, their temp files and any staged uploads. */
export function removeBinariesScript(paths: readonly string[]): string {
    return ["set -eu", shJoin(["rm", "-f", "--", ...paths])].join("\n");
}

/** The version from `etcd --version` output (`etcd Version: 3.5.17`), or `""` when absent. */
export function parseEtcdVersion(stdout: string): string {
    const m = /^etcd Version:\s*(\S+)\s*$/m.exec(stdout ?? "");
    return m ? m[1] : "";
}
