// Cross-component secret hygiene: CA, member and client certificates, host preparation and file
// writes for three members, composed the way the cluster wiring will compose them. Mocks first.
//
// The assertions scan every recorded registration. What they can't prove: that the engine keeps
// these values encrypted in state (they only prove we mark them secret), and that a real
// provider never logs them (logging: "none" is asserted, its effect isn't observable here).
import { RecordedResource, commandStrings, setupMocks } from "../support/mocks";
import { TEST_HOST_KEYS } from "../unit/helpers";
const mocks = setupMocks();

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { CertificateAuthority } from "../../components/pki/certificateAuthority";
import { MemberCertificates } from "../../components/pki/memberCertificates";
import { ClientCertificates } from "../../components/pki/clientCertificates";
import { HostPreparation } from "../../components/remote/hostPreparation";
import { RemoteFiles } from "../../components/remote/remoteFiles";
import { decodeFileBundle } from "../../components/remote/shell";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const members = [
    { name: "etcd-a", ip: "10.0.0.21" },
    { name: "etcd-b", ip: "10.0.0.22" },
    { name: "etcd-c", ip: "10.0.0.23" },
];

const ca = new CertificateAuthority("ca", { generate: { keyAlgorithm: "ECDSA-P256", validityHours: 87600, earlyRenewalHours: 0, commonName: "etcd-ca" } });
const leaf = { keyAlgorithm: "ECDSA-P256", validityHours: 8760, earlyRenewalHours: 720 } as const;
const certs = new MemberCertificates("certs", {
    ...leaf,
    ca,
    members: members.map((m) => {
        const sans = { dnsNames: [m.name, "localhost"], ipAddresses: [m.ip, "127.0.0.1"] };
        return { name: m.name, sans, peerSans: sans };
    }),
});
new ClientCertificates("clients", { ...leaf, ca, adminCommonName: "root" });
for (const m of members) {
    const connection = { host: m.ip, port: 22, user: "deploy", privateKey: SSH_KEY, hostKey: TEST_HOST_KEYS.a };
    const host = new HostPreparation(`${m.name}-host`, {
        connection,
        clusterToken: "tok-1",
        install: { method: "package", packages: ["etcd-server", "etcd-client"] },
        dataDir: "/var/lib/etcd",
        configDir: "/etc/etcd",
        pkiDir: "/etc/etcd/pki",
        user: "etcd",
        group: "etcd",
        wipeDataOnDestroy: false,
        clock: { maxBehindSeconds: 30, maxAheadSeconds: 86400 },
        ports: [2379, 2380],
        sshWait: { timeout: "10m", dialErrorLimit: 20, perDialTimeout: 10 },
        timeouts: { step: "10m", install: "30m", transfer: "60m" },
    });
    const set = certs.members[m.name];
    new RemoteFiles(`${m.name}-pki`, {
        connection,
        switching: "together",
        timeout: "10m",
        files: [
            { path: "/etc/etcd/pki/ca.crt", content: ca.certPem, mode: "0644", owner: "etcd", group: "etcd" },
            { path: "/etc/etcd/pki/server.crt", content: set.server.certPem, mode: "0644", owner: "etcd", group: "etcd" },
            { path: "/etc/etcd/pki/server.key", content: set.server.keyPem, mode: "0600", owner: "etcd", group: "etcd" },
            { path: "/etc/etcd/pki/peer.crt", content: set.peer.certPem, mode: "0644", owner: "etcd", group: "etcd" },
            { path: "/etc/etcd/pki/peer.key", content: set.peer.keyPem, mode: "0600", owner: "etcd", group: "etcd" },
        ],
    }, { dependsOn: [host] });
}

/** Every string leaf with its dotted path. */
function leaves(value: unknown, path = ""): [string, string][] {
    if (typeof value === "string") return [[path, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => leaves(v, path === "" ? k : `${path}.${k}`));
    }
    return [];
}

function underSecret(r: RecordedResource, path: string): boolean {
    return r.secretPaths.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
}

const KEY_MATERIAL = /PRIVATE KEY|KEY-MATERIAL/;

test("key material appears only in inputs that are secrets", async () => {
    await mocks.settle();
    let checked = 0;
    for (const r of mocks.resources) {
        for (const [path, value] of leaves(r.inputs)) {
            if (KEY_MATERIAL.test(value)) {
                checked++;
                assert.ok(underSecret(r, path), `${r.name}.${path} holds key material but isn't secret (secret: ${r.secretPaths})`);
            }
        }
    }
    assert.ok(checked > 20, `only ${checked} key-bearing inputs seen`);
});

test("no PEM header or key material in any command string (create/update/delete)", async () => {
    await mocks.settle();
    const commands = mocks.resources.filter((r) => r.type.startsWith("command:"));
    assert.equal(commands.length, 3 * (7 + 1));
    for (const r of commands) {
        for (const s of commandStrings(r)) {
            assert.doesNotMatch(s, /-----BEGIN/, r.name);
            assert.doesNotMatch(s, KEY_MATERIAL, r.name);
        }
    }
});

test("every command carrying a key: logging none, stdout/stderr secret, stdin secret", async () => {
    await mocks.settle();
    const carriers = mocks.resources.filter((r) => r.type === "command:remote:Command" && typeof r.inputs.stdin === "string" && r.inputs.stdin.startsWith("--- 1"));
    assert.deepEqual(carriers.map((r) => r.name).sort(), ["etcd-a-pki-write", "etcd-b-pki-write", "etcd-c-pki-write"]);
    for (const r of carriers) {
        const contents = decodeFileBundle(r.inputs.stdin);
        assert.equal(contents.filter((c) => c.includes("PRIVATE KEY")).length, 2, r.name);
        assert.equal(r.inputs.logging, "none", r.name);
        assert.ok(r.options.additionalSecretOutputs.includes("stdout") && r.options.additionalSecretOutputs.includes("stderr"), r.name);
        assert.ok(r.secretPaths.includes("stdin"), r.name);
    }
    // Each member gets its own keys.
    const a = decodeFileBundle(mocks.named("etcd-a-pki-write").inputs.stdin);
    assert.match(a[2], /FAKE-PRIVATE-KEY certs-etcd-a-server-key/);
    assert.match(a[4], /FAKE-PRIVATE-KEY certs-etcd-a-peer-key/);
});

test("files are written only after the host is prepared", async () => {
    await mocks.settle();
    for (const m of members) {
        const writer = mocks.named(`${m.name}-pki-write`);
        for (const step of ["preflight", "config-dirs", "data-dir", "install"]) {
            assert.ok(writer.options.dependencies.includes(mocks.named(`${m.name}-host-${step}`).urn), `${m.name}: ${step}`);
        }
    }
});
