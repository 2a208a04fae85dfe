import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { CERT_PROFILES, KeyAlgorithm, Subject, allowedUses, privateKeyArgs, resolveSubject } from "./certProfiles";

/** A CA brought in from outside (e.g. an offline root or a corporate intermediate). */
export interface ExternalCaArgs {
    /** CA certificate, PEM. Must be a CA certificate (basicConstraints CA:TRUE). */
    certPem: pulumi.Input<string>;
    /** CA private key, PEM (PKCS#1, SEC1 or PKCS#8). Wrapped as a secret here whatever you pass. */
    keyPem: pulumi.Input<string>;
}

/** A CA generated with `@pulumi/tls`, whose private key then lives (as a secret) in the stack state. */
export interface GeneratedCaArgs {
    /**
     * Key algorithm of the CA. Leaves choose their own: an RSA CA can sign ECDSA leaves and the
     * other way round.
     */
    keyAlgorithm: KeyAlgorithm;
    /** Validity in hours, e.g. `87600` (10 years, as kubeadm's CA). */
    validityHours: number;
    /**
     * Early-renewal window in hours; `0` never renews early. A new CA re-issues every leaf and
     * needs a staged, one-member-at-a-time trust rollout (pitfalls P9), which an unattended `up`
     * must not start, so `0` is the value to pass.
     */
    earlyRenewalHours: number;
    /** CN, e.g. `"etcd-ca"` (kubeadm's name). */
    commonName: string;
    /** O. Left out: the subject has no O. */
    organization?: string;
}

/**
 * Arguments of {@link CertificateAuthority}: bring a CA (`external`) or generate one
 * (`generate`). The values arrive validated (`parseClusterConfig`); only the external PEMs,
 * whose consistency no config parser can see, are checked here.
 */
export type CertificateAuthorityArgs = { external: ExternalCaArgs } | { generate: GeneratedCaArgs };

/** What a component needs to sign certificates: the CA certificate and its key. */
export interface CaSigner {
    /** CA certificate, PEM. */
    certPem: pulumi.Input<string>;
    /** CA private key, PEM. Passed to the TLS provider as a secret. */
    keyPem: pulumi.Input<string>;
}

/** Facts read from an external CA; see {@link inspectExternalCa}. */
export interface ExternalCaInfo {
    /** `RSA`, `ECDSA` or `ED25519`, as `@pulumi/tls` names key algorithms. */
    keyAlgorithm: string;
    /** End of validity, RFC 3339. */
    validityEndTime: string;
}

/**
 * Check an external CA and read its key algorithm and expiry. Throws with a clear message when
 * the certificate isn't a CA or the key doesn't belong to it. Pure (node's crypto only), so the
 * key never leaves this process.
 */
export function inspectExternalCa(certPem: string, keyPem: string): ExternalCaInfo {
    let cert: crypto.X509Certificate;
    try {
        cert = new crypto.X509Certificate(certPem);
    } catch (e) {
        throw new Error(`external.certPem is not a PEM certificate: ${(e as Error).message}`);
    }
    if (!cert.ca) {
        throw new Error(`external.certPem (subject "${cert.subject.replace(/\n/g, ", ")}") is not a CA certificate (basicConstraints CA:TRUE is missing)`);
    }
    let key: crypto.KeyObject;
    try {
        key = crypto.createPrivateKey(keyPem);
    } catch {
        // Never echo the key text or the parser's excerpt of it.
        throw new Error("external.keyPem is not a readable, unencrypted PEM private key");
    }
    if (!cert.checkPrivateKey(key)) {
        throw new Error("external.keyPem does not match the public key of external.certPem");
    }
    const algorithms: Record<string, string> = { rsa: "RSA", ec: "ECDSA", ed25519: "ED25519" };
    const keyAlgorithm = algorithms[key.asymmetricKeyType ?? ""];
    if (keyAlgorithm === undefined) {
        throw new Error(`external CA key type ${key.asymmetricKeyType} is not supported (use RSA, ECDSA or ED25519)`);
    }
    return { keyAlgorithm, validityEndTime: new Date(cert.validTo).toISOString().replace(/\.000Z$/, "Z") };
}

/**
 * The etcd cluster's certificate authority: generated with `@pulumi/tls` (a `PrivateKey` and a
 * `SelfSignedCert`), or brought in from given PEMs.
 *
 * `keyPem` is public on the class so that `MemberCertificates` / `ClientCertificates` can sign
 * with it, but it is a secret and deliberately not part of `registerOutputs`.
 */
export class CertificateAuthority extends pulumi.ComponentResource {
    /** CA certificate, PEM. Distribute it as `ca.crt` to members and clients. */
    public readonly certPem: pulumi.Output<string>;
    /** CA private key, PEM. Secret; for signing only. Never write it to a host. */
    public readonly keyPem: pulumi.Output<string>;
    /**
     * Key algorithm of the CA (`RSA` / `ECDSA` / `ED25519`). `@pulumi/tls` 5 infers the CA key
     * algorithm when signing (`LocallySignedCert.caKeyAlgorithm` is output-only), so this is
     * informational: for stack outputs and checks.
     */
    public readonly keyAlgorithm: pulumi.Output<string>;
    /** End of the CA's validity, RFC 3339. */
    public readonly validityEndTime: pulumi.Output<string>;

    constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:pki:CertificateAuthority", name, {}, opts);

        if ("external" in args) {
            const givenCert = pulumi.output(args.external.certPem);
            const givenKey = pulumi.secret(args.external.keyPem);
            const info = pulumi.all([givenCert, givenKey]).apply(([cert, key]) => {
                try {
                    return inspectExternalCa(cert, key);
                } catch (e) {
                    throw new pulumi.ResourceError(`CertificateAuthority ${name}: ${(e as Error).message}`, this);
                }
            });
            // The PEMs are released only once they passed the check, so no leaf is even attempted
            // with a key that doesn't belong to the certificate: the failure names this component
            // and the exact problem, at preview, instead of surfacing later as a signing error per
            // leaf. A failed check rejects these outputs and the registered outputs below, which
            // fails the deployment.
            this.certPem = pulumi.all([givenCert, info]).apply(([cert]) => cert);
            this.keyPem = pulumi.secret(pulumi.all([givenKey, info]).apply(([key]) => key));
            // Algorithm and expiry are public facts of the certificate; only the key was secret.
            this.keyAlgorithm = pulumi.unsecret(info.keyAlgorithm);
            this.validityEndTime = pulumi.unsecret(info.validityEndTime);
        } else {
            const gen = args.generate;
            const profile = CERT_PROFILES["ca"];
            const subject: Subject = resolveSubject(profile, gen.commonName);
            if (gen.organization !== undefined) subject.organization = gen.organization;
            const key = new tls.PrivateKey(`${name}-key`, privateKeyArgs(gen.keyAlgorithm), { parent: this });
            const cert = new tls.SelfSignedCert(`${name}-cert`, {
                privateKeyPem: key.privateKeyPem,
                subject,
                isCaCertificate: true,
                allowedUses: allowedUses(profile),
                validityPeriodHours: gen.validityHours,
                earlyRenewalHours: gen.earlyRenewalHours,
                // Leaves get an Authority Key Identifier from this, which helps chain building
                // once a second CA sits in the bundle during a CA rotation.
                setSubjectKeyId: true,
            }, { parent: this });
            this.certPem = cert.certPem;
            this.keyPem = pulumi.secret(key.privateKeyPem);
            this.keyAlgorithm = cert.keyAlgorithm;
            this.validityEndTime = cert.validityEndTime;
        }

        this.registerOutputs({
            certPem: this.certPem,
            keyAlgorithm: this.keyAlgorithm,
            validityEndTime: this.validityEndTime,
        });
    }
}

/** One issued leaf certificate. */
export interface IssuedCertificate {
    /** Certificate, PEM. */
    certPem: pulumi.Output<string>;
    /** Private key, PEM. Secret. */
    keyPem: pulumi.Output<string>;
    /** End of validity, RFC 3339. Export it to alert before expiry. */
    validityEndTime: pulumi.Output<string>;
}

/** Key and validity settings shared by every leaf of a component. */
export interface LeafSettings {
    /** Algorithm of every leaf key. */
    keyAlgorithm: KeyAlgorithm;
    /** Validity in hours, e.g. `8760` (1 year, as kubeadm's leaves). */
    validityHours: number;
    /**
     * Hours before expiry from which the next `up` replaces a certificate, e.g. `720` (30 days):
     * `@pulumi/tls` marks a cert `readyForRenewal` inside this window (pitfalls P9), so a monthly
     * `up` never serves an expired leaf. Smaller than `validityHours`, or every `up` replaces it.
     */
    earlyRenewalHours: number;
}

/** Everything needed to issue one leaf. */
export interface LeafSpec {
    /** Algorithm of the leaf's own key. */
    keyAlgorithm: KeyAlgorithm;
    /** CN (and O) of the leaf. */
    subject: Subject;
    /** Key usages and extended key usages, `@pulumi/tls` names (see `certProfiles.ts`). */
    allowedUses: string[];
    /** Validity in hours. */
    validityHours: number;
    /** Early-renewal window in hours. */
    earlyRenewalHours: number;
    /** DNS SANs. Left out (client certificates): no DNS SAN. */
    dnsNames?: readonly string[];
    /** IP SANs. Left out (client certificates): no IP SAN. */
    ipAddresses?: readonly string[];
}

/**
 * Issue one leaf: `${prefix}-key` (PrivateKey), `${prefix}-csr` (CertRequest) and
 * `${prefix}-cert` (LocallySignedCert), all parented to `parent`. The key is generated in the
 * program and never leaves it except as a secret.
 */
export function issueCertificate(prefix: string, parent: pulumi.Resource, ca: CaSigner, spec: LeafSpec): IssuedCertificate {
    const key = new tls.PrivateKey(`${prefix}-key`, privateKeyArgs(spec.keyAlgorithm), { parent });
    const csrArgs: tls.CertRequestArgs = { privateKeyPem: key.privateKeyPem, subject: spec.subject };
    // Empty SAN lists are left out rather than sent as [] so client certs have no SAN extension.
    if (spec.dnsNames !== undefined && spec.dnsNames.length > 0) csrArgs.dnsNames = [...spec.dnsNames];
    if (spec.ipAddresses !== undefined && spec.ipAddresses.length > 0) csrArgs.ipAddresses = [...spec.ipAddresses];
    const csr = new tls.CertRequest(`${prefix}-csr`, csrArgs, { parent });
    const cert = new tls.LocallySignedCert(`${prefix}-cert`, {
        certRequestPem: csr.certRequestPem,
        caCertPem: ca.certPem,
        caPrivateKeyPem: pulumi.secret(ca.keyPem),
        allowedUses: spec.allowedUses,
        validityPeriodHours: spec.validityHours,
        earlyRenewalHours: spec.earlyRenewalHours,
        setSubjectKeyId: true,
    }, { parent });
    return {
        certPem: cert.certPem,
        keyPem: pulumi.secret(key.privateKeyPem),
        validityEndTime: cert.validityEndTime,
    };
}
