// The systemd runtime (`systemd` and `pc-master` layouts): etcd as the `etcd.service` unit.

import { UNIT_NAME } from "../../constants";
import { shQuote } from "../../shellWords";
import type { RuntimeScripts } from "./runtime";
import { etcdctl, loopbackClientUrl } from "./tools";

export const systemdUnitRuntime: RuntimeScripts = {
    memberHealthyCheck: (member) => `${etcdctl(member, [loopbackClientUrl(member)])} endpoint health >/dev/null 2>&1`,
    clusterHealthyCheck: (member, endpoints) => `${etcdctl(member, endpoints)} endpoint health >/dev/null 2>&1`,
    othersHealthy: (member) => ({
        // The voting members other than this one, from the member list (reached through the
        // endpoints the host's etcdctl profile names, so this member being down does not matter).
        setup: [
            "others_healthy() {",
            `  all=$(. ${shQuote(member.paths.etcdctlProfile)} && printf '%s' "$ETCDCTL_ENDPOINTS") || return 1`,
            `  list=$(${etcdctl(member, ["$all"]).replace("'--endpoints=$all'", '--endpoints="$all"')} member list -w simple 2>/dev/null) || return 1`,
            `  eps=$(printf '%s\\n' "$list" | awk -F', ' -v me=${shQuote(member.name)} '$2 == "started" && $3 != me && $6 == "false" {print $5}' | paste -sd, -)`,
            `  [ -z "$eps" ] || ${etcdctl(member, ["$eps"]).replace("'--endpoints=$eps'", '--endpoints="$eps"')} endpoint health >/dev/null 2>&1`,
            "}",
        ],
        check: "others_healthy",
    }),
    memberListCommand: (member, endpoints) => `${etcdctl(member, endpoints)} member list -w json`,
    diagnostics: () => `journalctl -u ${UNIT_NAME} -n 30 --no-pager >&2 || true`,
    // One reload: `enable` would reload systemd again (seconds on a busy host, npm run bench).
    startScript: () => ["set -eu", "systemctl daemon-reload", `systemctl enable --no-reload ${UNIT_NAME}`, `systemctl start --no-block ${UNIT_NAME}`].join("\n"),
    restartLines: () => ["systemctl daemon-reload", `systemctl restart ${UNIT_NAME}`],
    stopScript: () => ["set -eu", `systemctl disable --now ${UNIT_NAME} 2>/dev/null || true`, "systemctl reset-failed etcd.service 2>/dev/null || true"].join("\n"),
};
