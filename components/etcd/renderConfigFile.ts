// etcd.conf.yml of the `systemd` layout, from the member's flag list. See etcd's
// etcd.conf.yml.sample: https://github.com/etcd-io/etcd/blob/main/etcd.conf.yml.sample
//
// The file is not the command line in YAML: TLS flags live in `client-transport-security` /
// `peer-transport-security` sections, socket flags in `socket-options`, durations are integer
// nanoseconds (etcd decodes the file through JSON into time.Duration), and some flags have no key.

import { stringify } from "yaml";
import type { EtcdMember } from "./member";
import { MANAGED_HEADER } from "../constants";
import { EtcdFlag, buildFlags } from "./flags";
import { parseGoDuration } from "./goDuration";
import { FLAG_ONLY } from "./versions";

type Section = "client-transport-security" | "peer-transport-security" | "socket-options";

/** Flags that live in a nested section of the file, with their key there. */
const NESTED: Readonly<Record<string, readonly [Section, string]>> = {
    "cert-file": ["client-transport-security", "cert-file"],
    "key-file": ["client-transport-security", "key-file"],
    "client-cert-auth": ["client-transport-security", "client-cert-auth"],
    "trusted-ca-file": ["client-transport-security", "trusted-ca-file"],
    "auto-tls": ["client-transport-security", "auto-tls"],
    "client-cert-file": ["client-transport-security", "client-cert-file"],
    "client-key-file": ["client-transport-security", "client-key-file"],
    "client-cert-allowed-hostname": ["client-transport-security", "allowed-hostname"],
    "peer-cert-file": ["peer-transport-security", "cert-file"],
    "peer-key-file": ["peer-transport-security", "key-file"],
    "peer-client-cert-auth": ["peer-transport-security", "client-cert-auth"],
    "peer-trusted-ca-file": ["peer-transport-security", "trusted-ca-file"],
    "peer-auto-tls": ["peer-transport-security", "auto-tls"],
    "peer-client-cert-file": ["peer-transport-security", "client-cert-file"],
    "peer-client-key-file": ["peer-transport-security", "client-key-file"],
    "peer-cert-allowed-cn": ["peer-transport-security", "allowed-cn"],
    "peer-cert-allowed-hostname": ["peer-transport-security", "allowed-hostname"],
    "peer-skip-client-san-verification": ["peer-transport-security", "skip-client-san-verification"],
    "experimental-peer-skip-client-san-verification": ["peer-transport-security", "skip-client-san-verification"],
    "socket-reuse-port": ["socket-options", "reuse-port"],
    "socket-reuse-address": ["socket-options", "reuse-address"],
};

/** Flags whose top-level key in the file differs from the flag name. */
const RENAMED: Readonly<Record<string, string>> = {
    "experimental-snapshot-catchup-entries": "experimental-snapshot-catch-up-entries",
};

/** Order of the nested sections at the end of the file (client before peer, as in the cluster-setup guide). */
const SECTION_ORDER: readonly Section[] = ["client-transport-security", "peer-transport-security", "socket-options"];

/** A flag's value in the file's types. Throws for a value validation should have rejected. */
export function configFileValue(flag: EtcdFlag): string | number | boolean | string[] {
    switch (flag.kind) {
        case "string":
        case "csv":
            return flag.value;
        case "bool":
            if (flag.value !== "true" && flag.value !== "false") throw new Error(`--${flag.name}: "${flag.value}" is not true or false`);
            return flag.value === "true";
        case "int": {
            if (!/^-?[0-9]+$/.test(flag.value)) throw new Error(`--${flag.name}: "${flag.value}" is not an integer`);
            return Number(flag.value);
        }
        case "duration": {
            const ns = parseGoDuration(flag.value);
            if (ns === undefined) throw new Error(`--${flag.name}: "${flag.value}" is not a Go duration`);
            return Number(ns);
        }
        case "list":
            return flag.value === "" ? [] : flag.value.split(",");
        default: {
            const exhaustive: never = flag.kind;
            throw new Error(`unknown flag kind ${String(exhaustive)}`);
        }
    }
}

/** The file as a plain object, keys in flag order and the sections last. */
export function configFileObject(flags: readonly EtcdFlag[]): Record<string, unknown> {
    const top: Record<string, unknown> = {};
    const sections: Partial<Record<Section, Record<string, unknown>>> = {};
    for (const flag of flags) {
        if (FLAG_ONLY.has(flag.name)) {
            throw new Error(`--${flag.name} cannot be set in etcd.conf.yml (etcd reads it only from the command line)`);
        }
        const value = configFileValue(flag);
        const nested = NESTED[flag.name];
        if (nested !== undefined) {
            const [section, key] = nested;
            (sections[section] ??= {})[key] = value;
        } else {
            top[RENAMED[flag.name] ?? flag.name] = value;
        }
    }
    for (const section of SECTION_ORDER) {
        const body = sections[section];
        if (body !== undefined) top[section] = body;
    }
    return top;
}

/** etcd.conf.yml for a member; pass it with `etcd --config-file`. */
export function renderConfigFile(member: EtcdMember): string {
    const body = stringify(configFileObject(buildFlags(member)), { lineWidth: 0 });
    return `${MANAGED_HEADER}\n# etcd ${member.version.full} configuration of member "${member.name}". Durations are nanoseconds.\n${body}`;
}
