import type * as pulumi from "@pulumi/pulumi";

/** The secret configuration a layout needs, read by index.ts with `requireSecret`/`getSecret`. */
export interface StackSecrets {
    sshPrivateKey: pulumi.Input<string>;
    /** Key of a bring-your-own CA; set exactly when `caCertPem` is. */
    caKeyPem?: pulumi.Input<string>;
}
