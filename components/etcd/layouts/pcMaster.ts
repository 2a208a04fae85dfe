// `pc-master`: one etcd member on a master host (the pc-master guide; see docs/guides.md), done
// right: the client port takes only certificate-authenticated TLS clients, heartbeat/election
// keep the guide's slow-scheduler tuning within etcd's rules. The guide configures it through
// ETCD_* variables; that shape is kept. The peer listens on the host address with TLS by
// default, so the member can later grow into a cluster; the guide's plaintext loopback peer is
// an option that warns.

import { ENV_FILE, ETCDCTL_PROFILE_FILE, ETCD_GROUP, ETCD_USER, PKI_DIR, UNIT_FILE } from "../../constants";
import type { LayoutSpec } from "./spec";

export const pcMasterLayout: LayoutSpec = {
    name: "pc-master",
    configSource: "env-file",
    runtime: "systemd",
    pkiDir: PKI_DIR,
    paths: { envFile: ENV_FILE, unitFile: UNIT_FILE, etcdctlProfile: ETCDCTL_PROFILE_FILE },
    stateFile: { file: "envFile", from: "^ETCD_INITIAL_CLUSTER_STATE=new$", to: "ETCD_INITIAL_CLUSTER_STATE=existing" },
    runAs: { user: ETCD_USER, group: ETCD_GROUP },
    installsEtcd: true,
    membershipChanges: true,
    usesImage: false,
    peerModes: ["tls", "loopback-plaintext"],
    checkTopology(p, input) {
        const n = input.nodes.length;
        if (n !== 1) p.error("nodes", `layout "pc-master" runs exactly one member, got ${n} (use layout "systemd" for a cluster)`);
        if (input.peerMode === "loopback-plaintext") {
            p.warn(
                "peerMode",
                `"loopback-plaintext" advertises the peer URL on loopback without TLS, so this member can never grow into a cluster (pitfalls P6); use "tls" to keep that option`,
            );
        }
    },
};
