// Pure builders of the scripts that start, roll, check and stop an etcd member on its host, for
// both runtimes: a systemd unit (`systemd`, `pc-master`) and a kubelet static pod (`static-pod`).
// The components only pass these strings to `remote.Command`, so every script is unit-tested
// here without a host. Scripts are POSIX `sh` (dash on Debian).

import { shJoin, shQuote } from "../remote/shell";
import { formatUrl } from "../validateAddress";
import { CERT_FILES, CLIENT_PORT, CONFIG_DIR, METRICS_PORT, UNIT_NAME } from "./constants";
import type { EtcdMember } from "./member";
import { buildFlags, flagValue } from "./flags";
import { healthEndpoints, wantsEtcdctlApiEnv } from "./versions";

/** Seconds a member may take to answer healthy after a (re)start before the step fails. */
export const MEMBER_READY_TIMEOUT_SECONDS = 120;
/** Seconds a roll waits for the other members to answer healthy before it refuses to restart. */
export const ROLL_PRECHECK_TIMEOUT_SECONDS = 30;
/** Seconds the cluster may take to form and answer healthy on every member. */
export const CLUSTER_READY_TIMEOUT_SECONDS = 180;

/**
 * Marker of a completed bootstrap: holds the cluster token. While it matches the current token,
 * every config written to the host says `initial-cluster-state: existing` (pitfalls P2). Kept in
 * the config dir, not the data dir, so a member that lost its data does not re-bootstrap a new
 * cluster but fails to start, which is the safe way to fail.
 */
export const BOOTSTRAPPED_MARKER = `${CONFIG_DIR}/.etcdhosts-bootstrapped`;

/** Where the static-pod layout stages a member's manifest before the kubelet sees it. */
export const STAGED_MANIFEST = "/etc/kubernetes/etcdhosts/etcd.yaml";

/** How a member runs: a systemd unit or a kubelet static pod. */
export type Runtime = "systemd" | "static-pod";

export function runtimeOf(member: EtcdMember): Runtime {
    return member.layout === "static-pod" ? "static-pod" : "systemd";
}

/** Certificate files of the health-check client on a member's host. */
export function healthcheckTls(member: EtcdMember): { ca: string; cert: string; key: string } {
    return {
        ca: `${member.pkiDir}/${CERT_FILES.caCert}`,
        cert: `${member.pkiDir}/${CERT_FILES.healthcheckClientCert}`,
        key: `${member.pkiDir}/${CERT_FILES.healthcheckClientKey}`,
    };
}

/** The member's own client URL on loopback, always covered by its server certificate. */
export function loopbackClientUrl(member: EtcdMember): string {
    return formatUrl("https", member.loopback, CLIENT_PORT);
}

/**
 * An `etcdctl` invocation over mutual TLS with the health-check client certificate. Used on
 * systemd hosts, where every install method puts etcdctl next to etcd.
 */
export function etcdctl(member: EtcdMember, endpoints: readonly string[]): string {
    const tls = healthcheckTls(member);
    return [
        ...(wantsEtcdctlApiEnv(member.version) ? ["ETCDCTL_API=3"] : []),
        shJoin([
            member.binaries.etcdctl,
            `--endpoints=${endpoints.join(",")}`,
            `--cacert=${tls.ca}`,
            `--cert=${tls.cert}`,
            `--key=${tls.key}`,
            "--dial-timeout=3s",
            "--command-timeout=5s",
        ]),
    ].join(" ");
}

/**
 * A `curl` over mutual TLS with the health-check client certificate. Used on static-pod hosts,
 * which run etcd from an image and have no etcdctl.
 */
export function curlTls(member: EtcdMember): string {
    const tls = healthcheckTls(member);
    return shJoin(["curl", "-sS", "--fail", "--max-time", "5", "--cacert", tls.ca, "--cert", tls.cert, "--key", tls.key]);
}

/** A shell test that succeeds when this member answers healthy on its own. */
export function memberHealthyCheck(member: EtcdMember): string {
    if (runtimeOf(member) === "systemd") {
        return `${etcdctl(member, [loopbackClientUrl(member)])} endpoint health >/dev/null 2>&1`;
    }
    // The metrics listener is plain HTTP on loopback (pitfalls P16); the kubelet probes it too.
    const path = healthEndpoints(member.version).readiness ?? healthEndpoints(member.version).startup;
    const url = `${formatUrl("http", member.loopback, METRICS_PORT)}${path}`;
    return `curl -sS --fail --max-time 5 -o /dev/null ${shQuote(url)} 2>/dev/null`;
}

/** A shell test that succeeds when every listed client endpoint answers healthy. */
export function clusterHealthyCheck(member: EtcdMember, endpoints: readonly string[]): string {
    if (runtimeOf(member) === "systemd") {
        return `${etcdctl(member, endpoints)} endpoint health >/dev/null 2>&1`;
    }
    return endpoints.map((e) => `${curlTls(member)} -o /dev/null ${shQuote(`${e}/health`)} 2>/dev/null`).join(" && ");
}

/** Diagnostics printed when a member does not come up: what its runtime says. */
function diagnostics(member: EtcdMember): string {
    return runtimeOf(member) === "systemd"
        ? `journalctl -u ${UNIT_NAME} -n 30 --no-pager >&2 || true`
        : "tail -n 30 /var/log/pods/*etcd*/*/*.log >&2 2>/dev/null || true";
}

/** Poll a shell test once a second until it passes or the timeout ends the script with an error. */
function waitFor(check: string, timeoutSeconds: number, failure: string, onFailure: string): string[] {
    return [
        "i=0",
        `until ${check}; do`,
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${timeoutSeconds} ]; then`,
        `    printf 'etcdhosts: %s\\n' ${shQuote(failure)} >&2`,
        `    ${onFailure}`,
        "    exit 1",
        "  fi",
        "  sleep 1",
        "done",
    ];
}

/**
 * First start of a member. Does not wait: with `Type=notify` a start blocks until the cluster
 * has quorum, which needs the other members started too, so every member starts at once and the
 * cluster's health gate waits for all of them.
 *
 * A no-op for a member that already runs, in both runtimes (`systemctl start` of an active unit
 * does nothing): the command provider re-runs this script on any change of the command's inputs,
 * an SSH key rotation say, and on every member at once. Applying a new configuration is the
 * roll's job, one member at a time (pitfalls P12).
 */
export function startScript(member: EtcdMember): string {
    if (runtimeOf(member) === "systemd") {
        // One reload: `enable` would reload systemd again (seconds on a busy host, npm run bench).
        return ["set -eu", "systemctl daemon-reload", `systemctl enable --no-reload ${UNIT_NAME}`, `systemctl start --no-block ${UNIT_NAME}`].join("\n");
    }
    return ["set -eu", `if [ ! -e ${shQuote(manifestPath(member))} ]; then`, ...activateManifest(member).map((l) => `  ${l}`), "fi"].join("\n");
}

function manifestPath(member: EtcdMember): string {
    const manifest = member.paths.manifestFile;
    if (manifest === undefined) throw new Error(`member "${member.name}" has no manifest path`);
    return manifest;
}

/** Copy the staged manifest into the kubelet's directory in one rename. */
function activateManifest(member: EtcdMember): string[] {
    const manifest = manifestPath(member);
    const tmp = `${manifest.slice(0, manifest.lastIndexOf("/") + 1)}.etcd.yaml.tmp`;
    // The kubelet ignores dot files, so the temp file is never started half-written (pitfalls P17).
    return [
        shJoin(["mkdir", "-p", manifest.slice(0, manifest.lastIndexOf("/"))]),
        shJoin(["install", "-m", "0600", "-o", "root", "-g", "root", STAGED_MANIFEST, tmp]),
        shJoin(["mv", "-f", tmp, manifest]),
    ];
}

/** Time limits of {@link rollScript}; the defaults are the constants above. Tests shorten them. */
export interface RollTimeouts {
    /** How long the other members may take to answer healthy. Defaults to {@link ROLL_PRECHECK_TIMEOUT_SECONDS}. */
    readonly precheckSeconds?: number;
    /** How long the member may take to stop, restart and answer healthy. Defaults to {@link MEMBER_READY_TIMEOUT_SECONDS}. */
    readonly memberSeconds?: number;
}

/** The member's own client URLs as it advertises them (after overrides). */
function ownClientUrls(member: EtcdMember): string[] {
    return (flagValue(buildFlags(member), "advertise-client-urls") ?? "").split(",").filter((u) => u !== "");
}

/**
 * Rolling restart of one member after its configuration or certificates changed: refuse while
 * any *other* member is unhealthy (pitfalls P12), restart, then wait until the member is healthy
 * again. The components chain these member by member, so only one member is ever down. The
 * member itself is left out of the pre-check: restarting a member that is already down costs no
 * quorum, and refusing would leave a member broken by its configuration unfixable (the
 * kubelet keeps crash-looping the old manifest; a single-member cluster could never roll at all).
 *
 * @param fingerprint hash of everything that needs a restart; it is part of the script text so
 *   that a change of it is a change of this command, which then runs as an update.
 */
export function rollScript(member: EtcdMember, endpoints: readonly string[], fingerprint: string, timeouts: RollTimeouts = {}): string {
    const precheckSeconds = timeouts.precheckSeconds ?? ROLL_PRECHECK_TIMEOUT_SECONDS;
    const memberSeconds = timeouts.memberSeconds ?? MEMBER_READY_TIMEOUT_SECONDS;
    const own = ownClientUrls(member);
    const others = endpoints.filter((e) => !own.includes(e));
    const lines = [`# etcdhosts restart fingerprint: ${fingerprint}`, "set -eu"];
    if (others.length > 0) {
        lines.push(
            ...waitFor(
                clusterHealthyCheck(member, others),
                precheckSeconds,
                `refusing to restart member ${member.name}: the other members are not all healthy`,
                "true",
            ),
        );
    }
    if (runtimeOf(member) === "systemd") {
        lines.push("systemctl daemon-reload", `systemctl restart ${UNIT_NAME}`);
    } else {
        // The kubelet recreates the pod when its manifest changes; wait until the old etcd is gone.
        // An unchanged manifest (only the CA changed, or a retried roll) would not restart it,
        // so that one is taken away first and put back once etcd has stopped.
        const manifest = manifestPath(member);
        lines.push(
            "old=$(pgrep -x etcd || true)",
            `if cmp -s ${shJoin([STAGED_MANIFEST, manifest])}; then`,
            `  ${shJoin(["rm", "-f", manifest])}`,
            ...waitFor(
                "! pgrep -x etcd >/dev/null",
                memberSeconds,
                `the kubelet did not stop member ${member.name}`,
                diagnostics(member),
            ).map((l) => `  ${l}`),
            "fi",
            ...activateManifest(member),
            ...waitFor(
                '[ -n "$(pgrep -x etcd || true)" ] && [ "$(pgrep -x etcd || true)" != "$old" ]',
                memberSeconds,
                `the kubelet did not restart member ${member.name}`,
                diagnostics(member),
            ),
        );
    }
    lines.push(
        ...waitFor(
            memberHealthyCheck(member),
            memberSeconds,
            `member ${member.name} is not healthy ${memberSeconds}s after its restart`,
            diagnostics(member),
        ),
    );
    return lines.join("\n");
}

/** Stop a member and take it out of its runtime. Idempotent. */
export function stopScript(member: EtcdMember): string {
    if (runtimeOf(member) === "systemd") {
        return ["set -eu", `systemctl disable --now ${UNIT_NAME} 2>/dev/null || true`, "systemctl reset-failed etcd.service 2>/dev/null || true"].join("\n");
    }
    const manifest = member.paths.manifestFile ?? "";
    return [
        "set -eu",
        shJoin(["rm", "-f", manifest, STAGED_MANIFEST]),
        // Removing the manifest makes the kubelet stop the pod; wait so that a destroy which
        // goes on to remove the certificates does not pull them from under a running etcd.
        ...waitFor("! pgrep -x etcd >/dev/null", 60, `the kubelet did not stop member ${member.name}`, "true"),
    ].join("\n");
}

/**
 * The cluster's health gate, run on one member once every member has started: waits until every
 * member answers healthy over mutual TLS, then prints the member list as JSON.
 */
export function healthGateScript(member: EtcdMember, endpoints: readonly string[], fingerprint: string): string {
    const memberList =
        runtimeOf(member) === "systemd"
            ? `${etcdctl(member, endpoints)} member list -w json`
            : `${curlTls(member)} -X POST -d '{}' ${shQuote(`${endpoints[0]}/v3/cluster/member/list`)}`;
    return [
        `# etcdhosts cluster fingerprint: ${fingerprint}`,
        "set -eu",
        ...waitFor(
            clusterHealthyCheck(member, endpoints),
            CLUSTER_READY_TIMEOUT_SECONDS,
            `the cluster is not healthy on every member after ${CLUSTER_READY_TIMEOUT_SECONDS}s (checked from ${member.name})`,
            diagnostics(member),
        ),
        memberList,
    ].join("\n");
}

/** Host paths the bootstrap scripts use; the defaults are the constants. Tests point them at temp files. */
export interface BootstrapPaths {
    /** Defaults to {@link BOOTSTRAPPED_MARKER}. */
    readonly marker?: string;
    /** Defaults to {@link STAGED_MANIFEST}. */
    readonly stagedManifest?: string;
}

/**
 * After a successful bootstrap: record it, and turn `initial-cluster-state` of the files already
 * on the host to `existing` (pitfalls P2). Files written later get the same treatment through
 * {@link markExistingScript}.
 */
export function markBootstrappedScript(member: EtcdMember, token: string, paths: BootstrapPaths = {}): string {
    const marker = paths.marker ?? BOOTSTRAPPED_MARKER;
    return ["set -eu", "umask 022", `printf '%s\\n' ${shQuote(token)} > ${shQuote(marker)}`, markExistingScript(member, token, paths)].join("\n");
}

/** Files of a member that carry `initial-cluster-state`, and how it is written in each. */
function stateFiles(member: EtcdMember, stagedManifest: string): { path: string; from: string; to: string }[] {
    switch (member.configSource) {
        case "config-file":
            return [{ path: member.paths.configFile ?? "", from: "^initial-cluster-state: new$", to: "initial-cluster-state: existing" }];
        case "env-file":
            return [{ path: member.paths.envFile ?? "", from: "^ETCD_INITIAL_CLUSTER_STATE=new$", to: "ETCD_INITIAL_CLUSTER_STATE=existing" }];
        case "pod-command":
            // Only the staged copy: rewriting the live manifest would make the kubelet restart
            // every member at once. The live one turns `existing` at the member's next roll.
            return [{ path: stagedManifest, from: "--initial-cluster-state=new$", to: "--initial-cluster-state=existing" }];
        default: {
            const exhaustive: never = member.configSource;
            throw new Error(`unknown config source ${String(exhaustive)}`);
        }
    }
}

/**
 * Turns `new` into `existing` in the member's config files when the bootstrap marker holds the
 * cluster token. Run after every write of those files, so Pulumi's record of the rendered
 * file stays constant (no diff on the next `up`) while the host's copy tells the truth.
 */
export function markExistingScript(member: EtcdMember, token: string, paths: BootstrapPaths = {}): string {
    const marker = paths.marker ?? BOOTSTRAPPED_MARKER;
    const edits = stateFiles(member, paths.stagedManifest ?? STAGED_MANIFEST).map(
        (f) => `  [ ! -f ${shQuote(f.path)} ] || sed -i ${shQuote(`s/${f.from}/${f.to}/`)} ${shQuote(f.path)}`,
    );
    return [`if [ "$(cat ${shQuote(marker)} 2>/dev/null || true)" = ${shQuote(token)} ]; then`, ...edits, "fi"].join("\n");
}

/** Remove the bootstrap marker. */
export function unmarkBootstrappedScript(): string {
    return shJoin(["rm", "-f", BOOTSTRAPPED_MARKER]);
}
