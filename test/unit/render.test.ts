// Rendering: kubeadm TestGetEtcdCommand-style flag tables (exact sorted argv, IPv6 included),
// renderer details, and golden files (etcdadm service/env_test.go style): every directory under
// test/golden holds an in.json (config overrides on top of Pulumi.yaml's defaults, or a stack
// file, plus the member and bootstrap facts) and the exact files the renderers must produce for
// it. Rewrite them with UPDATE_GOLDEN=1 after an intended change, and review the diff.
// One file on purpose: each test file is a process that transpiles the component graph again.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { parseClusterConfig } from "../../components/config";
import { ClusterConfig } from "../../components/types";
import type { EtcdMember, MemberOptions } from "../../components/etcd/member";
import { buildFlags, clientEndpoints, parseFeatureGates, toArgs } from "../../components/etcd/flags";
import { configFileObject, configFileValue, renderConfigFile } from "../../components/etcd/renderConfigFile";
import { envLines, envValue, envVarName, renderEnvFile } from "../../components/etcd/renderEnvFile";
import { renderUnit } from "../../components/etcd/renderUnit";
import { buildStaticPod, probeEndpoint, renderStaticPod } from "../../components/etcd/renderStaticPod";
import { renderEtcdctlProfile, shellWord } from "../../components/etcd/renderEtcdctlProfile";
import { memberSans } from "../../components/etcd/memberSans";
import { planCluster } from "../../components/etcd/plan";
import { renderSnapshotService, renderSnapshotTimer } from "../../components/etcd/renderSnapshotUnits";
import { renderSnapshotScript } from "../../components/etcd/snapshotScript";
import { ROOT, buildMember, buildMembers, parseWith, rawConfig, stackRaw } from "./helpers";

// kubeadm TestGetEtcdCommand-style tables: exact, sorted argv per case, including IPv6.


const NEW: MemberOptions = { initialClusterState: "new", initialClusterToken: "tok" };
const ONE = [{ name: "foo", address: "1.2.3.4" }];

interface Case {
    name: string;
    overrides: Record<string, unknown>;
    member: string;
    opts?: MemberOptions;
    args: string[];
}

const PKI = "/etc/kubernetes/pki/etcd";

const CASES: Case[] = [
    {
        name: "Default args (static pod, etcd 3.6)",
        overrides: { layout: "static-pod", nodes: ONE },
        member: "foo",
        args: [
            "--advertise-client-urls=https://1.2.3.4:2379",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            `--cert-file=${PKI}/server.crt`,
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--election-timeout=1000",
            "--feature-gates=InitialCorruptCheck=true,CompactHashCheck=true",
            "--heartbeat-interval=100",
            "--initial-advertise-peer-urls=https://1.2.3.4:2380",
            "--initial-cluster=foo=https://1.2.3.4:2380",
            "--initial-cluster-state=new",
            "--initial-cluster-token=tok",
            `--key-file=${PKI}/server.key`,
            "--listen-client-urls=https://127.0.0.1:2379,https://1.2.3.4:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--listen-peer-urls=https://1.2.3.4:2380",
            "--name=foo",
            `--peer-cert-file=${PKI}/peer.crt`,
            "--peer-client-cert-auth=true",
            `--peer-key-file=${PKI}/peer.key`,
            `--peer-trusted-ca-file=${PKI}/ca.crt`,
            "--quota-backend-bytes=2147483648",
            "--snapshot-count=10000",
            "--strict-reconfig-check=true",
            `--trusted-ca-file=${PKI}/ca.crt`,
            "--watch-progress-notify-interval=5s",
        ],
    },
    {
        name: "With an existing etcd cluster (joining member, etcd 3.5)",
        overrides: {
            layout: "static-pod",
            etcdVersion: "3.5.35",
            nodes: [
                { name: "me", address: "1.2.3.4" },
                { name: "other", address: "1.2.3.5" },
                { name: "later", address: "1.2.3.6" },
            ],
        },
        member: "me",
        opts: { initialClusterState: "existing", initialClusterToken: "tok", initialClusterMembers: ["other", "me"] },
        args: [
            "--advertise-client-urls=https://1.2.3.4:2379",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            `--cert-file=${PKI}/server.crt`,
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--election-timeout=1000",
            "--experimental-compact-hash-check-enabled=true",
            "--experimental-initial-corrupt-check=true",
            "--experimental-watch-progress-notify-interval=5s",
            "--heartbeat-interval=100",
            "--initial-advertise-peer-urls=https://1.2.3.4:2380",
            "--initial-cluster=me=https://1.2.3.4:2380,other=https://1.2.3.5:2380",
            "--initial-cluster-state=existing",
            "--initial-cluster-token=tok",
            `--key-file=${PKI}/server.key`,
            "--listen-client-urls=https://127.0.0.1:2379,https://1.2.3.4:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--listen-peer-urls=https://1.2.3.4:2380",
            "--name=me",
            `--peer-cert-file=${PKI}/peer.crt`,
            "--peer-client-cert-auth=true",
            `--peer-key-file=${PKI}/peer.key`,
            `--peer-trusted-ca-file=${PKI}/ca.crt`,
            "--quota-backend-bytes=2147483648",
            "--snapshot-count=10000",
            "--strict-reconfig-check=true",
            `--trusted-ca-file=${PKI}/ca.crt`,
        ],
    },
    {
        name: "Extra args (override in place, add, remove, merge feature gates; node wins over cluster)",
        overrides: {
            layout: "static-pod",
            nodes: [{ name: "foo", address: "1.2.3.4", extraArgs: { "max-request-bytes": 4194304 } }],
            snapshotCount: 0,
            quotaBackendBytes: 0,
            extraArgs: {
                "max-request-bytes": 2097152,
                "listen-metrics-urls": "http://127.0.0.1:2382",
                "feature-gates": "CompactHashCheck=false,StopGRPCServiceOnDefrag=true",
                "watch-progress-notify-interval": null,
                "strict-reconfig-check": null,
            },
        },
        member: "foo",
        args: [
            "--advertise-client-urls=https://1.2.3.4:2379",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            `--cert-file=${PKI}/server.crt`,
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--election-timeout=1000",
            "--feature-gates=InitialCorruptCheck=true,CompactHashCheck=false,StopGRPCServiceOnDefrag=true",
            "--heartbeat-interval=100",
            "--initial-advertise-peer-urls=https://1.2.3.4:2380",
            "--initial-cluster=foo=https://1.2.3.4:2380",
            "--initial-cluster-state=new",
            "--initial-cluster-token=tok",
            `--key-file=${PKI}/server.key`,
            "--listen-client-urls=https://127.0.0.1:2379,https://1.2.3.4:2379",
            "--listen-metrics-urls=http://127.0.0.1:2382",
            "--listen-peer-urls=https://1.2.3.4:2380",
            "--max-request-bytes=4194304",
            "--name=foo",
            `--peer-cert-file=${PKI}/peer.crt`,
            "--peer-client-cert-auth=true",
            `--peer-key-file=${PKI}/peer.key`,
            `--peer-trusted-ca-file=${PKI}/ca.crt`,
            `--trusted-ca-file=${PKI}/ca.crt`,
        ],
    },
    {
        name: "IPv6 advertise address (bracketed URLs, ::1 loopback family)",
        overrides: { layout: "static-pod", nodes: [{ name: "foo", address: "2001:db8::3" }] },
        member: "foo",
        args: [
            "--advertise-client-urls=https://[2001:db8::3]:2379",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            `--cert-file=${PKI}/server.crt`,
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--election-timeout=1000",
            "--feature-gates=InitialCorruptCheck=true,CompactHashCheck=true",
            "--heartbeat-interval=100",
            "--initial-advertise-peer-urls=https://[2001:db8::3]:2380",
            "--initial-cluster=foo=https://[2001:db8::3]:2380",
            "--initial-cluster-state=new",
            "--initial-cluster-token=tok",
            `--key-file=${PKI}/server.key`,
            "--listen-client-urls=https://[::1]:2379,https://[2001:db8::3]:2379",
            "--listen-metrics-urls=http://[::1]:2381",
            "--listen-peer-urls=https://[2001:db8::3]:2380",
            "--name=foo",
            `--peer-cert-file=${PKI}/peer.crt`,
            "--peer-client-cert-auth=true",
            `--peer-key-file=${PKI}/peer.key`,
            `--peer-trusted-ca-file=${PKI}/ca.crt`,
            "--quota-backend-bytes=2147483648",
            "--snapshot-count=10000",
            "--strict-reconfig-check=true",
            `--trusted-ca-file=${PKI}/ca.crt`,
            "--watch-progress-notify-interval=5s",
        ],
    },
    {
        name: "pc-master seed mode: loopback plaintext peer, clients on 0.0.0.0, DNS advertise, etcd 3.4",
        overrides: {
            layout: "pc-master",
            etcdVersion: "3.4.23",
            installMethod: "package",
            peerMode: "loopback-plaintext",
            clientListenAll: true,
            heartbeatIntervalMs: 5000,
            electionTimeoutMs: 50000,
            nodes: [{ name: "pc-master", address: "pc-master" }],
        },
        member: "pc-master",
        args: [
            "--advertise-client-urls=https://pc-master:2379",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            "--cert-file=/etc/etcd/pki/server.crt",
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--election-timeout=50000",
            "--experimental-initial-corrupt-check=true",
            "--experimental-watch-progress-notify-interval=5s",
            "--heartbeat-interval=5000",
            "--initial-advertise-peer-urls=http://127.0.0.1:2380",
            "--initial-cluster=pc-master=http://127.0.0.1:2380",
            "--initial-cluster-state=new",
            "--initial-cluster-token=tok",
            "--key-file=/etc/etcd/pki/server.key",
            "--listen-client-urls=https://0.0.0.0:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--listen-peer-urls=http://127.0.0.1:2380",
            "--logger=zap",
            "--name=pc-master",
            "--quota-backend-bytes=2147483648",
            "--snapshot-count=10000",
            "--strict-reconfig-check=true",
            "--trusted-ca-file=/etc/etcd/pki/ca.crt",
        ],
    },
];

describe("buildFlags (kubeadm TestGetEtcdCommand style)", () => {
    for (const c of CASES) {
        it(c.name, () => {
            const cfg = parseWith(c.overrides);
            assert.deepEqual(toArgs(buildFlags(buildMember(cfg, c.member, c.opts ?? NEW))), c.args);
        });
    }

    it("keeps kubeadm's default order before sorting", () => {
        const cfg = parseWith({ nodes: ONE });
        assert.deepEqual(
            buildFlags(buildMember(cfg, "foo", NEW))
                .slice(0, 4)
                .map((f) => f.name),
            ["name", "feature-gates", "listen-client-urls", "advertise-client-urls"],
        );
    });

    it("etcdctl endpoints follow advertise-client-urls overrides", () => {
        const cfg = parseWith({
            nodes: [
                { name: "a", address: "10.0.0.1", extraSans: ["a.example.com"], extraArgs: { "advertise-client-urls": "https://a.example.com:2379" } },
                { name: "b", address: "10.0.0.2" },
                { name: "c", address: "10.0.0.3" },
            ],
        });
        assert.deepEqual(clientEndpoints(buildMembers(cfg, NEW)), ["https://a.example.com:2379", "https://10.0.0.2:2379", "https://10.0.0.3:2379"]);
    });

    it("parses feature gates", () => {
        assert.deepEqual(parseFeatureGates("A=true, B=false"), [
            ["A", true],
            ["B", false],
        ]);
        assert.throws(() => parseFeatureGates("A"), /not Name=true\|false/);
    });
});

// Renderer details the golden files show only indirectly.



describe("etcd.conf.yml", () => {
    it("converts values by kind", () => {
        assert.equal(configFileValue({ name: "watch-progress-notify-interval", value: "5s", kind: "duration" }), 5_000_000_000);
        assert.equal(configFileValue({ name: "max-request-bytes", value: "10", kind: "int" }), 10);
        assert.equal(configFileValue({ name: "pre-vote", value: "false", kind: "bool" }), false);
        assert.deepEqual(configFileValue({ name: "log-outputs", value: "stderr,stdout", kind: "list" }), ["stderr", "stdout"]);
        assert.equal(configFileValue({ name: "listen-client-urls", value: "https://a:1,https://b:2", kind: "csv" }), "https://a:1,https://b:2");
        assert.throws(() => configFileValue({ name: "pre-vote", value: "yes", kind: "bool" }), /not true or false/);
    });

    it("refuses flags the file cannot carry", () => {
        assert.throws(() => configFileObject([{ name: "raft-read-timeout", value: "5s", kind: "duration" }]), /cannot be set in etcd.conf.yml/);
    });

    it("round-trips through a YAML parser with strings kept strings", () => {
        const m = buildMember(parseWith({ autoCompactionRetention: "8" }), "h1", NEW);
        const doc = parse(renderConfigFile(m)) as Record<string, unknown>;
        assert.equal(doc["auto-compaction-retention"], "8"); // etcd's field is a string: an int would not decode
        assert.equal(doc["heartbeat-interval"], 100);
        assert.equal(doc["strict-reconfig-check"], true);
        assert.deepEqual(doc["client-transport-security"], {
            "cert-file": "/etc/etcd/pki/server.crt",
            "key-file": "/etc/etcd/pki/server.key",
            "trusted-ca-file": "/etc/etcd/pki/ca.crt",
            "client-cert-auth": true,
        });
    });
});

describe("ETCD_* environment file", () => {
    it("names and quotes", () => {
        assert.equal(envVarName("listen-client-urls"), "ETCD_LISTEN_CLIENT_URLS");
        assert.equal(envValue("https://[fd00::1]:2379"), '"https://[fd00::1]:2379"');
        assert.equal(envValue("a b\"c\\"), '"a b\\"c\\\\"');
        assert.equal(envValue(""), '""');
        assert.equal(envValue("InitialCorruptCheck=true"), "InitialCorruptCheck=true");
    });
    it("sorts by variable name, not by line", () => {
        assert.deepEqual(
            envLines([
                { name: "name-x", value: "1", kind: "string" },
                { name: "name", value: "2", kind: "string" },
            ]),
            ["ETCD_NAME=2", "ETCD_NAME_X=1"],
        );
    });
});

describe("systemd unit", () => {
    it("has no unit for a static pod member", () => {
        const m = buildMember(parseWith({ layout: "static-pod" }), "h1", NEW);
        assert.throws(() => renderUnit(m), /runs as a static pod/);
    });
    it("is the same on every member", () => {
        const cfg = parseWith();
        assert.equal(renderUnit(buildMember(cfg, "h1", NEW)), renderUnit(buildMember(cfg, "h3", NEW)));
    });
});

describe("static pod", () => {
    it("probes the first metrics URL, a wildcard on loopback", () => {
        const m = buildMember(parseWith({ layout: "static-pod", nodes: [{ name: "a", address: "fd00::1" }] }), "a", NEW);
        assert.deepEqual(probeEndpoint(m, "http://[::]:2390,http://127.0.0.1:2381"), { host: "::1", port: 2390, scheme: "HTTP" });
        assert.deepEqual(probeEndpoint(m, "https://10.0.0.1:2381"), { host: "10.0.0.1", port: 2381, scheme: "HTTPS" });
        assert.deepEqual(probeEndpoint(m, undefined), { host: "::1", port: 2381, scheme: "HTTP" });
    });
    it("is a typed Pod without a readiness probe before 3.5.11", () => {
        const pod = buildStaticPod(buildMember(parseWith({ layout: "static-pod", etcdVersion: "3.5.10" }), "h1", NEW));
        const spec = pod.spec as { containers: { readinessProbe?: unknown; livenessProbe: { httpGet: { path: string } } }[] };
        assert.equal(spec.containers[0].readinessProbe, undefined);
        assert.equal(spec.containers[0].livenessProbe.httpGet.path, "/health?exclude=NOSPACE&serializable=true");
    });
    it("is only built for static-pod members", () => {
        assert.throws(() => buildStaticPod(buildMember(parseWith(), "h1", NEW)), /not a static-pod member/);
    });
});

describe("etcdctl profile", () => {
    it("quotes only what needs it", () => {
        assert.equal(shellWord("/etc/etcd/pki/ca.crt"), "/etc/etcd/pki/ca.crt");
        assert.equal(shellWord("https://[fd00::1]:2379"), "'https://[fd00::1]:2379'");
        assert.equal(shellWord("it's"), `'it'\\''s'`);
    });
    it("needs endpoints", () => {
        assert.throws(() => renderEtcdctlProfile(buildMember(parseWith(), "h1", NEW), []), /no endpoints/);
    });
});

// Golden files (etcdadm service/env_test.go style): every directory under test/golden holds an
// in.json (config overrides on top of Pulumi.yaml's defaults, or a stack file, plus the member
// and bootstrap facts) and the exact files the renderers must produce for it.
// Rewrite them with UPDATE_GOLDEN=1 after an intended change, and review the diff.


const GOLDEN = path.join(ROOT, "test", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

interface GoldenInput {
    /** What the case shows. */
    description: string;
    /** A stack file to start from (`dev` → Pulumi.dev.yaml); default: Pulumi.yaml defaults + three nodes. */
    stack?: string;
    /** Config overrides. */
    config?: Record<string, unknown>;
    /** Member to render. */
    member: string;
    options: MemberOptions;
}

/** Every file a case renders, by layout. */
function render(cfg: ClusterConfig, m: EtcdMember): Record<string, string> {
    const out: Record<string, string> = {
        "flags.txt": `${toArgs(buildFlags(m)).join("\n")}\n`,
        "etcd.env": renderEnvFile(m),
        "etcdctl.sh": renderEtcdctlProfile(m, clientEndpoints(buildMembers(cfg, { initialClusterState: "new", initialClusterToken: "-" }))),
        "sans.json": `${JSON.stringify(memberSans(m), null, 2)}\n`,
    };
    switch (cfg.layout) {
        case "systemd":
        case "pc-master":
            out["etcd.conf.yml"] = renderConfigFile(m);
            out["etcd.service"] = renderUnit(m);
            break;
        case "static-pod":
            out["etcd.yaml"] = renderStaticPod(m);
            break;
        default: {
            const exhaustive: never = cfg.layout;
            throw new Error(String(exhaustive));
        }
    }
    // The snapshot script and units of the member's host, when it takes snapshots (pitfalls P14).
    const backups = planCluster(cfg).backups;
    const timer = backups?.schedule?.members.find((t) => t.name === m.name);
    if (backups?.schedule !== undefined && timer !== undefined) {
        out["etcdhosts-snapshot"] = renderSnapshotScript(m, backups.tools[m.name], backups.schedule);
        out["etcdhosts-snapshot.service"] = renderSnapshotService(m);
        out["etcdhosts-snapshot.timer"] = renderSnapshotTimer(m, timer);
    }
    if (cfg.warnings.length > 0) out["warnings.txt"] = `${cfg.warnings.join("\n")}\n`;
    return out;
}

function load(dir: string): { cfg: ClusterConfig; member: EtcdMember } {
    const input = JSON.parse(fs.readFileSync(path.join(dir, "in.json"), "utf8")) as GoldenInput;
    const raw = input.stack !== undefined ? { ...stackRaw(input.stack), ...input.config } : rawConfig(input.config);
    const cfg = parseClusterConfig(raw);
    return { cfg, member: buildMember(cfg, input.member, input.options) };
}

const cases = fs
    .readdirSync(GOLDEN, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

describe("golden files", () => {
    it("has cases", () => assert.ok(cases.length >= 10, `only ${cases.length} golden cases`));

    for (const name of cases) {
        it(name, () => {
            const dir = path.join(GOLDEN, name);
            const { cfg, member } = load(dir);
            const got = render(cfg, member);
            const existing = fs.readdirSync(dir).filter((f) => f !== "in.json");
            if (UPDATE) {
                for (const f of existing) if (!(f in got)) fs.rmSync(path.join(dir, f));
                for (const [f, text] of Object.entries(got)) fs.writeFileSync(path.join(dir, f), text);
                return;
            }
            assert.deepEqual(existing.sort(), Object.keys(got).sort(), `${name}: golden file set differs; run with UPDATE_GOLDEN=1`);
            for (const [f, text] of Object.entries(got)) {
                assert.equal(text, fs.readFileSync(path.join(dir, f), "utf8"), `${name}/${f} differs; run with UPDATE_GOLDEN=1 and review the diff`);
            }
        });
    }
});

describe("determinism", () => {
    for (const name of cases) {
        it(`${name}: two independent parses and renders give the same bytes`, () => {
            const a = load(path.join(GOLDEN, name));
            const b = load(path.join(GOLDEN, name));
            assert.deepEqual(render(b.cfg, b.member), render(a.cfg, a.member));
        });
    }
});
