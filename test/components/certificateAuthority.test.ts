// Component tests for CertificateAuthority. The mocks must be installed before any component
// module is loaded, so the harness import comes first.
//
// Plain `setMocks` can't see parent, dependsOn or URNs; our harness reads them from the
// registration request (see test/support/mocks.ts). It still can't see how the engine diffs or
// whether the real TLS provider accepts these inputs.
import { FAKE_NOW, isSecret, setupMocks, valueOf } from "../support/mocks";
const mocks = setupMocks();

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as child_process from "node:child_process";
import * as path from "node:path";
import { CertificateAuthority, GeneratedCaArgs, inspectExternalCa } from "../../components/pki/certificateAuthority";
import {
    EXTERNAL_CA_CERT,
    EXTERNAL_CA_KEY,
    EXTERNAL_RSA_CA_CERT,
    EXTERNAL_RSA_CA_KEY,
    NOT_A_CA_CERT,
    UNRELATED_KEY,
} from "./fixtures";

const TOKEN = "etcdhosts:pki:CertificateAuthority";

/** What the cluster wiring passes for a generated CA (the component itself defaults nothing). */
const GENERATED: GeneratedCaArgs = { keyAlgorithm: "ECDSA-P256", validityHours: 87600, earlyRenewalHours: 0, commonName: "etcd-ca" };

test("generated CA: exactly a PrivateKey and a SelfSignedCert, ECDSA P-256, 10 years", async () => {
    const ca = new CertificateAuthority("ca-default", { generate: GENERATED });
    await mocks.settle();

    assert.equal(mocks.named("ca-default").type, TOKEN);
    const children = mocks.childrenOf("ca-default");
    assert.deepEqual(children.map((c) => [c.type, c.name]), [
        ["tls:index/privateKey:PrivateKey", "ca-default-key"],
        ["tls:index/selfSignedCert:SelfSignedCert", "ca-default-cert"],
    ]);
    assert.deepEqual(children[0].inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const cert = children[1];
    assert.deepEqual(cert.inputs.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
    assert.equal(cert.inputs.isCaCertificate, true);
    assert.equal(cert.inputs.validityPeriodHours, 87600);
    assert.equal(cert.inputs.earlyRenewalHours, 0);
    assert.equal(cert.inputs.setSubjectKeyId, true);
    assert.deepEqual(cert.inputs.subject, { commonName: "etcd-ca" });
    assert.deepEqual(cert.secretPaths, ["privateKeyPem"]);
    // The cert is signed by this component's key, through an input dependency.
    assert.ok(cert.options.dependencies.includes(mocks.named("ca-default-key").urn));

    assert.equal(await valueOf(ca.certPem), "-----BEGIN CERTIFICATE-----\nFAKE-CERT ca-default-cert\n-----END CERTIFICATE-----\n");
    assert.match(await valueOf(ca.keyPem), /FAKE-PRIVATE-KEY ca-default-key ECDSA P256/);
    assert.equal(await isSecret(ca.keyPem), true);
    assert.equal(await isSecret(ca.certPem), false);
    assert.equal(await valueOf(ca.keyAlgorithm), "ECDSA");
    assert.equal(FAKE_NOW, "2025-01-01T00:00:00Z");
    assert.equal(await valueOf(ca.validityEndTime), "2034-12-30T00:00:00Z");
});

test("generated CA: the private key is not among the registered outputs", async () => {
    new CertificateAuthority("ca-outputs", { generate: GENERATED });
    await mocks.settle();
    const outputs = mocks.registeredOutputs("ca-outputs");
    assert.deepEqual(Object.keys(outputs).sort(), ["certPem", "keyAlgorithm", "validityEndTime"]);
    assert.ok(!JSON.stringify(outputs).includes("PRIVATE KEY"));
});

for (const [algorithm, bits] of [["RSA-2048", 2048], ["RSA-4096", 4096]] as const) {
    test(`generated CA: ${algorithm}`, async () => {
        const ca = new CertificateAuthority(`ca-${bits}`, { generate: { ...GENERATED, keyAlgorithm: algorithm } });
        await mocks.settle();
        assert.deepEqual(mocks.named(`ca-${bits}-key`).inputs, { algorithm: "RSA", rsaBits: bits });
        assert.equal(await valueOf(ca.keyAlgorithm), "RSA");
    });
}

test("generated CA: validity, early renewal, CN and O are passed through", async () => {
    const ca = new CertificateAuthority("ca-custom", {
        generate: {
            keyAlgorithm: "ECDSA-P256",
            validityHours: 43800,
            earlyRenewalHours: 24,
            commonName: "prod-etcd-ca",
            organization: "Example Ops",
        },
    });
    await mocks.settle();
    const cert = mocks.named("ca-custom-cert");
    assert.equal(cert.inputs.validityPeriodHours, 43800);
    assert.equal(cert.inputs.earlyRenewalHours, 24);
    assert.deepEqual(cert.inputs.subject, { commonName: "prod-etcd-ca", organization: "Example Ops" });
    assert.equal(await valueOf(ca.validityEndTime), "2029-12-31T00:00:00Z");
});

test("external CA: no children, PEMs passed through, key secret, facts read from the cert", async () => {
    const ca = new CertificateAuthority("ca-external", { external: { certPem: EXTERNAL_CA_CERT, keyPem: EXTERNAL_CA_KEY } });
    await mocks.settle();
    assert.deepEqual(mocks.childrenOf("ca-external"), []);
    assert.equal(await valueOf(ca.certPem), EXTERNAL_CA_CERT);
    assert.equal(await valueOf(ca.keyPem), EXTERNAL_CA_KEY);
    assert.equal(await isSecret(ca.keyPem), true);
    assert.equal(await valueOf(ca.keyAlgorithm), "ECDSA");
    assert.equal(await isSecret(ca.keyAlgorithm), false);
    assert.equal(await valueOf(ca.validityEndTime), "2126-10-30T09:22:34Z");
    assert.equal(await isSecret(ca.validityEndTime), false);
    assert.ok(!JSON.stringify(mocks.registeredOutputs("ca-external")).includes("PRIVATE KEY"));
});

test("external RSA CA: algorithm RSA", async () => {
    const ca = new CertificateAuthority("ca-external-rsa", { external: { certPem: EXTERNAL_RSA_CA_CERT, keyPem: EXTERNAL_RSA_CA_KEY } });
    assert.equal(await valueOf(ca.keyAlgorithm), "RSA");
});

test("inspectExternalCa: exact errors for a wrong key, a non-CA cert and garbage", () => {
    assert.throws(() => inspectExternalCa(EXTERNAL_CA_CERT, UNRELATED_KEY), {
        message: "external.keyPem does not match the public key of external.certPem",
    });
    assert.throws(() => inspectExternalCa(NOT_A_CA_CERT, UNRELATED_KEY), {
        message: 'external.certPem (subject "CN=not-a-ca") is not a CA certificate (basicConstraints CA:TRUE is missing)',
    });
    assert.throws(() => inspectExternalCa(EXTERNAL_CA_CERT, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"), {
        message: "external.keyPem is not a readable, unencrypted PEM private key",
    });
    assert.throws(() => inspectExternalCa("nonsense", EXTERNAL_CA_KEY), /^Error: external.certPem is not a PEM certificate/);
});

test("external CA with a mismatched key: the program fails, naming the component, and signs nothing", () => {
    // A failed check rejects the registered outputs, which Pulumi surfaces as an unhandled
    // rejection that ends the program. node's test runner would count that against whichever
    // test is running, so this scenario runs in its own process and we assert on how it ends.
    const result = child_process.spawnSync(process.execPath, ["--require", "ts-node/register", path.join(__dirname, "programs", "externalCaMismatch.ts")], {
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        encoding: "utf8",
        timeout: 60_000,
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /CertificateAuthority ca-mismatch: external\.keyPem does not match the public key of external\.certPem/);
    // Keys and CSRs may have been registered; no certificate was signed with the bad CA.
    assert.match(result.stdout, /^registered: etcdhosts:pki:CertificateAuthority,/m);
    assert.doesNotMatch(result.stdout, /LocallySignedCert/);
});
