// etcd as kubelet static pods on N control-plane hosts (seed 004): manifests in
// /etc/kubernetes/manifests, certificates in kubeadm's layout under /etc/kubernetes/pki/etcd.

import { EtcdCluster } from "../components/etcd/etcdCluster";
import type { ClusterConfig } from "../components/types";
import { StackOutputs, clusterOutputs } from "./outputs";
import type { StackSecrets } from "./secrets";

export function deploy(config: ClusterConfig, secrets: StackSecrets): StackOutputs {
    const cluster = new EtcdCluster("etcd", { config, ...secrets });
    return clusterOutputs("static-pod", cluster);
}
