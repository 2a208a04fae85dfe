// Where a layout is composed into a program: one EtcdCluster built from the plan, whatever the
// layout (the layout's differences live in components/etcd/layouts/), and the outputs every
// layout exports.

import { EtcdCluster } from "../components/etcd/etcdCluster";
import type { MembershipPlan } from "../components/etcd/membership";
import type { ClusterPlan } from "../components/etcd/plan";
import { StackOutputs, clusterOutputs } from "./outputs";
import type { StackSecrets } from "./secrets";

export function deployCluster(plan: ClusterPlan, membership: MembershipPlan, secrets: StackSecrets): StackOutputs {
    const cluster = new EtcdCluster("etcd", { plan, membership, ...secrets, env: process.env });
    return clusterOutputs(plan.config.layout, cluster);
}
