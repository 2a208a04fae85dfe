// The systemd runtime (`systemd` and `pc-master` layouts): etcd as the `etcd.service` unit.

import { UNIT_NAME } from "../../constants";
import type { RuntimeScripts } from "./runtime";
import { etcdctl, loopbackClientUrl } from "./tools";

export const systemdUnitRuntime: RuntimeScripts = {
    memberHealthyCheck: (member) => `${etcdctl(member, [loopbackClientUrl(member)])} endpoint health >/dev/null 2>&1`,
    clusterHealthyCheck: (member, endpoints) => `${etcdctl(member, endpoints)} endpoint health >/dev/null 2>&1`,
    memberListCommand: (member, endpoints) => `${etcdctl(member, endpoints)} member list -w json`,
    diagnostics: () => `journalctl -u ${UNIT_NAME} -n 30 --no-pager >&2 || true`,
    // One reload: `enable` would reload systemd again (seconds on a busy host, npm run bench).
    startScript: () => ["set -eu", "systemctl daemon-reload", `systemctl enable --no-reload ${UNIT_NAME}`, `systemctl start --no-block ${UNIT_NAME}`].join("\n"),
    restartLines: () => ["systemctl daemon-reload", `systemctl restart ${UNIT_NAME}`],
    stopScript: () => ["set -eu", `systemctl disable --now ${UNIT_NAME} 2>/dev/null || true`, "systemctl reset-failed etcd.service 2>/dev/null || true"].join("\n"),
};
