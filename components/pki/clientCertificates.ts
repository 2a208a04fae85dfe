import * as pulumi from "@pulumi/pulumi";
import { CERT_PROFILES, CLIENT_PROFILE_IDS, allowedUses, resolveSubject } from "./certProfiles";
import { CaSigner, IssuedCertificate, LeafSettings, issueCertificate } from "./certificateAuthority";

/**
 * Arguments of {@link ClientCertificates}. The values arrive validated (`parseClusterConfig`);
 * nothing is re-checked or defaulted here.
 *
 * `earlyRenewalHours`: kube-apiserver only reads its etcd client cert at start: restart it after
 * the `apiserver-etcd-client` cert changes (pitfalls P9).
 */
export interface ClientCertificatesArgs extends LeafSettings {
    /** The CA that signs (a `CertificateAuthority` fits). */
    ca: CaSigner;
    /**
     * CN of the admin (etcdctl) certificate, e.g. `"root"`, etcd's super-user, which etcd maps
     * the cert to once auth is enabled. See
     * https://etcd.io/docs/v3.5/op-guide/authentication/rbac/#using-tls-common-name
     */
    adminCommonName: string;
}

/**
 * Client certificates for the cluster, clientAuth only (pitfalls P8):
 *
 * - `admin`: operators' etcdctl, CN `adminCommonName` (`root`, etcd's super-user).
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

        const issued: Record<string, IssuedCertificate> = {};
        for (const id of CLIENT_PROFILE_IDS) {
            const profile = CERT_PROFILES[id];
            issued[id] = issueCertificate(`${name}-${id}`, this, args.ca, {
                keyAlgorithm: args.keyAlgorithm,
                subject: resolveSubject(profile, id === "admin-client" ? args.adminCommonName : undefined),
                allowedUses: allowedUses(profile),
                validityHours: args.validityHours,
                earlyRenewalHours: args.earlyRenewalHours,
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
