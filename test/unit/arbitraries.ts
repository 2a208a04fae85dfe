// fast-check generators of valid node inventories: unique lowercase names, unique routable
// addresses (IPv4, IPv6 in any spelling, DNS names with an IP to bind), optional host names and
// extra SANs.

import * as fc from "fast-check";
import { isLoopbackIp, isWildcardIp, parseHost } from "../../components/validateAddress";

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);

const routableIp = fc.oneof(fc.ipV4(), fc.ipV6()).filter((ip) => !isLoopbackIp(ip) && !isWildcardIp(ip) && !ip.startsWith("::ffff:"));

const dnsName = fc.tuple(label, fc.constantFrom("example.com", "node.local.consul", "vagrant")).map(([a, b]) => `${a}.${b}`);

/** A raw node object as a stack file would hold it; `i` makes the bind IP unique. */
function node(i: number) {
    return fc.record(
        {
            name: label,
            address: fc.oneof(routableIp, dnsName),
            hostname: dnsName,
            extraSans: fc.array(fc.oneof(routableIp, dnsName, dnsName.map((d) => `*.${d}`)), { maxLength: 3 }),
        },
        { requiredKeys: ["name", "address"] },
    ).map((n) => (parseHost(n.address)?.kind === "dns" ? { ...n, listenAddress: `10.255.${i >> 8}.${i & 255}` } : n));
}

/** 1–7 nodes with unique names and unique canonical addresses. */
export const inventory = fc
    .integer({ min: 1, max: 7 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => node(i + 1))))
    .filter((nodes) => {
        const names = new Set(nodes.map((n) => n.name));
        const addrs = new Set(nodes.map((n) => parseHost(n.address)?.value));
        return names.size === nodes.length && addrs.size === nodes.length;
    });

/** Layout and listener choices that accept any inventory. */
export const topology = fc.record({
    layout: fc.constantFrom("systemd", "static-pod"),
    clientListenAll: fc.boolean(),
    etcdVersion: fc.constantFrom("3.4.23", "3.5.10", "3.5.35", "3.6.16"),
});
