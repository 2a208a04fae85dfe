// The PKI settings of the configuration (key algorithm, validities, a bring-your-own CA), read
// into one typed TlsConfig. Part of parseClusterConfig; pure. Secrets are only checked for
// presence and shape, never echoed.

import { MAX_VALIDITY_HOURS } from "./constants";
import { TLS_ALGORITHMS, TlsConfig } from "./types";
import { Problems, readEnum, readInt, readString } from "./validateValues";

/** Whether a secret key counts as set: a non-empty string or `true`. */
function secretIsSet(p: Problems, field: string, value: unknown): boolean {
    if (value === undefined || value === null || value === "" || value === false) return false;
    if (value === true || typeof value === "string") return true;
    p.error(field, "expected the secret's text or true/false for whether it is set");
    return false;
}

export function readTls(p: Problems, raw: Record<string, unknown>): TlsConfig | undefined {
    const algorithm = readEnum(p, "tlsAlgorithm", raw.tlsAlgorithm, TLS_ALGORITHMS);
    const caValidityHours = readInt(p, "caValidityHours", raw.caValidityHours, 1, MAX_VALIDITY_HOURS);
    const certValidityHours = readInt(p, "certValidityHours", raw.certValidityHours, 1, MAX_VALIDITY_HOURS);
    const certEarlyRenewalHours = readInt(p, "certEarlyRenewalHours", raw.certEarlyRenewalHours, 0);
    const caCertPem = readString(p, "caCertPem", raw.caCertPem);
    const externalCa = secretIsSet(p, "caKeyPem", raw.caKeyPem);
    if (caCertPem !== undefined) {
        if (caCertPem !== "" && !externalCa) p.error("caKeyPem", "required when caCertPem is set (bring your own CA: set both or neither)");
        if (caCertPem === "" && externalCa) p.error("caCertPem", "required when caKeyPem is set (bring your own CA: set both or neither)");
        if (caCertPem !== "" && !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(caCertPem)) {
            p.error("caCertPem", `not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)`);
        }
    }
    if (typeof raw.caKeyPem === "string" && raw.caKeyPem !== "" && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(raw.caKeyPem)) {
        // Never echo the value: it is a secret.
        p.error("caKeyPem", `not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" block)`);
    }
    if (certValidityHours !== undefined && certEarlyRenewalHours !== undefined && certEarlyRenewalHours >= certValidityHours) {
        p.error(
            "certEarlyRenewalHours",
            `${certEarlyRenewalHours} must be smaller than certValidityHours (${certValidityHours}), or every up would replace the certificates`,
        );
    }
    if (certValidityHours !== undefined && caValidityHours !== undefined && !externalCa && certValidityHours > caValidityHours) {
        p.error("certValidityHours", `${certValidityHours} exceeds caValidityHours (${caValidityHours}); a certificate cannot outlive its CA`);
    }
    if (algorithm === undefined || caValidityHours === undefined || certValidityHours === undefined || certEarlyRenewalHours === undefined || caCertPem === undefined) {
        return undefined;
    }
    return { algorithm, caValidityHours, certValidityHours, certEarlyRenewalHours, ...(caCertPem !== "" ? { caCertPem } : {}), externalCa };
}

