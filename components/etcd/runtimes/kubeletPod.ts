// The kubelet runtime (`static-pod` layout): etcd as a static pod whose manifest the kubelet
// watches. The manifest is staged first and moved into the kubelet's directory in one rename.

import { METRICS_PORT, STAGED_MANIFEST } from "../../constants";
import { shJoin, shQuote } from "../../shellWords";
import { formatUrl } from "../../validateAddress";
import type { MemberPlan } from "../member";
import { healthEndpoints } from "../versions";
import type { RuntimeScripts } from "./runtime";
import { curlTls, waitFor } from "./tools";

function manifestPath(member: MemberPlan): string {
    const manifest = member.paths.manifestFile;
    if (manifest === undefined) throw new Error(`member "${member.name}" has no manifest path`);
    return manifest;
}

/** Copy the staged manifest into the kubelet's directory in one rename. */
function activateManifest(member: MemberPlan): string[] {
    const manifest = manifestPath(member);
    const tmp = `${manifest.slice(0, manifest.lastIndexOf("/") + 1)}.etcd.yaml.tmp`;
    // The kubelet ignores dot files, so the temp file is never started half-written (pitfalls P17).
    return [
        shJoin(["mkdir", "-p", manifest.slice(0, manifest.lastIndexOf("/"))]),
        shJoin(["install", "-m", "0600", "-o", "root", "-g", "root", STAGED_MANIFEST, tmp]),
        shJoin(["mv", "-f", tmp, manifest]),
    ];
}

const diagnostics = (): string => "tail -n 30 /var/log/pods/*etcd*/*/*.log >&2 2>/dev/null || true";

export const kubeletPodRuntime: RuntimeScripts = {
    memberHealthyCheck(member) {
        // The metrics listener is plain HTTP on loopback (pitfalls P16); the kubelet probes it too.
        const path = healthEndpoints(member.version).readiness ?? healthEndpoints(member.version).startup;
        const url = `${formatUrl("http", member.loopback, METRICS_PORT)}${path}`;
        return `curl -sS --fail --max-time 5 -o /dev/null ${shQuote(url)} 2>/dev/null`;
    },
    clusterHealthyCheck: (member, endpoints) => endpoints.map((e) => `${curlTls(member)} -o /dev/null ${shQuote(`${e}/health`)} 2>/dev/null`).join(" && "),
    othersHealthy: (member, others) => ({ setup: [], check: kubeletPodRuntime.clusterHealthyCheck(member, others) }),
    memberListCommand: (member, endpoints) => `${curlTls(member)} -X POST -d '{}' ${shQuote(`${endpoints[0]}/v3/cluster/member/list`)}`,
    diagnostics,
    startScript: (member) => ["set -eu", `if [ ! -e ${shQuote(manifestPath(member))} ]; then`, ...activateManifest(member).map((l) => `  ${l}`), "fi"].join("\n"),
    restartLines(member, memberSeconds) {
        // The kubelet recreates the pod when its manifest changes; wait until the old etcd is gone.
        // An unchanged manifest (only the CA changed, or a retried roll) would not restart it,
        // so that one is taken away first and put back once etcd has stopped.
        const manifest = manifestPath(member);
        return [
            "old=$(pgrep -x etcd || true)",
            `if cmp -s ${shJoin([STAGED_MANIFEST, manifest])}; then`,
            `  ${shJoin(["rm", "-f", manifest])}`,
            ...waitFor("! pgrep -x etcd >/dev/null", memberSeconds, `the kubelet did not stop member ${member.name}`, diagnostics()).map((l) => `  ${l}`),
            "fi",
            ...activateManifest(member),
            ...waitFor(
                '[ -n "$(pgrep -x etcd || true)" ] && [ "$(pgrep -x etcd || true)" != "$old" ]',
                memberSeconds,
                `the kubelet did not restart member ${member.name}`,
                diagnostics(),
            ),
        ];
    },
    stopScript(member) {
        const manifest = member.paths.manifestFile ?? "";
        return [
            "set -eu",
            shJoin(["rm", "-f", manifest, STAGED_MANIFEST]),
            // Removing the manifest makes the kubelet stop the pod; wait so that a destroy which
            // goes on to remove the certificates does not pull them from under a running etcd.
            ...waitFor("! pgrep -x etcd >/dev/null", 60, `the kubelet did not stop member ${member.name}`, "true"),
        ].join("\n");
    },
};
