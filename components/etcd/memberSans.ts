// Subject alternative names of a member's server and peer certificates, and the check that every
// URL the member listens on or advertises is covered (pitfalls P7). Pure.
//
// kubeadm issues per-member certs with the node name, the advertise address and loopback; we add
// the host name, the listen IP and the operator's extras. IP SANs are preferred: a DNS-only SAN
// makes peers resolve names during the TLS check.

import { LOOPBACK } from "../constants";
import { CertificateSans, sansCover } from "../pki/sans";
import { isDnsName, isWildcardIp, parseHost, parseUrl } from "../validateAddress";
import { buildFlags, flagValue } from "./flags";
import type { MemberPlan } from "./member";

/**
 * SANs for the member's server and peer certificates (one set for both: a member is reached by
 * the same names on either port): the member name, `hostname`, `address`, the listen IP,
 * `127.0.0.1`, `::1`, `localhost` and `extraSans`.
 */
export function memberSans(member: MemberPlan): CertificateSans {
    const dns = new Set<string>(["localhost"]);
    const ips = new Set<string>([LOOPBACK.ipv4, LOOPBACK.ipv6]);
    const add = (value: string | undefined): void => {
        if (value === undefined) return;
        const h = parseHost(value);
        if (h !== undefined) {
            (h.kind === "dns" ? dns : ips).add(h.value);
        } else if (isDnsName(value, true)) {
            dns.add(value.toLowerCase()); // a *.domain wildcard
        }
    };
    add(member.name);
    add(member.node.hostname);
    add(member.node.address);
    add(member.listenIp);
    for (const extra of member.node.extraSans) add(extra);
    const sorted = (s: Set<string>): string[] => [...s].sort();
    return { dnsNames: sorted(dns), ipAddresses: sorted(ips) };
}

/** A URL whose host the certificates do not name. */
export interface UncoveredUrl {
    /** The etcd flag carrying the URL. */
    readonly flag: string;
    /** The URL as the flag carries it. */
    readonly url: string;
    /** Canonical host to add to `extraSans`. */
    readonly host: string;
}

/** Flags whose https URLs are served with the member's certificates. */
const URL_FLAGS = [
    "listen-client-urls",
    "advertise-client-urls",
    "listen-client-http-urls",
    "listen-peer-urls",
    "initial-advertise-peer-urls",
    "listen-metrics-urls",
] as const;

/**
 * Every https URL the member listens on or advertises (after `extraArgs` overrides) whose host
 * `sans` does not cover. Wildcard listeners (`0.0.0.0`, `[::]`) are skipped: clients never dial
 * them. So is plain http, which has no certificate.
 */
export function uncoveredUrls(member: MemberPlan, sans: CertificateSans): UncoveredUrl[] {
    const flags = buildFlags(member);
    const out: UncoveredUrl[] = [];
    for (const flag of URL_FLAGS) {
        for (const url of (flagValue(flags, flag) ?? "").split(",")) {
            const u = parseUrl(url);
            if (u === undefined || u.scheme !== "https" || isWildcardIp(u.host)) continue;
            if (!sansCover(sans, u.host)) out.push({ flag, url, host: u.host });
        }
    }
    return out;
}
