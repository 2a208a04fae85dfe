// Pure builders of the scripts that start, roll, check and stop an etcd member on its host. What
// differs between runtimes (a systemd unit, a kubelet static pod) comes from the member's
// runtime (runtimes/); the sequence around it (pre-check, restart, health wait, bootstrap
// record) is the same for every layout and lives here. The components only pass these strings
// to `remote.Command`, so every script is unit-tested without a host.

import { BOOTSTRAPPED_MARKER, STAGED_MANIFEST } from "../constants";
import { shJoin, shQuote } from "../shellWords";
import { buildFlags, flagValue } from "./flags";
import { layoutSpec } from "./layouts";
import type { MemberPlan } from "./member";
import { runtimeScripts } from "./runtimes";
import { waitFor } from "./runtimes/tools";

export { runtimeOf } from "./runtimes";
export { curlTls, etcdctl, healthcheckTls, loopbackClientUrl } from "./runtimes/tools";

/** Seconds a member may take to answer healthy after a (re)start before the step fails. */
export const MEMBER_READY_TIMEOUT_SECONDS = 120;
/** Seconds a roll waits for the other members to answer healthy before it refuses to restart. */
export const ROLL_PRECHECK_TIMEOUT_SECONDS = 30;
/** Seconds the cluster may take to form and answer healthy on every member. */
export const CLUSTER_READY_TIMEOUT_SECONDS = 180;

/** A shell test that succeeds when this member answers healthy on its own. */
export function memberHealthyCheck(member: MemberPlan): string {
    return runtimeScripts(member).memberHealthyCheck(member);
}

/** A shell test that succeeds when every listed client endpoint answers healthy. */
export function clusterHealthyCheck(member: MemberPlan, endpoints: readonly string[]): string {
    return runtimeScripts(member).clusterHealthyCheck(member, endpoints);
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
export function startScript(member: MemberPlan): string {
    return runtimeScripts(member).startScript(member);
}

/** Time limits of {@link rollScript}; the defaults are the constants above. Tests shorten them. */
export interface RollTimeouts {
    /** How long the other members may take to answer healthy. Defaults to {@link ROLL_PRECHECK_TIMEOUT_SECONDS}. */
    readonly precheckSeconds?: number;
    /** How long the member may take to stop, restart and answer healthy. Defaults to {@link MEMBER_READY_TIMEOUT_SECONDS}. */
    readonly memberSeconds?: number;
}

/** The member's own client URLs as it advertises them (after overrides). */
function ownClientUrls(member: MemberPlan): string[] {
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
export function rollScript(member: MemberPlan, endpoints: readonly string[], fingerprint: string, timeouts: RollTimeouts = {}): string {
    const precheckSeconds = timeouts.precheckSeconds ?? ROLL_PRECHECK_TIMEOUT_SECONDS;
    const memberSeconds = timeouts.memberSeconds ?? MEMBER_READY_TIMEOUT_SECONDS;
    const runtime = runtimeScripts(member);
    const own = ownClientUrls(member);
    const others = endpoints.filter((e) => !own.includes(e));
    const lines = [`# etcdhosts restart fingerprint: ${fingerprint}`, "set -eu"];
    if (others.length > 0) {
        const precheck = runtime.othersHealthy(member, others);
        lines.push(
            ...precheck.setup,
            ...waitFor(
                precheck.check,
                precheckSeconds,
                `refusing to restart member ${member.name}: the other members are not all healthy`,
                "true",
            ),
        );
    }
    lines.push(
        ...runtime.restartLines(member, memberSeconds),
        ...waitFor(
            runtime.memberHealthyCheck(member),
            memberSeconds,
            `member ${member.name} is not healthy ${memberSeconds}s after its restart`,
            runtime.diagnostics(member),
        ),
    );
    return lines.join("\n");
}

/** Stop a member and take it out of its runtime. Idempotent. */
export function stopScript(member: MemberPlan): string {
    return runtimeScripts(member).stopScript(member);
}

/**
 * The cluster's health gate, run on one member once every member has started: waits until every
 * member answers healthy over mutual TLS, then prints the member list as JSON.
 */
export function healthGateScript(member: MemberPlan, endpoints: readonly string[], fingerprint: string): string {
    const runtime = runtimeScripts(member);
    return [
        `# etcdhosts cluster fingerprint: ${fingerprint}`,
        "set -eu",
        ...waitFor(
            runtime.clusterHealthyCheck(member, endpoints),
            CLUSTER_READY_TIMEOUT_SECONDS,
            `the cluster is not healthy on every member after ${CLUSTER_READY_TIMEOUT_SECONDS}s (checked from ${member.name})`,
            runtime.diagnostics(member),
        ),
        runtime.memberListCommand(member, endpoints),
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
export function markBootstrappedScript(member: MemberPlan, token: string, paths: BootstrapPaths = {}): string {
    const marker = paths.marker ?? BOOTSTRAPPED_MARKER;
    return ["set -eu", "umask 022", `printf '%s\\n' ${shQuote(token)} > ${shQuote(marker)}`, markExistingScript(member, token, paths)].join("\n");
}

/**
 * Turns `new` into `existing` in the layout's state file (layouts/spec.ts `stateFile`) when the
 * bootstrap marker holds the cluster token. Run after every write of that file, so Pulumi's
 * record of the rendered file stays constant (no diff on the next `up`) while the host's copy
 * tells the truth.
 */
export function markExistingScript(member: MemberPlan, token: string, paths: BootstrapPaths = {}): string {
    const marker = paths.marker ?? BOOTSTRAPPED_MARKER;
    const state = layoutSpec(member.layout).stateFile;
    const file = (state.file === "stagedManifest" ? paths.stagedManifest : undefined) ?? member.paths[state.file] ?? "";
    const edit = `  [ ! -f ${shQuote(file)} ] || sed -i ${shQuote(`s/${state.from}/${state.to}/`)} ${shQuote(file)}`;
    return [`if [ "$(cat ${shQuote(marker)} 2>/dev/null || true)" = ${shQuote(token)} ]; then`, edit, "fi"].join("\n");
}

/** Remove the bootstrap marker. */
export function unmarkBootstrappedScript(): string {
    return shJoin(["rm", "-f", BOOTSTRAPPED_MARKER]);
}
