// Component tests for ClientCertificates. Mocks first, components after.
// Parent and dependencies come from the harness's view of the registration request, which plain
// setMocks doesn't offer; the engine's diff behaviour isn't visible to any mock.
import { isSecret, setupMocks, valueOf } from "../support/mocks";
const mocks = setupMocks();

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { CertificateAuthority } from "../../components/pki/certificateAuthority";
import { ClientCertificates, ClientCertificatesArgs } from "../../components/pki/clientCertificates";
import { CERT_PROFILES, CLIENT_PROFILE_IDS } from "../../components/pki/certProfiles";

const ca = new CertificateAuthority("ca", { generate: { keyAlgorithm: "RSA-2048", validityHours: 87600, earlyRenewalHours: 0, commonName: "etcd-ca" } });
/** What the cluster wiring passes (the component itself defaults nothing). */
const ARGS: ClientCertificatesArgs = { ca, keyAlgorithm: "ECDSA-P256", validityHours: 8760, earlyRenewalHours: 720, adminCommonName: "root" };

test("children: exact types and names", async () => {
    new ClientCertificates("clients", ARGS);
    await mocks.settle();
    assert.equal(mocks.named("clients").type, "etcdhosts:pki:ClientCertificates");
    const expected = ["admin-client", "healthcheck-client", "apiserver-etcd-client"].flatMap((id) => [
        ["tls:index/privateKey:PrivateKey", `clients-${id}-key`],
        ["tls:index/certRequest:CertRequest", `clients-${id}-csr`],
        ["tls:index/locallySignedCert:LocallySignedCert", `clients-${id}-cert`],
    ]);
    const actual = mocks.childrenOf("clients").map((c) => [c.type, c.name]);
    assert.deepEqual(actual.sort(), expected.sort());
});

test("subjects follow kubeadm/etcd conventions, no O=system:masters, no SANs", async () => {
    await mocks.settle();
    assert.deepEqual(mocks.named("clients-admin-client-csr").inputs.subject, { commonName: "root" });
    assert.deepEqual(mocks.named("clients-healthcheck-client-csr").inputs.subject, { commonName: "kube-etcd-healthcheck-client" });
    assert.deepEqual(mocks.named("clients-apiserver-etcd-client-csr").inputs.subject, { commonName: "kube-apiserver-etcd-client" });
    for (const id of CLIENT_PROFILE_IDS) {
        const csr = mocks.named(`clients-${id}-csr`);
        assert.equal(csr.inputs.dnsNames, undefined, id);
        assert.equal(csr.inputs.ipAddresses, undefined, id);
        assert.ok(!JSON.stringify(csr.inputs).includes("system:masters"), id);
    }
});

test("every client cert: clientAuth only, with digitalSignature+keyEncipherment; defaults 8760h / 720h; ECDSA keys", async () => {
    await mocks.settle();
    for (const id of CLIENT_PROFILE_IDS) {
        const cert = mocks.named(`clients-${id}-cert`);
        assert.deepEqual(cert.inputs.allowedUses, ["digital_signature", "key_encipherment", "client_auth"], id);
        assert.equal(cert.inputs.validityPeriodHours, 8760);
        assert.equal(cert.inputs.earlyRenewalHours, 720);
        assert.ok(cert.secretPaths.includes("caPrivateKeyPem"));
        // Leaves choose their own algorithm: ECDSA keys signed by this RSA CA.
        assert.deepEqual(mocks.named(`clients-${id}-key`).inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
        assert.equal(CERT_PROFILES[id].extKeyUsages.includes("server_auth"), false);
    }
});

test("outputs: three certs, keys secret, expiries by profile id", async () => {
    const clients = new ClientCertificates("out", { ca, validityHours: 24, earlyRenewalHours: 1, adminCommonName: "ops-admin", keyAlgorithm: "RSA-2048" });
    for (const [cert, name] of [[clients.admin, "admin-client"], [clients.healthcheck, "healthcheck-client"], [clients.apiserver, "apiserver-etcd-client"]] as const) {
        assert.equal(await valueOf(cert.certPem), `-----BEGIN CERTIFICATE-----\nFAKE-CERT out-${name}-cert\n-----END CERTIFICATE-----\n`);
        assert.match(await valueOf(cert.keyPem), new RegExp(`FAKE-PRIVATE-KEY out-${name}-key RSA 2048`));
        assert.equal(await isSecret(cert.keyPem), true);
    }
    assert.deepEqual(await valueOf(clients.validityEndTimes), {
        "admin-client": "2025-01-02T00:00:00Z",
        "healthcheck-client": "2025-01-02T00:00:00Z",
        "apiserver-etcd-client": "2025-01-02T00:00:00Z",
    });
    await mocks.settle();
    assert.deepEqual(mocks.named("out-admin-client-csr").inputs.subject, { commonName: "ops-admin" });
    assert.equal(mocks.named("out-apiserver-etcd-client-cert").inputs.earlyRenewalHours, 1);
    assert.deepEqual(Object.keys(mocks.registeredOutputs("out")), ["validityEndTimes"]);
});
