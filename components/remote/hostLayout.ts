// Pure builders of the scripts that lay out a host for etcd: system account, config and PKI
// directories, data directory with its cluster marker. Also the data dir guard the config parser
// applies (this module imports no component, so the parser can use it).

import { shJoin, shQuote, tempPathFor } from "../shellWords";
import { CLUSTER_MARKER_FILE } from "./preflight";
import { validateAbsolutePath } from "./shell";

/**
 * Directories a data dir must never be: `wipeDataOnDestroy` runs `rm -rf` on the data dir, so a
 * typo must not be able to point it at a system directory.
 */
const FORBIDDEN_DATA_DIRS = new Set([
    "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/media", "/mnt", "/opt",
    "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
    "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/sbin", "/usr/share",
    "/var/cache", "/var/lib", "/var/log", "/var/opt", "/var/spool", "/var/tmp", "/etc/kubernetes",
]);

/**
 * Problems with a data dir path (empty when valid). Checked once, where the configuration is
 * parsed; `HostPreparation` takes the data dir as given.
 */
export function validateDataDir(dataDir: string, field: string): string[] {
    const problems = validateAbsolutePath(dataDir, field);
    if (problems.length > 0) return problems;
    if (dataDir === "/" || FORBIDDEN_DATA_DIRS.has(dataDir) || dataDir.split("/").length < 3) {
        return [`${field} ${JSON.stringify(dataDir)} is a system directory; use a dedicated directory such as /var/lib/etcd`];
    }
    return [];
}

/**
 * Create the system group and user if missing: no login shell, home = data dir, no home created
 * (the data dir step creates it with the right mode). An existing account, e.g. one the Debian
 * package made, is left as it is.
 */
export function accountScript(user: string, group: string, dataDir: string): string {
    return [
        "set -eu",
        `getent group ${shQuote(group)} >/dev/null 2>&1 || groupadd -r ${shQuote(group)}`,
        `id -u ${shQuote(user)} >/dev/null 2>&1 || ${shJoin(["useradd", "-r", "-g", group, "-s", "/usr/sbin/nologin", "-d", dataDir, "-M", user])}`,
    ].join("\n");
}

/** Directory layout for config and PKI. */
export interface ConfigDirsSpec {
    /** Config dir, `0755 root:root`. */
    configDir: string;
    /** PKI dir, `0700 <user>:<group>`: only etcd (and root) read its keys. */
    pkiDir: string;
    /** Owner of the PKI dir. */
    user: string;
    /** Group of the PKI dir. */
    group: string;
}

/** Create (or fix the mode and owner of) the config and PKI dirs. */
export function configDirsScript(spec: ConfigDirsSpec): string {
    return [
        "set -eu",
        "umask 022",
        shJoin(["mkdir", "-p", "--", spec.configDir]),
        shJoin(["chown", "root:root", spec.configDir]),
        shJoin(["chmod", "0755", spec.configDir]),
        shJoin(["mkdir", "-p", "--", spec.pkiDir]),
        shJoin(["chown", `${spec.user}:${spec.group}`, spec.pkiDir]),
        shJoin(["chmod", "0700", spec.pkiDir]),
    ].join("\n");
}

/**
 * Remove the PKI and config dirs if they are empty. Files in them belong to other components
 * (`RemoteFiles`), which are deleted first; anything else left there is kept.
 */
export function removeConfigDirsScript(spec: Pick<ConfigDirsSpec, "configDir" | "pkiDir">): string {
    return [
        "set -eu",
        `rmdir -- ${shQuote(spec.pkiDir)} 2>/dev/null || true`,
        `rmdir -- ${shQuote(spec.configDir)} 2>/dev/null || true`,
    ].join("\n");
}

/** Data dir layout. */
export interface DataDirSpec {
    /** The data dir, created `0700`. */
    dataDir: string;
    /** Owner of the data dir (the user etcd runs as). */
    user: string;
    /** Group of the data dir. */
    group: string;
    /** Token written into the marker file. */
    clusterToken: string;
}

/**
 * Create the data dir `0700 <user>:<group>` (P18) and, if it has none yet, its cluster marker.
 * An existing marker with another token fails (preflight has already refused such a dir; this is
 * a second guard, since this step never overwrites a marker).
 */
export function dataDirScript(spec: DataDirSpec): string {
    const marker = `${spec.dataDir}/${CLUSTER_MARKER_FILE}`;
    const tmp = tempPathFor(marker);
    const owner = `${spec.user}:${spec.group}`;
    return [
        "set -eu",
        "umask 022",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        shJoin(["mkdir", "-p", "--", spec.dataDir]),
        shJoin(["chown", owner, spec.dataDir]),
        shJoin(["chmod", "0700", spec.dataDir]),
        `if [ -f ${shQuote(marker)} ]; then`,
        `  [ "$(head -n 1 ${shQuote(marker)})" = ${shQuote(spec.clusterToken)} ] || fail "data dir marker ${marker} holds another cluster's token; not touching it"`,
        "else",
        `  printf '%s\\n' ${shQuote(spec.clusterToken)} > ${shQuote(tmp)}`,
        `  ${shJoin(["chown", owner, tmp])}`,
        `  ${shJoin(["chmod", "0600", tmp])}`,
        `  ${shJoin(["mv", "-f", "--", tmp, marker])}`,
        "fi",
    ].join("\n");
}

/** Remove the data dir and everything in it. Only ever used with `wipeDataOnDestroy: true`. */
export function wipeDataDirScript(dataDir: string): string {
    return ["set -eu", shJoin(["rm", "-rf", "--", dataDir])].join("\n");
}
