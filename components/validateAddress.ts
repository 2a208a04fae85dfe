// Host syntax: IPv4, IPv6 and DNS names, with one canonical spelling each so that duplicates and
// certificate SANs compare equal however the user wrote them. Pure; no DNS lookups.

/** What kind of host a string is. */
export type HostKind = "ipv4" | "ipv6" | "dns";

/** A host in canonical form: IPv4 dotted quad, RFC 5952 IPv6, lowercase DNS name. */
export interface ParsedHost {
    /** IPv4, IPv6 or DNS name. */
    readonly kind: HostKind;
    /** The canonical spelling; compare hosts by this. */
    readonly value: string;
}

/**
 * Canonical IPv4, or undefined. Leading zeros are rejected, as Go's `net.ParseIP` (which etcd
 * uses) rejects them since Go 1.17: `010.0.0.1` is ambiguous (octal or decimal).
 */
export function parseIPv4(s: string): string | undefined {
    const parts = s.split(".");
    if (parts.length !== 4) return undefined;
    for (const p of parts) {
        if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    }
    return s;
}

/** IPv6 as 8 16-bit groups, or undefined. No zone (`%eth0`): etcd URLs cannot carry one. */
function ipv6Groups(s: string): number[] | undefined {
    if (s.length === 0 || s.includes("%")) return undefined;
    let head = s;
    let tail = "";
    const dbl = s.indexOf("::");
    if (dbl !== -1) {
        if (s.indexOf("::", dbl + 1) !== -1) return undefined;
        head = s.slice(0, dbl);
        tail = s.slice(dbl + 2);
    }
    const parse = (part: string): number[] | undefined => {
        if (part === "") return [];
        const out: number[] = [];
        const fields = part.split(":");
        for (let i = 0; i < fields.length; i++) {
            const f = fields[i];
            if (i === fields.length - 1 && f.includes(".")) {
                const v4 = parseIPv4(f);
                if (v4 === undefined) return undefined;
                const b = v4.split(".").map(Number);
                out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
            } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) {
                out.push(parseInt(f, 16));
            } else {
                return undefined;
            }
        }
        return out;
    };
    const h = parse(head);
    const t = parse(tail);
    if (h === undefined || t === undefined) return undefined;
    if (dbl === -1) return h.length === 8 ? h : undefined;
    const missing = 8 - h.length - t.length;
    if (missing < 1) return undefined;
    return [...h, ...new Array<number>(missing).fill(0), ...t];
}

/** RFC 5952 text of 8 groups: lowercase, no leading zeros, longest zero run (≥ 2) as `::`. */
function formatIPv6(groups: number[]): string {
    let bestStart = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
        if (groups[i] !== 0) {
            i++;
            continue;
        }
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > bestLen) {
            bestStart = i;
            bestLen = j - i;
        }
        i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (bestLen < 2) return hex.join(":");
    return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** Canonical (RFC 5952) IPv6 without brackets, or undefined. */
export function parseIPv6(s: string): string | undefined {
    const groups = ipv6Groups(s);
    return groups === undefined ? undefined : formatIPv6(groups);
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * True for an RFC 1123 host name: dot-separated labels of `a-z 0-9 -` (1–63 chars, no leading or
 * trailing `-`), at most 253 chars, case-insensitive, no trailing dot. The last label must not be
 * all digits (RFC 3696 §2), which is what makes `10.0.0.300` a bad IPv4 rather than a host name.
 * With `allowWildcard`, a leading `*.` label is accepted before at least two more labels.
 */
export function isDnsName(s: string, allowWildcard = false): boolean {
    let name = s.toLowerCase();
    if (allowWildcard && name.startsWith("*.")) {
        name = name.slice(2);
        if (name.split(".").length < 2) return false;
    }
    if (name.length === 0 || name.length > 253) return false;
    const labels = name.split(".");
    if (!labels.every((l) => DNS_LABEL.test(l))) return false;
    return !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** Parse an IPv4, IPv6 (no brackets) or DNS host into canonical form, or undefined. */
export function parseHost(s: string): ParsedHost | undefined {
    const v4 = parseIPv4(s);
    if (v4 !== undefined) return { kind: "ipv4", value: v4 };
    const v6 = parseIPv6(s);
    if (v6 !== undefined) return { kind: "ipv6", value: v6 };
    if (isDnsName(s)) return { kind: "dns", value: s.toLowerCase() };
    return undefined;
}

/** Parse an IP (v4 or v6) into canonical form, or undefined. */
export function parseIp(s: string): ParsedHost | undefined {
    const h = parseHost(s);
    return h !== undefined && h.kind !== "dns" ? h : undefined;
}

/** True for `0.0.0.0` and `::`: listening on every address, which no certificate names. */
export function isWildcardIp(host: string): boolean {
    const h = parseIp(host);
    return h !== undefined && (h.value === "0.0.0.0" || h.value === "::");
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackIp(host: string): boolean {
    const h = parseIp(host);
    if (h === undefined) return false;
    return h.kind === "ipv4" ? h.value.startsWith("127.") : h.value === "::1";
}

/** Host as it appears inside a URL: IPv6 in brackets (RFC 3986), everything else as is. */
export function urlHost(host: string): string {
    return parseIPv6(host) !== undefined ? `[${host}]` : host;
}

/** `scheme://host:port` with IPv6 bracketed. */
export function formatUrl(scheme: "http" | "https", host: string, port: number): string {
    return `${scheme}://${urlHost(host)}:${port}`;
}

/** A URL split into the parts etcd cares about, or undefined when it is not `http(s)://host:port`. */
export interface ParsedUrl {
    /** `http` or `https`; etcd's TCP URLs use nothing else. */
    readonly scheme: "http" | "https";
    /** Host without brackets, canonical. */
    readonly host: string;
    /** Kind of {@link ParsedUrl.host}. */
    readonly hostKind: HostKind;
    /** 1–65535; etcd URLs always carry a port. */
    readonly port: number;
}

/** Parse `http(s)://host:port[/]`, IPv6 bracketed, as etcd's URL flags take them. */
export function parseUrl(s: string): ParsedUrl | undefined {
    const m = /^(https?):\/\/(\[[^\]]*\]|[^:/[\]]+):([0-9]{1,5})\/?$/.exec(s);
    if (m === null) return undefined;
    const port = Number(m[3]);
    if (port < 1 || port > 65535) return undefined;
    let host: ParsedHost | undefined;
    if (m[2].startsWith("[")) {
        const v6 = parseIPv6(m[2].slice(1, -1));
        host = v6 === undefined ? undefined : { kind: "ipv6", value: v6 };
    } else {
        host = parseHost(m[2]);
        // An unbracketed IPv6 literal cannot reach here (":" is excluded); a DNS name that is
        // really "localhost" stays a DNS name.
    }
    if (host === undefined) return undefined;
    return { scheme: m[1] as "http" | "https", host: host.value, hostKind: host.kind, port };
}
