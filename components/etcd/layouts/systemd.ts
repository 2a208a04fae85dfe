// `systemd`: N members with mutual TLS on client and peer ports, each configured through
// /etc/etcd/etcd.conf.yml and run by a hardened `Type=notify` unit as user `etcd` (the
// three-node TLS guides; see docs/guides.md).

import { CONFIG_FILE, ETCDCTL_PROFILE_FILE, ETCD_GROUP, ETCD_USER, PKI_DIR, UNIT_FILE } from "../../constants";
import type { LayoutSpec } from "./spec";

export const systemdLayout: LayoutSpec = {
    name: "systemd",
    configSource: "config-file",
    runtime: "systemd",
    pkiDir: PKI_DIR,
    paths: { configFile: CONFIG_FILE, unitFile: UNIT_FILE, etcdctlProfile: ETCDCTL_PROFILE_FILE },
    stateFile: { file: "configFile", from: "^initial-cluster-state: new$", to: "initial-cluster-state: existing" },
    runAs: { user: ETCD_USER, group: ETCD_GROUP },
    installsEtcd: true,
    membershipChanges: true,
    usesImage: false,
    peerModes: ["tls"],
    checkTopology: () => undefined,
};
