// Pure builders of the scripts that change the member list, for the systemd runtime (the hosts
// have etcdctl and the admin client certificate of the etcdctl profile). Each is safe to run
// again after a kill at any point: it reads the member list first and does only what is missing.
//
// `etcdctl member list -w simple` prints one member per line:
//   8e9e05c52164694d, started, h1, https://10.0.0.11:2380, https://10.0.0.11:2379, false
// (id, status, name, peer URLs, client URLs, is learner); an added member that has not started
// yet shows `unstarted` and an empty name.

import { shQuote } from "../shellWords";
import { layoutSpec } from "./layouts";
import type { MemberPlan } from "./member";
import { wantsEtcdctlApiEnv } from "./versions";

/** Seconds a joining member may take to be added, start, catch up and be promoted. */
export const JOIN_TIMEOUT_SECONDS = 180;

/** Lines that point etcdctl at the member's profile endpoints with the admin certificate. */
function etcdctlEnv(member: MemberPlan): string[] {
    return [
        // The profile (written with the configuration) names every member's client URL and the
        // admin client certificate; reading it at run time keeps this script's text the same
        // whatever the membership, so a membership change re-runs nothing it need not.
        `. ${shQuote(member.paths.etcdctlProfile)}`,
        // etcdctl refuses an endpoint both in the environment and on the command line: keep the
        // profile's list in a variable and name endpoints only with --endpoints.
        'all="$ETCDCTL_ENDPOINTS"',
        "unset ETCDCTL_ENDPOINTS",
        ...(wantsEtcdctlApiEnv(member.version) ? ["export ETCDCTL_API=3"] : []),
        `ctl() { ${shQuote(member.binaries.etcdctl)} --dial-timeout=3s --command-timeout=10s "$@"; }`,
        // The other members' endpoints: the profile's, less this member's own.
        `self_client=${shQuote(member.client.advertiseUrls[0])}`,
        `others=$(printf '%s\\n' "$all" | tr ',' '\\n' | grep -vxF "$self_client" | paste -sd, -)`,
        `self_peer=${shQuote(member.peer.advertiseUrls[0])}`,
        // This member's line of the member list (matched by peer URL), or nothing; fails when no
        // member answered (a pipeline would hide etcdctl's failure behind awk's success).
        `own_line() { list=$(ctl --endpoints="$1" member list -w simple) || return 1; printf '%s\\n' "$list" | awk -F', ' -v p="$self_peer" '$4 == p || index($4, p ",") == 1'; }`,
    ];
}

/** A bounded retry loop around a shell body that `exit 0`s on success. */
function retry(body: string[], seconds: number, failure: string): string[] {
    return [
        "i=0",
        "while :; do",
        ...body.map((l) => `  ${l}`),
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${seconds} ]; then printf 'etcdhosts: %s\\n' ${shQuote(failure)} >&2; exit 1; fi`,
        "  sleep 1",
        "done",
    ];
}

/**
 * Before a member's first start: when its configuration says it joins a running cluster
 * (`initial-cluster-state: existing`, rendered for a node new to the inventory), add it to the
 * member list as a learner, unless a member with its peer URL is already there (an earlier run
 * was killed after the add, or it is a bootstrapped member). Data left on the host by an
 * earlier membership of the same name (removed since) is moved aside first, never deleted. A
 * bootstrapping member does nothing; so does one with data when no member answers.
 */
export function joinScript(member: MemberPlan): string {
    const state = layoutSpec(member.layout).stateFile;
    const stateFile = member.paths[state.file] ?? "";
    const data = `${member.dataDir}/member`;
    return [
        "set -eu",
        `grep -qxF ${shQuote(state.to)} ${shQuote(stateFile)} || exit 0`,
        ...etcdctlEnv(member),
        // No other member to join through: a bootstrapped one-member cluster, run again (a
        // changed connection re-runs every step).
        `[ -n "$others" ] || exit 0`,
        ...retry(
            [
                'if line=$(own_line "$others" 2>/dev/null); then',
                '  if [ -n "$line" ]; then echo "etcdhosts: in the member list: $line"; exit 0; fi',
                `  if [ -d ${shQuote(data)} ]; then mv ${shQuote(data)} ${shQuote(data)}.removed-$(date +%s); fi`,
                `  ctl --endpoints="$others" member add ${shQuote(member.name)} --peer-urls="$self_peer" --learner && exit 0`,
                `elif [ -d ${shQuote(data)} ]; then`,
                "  exit 0",
                "fi",
            ],
            JOIN_TIMEOUT_SECONDS,
            `member ${member.name} could not be added to the running cluster (no healthy member answered)`,
        ),
    ].join("\n");
}

/**
 * After a member's start: promote it if it is a learner (etcd refuses until it has caught up
 * with the leader, so this retries), then wait until it answers healthy as a voting member. A
 * no-op for a member that already votes.
 */
export function promoteScript(member: MemberPlan): string {
    return [
        "set -eu",
        ...etcdctlEnv(member),
        ...retry(
            [
                'line=$(own_line "$all" 2>/dev/null || true)',
                'case "$line" in',
                '  *", true") ctl --endpoints="$all" member promote "${line%%,*}" >/dev/null 2>&1 || true ;;',
                `  *", false") ctl --endpoints="$self_client" endpoint health >/dev/null 2>&1 && exit 0 ;;`,
                "esac",
            ],
            JOIN_TIMEOUT_SECONDS,
            `member ${member.name} did not become a healthy voting member within ${JOIN_TIMEOUT_SECONDS}s`,
        ),
    ].join("\n");
}

/**
 * Remove a member that leaves the inventory, run on a member that stays, before the leaving
 * member's etcd is stopped. Idempotent: a member no longer in the list is done. Never removes
 * the last member.
 */
export function removeMemberScript(anchor: MemberPlan, leaving: { name: string; peerUrl: string }): string {
    return [
        "set -eu",
        ...etcdctlEnv(anchor),
        `gone=${shQuote(leaving.peerUrl)}`,
        ...retry(
            [
                `if list=$(ctl --endpoints="$all" member list -w simple 2>/dev/null); then`,
                `  line=$(printf '%s\\n' "$list" | awk -F', ' -v p="$gone" '$4 == p || index($4, p ",") == 1')`,
                `  if [ -z "$line" ]; then echo "etcdhosts: ${leaving.name} is not a member"; exit 0; fi`,
                `  [ "$(printf '%s\\n' "$list" | grep -c .)" -gt 1 ] || { echo "etcdhosts: ${leaving.name} is the last member; kept" >&2; exit 1; }`,
                `  ctl --endpoints="$all" member remove "\${line%%,*}" && exit 0`,
                "fi",
            ],
            60,
            `member ${leaving.name} could not be removed: the cluster did not answer, or refused (etcd keeps quorum)`,
        ),
    ].join("\n");
}
