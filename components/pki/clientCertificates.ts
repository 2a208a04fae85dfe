import * as pulumi from "@pulumi/pulumi";
import {
    CERT_PROFILES,
    CLIENT_PROFILE_IDS,
    DEFAULT_KEY_ALGORITHM,
    DEFAULT_LEAF_EARLY_RENEWAL_HOURS,
    DEFAULT_LEAF_VALIDITY_HOURS,
    KeyAlgorithm,
    allowedUses,
    resolveSubject,
    validateKeyAlgorithm,
    validateValidity,
} from "./certProfiles";
import { CaSigner, IssuedCertificate, issueCertificate } from "./certificateAuthority";

export interface ClientCertificatesArgs {
    /** The CA that signs (a `CertificateAuthority` fits). */
    ca: CaSigner;
    /** Key algorithm of every client key. Defaults to `"ECDSA-P256"`. */
    keyAlgorithm?: KeyAlgorithm;
    /** Validity in hours. Defaults to `8760` (1 year). */
    validityHours?: number;
    /**
     * Hours before expiry from which the next `up` replaces a certificate. Defaults to `720`
     * (30 days). kube-apiserver only reads its etcd client cert at start: restart it after the
     * `apiserver-etcd-client` cert changes (pitfalls P9).
     */
    earlyRenewalHours?: number;
    /**
     * CN of the admin (etcdctl) certificate. Defaults to `"root"`, etcd's super-user, which
     * etcd maps the cert to once auth is enabled. See
     * https://etcd.io/docs/v3.5/op-guide/authentication/rbac/#using-tls-common-name
     */
    adminCommonName?: string;
}

/** Problems with {@link ClientCertificatesArgs} (empty when valid). */
export function validateClientCertificatesArgs(args: ClientCertificatesArgs): string[] {
    const problems: string[] = [];
    if (args.ca === undefined) problems.push("ca is required");
    if (args.keyAlgorithm !== undefined) problems.push(...validateKeyAlgorithm(args.keyAlgorithm, "keyAlgorithm"));
    problems.push(...validateValidity(args.validityHours ?? DEFAULT_LEAF_VALIDITY_HOURS, args.earlyRenewalHours ?? DEFAULT_LEAF_EARLY_RENEWAL_HOURS, "clients"));
    if (args.adminCommonName !== undefined && (args.adminCommonName.trim() === "" || args.adminCommonName.length > 64)) {
        problems.push(`adminCommonName must be 1-64 characters, got ${JSON.stringify(args.adminCommonName)}`);
    }
    return problems;
}

/**
 * Client certificates for the cluster, clientAuth only (pitfalls P8):
 *
 * - `admin`: operators' etcdctl, CN `root` (see `adminCommonName`).
 * - `healthcheck`: probes, CN `kube-etcd-healthcheck-client` (kubeadm's `etcd/healthcheck-client`).
 * - `apiserver`: kube-apiserver, CN `kube-apiserver-etcd-client` (kubeadm's `apiserver-etcd-client`).
 *
 * None carries `O=system:masters`; see `certProfiles.ts` for why.
 * Children: `${name}-admin-client-*`, `${name}-healthcheck-client-*`, `${name}-apiserver-etcd-client-*`,
 * each `-key`, `-csr`, `-cert`.
 */
export class ClientCertificates extends pulumi.ComponentResource {
    /** etcdctl / operator certificate. Key is a secret. */
    public readonly admin: IssuedCertificate;
    /** Health-check probe certificate. Key is a secret. */
    public readonly healthcheck: IssuedCertificate;
    /** kube-apiserver's etcd client certificate. Key is a secret. */
    public readonly apiserver: IssuedCertificate;
    /** Expiry of each certificate by profile id (`admin-client`, …), RFC 3339. */
    public readonly validityEndTimes: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ClientCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:pki:ClientCertificates", name, {}, opts);

        const problems = validateClientCertificatesArgs(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`ClientCertificates ${name}: ${problems.join("; ")}`, this);
        }

        const issued: Record<string, IssuedCertificate> = {};
        for (const id of CLIENT_PROFILE_IDS) {
            const profile = CERT_PROFILES[id];
            issued[id] = issueCertificate(`${name}-${id}`, this, args.ca, {
                keyAlgorithm: args.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM,
                subject: resolveSubject(profile, undefined, id === "admin-client" ? args.adminCommonName : undefined),
                allowedUses: allowedUses(profile),
                validityHours: args.validityHours ?? DEFAULT_LEAF_VALIDITY_HOURS,
                earlyRenewalHours: args.earlyRenewalHours ?? DEFAULT_LEAF_EARLY_RENEWAL_HOURS,
            });
        }
        this.admin = issued["admin-client"];
        this.healthcheck = issued["healthcheck-client"];
        this.apiserver = issued["apiserver-etcd-client"];
        this.validityEndTimes = pulumi.all(
            Object.fromEntries(Object.entries(issued).map(([id, c]) => [id, c.validityEndTime])),
        );

        this.registerOutputs({ validityEndTimes: this.validityEndTimes });
    }
}
