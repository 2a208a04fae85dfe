// Pure builders of the restore scripts (pitfalls P14): every member restored from the same
// snapshot into a new cluster generation, as etcd's recovery guide says. The component runs them
// in phases across all members: prepare (verify the upload) on every host before any member
// stops; restore (stop, move the old data aside, restore) on every host before any member starts;
// start on every host at once; then one check that the cluster is healthy and takes writes.
//
// A host remembers the generation it completed (RESTORE_MARKER, with the cluster token), and every
// phase does nothing there: so a retried `up` resumes where a failure stopped it, and a changed
// snapshot file without a new generation restores nothing.

import { HOST_STATE_DIR, RESTORE_CHECK_KEY, RESTORE_MARKER, RESTORE_STAGING_DIR, SNAPSHOT_TIMER_NAME, UNIT_NAME } from "../constants";
import type { RestoreConfig } from "../types";
import { asAccount, shJoin, shQuote, tempPathFor } from "../shellWords";
import type { SnapshotTools } from "./backupPlan";
import { buildInitialCluster } from "./member";
import type { MemberPlan } from "./member";
import { CLUSTER_READY_TIMEOUT_SECONDS, MEMBER_READY_TIMEOUT_SECONDS, startScript } from "./lifecycleScripts";
import { runtimeOf } from "./runtimes";
import { etcdctl, waitFor } from "./runtimes/tools";
import { wantsEtcdctlApiEnv } from "./versions";

/** Where the snapshot is uploaded on every host. */
export const STAGED_SNAPSHOT = `${RESTORE_STAGING_DIR}/snapshot.db`;

/** What one member's restore needs. */
export interface RestoreSpec {
    readonly member: MemberPlan;
    readonly tools: SnapshotTools;
    readonly restore: RestoreConfig;
    /** The cluster token; the restored generation's token is derived from it ({@link restoreToken}). */
    readonly token: string;
    /** sha256 of the snapshot file on the runner: the upload must match it. */
    readonly sha256: string;
    /** The data dir's cluster marker file (preflight's): kept in place, written if the data dir lost it. */
    readonly clusterMarkerFile: string;
    /** Owner of the data dir (the account etcd runs as). */
    readonly runAs: { readonly user: string; readonly group: string };
}

/** The `initial-cluster-token` of a restored generation: new per generation, so no old member can ever join it (pitfalls P3). */
export function restoreToken(token: string, generation: number): string {
    return `${token}-g${generation}`;
}

const FAIL = `fail() { printf 'etcdhosts restore: %s\\n' "$*" >&2; exit 1; }`;

/** Exit early on a host that already completed this generation (dropping an upload made since). */
function doneCheck(spec: RestoreSpec, dropUpload = false): string[] {
    const done = `${spec.token} ${spec.restore.generation}`;
    return [
        `if [ "$(cat ${shQuote(RESTORE_MARKER)} 2>/dev/null || true)" = ${shQuote(done)} ]; then`,
        ...(dropUpload ? [`  ${shJoin(["rm", "-f", "--", STAGED_SNAPSHOT])}`] : []),
        `  echo ${shQuote(`etcdhosts restore: member ${spec.member.name} already completed generation ${spec.restore.generation}; nothing to do (a new generation restores again)`)}`,
        "  exit 0",
        "fi",
    ];
}

/** The staging dir, writable by the SSH login user who uploads (SFTP runs as that user). Idempotent. */
export function restoreStageScript(loginUser: string): string {
    return ["set -eu", shJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", HOST_STATE_DIR]), shJoin(["install", "-d", "-m", "0700", "-o", loginUser, RESTORE_STAGING_DIR])].join("\n");
}

/**
 * Removes the staging dir and any upload left in it; with `wipe` (`wipeDataOnDestroy`) also the
 * record of the completed generation, which otherwise outlives the stack like the data does.
 */
export function restoreUnstageScript(wipe: boolean): string {
    const record = wipe ? [shJoin(["rm", "-f", "--", RESTORE_MARKER]), `rmdir -- ${shQuote(HOST_STATE_DIR)} 2>/dev/null || true`] : [];
    return ["set -eu", shJoin(["rm", "-rf", "--", RESTORE_STAGING_DIR]), ...record].join("\n");
}

/** Phase 1: the upload is the runner's file and a sound snapshot; prints etcdutl's status of it. */
export function restorePrepareScript(spec: RestoreSpec): string {
    const verify = spec.tools.etcdutl !== undefined ? shJoin([spec.tools.etcdutl, "snapshot", "status", "-w", "json", STAGED_SNAPSHOT]) : `ETCDCTL_API=3 ${shJoin([spec.tools.etcdctl, "snapshot", "status", "-w", "json", STAGED_SNAPSHOT])}`;
    return [
        `# etcdhosts restore generation ${spec.restore.generation} of ${spec.restore.snapshot} (sha256 ${spec.sha256})`,
        "set -eu",
        FAIL,
        // A new snapshot file under the same generation is uploaded but never restored.
        ...doneCheck(spec, true),
        `[ -f ${shQuote(STAGED_SNAPSHOT)} ] || fail "the uploaded snapshot ${STAGED_SNAPSHOT} is missing on member ${spec.member.name}"`,
        `got=$(sha256sum ${shQuote(STAGED_SNAPSHOT)} | cut -d " " -f 1)`,
        `[ "$got" = ${shQuote(spec.sha256)} ] || fail "the uploaded snapshot on member ${spec.member.name} has sha256 $got, the runner's file ${spec.sha256}"`,
        `${verify} || fail "the snapshot does not verify on member ${spec.member.name}; nothing was stopped"`,
    ].join("\n");
}

/** Lines that stop the member and wait until no etcd runs, per runtime. */
function stopLines(member: MemberPlan): string[] {
    if (runtimeOf(member) === "systemd") return [`systemctl stop ${UNIT_NAME}`];
    // The kubelet stops the pod when its manifest goes; the staged copy stays for the start.
    return [shJoin(["rm", "-f", "--", member.paths.manifestFile ?? ""])];
}

/** Phase 2: stop the member, move its old data aside (never deleted), restore the snapshot into the data dir. */
export function restoreMemberScript(spec: RestoreSpec): string {
    const m = spec.member;
    const r = spec.restore;
    const data = m.dataDir;
    const marker = `${data}/${spec.clusterMarkerFile}`;
    const peerUrls = m.peer.advertiseUrls.join(",");
    const restoreWords = [
        "snapshot", "restore", STAGED_SNAPSHOT,
        "--name", m.name,
        "--initial-cluster", buildInitialCluster(m.peers),
        "--initial-cluster-token", restoreToken(spec.token, r.generation),
        "--initial-advertise-peer-urls", peerUrls,
        ...(r.bumpRevision > 0 ? ["--bump-revision", String(r.bumpRevision), "--mark-compacted"] : []),
    ];
    // Restored into a fresh dir next to the data dir, in root's directory, not inside the etcd
    // account's: root writing there would follow any link that account planted.
    const tool = `${spec.tools.etcdutl !== undefined ? shJoin([spec.tools.etcdutl, ...restoreWords]) : `${wantsEtcdctlApiEnv(m.version) ? "ETCDCTL_API=3 " : ""}${shJoin([spec.tools.etcdctl, ...restoreWords])}`} --data-dir "$tmp"`;
    const others = `${shQuote(data)} -mindepth 1 -maxdepth 1 ! -name lost+found ! -name ${shQuote(spec.clusterMarkerFile)}`;
    return [
        `# etcdhosts restore generation ${r.generation}${r.bumpRevision > 0 ? `, revision bumped by ${r.bumpRevision}` : ""}`,
        "set -eu",
        "umask 077",
        FAIL,
        ...doneCheck(spec),
        `systemctl stop ${SNAPSHOT_TIMER_NAME} 2>/dev/null || true`,
        ...stopLines(m),
        ...waitFor("! pgrep -x etcd >/dev/null", MEMBER_READY_TIMEOUT_SECONDS, `member ${m.name} did not stop`, "true"),
        shJoin(["mkdir", "-p", "--", data]),
        `tmp=$(mktemp -d ${shQuote(`${data}.restore.`)}XXXXXXXX)`,
        `trap 'rm -rf -- "$tmp"' EXIT`,
        `aside=${shQuote(`${data}.before-restore-g${r.generation}-`)}$(date -u +%Y%m%dT%H%M%SZ)`,
        `if [ -n "$(find ${others} | head -n 1)" ]; then`,
        '  mkdir -m 0700 -- "$aside"',
        `  find ${others} -exec mv -t "$aside" -- {} +`,
        `  echo "etcdhosts restore: moved the old data of member ${m.name} to $aside (kept, never deleted)"`,
        "fi",
        `out=$(${tool} 2>&1) || fail "restoring member ${m.name} failed: $(printf '%s' "$out" | tail -n 3)"`,
        `mv -T -- "$tmp/member" ${shQuote(`${data}/member`)}`,
        // The data dir is this stack's still: preflight must keep accepting it.
        // Written as the account that owns the data dir, as HostPreparation writes it.
        `printf '%s\\n' ${shQuote(spec.token)} | ${[...asAccount(spec.runAs.user, spec.runAs.group).map(shQuote), ""].join(" ")}sh -c '[ -f "$1" ] || { umask 077; t=$(mktemp "$1.XXXXXXXX") && cat > "$t" && mv -f -- "$t" "$1"; }' sh ${shQuote(marker)}`,
        // -h: a link in the tree is changed itself, never the file it points at.
        shJoin(["chown", "-R", "-h", `${spec.runAs.user}:${spec.runAs.group}`, data]),
        shJoin(["chmod", "0700", data]),
        `echo "etcdhosts restore: member ${m.name} restored from ${r.snapshot} into generation ${r.generation}"`,
    ].join("\n");
}

/** Phase 3: start the member (every member at once), record the generation, drop the upload. */
export function restoreStartScript(spec: RestoreSpec): string {
    const done = `${spec.token} ${spec.restore.generation}`;
    return [
        `# etcdhosts restore generation ${spec.restore.generation}: start`,
        "set -eu",
        ...doneCheck(spec),
        // Without waiting: a member serves only once a quorum of restored members runs.
        ...startScript(spec.member).split("\n").filter((l) => l !== "set -eu"),
        `printf '%s\\n' ${shQuote(done)} > ${shQuote(tempPathFor(RESTORE_MARKER))}`,
        shJoin(["mv", "-f", "--", tempPathFor(RESTORE_MARKER), RESTORE_MARKER]),
        shJoin(["rm", "-f", "--", STAGED_SNAPSHOT]),
        `systemctl start ${SNAPSHOT_TIMER_NAME} 2>/dev/null || true`,
    ].join("\n");
}

/**
 * Phase 4, on one member: the restored cluster is healthy on every member and takes a write
 * (written and deleted again); prints the member list as JSON.
 */
export function restoreCheckScript(member: MemberPlan, tools: SnapshotTools, endpoints: readonly string[], generation: number): string {
    const ctl = etcdctl({ ...member, binaries: { ...member.binaries, etcdctl: tools.etcdctl } }, endpoints);
    return [
        `# etcdhosts restore generation ${generation}: health and write check`,
        "set -eu",
        ...waitFor(`${ctl} endpoint health >/dev/null 2>&1`, CLUSTER_READY_TIMEOUT_SECONDS, `the restored cluster is not healthy on every member after ${CLUSTER_READY_TIMEOUT_SECONDS}s`, "true"),
        `${ctl} put ${shQuote(RESTORE_CHECK_KEY)} ${shQuote(`generation ${generation}`)} >/dev/null`,
        `${ctl} del ${shQuote(RESTORE_CHECK_KEY)} >/dev/null`,
        `${ctl} member list -w json`,
    ].join("\n");
}
