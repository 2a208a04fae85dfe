// Component tests for MemberCertificates. Mocks first, components after.
// The harness records parent URNs and dependencies from the registration request; plain mocks
// can't. Not covered here: whether the real TLS provider issues exactly these extensions.
import { isSecret, setupMocks, valueOf } from "../support/mocks";
const mocks = setupMocks();

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { CertificateAuthority, LeafSettings } from "../../components/pki/certificateAuthority";
import { CertSans, MemberCertArgs, MemberCertificates } from "../../components/pki/memberCertificates";

const ca = new CertificateAuthority("ca", { generate: { keyAlgorithm: "ECDSA-P256", validityHours: 87600, earlyRenewalHours: 0, commonName: "etcd-ca" } });
/** What the cluster wiring passes (the component itself defaults nothing). */
const LEAF: LeafSettings = { keyAlgorithm: "ECDSA-P256", validityHours: 8760, earlyRenewalHours: 720 };

const sans1: CertSans = { dnsNames: ["etcd-1", "localhost"], ipAddresses: ["10.0.0.11", "127.0.0.1", "::1"] };
const m1: MemberCertArgs = { name: "etcd-1", sans: sans1, peerSans: sans1 };
const m2: MemberCertArgs = {
    name: "etcd-2",
    sans: { dnsNames: ["etcd-2", "localhost"], ipAddresses: ["10.0.0.12", "127.0.0.1", "::1"] },
    peerSans: { dnsNames: ["etcd-2"], ipAddresses: ["10.0.0.12"] },
};
const sans3: CertSans = { dnsNames: ["etcd-3"], ipAddresses: ["10.0.0.13"] };
const m3: MemberCertArgs = { name: "etcd-3", sans: sans3, peerSans: sans3 };

const ROLES = ["server-key", "server-csr", "server-cert", "peer-key", "peer-csr", "peer-cert"];
const TYPE_OF_ROLE: Record<string, string> = {
    key: "tls:index/privateKey:PrivateKey",
    csr: "tls:index/certRequest:CertRequest",
    cert: "tls:index/locallySignedCert:LocallySignedCert",
};

/** Child names with the component prefix stripped. */
function suffixes(component: string): string[] {
    return mocks.childrenOf(component).map((c) => c.name.slice(component.length + 1));
}

test("children: exact types and names, keyed by member name", async () => {
    new MemberCertificates("certs", { ...LEAF, ca, members: [m1, m2] });
    await mocks.settle();
    assert.equal(mocks.named("certs").type, "etcdhosts:pki:MemberCertificates");
    const children = mocks.childrenOf("certs");
    const expected = ["etcd-1", "etcd-2"].flatMap((m) => ROLES.map((r) => `certs-${m}-${r}`));
    // Registration order depends on when inputs resolve, so compare as sets (sorted).
    assert.deepEqual(children.map((c) => c.name).sort(), expected.sort());
    for (const c of children) {
        assert.equal(c.type, TYPE_OF_ROLE[c.name.split("-").pop()!], c.name);
    }
});

test("every certificate: CN = member name, no O, serverAuth+clientAuth, digitalSignature+keyEncipherment", async () => {
    await mocks.settle();
    for (const member of ["etcd-1", "etcd-2"]) {
        for (const role of ["server", "peer"]) {
            const csr = mocks.named(`certs-${member}-${role}-csr`);
            assert.deepEqual(csr.inputs.subject, { commonName: member });
            const cert = mocks.named(`certs-${member}-${role}-cert`);
            assert.deepEqual(cert.inputs.allowedUses, ["digital_signature", "key_encipherment", "server_auth", "client_auth"]);
            assert.equal(cert.inputs.validityPeriodHours, 8760);
            assert.equal(cert.inputs.earlyRenewalHours, 720);
            assert.equal(cert.inputs.isCaCertificate, undefined);
            assert.equal(cert.inputs.setSubjectKeyId, true);
            // Signed by our CA: its cert PEM, and its key as a secret input.
            assert.match(cert.inputs.caCertPem, /FAKE-CERT ca-cert/);
            assert.match(cert.inputs.caPrivateKeyPem, /FAKE-PRIVATE-KEY ca-key/);
            assert.ok(cert.secretPaths.includes("caPrivateKeyPem"));
            assert.ok(cert.options.dependencies.includes(mocks.named("ca-cert").urn));
            assert.ok(cert.options.dependencies.includes(mocks.named(`certs-${member}-${role}-csr`).urn));
            // Default ECDSA P-256 keys.
            assert.deepEqual(mocks.named(`certs-${member}-${role}-key`).inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
        }
    }
});

test("SANs: server gets sans, peer gets peerSans", async () => {
    await mocks.settle();
    const sans = (n: string) => {
        const i = mocks.named(n).inputs;
        return { dnsNames: i.dnsNames, ipAddresses: i.ipAddresses };
    };
    assert.deepEqual(sans("certs-etcd-1-server-csr"), { dnsNames: ["etcd-1", "localhost"], ipAddresses: ["10.0.0.11", "127.0.0.1", "::1"] });
    assert.deepEqual(sans("certs-etcd-1-peer-csr"), { dnsNames: ["etcd-1", "localhost"], ipAddresses: ["10.0.0.11", "127.0.0.1", "::1"] });
    assert.deepEqual(sans("certs-etcd-2-server-csr"), { dnsNames: ["etcd-2", "localhost"], ipAddresses: ["10.0.0.12", "127.0.0.1", "::1"] });
    assert.deepEqual(sans("certs-etcd-2-peer-csr"), { dnsNames: ["etcd-2"], ipAddresses: ["10.0.0.12"] });
});

test("outputs: PEMs per member, keys secret, expiries keyed member/role", async () => {
    const certs = new MemberCertificates("out", { ...LEAF, ca, members: [m1], validityHours: 2190, earlyRenewalHours: 48 });
    const set = certs.members["etcd-1"];
    assert.deepEqual(Object.keys(certs.members), ["etcd-1"]);
    assert.equal(await valueOf(set.server.certPem), "-----BEGIN CERTIFICATE-----\nFAKE-CERT out-etcd-1-server-cert\n-----END CERTIFICATE-----\n");
    assert.equal(await valueOf(set.peer.certPem), "-----BEGIN CERTIFICATE-----\nFAKE-CERT out-etcd-1-peer-cert\n-----END CERTIFICATE-----\n");
    assert.match(await valueOf(set.server.keyPem), /FAKE-PRIVATE-KEY out-etcd-1-server-key/);
    assert.match(await valueOf(set.peer.keyPem), /FAKE-PRIVATE-KEY out-etcd-1-peer-key/);
    assert.equal(await isSecret(set.server.keyPem), true);
    assert.equal(await isSecret(set.peer.keyPem), true);
    assert.equal(await isSecret(set.server.certPem), false);
    assert.deepEqual(await valueOf(certs.validityEndTimes), {
        "etcd-1/server": "2025-04-02T06:00:00Z",
        "etcd-1/peer": "2025-04-02T06:00:00Z",
    });
    await mocks.settle();
    assert.equal(mocks.named("out-etcd-1-server-cert").inputs.earlyRenewalHours, 48);
    const registered = mocks.registeredOutputs("out");
    assert.deepEqual(Object.keys(registered), ["validityEndTimes"]);
    assert.ok(!JSON.stringify(registered).includes("PRIVATE KEY"));
});

test("adding or reordering members renames no existing child", async () => {
    new MemberCertificates("grow-a", { ...LEAF, ca, members: [m1, m2] });
    new MemberCertificates("grow-b", { ...LEAF, ca, members: [m3, m1, m2] });
    await mocks.settle();
    const before = suffixes("grow-a");
    const after = suffixes("grow-b");
    for (const name of before) assert.ok(after.includes(name), `${name} disappeared`);
    assert.deepEqual(after.filter((n) => !before.includes(n)).sort(), ROLES.map((r) => `etcd-3-${r}`).sort());
});

test("RSA leaves", async () => {
    new MemberCertificates("rsa", { ...LEAF, ca, members: [m3], keyAlgorithm: "RSA-4096" });
    await mocks.settle();
    assert.deepEqual(mocks.named("rsa-etcd-3-server-key").inputs, { algorithm: "RSA", rsaBits: 4096 });
    assert.deepEqual(mocks.named("rsa-etcd-3-peer-key").inputs, { algorithm: "RSA", rsaBits: 4096 });
});
