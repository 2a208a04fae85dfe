// The member model and certificate SANs, with fast-check properties: initial-cluster lists every
// member exactly once in inventory order and parses back; every host a member advertises or
// listens on is covered by its certificates.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { buildInitialCluster, parseInitialCluster } from "../../components/etcd/member";
import { buildFlags, flagValue } from "../../components/etcd/flags";
import { memberSans, uncoveredUrls } from "../../components/etcd/memberSans";
import { sansCover } from "../../components/pki/sans";
import { isWildcardIp, parseIp, parseUrl } from "../../components/validateAddress";
import { buildMember, buildMembers, parseWith } from "./helpers";
import { inventory, topology } from "./arbitraries";

const NEW = { initialClusterState: "new", initialClusterToken: "tok" } as const;

describe("initial-cluster", () => {
    it("lists every member exactly once, in inventory order, parseable, the same on every member (fast-check)", () => {
        fc.assert(
            fc.property(inventory, topology, (nodes, topo) => {
                const cfg = parseWith({ ...topo, nodes });
                const members = buildMembers(cfg, NEW);
                const s = members[0].initialCluster;
                for (const m of members) assert.equal(m.initialCluster, s);
                const entries = parseInitialCluster(s);
                assert.deepEqual(
                    entries.map((e) => e.name),
                    cfg.nodes.map((n) => n.name),
                );
                entries.forEach((e, i) => {
                    assert.equal(e.peerUrl, members[i].peer.advertiseUrls[0]);
                    const u = parseUrl(e.peerUrl);
                    assert.ok(u !== undefined, e.peerUrl);
                    assert.equal(u.host, cfg.nodes[i].address);
                    assert.equal(u.port, 2380);
                    assert.equal(u.scheme, "https");
                });
                assert.equal(buildInitialCluster(entries), s);
            }),
        );
    });

    it("a joining member lists the current members plus itself, in inventory order (fast-check)", () => {
        fc.assert(
            fc.property(
                inventory.filter((n) => n.length >= 2),
                fc.infiniteStream(fc.boolean()),
                (nodes, picks) => {
                    const cfg = parseWith({ nodes });
                    const self = cfg.nodes[cfg.nodes.length - 1].name;
                    const it = picks[Symbol.iterator]();
                    const current = cfg.nodes.slice(0, -1).filter(() => it.next().value === true).map((n) => n.name);
                    const m = buildMember(cfg, self, { initialClusterState: "existing", initialClusterToken: "t", initialClusterMembers: [self, ...current.reverse()] });
                    const names = parseInitialCluster(m.initialCluster).map((e) => e.name);
                    assert.deepEqual(
                        names,
                        cfg.nodes.map((n) => n.name).filter((n) => n === self || current.includes(n)),
                    );
                    assert.equal(m.initialClusterState, "existing");
                },
            ),
        );
    });

    it("rejects inconsistent join lists and unknown members", () => {
        const cfg = parseWith();
        assert.throws(() => buildMember(cfg, "h9", NEW), /no node named "h9"/);
        assert.throws(() => buildMember(cfg, "h1", { ...NEW, initialClusterMembers: ["h2"] }), /must include the member itself/);
        assert.throws(() => buildMember(cfg, "h1", { ...NEW, initialClusterMembers: ["h1", "x"] }), /no node named "x"/);
    });
});

describe("EtcdMember", () => {
    it("models the systemd member of the dev stack", () => {
        const m = buildMember(parseWith(), "h2", NEW);
        assert.deepEqual(
            {
                configSource: m.configSource,
                loopback: m.loopback,
                listenIp: m.listenIp,
                client: m.client,
                peer: m.peer,
                metrics: m.metricsListenUrls,
                paths: m.paths,
                binaries: m.binaries,
                image: m.image,
            },
            {
                configSource: "config-file",
                loopback: "127.0.0.1",
                listenIp: "10.213.0.12",
                client: {
                    listenUrls: ["https://127.0.0.1:2379", "https://10.213.0.12:2379"],
                    advertiseUrls: ["https://10.213.0.12:2379"],
                    tls: { certFile: "/etc/etcd/pki/server.crt", keyFile: "/etc/etcd/pki/server.key", trustedCaFile: "/etc/etcd/pki/ca.crt" },
                },
                peer: {
                    listenUrls: ["https://10.213.0.12:2380"],
                    advertiseUrls: ["https://10.213.0.12:2380"],
                    tls: { certFile: "/etc/etcd/pki/peer.crt", keyFile: "/etc/etcd/pki/peer.key", trustedCaFile: "/etc/etcd/pki/ca.crt" },
                },
                metrics: ["http://127.0.0.1:2381"],
                paths: { configFile: "/etc/etcd/etcd.conf.yml", unitFile: "/etc/systemd/system/etcd.service", etcdctlProfile: "/etc/profile.d/etcdctl.sh" },
                binaries: { etcd: "/usr/local/bin/etcd", etcdctl: "/usr/local/bin/etcdctl" },
                image: undefined,
            },
        );
    });

    it("takes binaries from the install method", () => {
        const pick = (o: Record<string, unknown>) => buildMember(parseWith(o), "h1", NEW).binaries;
        assert.deepEqual(pick({ installMethod: "package", etcdVersion: "3.4.23" }), { etcd: "/usr/bin/etcd", etcdctl: "/usr/bin/etcdctl" });
        assert.deepEqual(pick({ installMethod: "preinstalled", etcdPath: "/opt/etcd/bin/etcd" }), { etcd: "/opt/etcd/bin/etcd", etcdctl: "/opt/etcd/bin/etcdctl" });
    });
});


describe("memberSans", () => {
    it("name, hostname, address, listen IP, loopback and extras, split, canonical, sorted", () => {
        const cfg = parseWith({
            nodes: [{ name: "etcd1", address: "etcd1.vagrant", listenAddress: "FD00::0253", hostname: "etcd1.example.com", extraSans: ["172.28.128.253", "*.etcd.example.com", "ETCD1.vagrant"] }],
        });
        assert.deepEqual(memberSans(buildMember(cfg, "etcd1", NEW)), {
            dnsNames: ["*.etcd.example.com", "etcd1", "etcd1.example.com", "etcd1.vagrant", "localhost"],
            ipAddresses: ["127.0.0.1", "172.28.128.253", "::1", "fd00::253"],
        });
    });

    it("wildcard SANs cover exactly one label", () => {
        const sans = { dnsNames: ["*.example.com"], ipAddresses: ["10.0.0.1"] };
        assert.equal(sansCover(sans, "a.example.com"), true);
        assert.equal(sansCover(sans, "a.b.example.com"), false);
        assert.equal(sansCover(sans, "example.com"), false);
        assert.equal(sansCover(sans, "10.0.0.1"), true);
        assert.equal(sansCover(sans, "10.0.0.2"), false);
    });

    it("uncoveredUrls reports override hosts, skips wildcards and plain http", () => {
        const cfg = parseWith({
            clientListenAll: true,
            nodes: [
                {
                    name: "h1",
                    address: "10.0.0.1",
                    extraSans: ["vip.example.com", "fd00::1", "10.9.9.9"],
                    extraArgs: {
                        "advertise-client-urls": "https://10.0.0.1:2379,https://vip.example.com:2379,https://[fd00::1]:2379",
                        "listen-metrics-urls": "http://127.0.0.1:2381,https://10.9.9.9:2381",
                    },
                },
            ],
        });
        const m = buildMember(cfg, "h1", NEW);
        assert.deepEqual(uncoveredUrls(m, { dnsNames: ["h1"], ipAddresses: ["10.0.0.1"] }), [
            { flag: "advertise-client-urls", url: "https://vip.example.com:2379", host: "vip.example.com" },
            { flag: "advertise-client-urls", url: "https://[fd00::1]:2379", host: "fd00::1" },
            { flag: "listen-metrics-urls", url: "https://10.9.9.9:2381", host: "10.9.9.9" },
        ]);
    });

    it("every advertised and listened host is covered (fast-check)", () => {
        fc.assert(
            fc.property(inventory, topology, (nodes, topo) => {
                const members = buildMembers(parseWith({ ...topo, nodes }), NEW);
                for (const m of members) {
                    const sans = memberSans(m);
                    assert.deepEqual(uncoveredUrls(m, sans), []);
                    const flags = buildFlags(m);
                    for (const flag of ["advertise-client-urls", "initial-advertise-peer-urls", "listen-client-urls", "listen-peer-urls"]) {
                        for (const url of (flagValue(flags, flag) ?? "").split(",")) {
                            const u = parseUrl(url);
                            assert.ok(u !== undefined, url);
                            if (!isWildcardIp(u.host)) assert.ok(sansCover(sans, u.host), `${m.name}: ${url} not covered`);
                        }
                    }
                    // Sorted, deduplicated, canonical.
                    assert.deepEqual([...sans.dnsNames], [...new Set(sans.dnsNames)].sort());
                    assert.deepEqual([...sans.ipAddresses], [...new Set(sans.ipAddresses)].sort());
                    for (const ip of sans.ipAddresses) assert.equal(parseIp(ip)?.value, ip);
                    for (const d of sans.dnsNames) assert.equal(d, d.toLowerCase());
                    for (const loop of ["127.0.0.1", "::1"]) assert.ok(sans.ipAddresses.includes(loop));
                    assert.ok(sans.dnsNames.includes("localhost"));
                }
            }),
        );
    });
});
