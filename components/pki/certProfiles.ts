// Declarative table of every certificate this project issues, in the spirit of kubeadm's
// `phases/certs/certlist.go`: one row per certificate with its subject, key usages and extended
// key usages. Pure data plus a few pure helpers; the components in this directory only read it.

/** Key usages we put into certificates, spelled as `@pulumi/tls` `allowedUses` takes them (the Terraform provider validates these exact snake_case names). */
export type KeyUsage = "digital_signature" | "key_encipherment" | "cert_signing" | "crl_signing";

/** Extended key usages we put into certificates. */
export type ExtKeyUsage = "server_auth" | "client_auth";

/**
 * Key algorithm and size of a private key.
 *
 * ECDSA P-256 is the default everywhere: small keys, fast handshakes, supported by every etcd
 * release and by kube-apiserver. RSA is offered for environments whose policy requires it.
 */
export type KeyAlgorithm = "ECDSA-P256" | "RSA-2048" | "RSA-4096";

/** Every accepted {@link KeyAlgorithm}, for validation and error messages. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ECDSA-P256", "RSA-2048", "RSA-4096"];

/** Default key algorithm for the CA and every leaf. */
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = "ECDSA-P256";

/** Default CA validity: 10 years, as kubeadm's CA. */
export const DEFAULT_CA_VALIDITY_HOURS = 87600;

/** Default leaf validity: 1 year, as kubeadm's leaves. */
export const DEFAULT_LEAF_VALIDITY_HOURS = 8760;

/**
 * Default early renewal window for leaves: 30 days. `@pulumi/tls` marks a cert `readyForRenewal`
 * inside this window and the next `pulumi up` replaces it (pitfalls P9), so a monthly `up` is
 * enough to never serve an expired leaf.
 */
export const DEFAULT_LEAF_EARLY_RENEWAL_HOURS = 720;

/**
 * Upper bound on any validity. `validityPeriodHours` overflows in the TLS provider for huge values
 * (hashicorp/terraform-provider-tls#554); 100 years is far beyond any sane certificate.
 */
export const MAX_VALIDITY_HOURS = 876000;

/** Subject of a profile: either fixed, or the etcd member's name (kubeadm `setCommonNameToNodeName`). */
export type ProfileSubject =
    | { kind: "memberName" }
    | { kind: "fixed"; commonName: string; organization?: string };

/** Identifier of a row in {@link CERT_PROFILES}. */
export type CertProfileId = "ca" | "server" | "peer" | "healthcheck-client" | "admin-client" | "apiserver-etcd-client";

/** One certificate kind. */
export interface CertProfile {
    /** Row id; also the role segment of child resource names. */
    id: CertProfileId;
    /** What the certificate is for, as kubeadm's `LongName`. */
    longName: string;
    /** File stem kubeadm uses for this cert (`<baseName>.crt` / `<baseName>.key`), relative to the etcd PKI dir. */
    baseName: string;
    /** `ca` signs, `member` is issued once per etcd member, `client` once per cluster. */
    kind: "ca" | "member" | "client";
    subject: ProfileSubject;
    keyUsages: readonly KeyUsage[];
    extKeyUsages: readonly ExtKeyUsage[];
    /** Whether the certificate carries the member's SANs. */
    hasSans: boolean;
}

/**
 * The table.
 *
 * - Server *and* peer certs carry serverAuth + clientAuth: etcd's gRPC gateway dials the server
 *   with the server cert as a client cert, and peers dial each other (pitfalls P8,
 *   etcd-io/etcd#9785; kubeadm's own TODO on `KubeadmCertEtcdServer`).
 * - Client certs carry clientAuth only.
 * - No client cert carries `O=system:masters`. etcd ignores the Organization entirely; it only
 *   reads the CN, as the user name when auth is enabled. Older kubeadm releases put
 *   `system:masters` into `healthcheck-client` and `apiserver-etcd-client`; current kubeadm
 *   dropped it, because a cert naming that group is a Kubernetes super-user credential should
 *   the etcd CA ever be trusted by kube-apiserver as a client CA.
 * - The admin (etcdctl) cert's CN is `root`, etcd's built-in super-user: with auth enabled,
 *   etcd maps the client cert CN to the user, so this cert keeps full access after RBAC is
 *   switched on. See https://etcd.io/docs/v3.5/op-guide/authentication/rbac/#using-tls-common-name
 */
export const CERT_PROFILES: Readonly<Record<CertProfileId, CertProfile>> = {
    "ca": {
        id: "ca",
        longName: "self-signed CA to provision identities for etcd",
        baseName: "ca",
        kind: "ca",
        subject: { kind: "fixed", commonName: "etcd-ca" },
        keyUsages: ["cert_signing", "crl_signing", "digital_signature"],
        extKeyUsages: [],
        hasSans: false,
    },
    "server": {
        id: "server",
        longName: "certificate for serving etcd client traffic",
        baseName: "server",
        kind: "member",
        subject: { kind: "memberName" },
        keyUsages: ["digital_signature", "key_encipherment"],
        extKeyUsages: ["server_auth", "client_auth"],
        hasSans: true,
    },
    "peer": {
        id: "peer",
        longName: "certificate for etcd members to talk to each other",
        baseName: "peer",
        kind: "member",
        subject: { kind: "memberName" },
        keyUsages: ["digital_signature", "key_encipherment"],
        extKeyUsages: ["server_auth", "client_auth"],
        hasSans: true,
    },
    "healthcheck-client": {
        id: "healthcheck-client",
        longName: "client certificate for liveness probes to healthcheck etcd",
        baseName: "healthcheck-client",
        kind: "client",
        subject: { kind: "fixed", commonName: "kube-etcd-healthcheck-client" },
        keyUsages: ["digital_signature", "key_encipherment"],
        extKeyUsages: ["client_auth"],
        hasSans: false,
    },
    "admin-client": {
        id: "admin-client",
        longName: "client certificate for operators (etcdctl)",
        baseName: "admin-client",
        kind: "client",
        subject: { kind: "fixed", commonName: "root" },
        keyUsages: ["digital_signature", "key_encipherment"],
        extKeyUsages: ["client_auth"],
        hasSans: false,
    },
    "apiserver-etcd-client": {
        id: "apiserver-etcd-client",
        longName: "client certificate kube-apiserver uses to access etcd",
        baseName: "apiserver-etcd-client",
        kind: "client",
        subject: { kind: "fixed", commonName: "kube-apiserver-etcd-client" },
        keyUsages: ["digital_signature", "key_encipherment"],
        extKeyUsages: ["client_auth"],
        hasSans: false,
    },
};

/** Profiles issued per member, in child-creation order. */
export const MEMBER_PROFILE_IDS: readonly CertProfileId[] = ["server", "peer"];

/** Profiles issued once per cluster for clients, in child-creation order. */
export const CLIENT_PROFILE_IDS: readonly CertProfileId[] = ["admin-client", "healthcheck-client", "apiserver-etcd-client"];

/** `allowedUses` for `@pulumi/tls`: key usages first, then extended key usages, in table order. */
export function allowedUses(profile: CertProfile): string[] {
    return [...profile.keyUsages, ...profile.extKeyUsages];
}

/** Resolved subject of a certificate. */
export interface Subject {
    commonName: string;
    organization?: string;
}

/**
 * Subject for a profile. `memberName` is required for per-member profiles and ignored otherwise;
 * `commonNameOverride` replaces a fixed CN (used for the admin cert's CN).
 */
export function resolveSubject(profile: CertProfile, memberName?: string, commonNameOverride?: string): Subject {
    if (profile.subject.kind === "memberName") {
        if (memberName === undefined || memberName === "") {
            throw new Error(`certificate profile "${profile.id}" needs a member name for its CN`);
        }
        return { commonName: memberName };
    }
    const subject: Subject = { commonName: commonNameOverride ?? profile.subject.commonName };
    if (profile.subject.organization !== undefined) {
        subject.organization = profile.subject.organization;
    }
    return subject;
}

/** `@pulumi/tls` `PrivateKey` arguments for a {@link KeyAlgorithm}. */
export function privateKeyArgs(algorithm: KeyAlgorithm): { algorithm: "ECDSA"; ecdsaCurve: "P256" } | { algorithm: "RSA"; rsaBits: 2048 | 4096 } {
    switch (algorithm) {
        case "ECDSA-P256":
            return { algorithm: "ECDSA", ecdsaCurve: "P256" };
        case "RSA-2048":
            return { algorithm: "RSA", rsaBits: 2048 };
        case "RSA-4096":
            return { algorithm: "RSA", rsaBits: 4096 };
        default: {
            const exhaustive: never = algorithm;
            throw new Error(`unknown key algorithm ${String(exhaustive)}`);
        }
    }
}

/** Problems with a key algorithm value (empty when valid). */
export function validateKeyAlgorithm(value: unknown, field: string): string[] {
    if (typeof value === "string" && (KEY_ALGORITHMS as readonly string[]).includes(value)) {
        return [];
    }
    return [`${field} must be one of ${KEY_ALGORITHMS.join(", ")}, got ${JSON.stringify(value)}`];
}

/** Problems with a validity / early-renewal pair (empty when valid). */
export function validateValidity(validityHours: number, earlyRenewalHours: number, field: string): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(validityHours) || validityHours <= 0 || validityHours > MAX_VALIDITY_HOURS) {
        problems.push(`${field}.validityHours must be an integer between 1 and ${MAX_VALIDITY_HOURS}, got ${validityHours}`);
    }
    if (!Number.isInteger(earlyRenewalHours) || earlyRenewalHours < 0) {
        problems.push(`${field}.earlyRenewalHours must be a non-negative integer, got ${earlyRenewalHours}`);
    } else if (problems.length === 0 && earlyRenewalHours >= validityHours) {
        // A window as long as the validity makes every cert "ready for renewal" on issue, so
        // every `up` would replace it.
        problems.push(`${field}.earlyRenewalHours (${earlyRenewalHours}) must be smaller than validityHours (${validityHours})`);
    }
    return problems;
}
