// N members with mutual TLS on client and peer ports, each configured through
// /etc/etcd/etcd.conf.yml and run by a hardened Type=notify unit as user etcd (seeds 001, 002).

import { EtcdCluster } from "../components/etcd/etcdCluster";
import type { ClusterConfig } from "../components/types";
import { StackOutputs, clusterOutputs } from "./outputs";
import type { StackSecrets } from "./secrets";

export function deploy(config: ClusterConfig, secrets: StackSecrets): StackOutputs {
    const cluster = new EtcdCluster("etcd", { config, ...secrets });
    return clusterOutputs("systemd", cluster);
}
