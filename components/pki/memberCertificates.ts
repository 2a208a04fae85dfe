import * as pulumi from "@pulumi/pulumi";
import { CERT_PROFILES, MEMBER_PROFILE_IDS, allowedUses, resolveSubject } from "./certProfiles";
import { CaSigner, IssuedCertificate, LeafSettings, issueCertificate } from "./certificateAuthority";

/** Subject alternative names of one certificate. */
export interface CertSans {
    /** DNS SANs, e.g. the member's hostname and `localhost`. */
    dnsNames: readonly string[];
    /** IP SANs, e.g. the advertise IP, `127.0.0.1` and `::1`. Prefer these over DNS (pitfalls P7). */
    ipAddresses: readonly string[];
}

/** One etcd member's certificate request. */
export interface MemberCertArgs {
    /**
     * Member name: the etcd `--name`, the CN of both certificates, and the key of every child
     * resource name. Renaming a member replaces its certificates.
     */
    name: string;
    /**
     * SANs of the server certificate (computed with the cluster plan, not here). Never empty: a
     * certificate without SANs matches no address.
     */
    sans: CertSans;
    /** SANs of the peer certificate; the same as `sans` unless the plan says otherwise. */
    peerSans: CertSans;
}

/**
 * Arguments of {@link MemberCertificates}. The values arrive validated: member names unique
 * lowercase DNS labels, SANs syntactically valid (`parseClusterConfig` checks the node inventory
 * they come from). Nothing is re-checked or defaulted here.
 *
 * `earlyRenewalHours`: the renewed files are written in place; etcd reads leaf certs per
 * handshake, so no restart is needed for a leaf renewal (pitfalls P9).
 */
export interface MemberCertificatesArgs extends LeafSettings {
    /** The CA that signs (a `CertificateAuthority` fits). */
    ca: CaSigner;
    /** The members. Order doesn't matter: children are keyed by member name. */
    members: MemberCertArgs[];
}

/** Server and peer certificates of one member. */
export interface MemberCertificateSet {
    /** Client-facing certificate (`--cert-file` / `--key-file`). */
    server: IssuedCertificate;
    /** Peer certificate (`--peer-cert-file` / `--peer-key-file`). */
    peer: IssuedCertificate;
}

/**
 * Per-member server and peer certificates, kubeadm style: two separate certs per member, each
 * with CN = member name, serverAuth + clientAuth, digitalSignature + keyEncipherment.
 *
 * Children: `${name}-${member}-server-key|csr|cert` and `${name}-${member}-peer-key|csr|cert`.
 * Keyed by member name, never by position, so adding or removing a member leaves every other
 * member's certificates alone.
 */
export class MemberCertificates extends pulumi.ComponentResource {
    /** Certificates by member name. Keys are secrets. */
    public readonly members: Record<string, MemberCertificateSet>;
    /** Expiry of every certificate, keyed `"<member>/server"` and `"<member>/peer"`, RFC 3339. */
    public readonly validityEndTimes: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: MemberCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:pki:MemberCertificates", name, {}, opts);

        const { keyAlgorithm, validityHours, earlyRenewalHours } = args;
        this.members = {};
        const expiries: Record<string, pulumi.Output<string>> = {};
        for (const member of args.members) {
            const issued: Partial<MemberCertificateSet> = {};
            for (const id of MEMBER_PROFILE_IDS) {
                const profile = CERT_PROFILES[id];
                const sans = id === "peer" ? member.peerSans : member.sans;
                const cert = issueCertificate(`${name}-${member.name}-${id}`, this, args.ca, {
                    keyAlgorithm,
                    subject: resolveSubject(profile, member.name),
                    allowedUses: allowedUses(profile),
                    validityHours,
                    earlyRenewalHours,
                    dnsNames: sans.dnsNames,
                    ipAddresses: sans.ipAddresses,
                });
                issued[id as "server" | "peer"] = cert;
                expiries[`${member.name}/${id}`] = cert.validityEndTime;
            }
            this.members[member.name] = issued as MemberCertificateSet;
        }
        this.validityEndTimes = pulumi.all(expiries);

        this.registerOutputs({ validityEndTimes: this.validityEndTimes });
    }
}
