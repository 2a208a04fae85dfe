// One etcd member on a master host (seed 000), done right: the client port takes only
// certificate-authenticated TLS clients, and heartbeat/election keep the seed's slow-scheduler
// tuning within etcd's rules. The peer listens on the host address with TLS by default, so the
// member can later grow into a cluster; the seed's plaintext loopback peer is an option that
// warns.

import { EtcdCluster } from "../components/etcd/etcdCluster";
import type { ClusterConfig } from "../components/types";
import { StackOutputs, clusterOutputs } from "./outputs";
import type { StackSecrets } from "./secrets";

export function deploy(config: ClusterConfig, secrets: StackSecrets): StackOutputs {
    const cluster = new EtcdCluster("etcd", { config, ...secrets });
    return clusterOutputs("pc-master", cluster);
}
