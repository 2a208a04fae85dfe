import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { formatUrl, isDnsName, isLoopbackIp, isWildcardIp, parseHost, parseIPv6, parseUrl } from "../../components/validateAddress";

describe("parseHost", () => {
    const cases: [string, ReturnType<typeof parseHost>][] = [
        ["10.0.0.1", { kind: "ipv4", value: "10.0.0.1" }],
        ["255.255.255.255", { kind: "ipv4", value: "255.255.255.255" }],
        ["10.0.0.300", undefined],
        ["010.0.0.1", undefined], // leading zero: octal or decimal? Go rejects it
        ["10.0.0", undefined],
        ["fd00::11", { kind: "ipv6", value: "fd00::11" }],
        ["FD00:0000:0000:0000:0000:0000:0000:0011", { kind: "ipv6", value: "fd00::11" }],
        ["2001:db8:0:0:1:0:0:1", { kind: "ipv6", value: "2001:db8::1:0:0:1" }], // first of two equal runs
        ["2001:db8:0:1:1:1:1:1", { kind: "ipv6", value: "2001:db8:0:1:1:1:1:1" }], // a single zero group stays
        ["::", { kind: "ipv6", value: "::" }],
        ["::1", { kind: "ipv6", value: "::1" }],
        ["::ffff:10.0.0.1", { kind: "ipv6", value: "::ffff:a00:1" }],
        ["fe80::1%eth0", undefined], // zones cannot go into etcd URLs
        ["[fd00::11]", undefined],
        ["fd00::1::2", undefined],
        ["1:2:3:4:5:6:7:8:9", undefined],
        ["etcd1.vagrant", { kind: "dns", value: "etcd1.vagrant" }],
        ["Master1.Node.Local.Consul", { kind: "dns", value: "master1.node.local.consul" }],
        ["pc-master", { kind: "dns", value: "pc-master" }],
        ["-bad.example.com", undefined],
        ["etcd_1.example.com", undefined],
        ["example.123", undefined], // all-numeric TLD
        ["a".repeat(64) + ".com", undefined],
        ["", undefined],
    ];
    for (const [input, want] of cases) {
        it(JSON.stringify(input), () => assert.deepEqual(parseHost(input), want));
    }

    it("keeps canonical IPv6 stable and matches the kind (fast-check)", () => {
        fc.assert(
            fc.property(fc.ipV6(), (ip) => {
                const once = parseIPv6(ip);
                assert.ok(once !== undefined, ip);
                assert.equal(parseIPv6(once), once);
                assert.equal(once, once.toLowerCase());
            }),
        );
    });

    it("accepts every IPv4 unchanged (fast-check)", () => {
        fc.assert(fc.property(fc.ipV4(), (ip) => assert.deepEqual(parseHost(ip), { kind: "ipv4", value: ip })));
    });
});

describe("isDnsName with wildcards", () => {
    for (const [name, ok] of [
        ["*.example.com", true],
        ["*.com", false],
        ["a.*.example.com", false],
        ["*", false],
    ] as const) {
        it(name, () => assert.equal(isDnsName(name, true), ok));
    }
});

describe("URLs", () => {
    it("brackets IPv6 hosts", () => {
        assert.equal(formatUrl("https", "fd00::11", 2379), "https://[fd00::11]:2379");
        assert.equal(formatUrl("http", "::1", 2381), "http://[::1]:2381");
        assert.equal(formatUrl("https", "10.0.0.1", 2380), "https://10.0.0.1:2380");
    });
    const cases: [string, ReturnType<typeof parseUrl>][] = [
        ["https://[fd00::11]:2379", { scheme: "https", host: "fd00::11", hostKind: "ipv6", port: 2379 }],
        ["http://127.0.0.1:2381/", { scheme: "http", host: "127.0.0.1", hostKind: "ipv4", port: 2381 }],
        ["https://Etcd.Example.com:2379", { scheme: "https", host: "etcd.example.com", hostKind: "dns", port: 2379 }],
        ["https://fd00::11:2379", undefined], // unbracketed IPv6
        ["https://10.0.0.1", undefined], // etcd URLs need a port
        ["unix://etcd.sock:0", undefined],
        ["https://10.0.0.1:70000", undefined],
    ];
    for (const [input, want] of cases) {
        it(`parseUrl ${input}`, () => assert.deepEqual(parseUrl(input), want));
    }
    it("loopback and wildcard", () => {
        assert.deepEqual(
            ["127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "10.0.0.1", "localhost"].map((h) => [isLoopbackIp(h), isWildcardIp(h)]),
            [
                [true, false],
                [true, false],
                [true, false],
                [false, true],
                [false, true],
                [false, false],
                [false, false],
            ],
        );
    });
});
