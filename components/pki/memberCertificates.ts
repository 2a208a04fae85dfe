import * as net from "net";
import * as pulumi from "@pulumi/pulumi";
import {
    CERT_PROFILES,
    DEFAULT_KEY_ALGORITHM,
    DEFAULT_LEAF_EARLY_RENEWAL_HOURS,
    DEFAULT_LEAF_VALIDITY_HOURS,
    KeyAlgorithm,
    MEMBER_PROFILE_IDS,
    allowedUses,
    resolveSubject,
    validateKeyAlgorithm,
    validateValidity,
} from "./certProfiles";
import { CaSigner, IssuedCertificate, issueCertificate } from "./certificateAuthority";

/** Subject alternative names of one certificate. */
export interface CertSans {
    /** DNS SANs, e.g. the member's hostname and `localhost`. */
    dnsNames: string[];
    /** IP SANs, e.g. the advertise IP, `127.0.0.1` and `::1`. Prefer these over DNS (pitfalls P7). */
    ipAddresses: string[];
}

/** One etcd member's certificate request. */
export interface MemberCertArgs {
    /**
     * Member name: the etcd `--name`, the CN of both certificates, and the key of every child
     * resource name. Renaming a member replaces its certificates.
     */
    name: string;
    /** SANs of the server certificate (computed by `sans.ts`, not here). */
    sans: CertSans;
    /** SANs of the peer certificate. Defaults to `sans`. */
    peerSans?: CertSans;
}

export interface MemberCertificatesArgs {
    /** The CA that signs (a `CertificateAuthority` fits). */
    ca: CaSigner;
    /** The members. Order doesn't matter: children are keyed by member name. */
    members: MemberCertArgs[];
    /** Key algorithm of every member key. Defaults to `"ECDSA-P256"`. */
    keyAlgorithm?: KeyAlgorithm;
    /** Validity in hours. Defaults to `8760` (1 year). */
    validityHours?: number;
    /**
     * Hours before expiry from which the next `up` replaces a certificate. Defaults to `720`
     * (30 days). The new files are written in place; etcd reads leaf certs per handshake, so no
     * restart is needed for a leaf renewal (pitfalls P9).
     */
    earlyRenewalHours?: number;
}

/** Server and peer certificates of one member. */
export interface MemberCertificateSet {
    /** Client-facing certificate (`--cert-file` / `--key-file`). */
    server: IssuedCertificate;
    /** Peer certificate (`--peer-cert-file` / `--peer-key-file`). */
    peer: IssuedCertificate;
}

const MEMBER_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const DNS_NAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function validateSans(sans: CertSans | undefined, field: string): string[] {
    if (sans === undefined || !Array.isArray(sans.dnsNames) || !Array.isArray(sans.ipAddresses)) {
        return [`${field} must have dnsNames and ipAddresses arrays`];
    }
    const problems: string[] = [];
    for (const d of sans.dnsNames) {
        if (typeof d !== "string" || !DNS_NAME.test(d) || d.length > 253) problems.push(`${field}.dnsNames has an invalid DNS name ${JSON.stringify(d)}`);
    }
    for (const ip of sans.ipAddresses) {
        if (typeof ip !== "string" || net.isIP(ip) === 0) problems.push(`${field}.ipAddresses has an invalid IP address ${JSON.stringify(ip)}`);
    }
    if (problems.length === 0 && sans.dnsNames.length + sans.ipAddresses.length === 0) {
        problems.push(`${field} is empty: a server or peer certificate without SANs matches no address`);
    }
    return problems;
}

/** Problems with {@link MemberCertificatesArgs} (empty when valid). */
export function validateMemberCertificatesArgs(args: MemberCertificatesArgs): string[] {
    const problems: string[] = [];
    if (args.ca === undefined) problems.push("ca is required");
    if (args.keyAlgorithm !== undefined) problems.push(...validateKeyAlgorithm(args.keyAlgorithm, "keyAlgorithm"));
    problems.push(...validateValidity(args.validityHours ?? DEFAULT_LEAF_VALIDITY_HOURS, args.earlyRenewalHours ?? DEFAULT_LEAF_EARLY_RENEWAL_HOURS, "members"));
    if (!Array.isArray(args.members) || args.members.length === 0) {
        problems.push("members must list at least one member");
        return problems;
    }
    const seen = new Set<string>();
    args.members.forEach((m, i) => {
        if (typeof m.name !== "string" || !MEMBER_NAME.test(m.name)) {
            problems.push(`members[${i}].name must be 1-63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit, got ${JSON.stringify(m.name)}`);
        } else if (seen.has(m.name)) {
            problems.push(`members[${i}].name ${JSON.stringify(m.name)} is used twice`);
        }
        seen.add(m.name);
        problems.push(...validateSans(m.sans, `members[${i}].sans`));
        if (m.peerSans !== undefined) problems.push(...validateSans(m.peerSans, `members[${i}].peerSans`));
    });
    return problems;
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

        const problems = validateMemberCertificatesArgs(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`MemberCertificates ${name}: ${problems.join("; ")}`, this);
        }

        const keyAlgorithm = args.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
        const validityHours = args.validityHours ?? DEFAULT_LEAF_VALIDITY_HOURS;
        const earlyRenewalHours = args.earlyRenewalHours ?? DEFAULT_LEAF_EARLY_RENEWAL_HOURS;

        this.members = {};
        const expiries: Record<string, pulumi.Output<string>> = {};
        for (const member of args.members) {
            const issued: Partial<MemberCertificateSet> = {};
            for (const id of MEMBER_PROFILE_IDS) {
                const profile = CERT_PROFILES[id];
                const sans = id === "peer" ? member.peerSans ?? member.sans : member.sans;
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
