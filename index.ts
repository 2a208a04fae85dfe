// Load → parse and validate config → plan the cluster → compose it → export its outputs.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, parseClusterConfig } from "./components/config";
import { ClusterPlan, planCluster } from "./components/etcd/plan";
import { deployCluster } from "./stacks/cluster";
import { readSecrets } from "./stacks/secrets";

const cfg = new pulumi.Config();
const raw = Object.fromEntries(CONFIG_KEYS.map((k) => [k, cfg.get(k)]));
let plan: ClusterPlan;
try {
    plan = planCluster(parseClusterConfig({ ...raw, caKeyPem: cfg.getSecret("caKeyPem") !== undefined }));
} catch (e) {
    // One clear message naming every bad field, without a stack trace, before any host is touched.
    throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
}
plan.config.warnings.forEach((w) => pulumi.log.warn(w));
const outputs = deployCluster(plan, readSecrets(cfg));

export const { layout, clientEndpoints, memberNames, clusterId, members, caCertPem, adminCertPem, adminKeyPem } = outputs;
export const { apiserverEtcdClientCertPem, apiserverEtcdClientKeyPem, certificateExpiry, etcdctlEnv } = outputs;
