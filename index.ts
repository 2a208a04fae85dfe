// Load → parse and validate config → pick the layout's stack → export its outputs.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, parseClusterConfig } from "./components/config";
import type { Layout } from "./components/types";
import type { StackOutputs } from "./stacks/outputs";
import type { StackSecrets } from "./stacks/secrets";
import * as pcMaster from "./stacks/pcMaster";
import * as staticPod from "./stacks/staticPod";
import * as systemd from "./stacks/systemd";

const stacks: Record<Layout, (c: ReturnType<typeof parseClusterConfig>, s: StackSecrets) => StackOutputs> = {
    "pc-master": pcMaster.deploy,
    systemd: systemd.deploy,
    "static-pod": staticPod.deploy,
};

function sshPrivateKey(cfg: pulumi.Config): pulumi.Output<string> {
    const configured = cfg.getSecret("sshPrivateKey");
    if (configured !== undefined) return configured;
    // The local test bed's sandbox key, named by `npm start` and the tests; read as a secret.
    const file = process.env.ETCDHOSTS_SSH_KEY_FILE;
    if (file) {
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

const cfg = new pulumi.Config();
const raw = Object.fromEntries(CONFIG_KEYS.map((k) => [k, cfg.get(k)]));
let config: ReturnType<typeof parseClusterConfig>;
try {
    config = parseClusterConfig({ ...raw, caKeyPem: cfg.getSecret("caKeyPem") !== undefined });
} catch (e) {
    // One clear message naming every bad field, without a stack trace, before any host is touched.
    throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
}
config.warnings.forEach((w) => pulumi.log.warn(w));
const secrets: StackSecrets = { sshPrivateKey: sshPrivateKey(cfg), caKeyPem: cfg.getSecret("caKeyPem") };
const outputs = stacks[config.layout](config, secrets);

export const { layout, clientEndpoints, memberNames, clusterId, members, caCertPem, adminCertPem, adminKeyPem } = outputs;
export const { apiserverEtcdClientCertPem, apiserverEtcdClientKeyPem, certificateExpiry, etcdctlEnv } = outputs;
