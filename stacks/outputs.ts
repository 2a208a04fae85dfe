// What every layout exports: enough to reach and operate the cluster, nothing more.
// Private keys only as secrets; inputs are not re-exported.

import * as pulumi from "@pulumi/pulumi";
import type { EtcdCluster, MemberListEntry } from "../components/etcd/etcdCluster";
import type { SnapshotReport } from "../components/etcd/etcdBackups";
import type { MembershipRecord } from "../components/etcd/membership";

export interface StackOutputs {
    layout: string;
    clientEndpoints: string[];
    memberNames: string[];
    clusterId: pulumi.Output<string>;
    members: pulumi.Output<MemberListEntry[]>;
    caCertPem: pulumi.Output<string>;
    adminCertPem: pulumi.Output<string>;
    /** Secret. */
    adminKeyPem: pulumi.Output<string>;
    apiserverEtcdClientCertPem: pulumi.Output<string>;
    /** Secret. */
    apiserverEtcdClientKeyPem: pulumi.Output<string>;
    certificateExpiry: pulumi.Output<Record<string, string>>;
    /** The member list as this `up` left it; the next `up` reads it back (stacks/previous.ts). */
    membership: pulumi.Output<MembershipRecord>;
    /** Shell lines that point etcdctl at the cluster with the admin certificate. */
    etcdctlEnv: string;
    /** Per snapshot member: its host, timer and the status its host reported when this `up` ran (pitfalls P14). */
    snapshots: pulumi.Output<Record<string, SnapshotReport>>;
    /** The cluster id after a configured restore (the health gate's `clusterId` predates it). */
    restoredClusterId?: pulumi.Output<string>;
}

/** The `etcdctl` environment for the operator's machine, with the files it names. */
export function etcdctlEnv(endpoints: readonly string[], stack: string): string {
    return [
        "# Write the files once:",
        `#   npm run pulumi -- stack output -s ${stack} caCertPem > ca.crt`,
        `#   npm run pulumi -- stack output -s ${stack} adminCertPem > admin.crt`,
        `#   (umask 077; npm run pulumi -- stack output -s ${stack} --show-secrets adminKeyPem > admin.key)`,
        // No ETCDCTL_API: v3 is the default from etcdctl 3.4, and 3.6 warns about the variable.
        `export ETCDCTL_ENDPOINTS=${endpoints.join(",")}`,
        "export ETCDCTL_CACERT=$PWD/ca.crt ETCDCTL_CERT=$PWD/admin.crt ETCDCTL_KEY=$PWD/admin.key",
    ].join("\n");
}

export function clusterOutputs(layout: string, cluster: EtcdCluster): StackOutputs {
    return {
        layout,
        clientEndpoints: cluster.clientEndpoints,
        memberNames: cluster.memberNames,
        clusterId: cluster.clusterId,
        members: cluster.members,
        caCertPem: cluster.caCertPem,
        adminCertPem: cluster.adminCertPem,
        adminKeyPem: cluster.adminKeyPem,
        apiserverEtcdClientCertPem: cluster.apiserverCertPem,
        apiserverEtcdClientKeyPem: cluster.apiserverKeyPem,
        certificateExpiry: cluster.certificateExpiry,
        membership: cluster.membership,
        etcdctlEnv: etcdctlEnv(cluster.clientEndpoints, pulumi.getStack()),
        snapshots: cluster.backups?.snapshots ?? pulumi.output<Record<string, SnapshotReport>>({}),
        ...(cluster.backups?.restoredClusterId !== undefined ? { restoredClusterId: cluster.backups.restoredClusterId } : {}),
    };
}
