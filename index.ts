// Load → parse and validate config → plan the cluster and its membership change → compose it →
// export its outputs. The previous membership is read from the stack itself before any resource
// exists, so the exports are a promise.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, parseClusterConfig } from "./components/config";
import { describeMembership, planMembership } from "./components/etcd/membership";
import { ClusterPlan, planCluster } from "./components/etcd/plan";
import { deployCluster } from "./stacks/cluster";
import type { StackOutputs } from "./stacks/outputs";
import { readPreviousMembership } from "./stacks/previous";
import { readSecrets } from "./stacks/secrets";

/** One clear message naming every bad field, without a stack trace, before any host is touched. */
function clean<T>(f: () => T): T {
    try {
        return f();
    } catch (e) {
        throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
    }
}

const cfg = new pulumi.Config();
const raw = Object.fromEntries(CONFIG_KEYS.map((k) => [k, cfg.get(k)]));
const plan: ClusterPlan = clean(() => planCluster(parseClusterConfig({ ...raw, caKeyPem: cfg.getSecret("caKeyPem") !== undefined })));
plan.config.warnings.forEach((w) => pulumi.log.warn(w));
const secrets = readSecrets(cfg);

export = (async (): Promise<StackOutputs> => {
    const previous = await readPreviousMembership();
    const membership = clean(() => planMembership(plan, previous, plan.config.allowUnsafeMembershipChange));
    describeMembership(membership).forEach((line) => pulumi.log.info(line));
    return deployCluster(plan, membership, secrets);
})();
