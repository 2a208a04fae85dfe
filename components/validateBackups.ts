// The snapshot and restore settings (pitfalls P14), read into a typed BackupConfig and
// RestoreConfig. Part of parseClusterConfig; pure.

import { pathProblem } from "./validatePaths";
import { parseGoDuration } from "./etcd/goDuration";
import type { BackupConfig, EtcdVersion, RestoreConfig } from "./types";
import { Problems, isRecord, readBool, readInt, readString, readStructured, rejectUnknownKeys, show } from "./validateValues";

/** The scalar keys read together by {@link readBackups}; Pulumi.yaml declares each. */
export const BACKUP_SCALAR_KEYS = ["backups", "backupInterval", "backupRetain", "backupEachMember", "backupMinFreeMiB"] as const;

/** Fields of the `restore` object. */
const RESTORE_FIELDS = ["snapshot", "generation", "bumpRevision", "markCompacted"];

/** Most snapshots a host may keep: a bound on a typo, not on taste. */
const MAX_RETAIN = 1000;

const NS_PER_MINUTE = 60n * 1000000000n;

/**
 * Minutes of a `backupInterval`. The timer fires on the UTC clock (systemd `OnCalendar`), so the
 * interval must split an hour or a day into equal steps: then every member's timer agrees on
 * which interval it is, which is what lets one member take the snapshot and the others skip.
 */
export function readBackupInterval(p: Problems, value: unknown): number | undefined {
    const s = readString(p, "backupInterval", value);
    if (s === undefined) return undefined;
    const ns = parseGoDuration(s);
    if (ns === undefined || ns === 0n) {
        p.error("backupInterval", `${show(s)} is not a duration such as 30m or 6h`);
        return undefined;
    }
    const minutes = ns % NS_PER_MINUTE === 0n ? Number(ns / NS_PER_MINUTE) : undefined;
    const dividesHour = minutes !== undefined && minutes < 60 && 60 % minutes === 0;
    const dividesDay = minutes !== undefined && minutes % 60 === 0 && 24 % (minutes / 60) === 0;
    if (minutes === undefined || !(dividesHour || dividesDay)) {
        p.error(
            "backupInterval",
            `${show(s)} does not split an hour or a day into equal steps; use minutes that divide an hour (1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m) or hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h)`,
        );
        return undefined;
    }
    return minutes;
}

/** `backupMembers`: node names, each once; empty means every node. Returned in inventory order. */
function readBackupMembers(p: Problems, value: unknown, nodeNames: readonly string[] | undefined): string[] | undefined {
    const v = readStructured(p, "backupMembers", value);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
        p.error("backupMembers", `expected a list of member names, got ${show(v)}`);
        return undefined;
    }
    let ok = true;
    const seen = new Set<string>();
    v.forEach((name: unknown, i) => {
        const field = `backupMembers[${i}]`;
        if (typeof name !== "string") {
            p.error(field, `expected a member name, got ${show(name)}`);
            ok = false;
        } else if (seen.has(name)) {
            p.error(field, `${show(name)} is listed twice`);
            ok = false;
        } else if (nodeNames !== undefined && !nodeNames.includes(name)) {
            p.error(field, `${show(name)} is not a member (nodes: ${nodeNames.join(", ")})`);
            ok = false;
        }
        if (typeof name === "string") seen.add(name);
    });
    if (!ok || nodeNames === undefined) return undefined;
    return v.length === 0 ? [...nodeNames] : nodeNames.filter((n) => seen.has(n));
}

/**
 * The backup settings: a BackupConfig, `false` for `backups: false` (the other keys are still
 * checked), or undefined after recording problems.
 */
export function readBackups(p: Problems, raw: Record<string, unknown>, nodeNames: readonly string[] | undefined): BackupConfig | false | undefined {
    const enabled = readBool(p, "backups", raw.backups);
    const intervalMinutes = readBackupInterval(p, raw.backupInterval);
    const retain = readInt(p, "backupRetain", raw.backupRetain, 1, MAX_RETAIN);
    const eachMember = readBool(p, "backupEachMember", raw.backupEachMember);
    const minFreeMiB = readInt(p, "backupMinFreeMiB", raw.backupMinFreeMiB, 0);
    const members = readBackupMembers(p, raw.backupMembers, nodeNames);
    if (enabled === undefined || intervalMinutes === undefined || retain === undefined || eachMember === undefined || minFreeMiB === undefined || members === undefined) {
        return undefined;
    }
    return enabled ? { intervalMinutes, retain, members, eachMember, minFreeMiB } : false;
}

/**
 * The `restore` object: a RestoreConfig, `false` for `{}` (no restore), or undefined after
 * recording problems. `version` is undefined when etcdVersion itself failed to parse.
 */
export function readRestore(p: Problems, value: unknown, version: EtcdVersion | undefined): RestoreConfig | false | undefined {
    const v = readStructured(p, "restore", value);
    if (v === undefined) return undefined;
    if (!isRecord(v)) {
        p.error("restore", `expected an object such as {snapshot: /path/on/the/runner.db, generation: 1}, got ${show(v)}`);
        return undefined;
    }
    if (Object.keys(v).length === 0) return false;
    const before = p.errors.length;
    rejectUnknownKeys(p, "restore", v, RESTORE_FIELDS, "restore setting");
    let snapshot: string | undefined;
    if (v.snapshot === undefined) p.error("restore.snapshot", "required: the absolute path of a snapshot file on the machine running Pulumi");
    else {
        snapshot = readString(p, "restore.snapshot", v.snapshot);
        if (snapshot !== undefined && (!snapshot.startsWith("/") || /[\0\n\r]/.test(snapshot))) {
            p.error("restore.snapshot", `${show(snapshot)} must be an absolute path on the machine running Pulumi`);
        } else if (snapshot !== undefined && pathProblem(snapshot, true) !== undefined) {
            p.error("restore.snapshot", pathProblem(snapshot, true) ?? "");
        }
    }
    let generation: number | undefined;
    if (v.generation === undefined) p.error("restore.generation", "required: a number, at least 1; a new number restores again");
    else generation = readInt(p, "restore.generation", v.generation, 1);
    const bumpRevision = v.bumpRevision === undefined ? 0 : readInt(p, "restore.bumpRevision", v.bumpRevision, 0);
    const markCompacted = v.markCompacted === undefined ? false : readBool(p, "restore.markCompacted", v.markCompacted);
    if (bumpRevision !== undefined && markCompacted !== undefined && (bumpRevision > 0) !== markCompacted) {
        p.error(
            "restore.markCompacted",
            "etcdutl takes --mark-compacted exactly together with --bump-revision: set both (bumpRevision above 0 and markCompacted: true) or neither",
        );
    }
    if (bumpRevision !== undefined && bumpRevision > 0 && version?.series === "3.4") {
        p.error("restore.bumpRevision", "etcd 3.4 cannot bump the revision on restore (etcdutl 3.5 and later can)");
    }
    if (p.errors.length > before || snapshot === undefined || generation === undefined || bumpRevision === undefined || markCompacted === undefined) return undefined;
    return { snapshot, generation, bumpRevision, markCompacted };
}
