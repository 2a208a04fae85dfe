// The snapshot service and its timer (pitfalls P14), the same shape on every layout: for static
// pods too the timer runs on the host, not in the pod, so a crash-looping pod does not stop it.
// Pure; golden-tested. See systemd.timer(5) and systemd.exec(5).

import { HOST_STATE_DIR, MANAGED_HEADER, SNAPSHOT_SCRIPT, SNAPSHOT_SERVICE_NAME, UNIT_NAME } from "../constants";
import type { SnapshotMember } from "./backupPlan";
import type { MemberPlan } from "./member";
import { docsBase } from "./versions";

/** The oneshot service that runs the snapshot script once. */
export function renderSnapshotService(member: MemberPlan): string {
    const lines = [
        MANAGED_HEADER,
        "[Unit]",
        `Description=etcd snapshot of member ${member.name} (etcdhosts)`,
        `Documentation=${docsBase(member.version)}/op-guide/recovery/`,
        // Ordering only: a snapshot waits for etcd (or the kubelet) at boot, and never starts it.
        `After=${member.layout === "static-pod" ? "kubelet.service" : UNIT_NAME}`,
        "",
        "[Service]",
        "Type=oneshot",
        `ExecStart=${SNAPSHOT_SCRIPT}`,
        // A snapshot reads the whole database: let etcd's own I/O and CPU go first.
        "Nice=10",
        "IOSchedulingClass=best-effort",
        "IOSchedulingPriority=7",
        "NoNewPrivileges=yes",
        // Read-only everywhere but etcdhosts' state dir (snapshots, status), which the host
        // setup creates before the timer is enabled (226/NAMESPACE otherwise).
        "ProtectSystem=strict",
        `ReadWritePaths=${HOST_STATE_DIR}`,
        "ProtectHome=yes",
        "PrivateTmp=yes",
    ];
    return `${lines.join("\n")}\n`;
}

/** The timer: on the UTC clock, a missed run caught up after boot. */
export function renderSnapshotTimer(member: MemberPlan, schedule: SnapshotMember): string {
    const lines = [
        MANAGED_HEADER,
        "[Unit]",
        `Description=Scheduled etcd snapshots of member ${member.name} (etcdhosts)`,
        "",
        "[Timer]",
        `OnCalendar=${schedule.onCalendar}`,
        // Every member fires at the same step to agree on whose turn it is; no 1-minute slack.
        "AccuracySec=1s",
        "Persistent=true",
        `Unit=${SNAPSHOT_SERVICE_NAME}`,
        "",
        "[Install]",
        "WantedBy=timers.target",
    ];
    return `${lines.join("\n")}\n`;
}
