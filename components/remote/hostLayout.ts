// Pure builders of the scripts that lay out a host for etcd: system account, config and PKI
// directories, data directory with its cluster marker. Also the data dir guard the config parser
// applies (this module imports no component, so the parser can use it).

import { asAccount, shJoin, shQuote } from "../shellWords";
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
    /**
     * PKI dir, `0750 root:<group>`: etcd's group reads its keys there, and only root writes (the
     * account etcd runs as could otherwise plant links where root writes the keys).
     */
    pkiDir: string;
    /** The user etcd runs as (the PKI dir's files are its; the dir itself is root's). */
    user: string;
    /** Group of the PKI dir. */
    group: string;
}

/** Create (or fix the mode and owner of) the config and PKI dirs. Both are root's, so root's writes there follow no one's links. */
export function configDirsScript(spec: ConfigDirsSpec): string {
    return [
        "set -eu",
        "umask 022",
        shJoin(["mkdir", "-p", "--", spec.configDir]),
        shJoin(["chown", "-h", "root:root", spec.configDir]),
        shJoin(["chmod", "0755", spec.configDir]),
        shJoin(["mkdir", "-p", "--", spec.pkiDir]),
        shJoin(["chown", "-h", `root:${spec.group}`, spec.pkiDir]),
        shJoin(["chmod", "0750", spec.pkiDir]),
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
 * Create the data dir `0700 <user>:<group>` (P18) and, if it has none yet, its cluster marker,
 * written as that account (never as root into a directory another account controls).
 * An existing marker with another token fails (preflight has already refused such a dir; this is
 * a second guard, since this step never overwrites a marker).
 */
export function dataDirScript(spec: DataDirSpec): string {
    const marker = `${spec.dataDir}/${CLUSTER_MARKER_FILE}`;
    // Inside the data dir everything is the etcd account's: root reads and writes there only as
    // that account, so a link it planted leads nowhere it could not go itself.
    const owner = shJoin(asAccount(spec.user, spec.group));
    const as = owner === "" ? "" : `${owner} `;
    return [
        "set -eu",
        "umask 022",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        `data_dir=${shQuote(spec.dataDir)}`,
        `marker=${shQuote(marker)}`,
        `token=${shQuote(spec.clusterToken)}`,
        // The data dir's parent is a system directory of root's: only root could have put a link
        // there (an operator's, to another disk, say), so following one is fine.
        `mkdir -p -- "$data_dir"`,
        `chown ${shQuote(`${spec.user}:${spec.group}`)} "$data_dir"`,
        `chmod 0700 "$data_dir"`,
        `if ${as}test -e "$marker" || ${as}test -L "$marker"; then`,
        `  found=$(${as}head -n 1 -- "$marker") || fail "data dir marker $marker cannot be read; not touching it"`,
        `  [ "$found" = "$token" ] || fail "data dir marker $marker holds another cluster's token; not touching it"`,
        "else",
        // A temp file of an unguessable name, renamed over the marker: all as the account.
        `  printf '%s\\n' "$token" | ${as}sh -c 'umask 077; t=$(mktemp "$1.XXXXXXXX") && cat > "$t" && mv -f -- "$t" "$1"' sh "$marker"`,
        "fi",
    ].join("\n");
}

/** Remove the data dir and everything in it. Only ever used with `wipeDataOnDestroy: true`. */
export function wipeDataDirScript(dataDir: string): string {
    return ["set -eu", shJoin(["rm", "-rf", "--", dataDir])].join("\n");
}
