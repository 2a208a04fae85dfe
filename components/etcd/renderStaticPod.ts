// The etcd static pod of the `static-pod` layout, after kubeadm's GetEtcdPodSpec
// (cmd/kubeadm/app/phases/etcd/local.go) and staticpod.ComponentPod: a typed Pod object first,
// serialized once with sorted keys, as kubeadm's sigs.k8s.io/yaml output is.

import type * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import type { EtcdMember } from "./member";
import {
    KUBEADM_ADVERTISE_CLIENT_URLS_ANNOTATION,
    LOOPBACK,
    MANAGED_HEADER,
    METRICS_PORT,
    STATIC_POD_COMMAND,
    STATIC_POD_REQUESTS,
} from "../constants";
import { buildFlags, flagValue, toArgs } from "./flags";
import { healthEndpoints } from "./versions";
import { isWildcardIp, parseUrl } from "../validateAddress";

type Probe = k8s.types.input.core.v1.Probe;

/** Host, port and scheme of the probes: the first `listen-metrics-urls` URL, as kubeadm's GetEtcdProbeEndpoint. */
export function probeEndpoint(member: EtcdMember, metricsUrls: string | undefined): { host: string; port: number; scheme: "HTTP" | "HTTPS" } {
    const fallback = { host: member.loopback, port: METRICS_PORT, scheme: "HTTP" as const };
    if (metricsUrls === undefined || metricsUrls === "") return fallback;
    const first = parseUrl(metricsUrls.split(",")[0]);
    if (first === undefined) return fallback;
    // The kubelet probes from the host network namespace; a wildcard listener answers on loopback.
    const host = isWildcardIp(first.host) ? LOOPBACK[first.hostKind === "ipv6" ? "ipv6" : "ipv4"] : first.host;
    return { host, port: first.port, scheme: first.scheme === "https" ? "HTTPS" : "HTTP" };
}

/** kubeadm's createHTTPProbe. */
function httpProbe(
    ep: { host: string; port: number; scheme: "HTTP" | "HTTPS" },
    path: string,
    initialDelaySeconds: number,
    failureThreshold: number,
    periodSeconds: number,
): Probe {
    return {
        httpGet: { host: ep.host, path, port: ep.port, scheme: ep.scheme },
        initialDelaySeconds,
        timeoutSeconds: 15,
        failureThreshold,
        periodSeconds,
    };
}

/**
 * The Pod. Probes by version (versions.ts `healthEndpoints`): liveness `/livez` (10 s delay,
 * 8 failures), readiness `/readyz` (no delay, 3 failures, every second) where the version has it,
 * startup `/readyz` with 24 failures × 10 s, the 4-minute window of kubeadm's
 * ControlPlaneComponentHealthCheck timeout.
 */
export function buildStaticPod(member: EtcdMember): k8s.types.input.core.v1.Pod {
    if (member.image === undefined) throw new Error(`member "${member.name}" is not a static-pod member`);
    const flags = buildFlags(member);
    const health = healthEndpoints(member.version);
    const ep = probeEndpoint(member, flagValue(flags, "listen-metrics-urls"));
    const container: k8s.types.input.core.v1.Container = {
        name: "etcd",
        command: [STATIC_POD_COMMAND, ...toArgs(flags)],
        image: member.image,
        imagePullPolicy: "IfNotPresent",
        livenessProbe: httpProbe(ep, health.liveness, 10, 8, 10),
        ...(health.readiness !== undefined ? { readinessProbe: httpProbe(ep, health.readiness, 0, 3, 1) } : {}),
        startupProbe: httpProbe(ep, health.startup, 10, 24, 10),
        resources: { requests: { ...STATIC_POD_REQUESTS } },
        volumeMounts: [
            { name: "etcd-certs", mountPath: member.pkiDir },
            { name: "etcd-data", mountPath: member.dataDir },
        ],
    };
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: "etcd",
            namespace: "kube-system",
            labels: { component: "etcd", tier: "control-plane" },
            annotations: {
                [KUBEADM_ADVERTISE_CLIENT_URLS_ANNOTATION]: flagValue(flags, "advertise-client-urls") ?? "",
            },
        },
        spec: {
            containers: [container],
            hostNetwork: true,
            priorityClassName: "system-node-critical",
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            volumes: [
                { name: "etcd-certs", hostPath: { path: member.pkiDir, type: "DirectoryOrCreate" } },
                { name: "etcd-data", hostPath: { path: member.dataDir, type: "DirectoryOrCreate" } },
            ],
        },
    };
}

/** The manifest text for `/etc/kubernetes/manifests/etcd.yaml`. */
export function renderStaticPod(member: EtcdMember): string {
    const body = stringify(buildStaticPod(member), { sortMapEntries: true, lineWidth: 0, indentSeq: false });
    return `${MANAGED_HEADER}\n${body}`;
}
