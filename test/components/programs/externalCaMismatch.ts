// Run by certificateAuthority.test.ts in a child process: an external CA whose key doesn't
// match its certificate must end the program with an error, before any leaf is signed.
import { setupMocks } from "../../support/mocks";
const mocks = setupMocks();

import { CertificateAuthority } from "../../../components/pki/certificateAuthority";
import { ClientCertificates } from "../../../components/pki/clientCertificates";
import { EXTERNAL_CA_CERT, UNRELATED_KEY } from "../fixtures";

process.on("exit", () => {
    process.stdout.write(`registered: ${mocks.resources.map((r) => r.type).join(",")}\n`);
});

const ca = new CertificateAuthority("ca-mismatch", { external: { certPem: EXTERNAL_CA_CERT, keyPem: UNRELATED_KEY } });
new ClientCertificates("clients", { ca, keyAlgorithm: "ECDSA-P256", validityHours: 8760, earlyRenewalHours: 720, adminCommonName: "root" });
