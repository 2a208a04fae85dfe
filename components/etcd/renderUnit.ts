// The etcd systemd unit. The same on every member of a cluster: member settings live in
// etcd.conf.yml (`systemd`) or the ETCD_* file (`pc-master`), so a config change restarts etcd
// through the component's triggers without rewriting the unit. See systemd.exec(5) for every directive.

import type { EtcdMember } from "./member";
import { ETCD_GROUP, ETCD_USER, MANAGED_HEADER, UNIT_SETTINGS } from "../constants";
import { docsBase } from "./versions";

/** How the unit starts etcd. */
function execLines(member: EtcdMember): string[] {
    switch (member.configSource) {
        case "config-file":
            return [`ExecStart=${member.binaries.etcd} --config-file ${member.paths.configFile}`];
        case "env-file":
            return [`EnvironmentFile=${member.paths.envFile}`, `ExecStart=${member.binaries.etcd}`];
        case "pod-command":
            throw new Error(`member "${member.name}" runs as a static pod under the kubelet; it has no etcd unit`);
        default: {
            const exhaustive: never = member.configSource;
            throw new Error(`unknown config source ${String(exhaustive)}`);
        }
    }
}

/**
 * The unit text. Hardening keeps to options that work for etcd on a real host and inside a
 * systemd-nspawn container (the test bed): no `PrivateDevices=`/`DevicePolicy=` (need device
 * cgroup control the container lacks), no `PrivateUsers=` (no user namespaces there), no
 * `SystemCallFilter=` allow-list (not verified against every etcd release's system calls). What
 * stays costs etcd nothing and removes privileges it never uses.
 */
export function renderUnit(member: EtcdMember): string {
    const lines = [
        MANAGED_HEADER,
        "[Unit]",
        "Description=etcd key-value store (etcdhosts)",
        `Documentation=${docsBase(member.version)}/op-guide/configuration/`,
        // Listeners bind to the host address; it must be configured before etcd starts.
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        // etcd reports readiness over sd_notify once it serves, so `systemctl start` returns
        // only when the member has joined its cluster.
        "Type=notify",
        `User=${ETCD_USER}`,
        `Group=${ETCD_GROUP}`,
        ...execLines(member),
        `Restart=${UNIT_SETTINGS.restart}`,
        `RestartSec=${UNIT_SETTINGS.restartSec}`,
        `LimitNOFILE=${UNIT_SETTINGS.limitNoFile}`,
        // etcd is latency-bound on fsync; give it the highest best-effort I/O priority.
        "IOSchedulingClass=best-effort",
        "IOSchedulingPriority=0",
        "NoNewPrivileges=yes",
        // Everything read-only but the data dir, which must exist before start (226/NAMESPACE otherwise).
        "ProtectSystem=strict",
        `ReadWritePaths=${member.dataDir}`,
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectControlGroups=yes",
        // AF_UNIX for sd_notify and journald.
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        // Ports 2379-2381 are unprivileged: etcd needs no capability at all.
        "CapabilityBoundingSet=",
        "LockPersonality=yes",
        "RestrictSUIDSGID=yes",
        "SystemCallArchitectures=native",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ];
    return `${lines.join("\n")}\n`;
}
