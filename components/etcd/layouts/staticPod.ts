// `static-pod`: etcd as kubelet static pods on N control-plane hosts (the kubeadm static-pod
// guide; see docs/guides.md): manifests in /etc/kubernetes/manifests, certificates in
// kubeadm's layout under /etc/kubernetes/pki/etcd. The kubelet runs etcd from its image as root.

import { ETCDCTL_PROFILE_FILE, KUBEADM_MANIFEST_FILE, KUBEADM_PKI_DIR, STAGED_MANIFEST } from "../../constants";
import type { LayoutSpec } from "./spec";

export const staticPodLayout: LayoutSpec = {
    name: "static-pod",
    configSource: "pod-command",
    runtime: "static-pod",
    pkiDir: KUBEADM_PKI_DIR,
    paths: { manifestFile: KUBEADM_MANIFEST_FILE, stagedManifest: STAGED_MANIFEST, etcdctlProfile: ETCDCTL_PROFILE_FILE },
    // Only the staged copy: rewriting the live manifest would make the kubelet restart every
    // member at once. The live one turns `existing` at the member's next roll.
    stateFile: { file: "stagedManifest", from: "--initial-cluster-state=new$", to: "--initial-cluster-state=existing" },
    runAs: { user: "root", group: "root" },
    installsEtcd: false,
    membershipChanges: false,
    usesImage: true,
    peerModes: ["tls"],
    checkTopology: () => undefined,
};
