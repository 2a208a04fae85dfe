// parseClusterConfig: exact problems for bad input, exact warnings, and the happy paths
// (Pulumi.yaml defaults, the three stack files, Pulumi's string-typed config bag); and
// Pulumi.yaml's `config:` section, the single source of defaults: it declares exactly the keys
// the parser reads, with the types, descriptions and secrecy they need, in a form the 3.259 CLI
// loads (arrays need `items`; a typed secret with a default fails every stack that does not set
// it, so the optional caKeyPem is untyped).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS, ConfigError, SCALAR_KEYS, SECRET_KEYS, parseClusterConfig } from "../../components/config";
import { ROOT, TEST_HOST_KEYS, THREE_NODES, parseWith, problemsOf, projectFile, rawConfig, stackRaw } from "./helpers";

const PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const PEM_KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n";

/** How the parser describes a path setting's characters (validatePaths.ts). */
const PATH_RULE = "letters, digits and . _ + @ - separated by /, at most 1024 characters (no space, quote, $, %, ` or other character a shell or systemd would interpret)";
/** How the parser describes an etcd flag value's characters (validateFlags.ts). */
const FLAG_RULE = "letters, digits and . _ , : / = @ + * [ ] -, at most 4096 characters (no space, quote, $, %, ;, ` or line break)";

interface BadCase {
    name: string;
    overrides: Record<string, unknown>;
    problems: string[];
}

const BAD: BadCase[] = [
    {
        name: "IPv4 with an octet above 255",
        overrides: { nodes: [THREE_NODES[0], { name: "h2", address: "10.0.0.300" }, THREE_NODES[2]] },
        problems: ['nodes[1].address: "10.0.0.300" is not a valid IPv4/IPv6 address or DNS name'],
    },
    {
        name: "IPv6 written with URL brackets",
        overrides: { nodes: [{ name: "h1", address: "[fd00::11]" }] },
        problems: ['nodes[0].address: "[fd00::11]" is not a valid IPv4/IPv6 address or DNS name (write IPv6 without brackets; etcdhosts brackets it in URLs)'],
    },
    {
        name: "IPv6 with two '::'",
        overrides: { nodes: [{ name: "h1", address: "fd00::1::2" }] },
        problems: ['nodes[0].address: "fd00::1::2" is not a valid IPv4/IPv6 address or DNS name'],
    },
    {
        name: "DNS name with an underscore and a loopback address",
        overrides: { nodes: [{ name: "h1", address: "etcd_1.example.com" }, { name: "h2", address: "127.0.0.1" }] },
        problems: [
            'nodes[0].address: "etcd_1.example.com" is not a valid IPv4/IPv6 address or DNS name',
            'nodes[1].address: "127.0.0.1" is not routable; other members and clients could not reach it',
        ],
    },
    {
        name: "duplicate member names",
        overrides: { nodes: [THREE_NODES[0], { name: "h1", address: "10.213.0.12" }] },
        problems: ['nodes[1].name: "h1" is already used by nodes[0] ("h1")'],
    },
    {
        name: "duplicate addresses, IPv6 spelled two ways",
        overrides: { nodes: [{ name: "a", address: "fd00::11" }, { name: "b", address: "FD00:0:0:0::0011" }] },
        problems: ['nodes[1].address: "fd00::11" is already used by nodes[0] ("a")', 'nodes[1].sshHost: "[fd00::11]:22" is already used by nodes[0] ("a"); two members on one host would collide on ports 2379-2381'],
    },
    {
        name: "zero members",
        overrides: { nodes: [] },
        problems: ["nodes: at least one member is required, got 0"],
    },
    {
        name: "the pc-master guide's literal 50000/50000",
        overrides: { layout: "pc-master", nodes: [{ name: "pc-master", address: "192.168.1.105" }], heartbeatIntervalMs: 50000, electionTimeoutMs: 50000 },
        problems: ["electionTimeoutMs: --election-timeout[50000ms] should be at least as 5 times as --heartbeat-interval[50000ms]"],
    },
    {
        name: "election timeout above etcd's 50000 ms",
        overrides: { heartbeatIntervalMs: 5000, electionTimeoutMs: 60000 },
        problems: ["electionTimeoutMs: --election-timeout[60000ms] is too long, and should be set less than 50000ms"],
    },
    {
        name: "zero heartbeat",
        overrides: { heartbeatIntervalMs: "0" },
        problems: ["heartbeatIntervalMs: --heartbeat-interval must be >0 (set to 0ms)"],
    },
    {
        name: "--enable-v2 on etcd 3.6",
        overrides: { extraArgs: { "enable-v2": "false" } },
        problems: ['extraArgs.enable-v2: --enable-v2 was removed in etcd 3.6 (etcdVersion is 3.6.16); etcd would exit with "flag provided but not defined: -enable-v2"'],
    },
    {
        name: "a per-node advertise URL the certificates do not cover",
        overrides: {
            nodes: [{ name: "h1", address: "10.213.0.11", extraArgs: { "advertise-client-urls": "https://10.213.0.11:2379,https://etcd-a.example.com:2379" } }],
        },
        problems: ['nodes[0].extraSans: https://etcd-a.example.com:2379 (advertise-client-urls) is not covered by the certificates of member "h1"; add "etcd-a.example.com"'],
    },
    {
        name: "CA certificate without its key",
        overrides: { caCertPem: PEM_CERT },
        problems: ["caKeyPem: required when caCertPem is set (bring your own CA: set both or neither)"],
    },
    {
        name: "CA key without its certificate",
        overrides: { caKeyPem: PEM_KEY },
        problems: ["caCertPem: required when caKeyPem is set (bring your own CA: set both or neither)"],
    },
    {
        name: "tarball without its sha256",
        overrides: { installMethod: "tarball", tarballUrl: "https://github.com/etcd-io/etcd/releases/download/v3.6.16/etcd-v3.6.16-linux-amd64.tar.gz" },
        problems: ['tarballSha256: required when installMethod is "tarball" (the download is checked against it)'],
    },
    {
        name: "unknown layout",
        overrides: { layout: "kubeadm" },
        problems: ['layout: "kubeadm" is not one of pc-master, systemd, static-pod'],
    },
    {
        name: "pc-master with three members",
        overrides: { layout: "pc-master" },
        problems: ['nodes: layout "pc-master" runs exactly one member, got 3 (use layout "systemd" for a cluster)'],
    },
    {
        name: "loopback-plaintext peers outside pc-master",
        overrides: { peerMode: "loopback-plaintext" },
        problems: ['peerMode: "loopback-plaintext" is only possible with layout "pc-master"'],
    },
    {
        name: "DNS address without an IP to bind",
        overrides: { nodes: [{ name: "etcd1", address: "etcd1.vagrant" }] },
        problems: [
            'nodes[0].listenAddress: required because address "etcd1.vagrant" is a DNS name and etcd binds listeners only to IP addresses ("expected IP in URL for binding")',
        ],
    },
    {
        name: "overriding a managed flag and a flag owned by a config key",
        overrides: { extraArgs: { "data-dir": "/srv/etcd", "heartbeat-interval": "200" } },
        problems: [
            "extraArgs.data-dir: --data-dir is managed by etcdhosts (the data dir is fixed; the unit's ReadWritePaths and the pod's hostPath cover only it)",
            "extraArgs.heartbeat-interval: --heartbeat-interval is set by the heartbeatIntervalMs config key; set that instead",
        ],
    },
    {
        name: "a command-line-only flag with etcd.conf.yml",
        overrides: { extraArgs: { "raft-read-timeout": "10s" } },
        problems: [
            'extraArgs.raft-read-timeout: --raft-read-timeout cannot be set in etcd.conf.yml (etcd reads it only from the command line or ETCD_* variables), which layout "systemd" uses',
        ],
    },
    {
        name: "a misspelt flag and a bad value",
        overrides: { extraArgs: { "max-request-byte": "1", "pre-vote": "yes", "--debug": "true" } },
        problems: [
            'extraArgs: "--debug" is not an etcd flag name (no leading dashes, lowercase, e.g. "max-request-bytes")',
            'extraArgs.max-request-byte: --max-request-byte is not an etcd 3.6 flag (did you mean "max-request-bytes"?)',
            'extraArgs.pre-vote: "yes" is not true or false',
        ],
    },
    {
        name: "flags newer than the version",
        overrides: { etcdVersion: "3.5.4", extraArgs: { "feature-gates": "InitialCorruptCheck=true", "listen-client-http-urls": "http://127.0.0.1:2382" } },
        problems: [
            "extraArgs.feature-gates: --feature-gates needs etcd 3.6 or later (etcdVersion is 3.5.4)",
            "extraArgs.listen-client-http-urls: --listen-client-http-urls needs etcd 3.5.8 or later (etcdVersion is 3.5.4)",
        ],
    },
    {
        name: "an experimental flag next to the feature gate etcd 3.6 sets",
        overrides: { extraArgs: { "experimental-initial-corrupt-check": "false" } },
        problems: [
            'extraArgs.experimental-initial-corrupt-check: etcd 3.6 refuses it together with --feature-gates=InitialCorruptCheck=..., which is set; use feature-gates "InitialCorruptCheck=false" instead',
        ],
    },
    {
        name: "unknown feature gate",
        overrides: { extraArgs: { "feature-gates": "InitialCorruptCheck=true,Foo=true" } },
        problems: [
            'extraArgs.feature-gates: feature gate "Foo" is not known to etcd 3.6 (known: CompactHashCheck, InitialCorruptCheck, LeaseCheckpoint, LeaseCheckpointPersist, SetMemberLocalAddr, StopGRPCServiceOnDefrag, TxnModeWriteWithSharedBuffer)',
        ],
    },
    {
        name: "bad node fields",
        overrides: { nodes: [{ name: "Etcd_1", adress: "10.0.0.1", sshPort: 70000, extraSans: ["ok.example.com", "not a name"] }] },
        problems: [
            "nodes[0].adress: unknown node field (known: address, extraArgs, extraSans, hostKey, hostname, listenAddress, name, sshHost, sshPort, sshUser)",
            'nodes[0].name: "Etcd_1" is not a lowercase DNS label (a-z, 0-9 and "-", at most 63 characters); it names the etcd member, its certificates and its Pulumi resources',
            "nodes[0].address: required",
            "nodes[0].sshPort: 70000 is not between 1 and 65535",
            'nodes[0].extraSans[1]: "not a name" is not an IP address or DNS name (wildcards: *.example.com)',
        ],
    },
    {
        name: "revision compaction with a duration",
        overrides: { autoCompactionMode: "revision", autoCompactionRetention: "1h" },
        problems: ['autoCompactionRetention: "1h" is not a revision count (autoCompactionMode is "revision")'],
    },
    {
        name: "unsupported and malformed versions",
        overrides: { etcdVersion: "3.7.0" },
        problems: ['etcdVersion: "3.7.0" is not supported; supported series: 3.4, 3.5, 3.6'],
    },
    {
        name: "malformed version",
        overrides: { etcdVersion: "3.6" },
        problems: ['etcdVersion: "3.6" is not an etcd version of the form 3.6.16'],
    },
    {
        name: "certificate validity beyond the CA's and a renewal window as long as the validity",
        overrides: { certValidityHours: 100000, certEarlyRenewalHours: 100000 },
        problems: [
            "certEarlyRenewalHours: 100000 must be smaller than certValidityHours (100000), or every up would replace the certificates",
            "certValidityHours: 100000 exceeds caValidityHours (87600); a certificate cannot outlive its CA",
        ],
    },
    {
        name: "a key Pulumi.yaml does not declare and a missing one",
        overrides: { heartbeatInterval: 100, layout: undefined },
        problems: [
            // Every declared key and secret, sorted: the list is the parser's CONFIG_KEYS (checked against Pulumi.yaml below).
            `heartbeatInterval: unknown configuration key (known: ${[...CONFIG_KEYS, ...SECRET_KEYS].sort().join(", ")})`,
            "layout: required (Pulumi.yaml gives it a default; pass every declared key)",
        ],
    },
    {
        name: "a field error does not hide cross-field errors",
        overrides: { tlsAlgorithm: "DSA-1024", peerMode: "loopback-plaintext", extraArgs: { "enable-v2": "true" } },
        problems: [
            'tlsAlgorithm: "DSA-1024" is not one of ECDSA-P256, RSA-2048, RSA-4096',
            'peerMode: "loopback-plaintext" is only possible with layout "pc-master"',
            'extraArgs.enable-v2: --enable-v2 was removed in etcd 3.6 (etcdVersion is 3.6.16); etcd would exit with "flag provided but not defined: -enable-v2"',
        ],
    },
    // Rules the components used to check a second time; the parser is now their only home.
    {
        name: "an SSH user that is no user name",
        overrides: { sshUser: "Bad User" },
        problems: ['sshUser: "Bad User" is not a user name'],
    },
    {
        name: "an empty address and an empty sshHost",
        overrides: { nodes: [{ name: "h1", address: "" }, { name: "h2", address: "10.0.0.2", sshHost: "" }] },
        problems: ['nodes[0].address: "" is not a valid IPv4/IPv6 address or DNS name', 'nodes[1].sshHost: "" is not a valid IPv4/IPv6 address or DNS name'],
    },
    {
        name: "validities outside 1..876000 hours",
        overrides: { caValidityHours: 1000000000, certValidityHours: 0 },
        problems: ["caValidityHours: 1000000000 is not between 1 and 876000", "certValidityHours: 0 is not between 1 and 876000"],
    },
    {
        name: "a tarball URL that is not http(s)",
        overrides: { installMethod: "tarball", tarballUrl: "ftp://mirror/etcd.tar.gz", tarballSha256: "a".repeat(64) },
        problems: ['tarballUrl: "ftp://mirror/etcd.tar.gz" is not a URL with a host and scheme http or https'],
    },
    {
        name: "plaintext client listeners, even on loopback (mTLS always)",
        overrides: {
            extraArgs: { "listen-client-urls": "https://10.213.0.11:2379,http://127.0.0.1:2379", "listen-client-http-urls": "http://0.0.0.0:2390" },
            nodes: [{ ...THREE_NODES[0], extraArgs: { "advertise-client-urls": "http://10.213.0.11:2379" } }, THREE_NODES[1], THREE_NODES[2]],
        },
        problems: [
            "extraArgs.listen-client-http-urls: http://0.0.0.0:2390 is plain HTTP; every client URL is https, so that clients must present a certificate (mutual TLS)",
            "extraArgs.listen-client-urls: http://127.0.0.1:2379 is plain HTTP; every client URL is https, so that clients must present a certificate (mutual TLS)",
            "nodes[0].extraArgs.advertise-client-urls: http://10.213.0.11:2379 is plain HTTP; every client URL is https, so that clients must present a certificate (mutual TLS)",
        ],
    },
    {
        name: "plaintext metrics beyond loopback",
        overrides: { extraArgs: { "listen-metrics-urls": "http://127.0.0.1:2381,http://0.0.0.0:2381,http://[fd00::1]:2382" } },
        problems: [
            "extraArgs.listen-metrics-urls: http://0.0.0.0:2381 would serve /metrics and /health in plaintext beyond loopback; use http://127.0.0.1:<port> (or [::1]) or https:// with client certificates (pitfalls P16)",
            "extraArgs.listen-metrics-urls: http://[fd00::1]:2382 would serve /metrics and /health in plaintext beyond loopback; use http://127.0.0.1:<port> (or [::1]) or https:// with client certificates (pitfalls P16)",
        ],
    },
    {
        name: "settings that turn client or peer certificate checks off",
        overrides: { extraArgs: { "client-cert-auth": false, "peer-client-cert-auth": "false", "auto-tls": true, "peer-skip-client-san-verification": true } },
        problems: [
            "extraArgs.auto-tls: --auto-tls is managed by etcdhosts (it would replace the issued certificates with self-signed ones)",
            "extraArgs.client-cert-auth: --client-cert-auth is managed by etcdhosts (client certificate authentication is always on)",
            "extraArgs.peer-client-cert-auth: --peer-client-cert-auth is managed by etcdhosts (peer certificate authentication is always on)",
            "extraArgs.peer-skip-client-san-verification: --peer-skip-client-san-verification is managed by etcdhosts (peer certificates are always checked against the peer's address)",
        ],
    },
    {
        name: "skipping peer SAN checks on 3.5",
        overrides: { etcdVersion: "3.5.35", extraArgs: { "experimental-peer-skip-client-san-verification": "true" } },
        problems: [
            "extraArgs.experimental-peer-skip-client-san-verification: --experimental-peer-skip-client-san-verification is managed by etcdhosts (peer certificates are always checked against the peer's address)",
        ],
    },
    // No injection: values that reach root's shell or a unit get a strict character set.
    {
        name: "the issue's etcdPath with a command substitution",
        overrides: { installMethod: "preinstalled", etcdPath: "/opt/$(touch${IFS}/tmp/x)/etcd" },
        problems: [`etcdPath: "/opt/$(touch\${IFS}/tmp/x)/etcd" is not a path of ${PATH_RULE}`],
    },
    {
        name: "an etcdPath with a systemd specifier, a space or a backtick",
        overrides: { installMethod: "preinstalled", etcdPath: "/home/%u/etcd" },
        problems: [`etcdPath: "/home/%u/etcd" is not a path of ${PATH_RULE}`],
    },
    {
        name: "an etcdPath with .. and a very long one",
        overrides: { installMethod: "preinstalled", etcdPath: "/opt/../usr/bin/etcd" },
        problems: ['etcdPath: "/opt/../usr/bin/etcd" is not a normalized path (no empty, "." or ".." segments)'],
    },
    {
        name: "an etcdBinaryDir with a shell expansion",
        overrides: { etcdBinaryDir: "$HOME/etcd" },
        problems: [`etcdBinaryDir: "$HOME/etcd" is not a path of ${PATH_RULE}`],
    },
    {
        name: "a tarball URL with a space and a quote",
        overrides: { installMethod: "tarball", tarballUrl: "https://mirror/etcd.tgz' ; reboot", tarballSha256: "a".repeat(64) },
        problems: [`tarballUrl: "https://mirror/etcd.tgz' ; reboot" holds characters no URL has (space, quote, backslash, backtick, < > { } | ^ or a control character)`],
    },
    {
        name: "flag values with a separator, a line break, a quote",
        overrides: { extraArgs: { "log-outputs": "stderr;reboot", "cipher-suites": "A\nclient-cert-auth: false" }, nodes: [{ ...THREE_NODES[0], extraArgs: { "log-level": "'debug'" } }, THREE_NODES[1], THREE_NODES[2]] },
        problems: [
            `extraArgs.cipher-suites: "A\\nclient-cert-auth: false" is not a flag value etcdhosts passes on: ${FLAG_RULE}`,
            `extraArgs.log-outputs: "stderr;reboot" is not a flag value etcdhosts passes on: ${FLAG_RULE}`,
            `nodes[0].extraArgs.log-level: "'debug'" is not a flag value etcdhosts passes on: ${FLAG_RULE}`,
        ],
    },
    {
        name: "a flag name with a line break, a user name longer than useradd takes, an image name of 600 characters",
        overrides: { extraArgs: { "max-request-bytes\n": "1" }, sshUser: "u".repeat(33), layout: "static-pod", etcdImage: "e".repeat(600) },
        problems: [
            `sshUser: "${"u".repeat(33)}" is not a user name`,
            `etcdImage: "${"e".repeat(60)}…" is not a container image reference (at most 512 characters)`,
            'extraArgs: "max-request-bytes\\n" is not an etcd flag name (no leading dashes, lowercase, e.g. "max-request-bytes")',
        ],
    },
    {
        name: "preinstalled without a path, and a relative path",
        overrides: { installMethod: "preinstalled", etcdPath: "bin/etcd" },
        problems: ['etcdPath: "bin/etcd" is not an absolute file path (it must start with / and name a file)'],
    },
];

describe("parseClusterConfig rejects bad input with exact messages", () => {
    for (const c of BAD) {
        it(c.name, () => {
            assert.deepEqual(problemsOf(rawConfig(c.overrides)), c.problems);
        });
    }

    it("collects every problem into one error", () => {
        const raw = rawConfig({
            layout: "kubeadm",
            heartbeatIntervalMs: 50000,
            electionTimeoutMs: 50000,
            nodes: [{ name: "a", address: "10.0.0.1" }, { name: "a", address: "10.0.0.300" }],
        });
        assert.throws(
            () => parseClusterConfig(raw),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.equal(
                    e.message,
                    [
                        "invalid etcdhosts configuration (3 problems):",
                        '  - layout: "kubeadm" is not one of pc-master, systemd, static-pod',
                        "  - electionTimeoutMs: --election-timeout[50000ms] should be at least as 5 times as --heartbeat-interval[50000ms]",
                        '  - nodes[1].address: "10.0.0.300" is not a valid IPv4/IPv6 address or DNS name',
                    ].join("\n"),
                );
                return true;
            },
        );
    });

    it("rejects a non-object", () => {
        assert.deepEqual(problemsOf("layout=systemd"), ['config: expected an object of Pulumi config keys, got "layout=systemd"']);
    });

    it("never echoes a malformed secret", () => {
        const problems = problemsOf(rawConfig({ caCertPem: PEM_CERT, caKeyPem: "hunter2" }));
        assert.deepEqual(problems, ['caKeyPem: not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" block)']);
        assert.ok(!problems.join("").includes("hunter2"));
    });
});

interface WarnCase {
    name: string;
    overrides: Record<string, unknown>;
    warnings: string[];
}

const FOUR = [...THREE_NODES, { name: "h4", address: "10.213.0.14" }];

const WARN: WarnCase[] = [
    {
        name: "four members: no better than three",
        overrides: { nodes: FOUR },
        warnings: ["nodes: an even number of members (4) tolerates no more failures than 3 (quorum 3, 1 failure tolerated) and can split 2/2; use an odd number of members"],
    },
    {
        name: "two members: worse than one",
        overrides: { nodes: THREE_NODES.slice(0, 2) },
        warnings: ["nodes: an even number of members (2) tolerates no more failures than 1 (quorum 2, 0 failures tolerated) and can split 1/1; use an odd number of members"],
    },
    {
        name: "pc-master with the guide's loopback peer can never grow",
        overrides: { layout: "pc-master", peerMode: "loopback-plaintext", clientListenAll: true, nodes: [{ name: "pc-master", address: "pc-master" }] },
        warnings: [
            'peerMode: "loopback-plaintext" advertises the peer URL on loopback without TLS, so this member can never grow into a cluster (pitfalls P6); use "tls" to keep that option',
        ],
    },
    {
        name: "distribution package with a 3.6 version",
        overrides: { installMethod: "package" },
        warnings: ['installMethod: "package" installs the distribution\'s etcd (Debian 12 ships 3.4.23); flags are rendered for etcdVersion "3.6.16", so the two must match'],
    },
    {
        name: "deprecated 3.6 flag, big quota, ignored tarball URL; plaintext metrics on loopback are fine",
        overrides: {
            quotaBackendBytes: 17179869184,
            tarballUrl: "https://example.com/etcd.tar.gz",
            extraArgs: { "experimental-compaction-batch-limit": 500, "listen-metrics-urls": "http://127.0.0.1:2381,http://localhost:2382,http://[::1]:2383,https://0.0.0.0:2384" },
        },
        warnings: [
            'tarballUrl: ignored unless installMethod is "tarball"',
            "quotaBackendBytes: 17179869184 exceeds etcd's suggested maximum of 8589934592 (8 GiB); etcd warns and may degrade",
            "extraArgs.experimental-compaction-batch-limit: --experimental-compaction-batch-limit is deprecated in v3.6 and will be decommissioned in v3.7. Use '--compaction-batch-limit' instead.",
        ],
    },
    {
        name: "more than seven members",
        overrides: { nodes: Array.from({ length: 9 }, (_, i) => ({ name: `m${i}`, address: `10.0.0.${i + 1}` })) },
        warnings: ["nodes: 9 members; etcd recommends at most 7, since every write waits for a majority"],
    },
];

describe("parseClusterConfig warnings", () => {
    for (const c of WARN) {
        it(c.name, () => {
            assert.deepEqual(parseWith(c.overrides).warnings, c.warnings);
        });
    }
});

describe("parseClusterConfig happy paths", () => {
    it("accepts Pulumi.yaml's defaults with three nodes, without warnings", () => {
        const c = parseWith();
        assert.equal(c.layout, "systemd");
        assert.deepEqual(c.warnings, []);
        assert.deepEqual(c.etcd.version, { full: "3.6.16", series: "3.6", major: 3, minor: 6, patch: 16 });
        assert.deepEqual(c.etcd.install, { method: "binary" });
        assert.equal(c.etcd.image, "etcdhosts/etcd:3.6.16");
        assert.deepEqual(c.nodes[0], { name: "h1", address: "10.213.0.11", sshHost: "10.213.0.11", sshPort: 22, sshUser: "root", extraSans: [], extraArgs: {}, hostKey: TEST_HOST_KEYS.a });
        assert.deepEqual(c.tls, { algorithm: "ECDSA-P256", caValidityHours: 87600, certValidityHours: 8760, certEarlyRenewalHours: 720, externalCa: false });
    });

    it("accepts the strings Pulumi's config bag holds (numbers, booleans, JSON)", () => {
        const typed = parseWith({ extraArgs: { "max-request-bytes": 2097152 } });
        const strings = parseClusterConfig(
            Object.fromEntries(
                Object.entries(rawConfig({ extraArgs: { "max-request-bytes": 2097152 } })).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
            ),
        );
        assert.deepEqual(strings, typed);
        assert.deepEqual(strings.etcd.extraArgs, { "max-request-bytes": "2097152" });
    });

    it("normalizes addresses and takes node-level SSH settings", () => {
        const c = parseWith({
            nodes: [{ name: "a", address: "FD00:0::11", sshHost: "Bastion.Example.com", sshPort: "2222", sshUser: "ops", hostname: "A.Example.com", extraSans: ["FD00::99", "*.Example.com"] }],
        });
        assert.deepEqual(c.nodes[0], {
            name: "a",
            address: "fd00::11",
            sshHost: "bastion.example.com",
            sshPort: 2222,
            sshUser: "ops",
            hostname: "a.example.com",
            extraSans: ["fd00::99", "*.example.com"],
            extraArgs: {},
            hostKey: TEST_HOST_KEYS.a,
        });
    });

    it("accepts a bring-your-own CA given both halves, and a tarball install", () => {
        const c = parseWith({ caCertPem: PEM_CERT, caKeyPem: true, installMethod: "tarball", tarballUrl: "https://example.com/e.tgz", tarballSha256: "A".repeat(64) });
        assert.equal(c.tls.externalCa, true);
        assert.equal(c.tls.caCertPem, PEM_CERT);
        assert.deepEqual(c.etcd.install, { method: "tarball", url: "https://example.com/e.tgz", sha256: "a".repeat(64) });
        assert.ok(!JSON.stringify(c).includes("PRIVATE KEY"));
    });

    for (const [stack, layout, warnings] of [
        ["dev", "systemd", []],
        ["pc-master", "pc-master", ["etcdVersion: etcd 3.4 is end of life upstream; plan the upgrade to 3.5 and then 3.6 (one minor at a time)"]],
        ["static-pod", "static-pod", []],
    ] as const) {
        it(`parses Pulumi.${stack}.yaml`, () => {
            const c = parseClusterConfig(stackRaw(stack));
            assert.equal(c.layout, layout);
            assert.deepEqual(c.warnings, warnings);
        });
    }

    it("the dev stack targets the test bed", () => {
        const c = parseClusterConfig(stackRaw("dev"));
        assert.deepEqual(
            c.nodes.map((n) => [n.name, n.address, n.sshUser]),
            [
                ["h1", "10.213.0.11", "root"],
                ["h2", "10.213.0.12", "root"],
                ["h3", "10.213.0.13", "root"],
            ],
        );
        assert.equal(c.etcd.version.full, "3.6.16");
        assert.equal(c.etcd.install.method, "binary");
        assert.equal(c.wipeDataOnDestroy, true);
    });

    it("the pc-master stack is the pc-master guide done right", () => {
        const c = parseClusterConfig(stackRaw("pc-master"));
        assert.equal(c.etcd.heartbeatIntervalMs, 5000);
        assert.equal(c.etcd.electionTimeoutMs, 50000);
        assert.equal(c.clientListenAll, true);
        assert.equal(c.peerMode, "tls");
        assert.deepEqual(c.etcd.install, { method: "package" });
        assert.equal(c.etcd.version.series, "3.4");
    });
});

// Pulumi.yaml's `config:` section is the single source of defaults; check that it declares exactly
// the keys the parser reads, with the types, descriptions and secrecy they need, in a form the
// 3.259 CLI loads (arrays need `items`; a typed secret with a default would fail every stack
// that does not set it, so the optional caKeyPem is untyped).


describe("Pulumi.yaml", () => {
    const project = projectFile();
    const config = project.config;

    it("has the project basics", () => {
        assert.equal(project.name, "etcdhosts");
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: true } });
        assert.equal(project.main, "index.ts");
        assert.equal(typeof project.description, "string");
    });

    it("declares exactly the keys the parser reads, and leaves the optional secrets out", () => {
        assert.deepEqual(Object.keys(config).sort(), [...CONFIG_KEYS].sort());
        for (const secret of SECRET_KEYS) assert.ok(!(secret in config), `${secret} must stay undeclared (see the comment in Pulumi.yaml)`);
    });


    it("types every scalar key and gives it a description and a default of that type", () => {
        for (const [key, type] of Object.entries(SCALAR_KEYS)) {
            const decl = config[key];
            assert.equal(decl.type, type, key);
            assert.ok(typeof decl.description === "string" && decl.description.length > 10, `${key} needs a description`);
            const want = type === "integer" ? "number" : type;
            assert.equal(typeof decl.default, want, `${key} default`);
            if (type === "integer") assert.ok(Number.isInteger(decl.default), key);
        }
    });

    it("declares nodes as an array of objects without a default, and extraArgs as an object", () => {
        assert.deepEqual(config.nodes.type, "array");
        assert.deepEqual(config.nodes.items, { type: "object" });
        assert.equal(config.nodes.default, undefined);
        assert.equal(config.extraArgs.type, "object");
        assert.deepEqual(config.extraArgs.default, {});
    });

    it("documents the secrets it does not declare", () => {
        const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        for (const secret of SECRET_KEYS) assert.match(text, new RegExp(`pulumi config set --secret ${secret} <`));
    });

});

// Snapshots and restore (pitfalls P14): exact problems, the parsed settings, the declarations.
const BACKUP_BAD: BadCase[] = [
    {
        name: "an interval that is not a duration, and one that does not split a day",
        overrides: { backupInterval: "6 hours" },
        problems: ['backupInterval: "6 hours" is not a duration such as 30m or 6h'],
    },
    {
        name: "90 minutes: the timer fires on the clock, so steps must split an hour or a day",
        overrides: { backupInterval: "90m" },
        problems: [
            'backupInterval: "90m" does not split an hour or a day into equal steps; use minutes that divide an hour (1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m) or hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h)',
        ],
    },
    {
        name: "retention of zero, negative free space, an unknown and a repeated member",
        overrides: { backupRetain: 0, backupMinFreeMiB: -1, backupMembers: ["h2", "h9", "h2"] },
        problems: [
            "backupRetain: 0 is not between 1 and 1000",
            "backupMinFreeMiB: -1 is below 0",
            'backupMembers[1]: "h9" is not a member (nodes: h1, h2, h3)',
            'backupMembers[2]: "h2" is listed twice',
        ],
    },
    {
        name: "a restore without its snapshot and generation, and an unknown field",
        overrides: { restore: { snapshots: "/tmp/a.db" } },
        problems: [
            "restore.snapshots: unknown restore setting (known: bumpRevision, generation, markCompacted, snapshot)",
            "restore.snapshot: required: the absolute path of a snapshot file on the machine running Pulumi",
            "restore.generation: required: a number, at least 1; a new number restores again",
        ],
    },
    {
        name: "a relative snapshot path, generation 0, a bumped revision not marked compacted",
        overrides: { restore: { snapshot: "snap.db", generation: 0, bumpRevision: 1000 } },
        problems: [
            'restore.snapshot: "snap.db" must be an absolute path on the machine running Pulumi',
            "restore.generation: 0 is below 1",
            "restore.markCompacted: etcdutl takes --mark-compacted exactly together with --bump-revision: set both (bumpRevision above 0 and markCompacted: true) or neither",
        ],
    },
    {
        name: "a revision bump on etcd 3.4",
        overrides: { etcdVersion: "3.4.23", restore: { snapshot: "/srv/snap.db", generation: 1, bumpRevision: 1000, markCompacted: true } },
        problems: ["restore.bumpRevision: etcd 3.4 cannot bump the revision on restore (etcdutl 3.5 and later can)"],
    },
];

describe("backup and restore settings", () => {
    for (const c of BACKUP_BAD) {
        it(c.name, () => {
            assert.deepEqual(problemsOf(rawConfig(c.overrides)), c.problems);
        });
    }

    it("Pulumi.yaml's defaults: a snapshot every 6 hours from one member of all, seven kept, no restore", () => {
        const c = parseWith();
        assert.deepEqual(c.backups, { intervalMinutes: 360, retain: 7, members: ["h1", "h2", "h3"], eachMember: false, minFreeMiB: 1024 });
        assert.equal(c.restore, undefined);
    });

    it("named members come back in inventory order; backups: false turns them off", () => {
        assert.deepEqual(parseWith({ backupMembers: ["h3", "h1"], backupInterval: "15m", backupEachMember: true }).backups?.members, ["h1", "h3"]);
        assert.equal(parseWith({ backups: false }).backups, undefined);
        assert.equal(parseWith({ backups: "false", backupInterval: "24h" }).backups, undefined);
    });

    it("a restore, as Pulumi's config bag holds it (JSON text)", () => {
        const want = { snapshot: "/srv/etcd/snap.db", generation: 2, bumpRevision: 1000000000, markCompacted: true };
        assert.deepEqual(parseWith({ restore: JSON.stringify(want), backupMembers: "[]" }).restore, want);
        assert.deepEqual(parseWith({ restore: { snapshot: "/srv/etcd/snap.db", generation: 1 } }).restore, { snapshot: "/srv/etcd/snap.db", generation: 1, bumpRevision: 0, markCompacted: false });
    });

    it("Pulumi.yaml declares backupMembers as a list of names and restore as an object, both empty by default", () => {
        const config = projectFile().config;
        assert.deepEqual(config.backupMembers.type, "array");
        assert.deepEqual(config.backupMembers.items, { type: "string" });
        assert.deepEqual(config.backupMembers.default, []);
        assert.equal(config.restore.type, "object");
        assert.deepEqual(config.restore.default, {});
    });
});
