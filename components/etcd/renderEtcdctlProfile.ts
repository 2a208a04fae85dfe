// /etc/profile.d/etcdctl.sh (the cluster-setup guide): login shells on a member get an etcdctl that talks TLS
// to the whole cluster with the operator's client certificate (admin-client.crt, CN `root`),
// which the PKI component installs next to the member's certificates.

import type { EtcdMember } from "./member";
import { MANAGED_HEADER } from "../constants";
import { wantsEtcdctlApiEnv } from "./versions";

/** A POSIX-shell word: bare when safe, otherwise single-quoted. */
export function shellWord(value: string): string {
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The profile script. `endpoints` is every member's client URL in inventory order
 * (`clientEndpoints(members)` in flags.ts), as the cluster-setup guide lists all three.
 */
export function renderEtcdctlProfile(member: EtcdMember, endpoints: readonly string[]): string {
    if (endpoints.length === 0) throw new Error("renderEtcdctlProfile: no endpoints");
    const vars: [string, string][] = [
        ...(wantsEtcdctlApiEnv(member.version) ? [["ETCDCTL_API", "3"] as [string, string]] : []),
        ["ETCDCTL_CACERT", member.adminClientTls.trustedCaFile],
        ["ETCDCTL_CERT", member.adminClientTls.certFile],
        ["ETCDCTL_KEY", member.adminClientTls.keyFile],
        ["ETCDCTL_ENDPOINTS", endpoints.join(",")],
    ];
    const lines = vars.map(([k, v]) => `export ${k}=${shellWord(v)}`);
    return `${MANAGED_HEADER}\n# etcdctl environment for member "${member.name}".\n${lines.join("\n")}\n`;
}
