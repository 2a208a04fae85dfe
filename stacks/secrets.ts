// The secret configuration a layout needs, read with `getSecret` so it stays a secret end to end.

import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

export interface StackSecrets {
    sshPrivateKey: pulumi.Input<string>;
    /** Key of a bring-your-own CA; set exactly when `caCertPem` is. */
    caKeyPem?: pulumi.Input<string>;
}

function sshPrivateKey(cfg: pulumi.Config): pulumi.Output<string> {
    const configured = cfg.getSecret("sshPrivateKey");
    if (configured !== undefined) return configured;
    // The test bed's sandbox key: set by npm start/stop, the tests and the benchmarks, each naming
    // in ETCDHOSTS_SSH_KEY_STACK the one stack it is for; any other stack ignores it. Read as a secret.
    const file = process.env.ETCDHOSTS_SSH_KEY_FILE;
    if (file && process.env.ETCDHOSTS_SSH_KEY_STACK === pulumi.getStack()) {
        let key: string;
        try {
            key = fs.readFileSync(file, "utf8");
        } catch (e) {
            const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
            throw new pulumi.RunError(`invalid etcdhosts configuration:\n  - sshPrivateKey: not set, and ETCDHOSTS_SSH_KEY_FILE names ${file}, which cannot be read (${why})`);
        }
        return pulumi.secret(key);
    }
    throw new pulumi.RunError("invalid etcdhosts configuration:\n  - sshPrivateKey: required; set it with `pulumi config set --secret sshPrivateKey < <key file>`");
}

/** The stack's secrets: the SSH key (required) and a bring-your-own CA's key. */
export function readSecrets(cfg: pulumi.Config): StackSecrets {
    return { sshPrivateKey: sshPrivateKey(cfg), caKeyPem: cfg.getSecret("caKeyPem") };
}
