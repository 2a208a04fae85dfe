// Subject alternative names of a certificate, split by type, and whether they cover a host. Pure;
// knows nothing of etcd (components/etcd/memberSans.ts decides what a member's SANs are).

import { parseHost } from "../validateAddress";

/** SANs split by type, deduplicated, canonical (RFC 5952 IPv6, lowercase DNS) and sorted. */
export interface CertificateSans {
    /** DNS SANs (`dnsNames` of `@pulumi/tls` `CertRequest`), lowercase, `*.domain` wildcards allowed. */
    readonly dnsNames: readonly string[];
    /** IP SANs (`ipAddresses` of `@pulumi/tls` `CertRequest`), IPv6 in RFC 5952 form. */
    readonly ipAddresses: readonly string[];
}

/** True when a certificate with these SANs is valid for `host` (canonical), wildcards included. */
export function sansCover(sans: CertificateSans, host: string): boolean {
    const h = parseHost(host);
    if (h === undefined) return false;
    if (h.kind !== "dns") return sans.ipAddresses.includes(h.value);
    if (sans.dnsNames.includes(h.value)) return true;
    const dot = h.value.indexOf(".");
    return dot > 0 && sans.dnsNames.includes(`*${h.value.slice(dot)}`);
}
