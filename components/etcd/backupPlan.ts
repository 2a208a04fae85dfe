// The snapshot and restore part of the plan (pitfalls P14): which hosts take snapshots and when,
// and where etcdctl and etcdutl are on each host. Pure; built once by planCluster.

import type { ClusterConfig, EtcdVersion, RestoreConfig } from "../types";
import { SNAPSHOT_TOOLS_DIR } from "../constants";
import { clientEndpoints } from "./flags";
import type { LayoutSpec } from "./layouts";
import type { MemberPlan } from "./member";

/** etcdctl and etcdutl on a member's host. */
export interface SnapshotTools {
    /** etcdctl, used with the health-check client certificate. */
    readonly etcdctl: string;
    /** etcdutl (etcd 3.5 and later); undefined on 3.4, whose etcdctl verifies and restores itself. */
    readonly etcdutl?: string;
    /**
     * True on static-pod hosts: etcd runs from its image, so both are copied from the running
     * container's image into {@link SNAPSHOT_TOOLS_DIR} (the host has no etcd install).
     */
    readonly fromImage: boolean;
}

/** One host that takes snapshots. */
export interface SnapshotMember {
    readonly name: string;
    /** systemd `OnCalendar=` of its timer, in UTC. */
    readonly onCalendar: string;
}

/** The timers: see `BackupConfig`. */
export interface SnapshotSchedule {
    readonly intervalMinutes: number;
    readonly retain: number;
    readonly eachMember: boolean;
    readonly minFreeMiB: number;
    /** The hosts with a timer, in inventory order. */
    readonly members: readonly SnapshotMember[];
    /**
     * Every snapshot member with its advertised client URL, in inventory order: the rotation in
     * which, with `eachMember: false`, the first healthy one of an interval takes its snapshot.
     */
    readonly rotation: readonly { readonly name: string; readonly clientUrl: string }[];
}

/** Snapshots and restore of one cluster. */
export interface BackupPlan {
    /** Scheduled snapshots; undefined with `backups: false`. */
    readonly schedule?: SnapshotSchedule;
    /** The restore asked for; undefined when `restore` is empty. */
    readonly restore?: RestoreConfig;
    /** etcdctl and etcdutl on each member's host, by member name. */
    readonly tools: Readonly<Record<string, SnapshotTools>>;
}

/** Where the snapshot tools are on a member's host. */
export function snapshotTools(layout: LayoutSpec, version: EtcdVersion, member: Pick<MemberPlan, "binaries">): SnapshotTools {
    const withUtl = version.minor >= 5;
    if (layout.runtime === "static-pod") {
        return { etcdctl: `${SNAPSHOT_TOOLS_DIR}/etcdctl`, ...(withUtl ? { etcdutl: `${SNAPSHOT_TOOLS_DIR}/etcdutl` } : {}), fromImage: true };
    }
    // Every install method puts etcdutl next to etcdctl (release tarballs and the toolchain ship it).
    const dir = member.binaries.etcdctl.slice(0, member.binaries.etcdctl.lastIndexOf("/"));
    return { etcdctl: member.binaries.etcdctl, ...(withUtl ? { etcdutl: `${dir}/etcdutl` } : {}), fromImage: false };
}

const pad = (n: number): string => String(n).padStart(2, "0");

/**
 * `OnCalendar=` for every `intervalMinutes` from `offsetSeconds` past the start of each step,
 * in UTC. The interval divides an hour or a day (the parser's rule), so the steps line up the
 * same on every host.
 */
export function onCalendar(intervalMinutes: number, offsetSeconds: number): string {
    const s = pad(offsetSeconds % 60);
    if (intervalMinutes < 60) return `*-*-* *:${pad(Math.floor(offsetSeconds / 60))}/${intervalMinutes}:${s} UTC`;
    const hours = intervalMinutes / 60;
    const h = pad(Math.floor(offsetSeconds / 3600));
    const m = pad(Math.floor(offsetSeconds / 60) % 60);
    return hours === 24 ? `*-*-* ${h}:${m}:${s} UTC` : `*-*-* ${h}/${hours}:${m}:${s} UTC`;
}

/** The backup part of the plan, or undefined when there are neither snapshots nor a restore. */
export function planBackups(config: ClusterConfig, layout: LayoutSpec, members: readonly MemberPlan[]): BackupPlan | undefined {
    const backups = config.backups;
    if (backups === undefined && config.restore === undefined) return undefined;
    const tools = Object.fromEntries(members.map((m) => [m.name, snapshotTools(layout, config.etcd.version, m)]));
    let schedule: SnapshotSchedule | undefined;
    if (backups !== undefined) {
        const chosen = members.filter((m) => backups.members.includes(m.name));
        const intervalSeconds = backups.intervalMinutes * 60;
        // One snapshot per interval: every timer fires at the step and the rotation picks one
        // member. Each member its own: spread the timers over the step, never two at one moment.
        const offset = (k: number): number => (backups.eachMember ? Math.floor((k * intervalSeconds) / chosen.length) : 0);
        schedule = {
            intervalMinutes: backups.intervalMinutes,
            retain: backups.retain,
            eachMember: backups.eachMember,
            minFreeMiB: backups.minFreeMiB,
            members: chosen.map((m, k) => ({ name: m.name, onCalendar: onCalendar(backups.intervalMinutes, offset(k)) })),
            // The first advertised client URL (after overrides): what the others reach it at.
            rotation: chosen.map((m) => ({ name: m.name, clientUrl: clientEndpoints([m])[0] })),
        };
    }
    return { ...(schedule !== undefined ? { schedule } : {}), ...(config.restore !== undefined ? { restore: config.restore } : {}), tools };
}
