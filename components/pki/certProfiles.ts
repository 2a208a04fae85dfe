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
 * ECDSA P-256 is the config's default: small keys, fast handshakes, supported by every etcd
 * release and by kube-apiserver. RSA is offered for environments whose policy requires it.
 */
export type KeyAlgorithm = "ECDSA-P256" | "RSA-2048" | "RSA-4096";

/** Every {@link KeyAlgorithm}, in documentation order. The config's allowed values. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ECDSA-P256", "RSA-2048", "RSA-4096"];

/**
 * Subject of a profile: fixed, the etcd member's name (kubeadm `setCommonNameToNodeName`), or a
 * CN the caller gives (the CA's and the operator's, whose values live with the other constants).
 */
export type ProfileSubject =
    | { kind: "memberName" }
    | { kind: "given" }
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
 * - The admin (etcdctl) cert's CN is given by the caller; it should be `root`, etcd's built-in
 *   super-user: with auth enabled, etcd maps the client cert CN to the user, so this cert keeps
 *   full access after RBAC is switched on. See
 *   https://etcd.io/docs/v3.5/op-guide/authentication/rbac/#using-tls-common-name
 * - The CA's CN is given by the caller too (kubeadm names it `etcd-ca`).
 */
export const CERT_PROFILES: Readonly<Record<CertProfileId, CertProfile>> = {
    "ca": {
        id: "ca",
        longName: "self-signed CA to provision identities for etcd",
        baseName: "ca",
        kind: "ca",
        subject: { kind: "given" },
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
        subject: { kind: "given" },
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
 * Subject for a profile. `name` is the CN of per-member (`memberName`) and caller-named
 * (`given`) profiles, required for them and ignored for fixed ones.
 */
export function resolveSubject(profile: CertProfile, name?: string): Subject {
    if (profile.subject.kind === "memberName" || profile.subject.kind === "given") {
        if (name === undefined || name === "") {
            throw new Error(`certificate profile "${profile.id}" needs a ${profile.subject.kind === "memberName" ? "member name" : "common name"} for its CN`);
        }
        return { commonName: name };
    }
    const subject: Subject = { commonName: profile.subject.commonName };
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
