// The ETCD_* environment file (Typhoon's etcd.env, etcdadm's BuildEnvironment), read by the unit
// through `EnvironmentFile=`. etcd maps every flag to ETCD_<FLAG> (upper case, `-` → `_`); it
// ignores these variables when `--config-file` is given, so a member uses one or the other.

import type { EtcdMember } from "./member";
import { MANAGED_HEADER } from "../constants";
import { EtcdFlag, buildFlags } from "./flags";

/** `ETCD_LISTEN_CLIENT_URLS` for `listen-client-urls` (etcd's `flags.FlagToEnv`). */
export function envVarName(flag: string): string {
    return `ETCD_${flag.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * A value as systemd's EnvironmentFile parser reads it back unchanged: bare when it holds only
 * safe characters, otherwise double-quoted with `\` and `"` escaped.
 */
export function envValue(value: string): string {
    if (/^[A-Za-z0-9_@%+=:,./-]*$/.test(value) && value !== "") return value;
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `ETCD_*=value` lines sorted by variable name. */
export function envLines(flags: readonly EtcdFlag[]): string[] {
    return flags
        .map((f) => `${envVarName(f.name)}=${envValue(f.value)}`)
        .sort((a, b) => {
            const ka = a.slice(0, a.indexOf("="));
            const kb = b.slice(0, b.indexOf("="));
            return ka < kb ? -1 : ka > kb ? 1 : 0;
        });
}

/** The environment file of a member. */
export function renderEnvFile(member: EtcdMember): string {
    const lines = envLines(buildFlags(member));
    return `${MANAGED_HEADER}\n# etcd ${member.version.full} environment of member "${member.name}".\n${lines.join("\n")}\n`;
}
