// The snapshot script on each host (pitfalls P14), run by etcdhosts-snapshot.service on its
// timer or by hand (`etcdhosts-snapshot now`). Pure: the text is built here and golden-tested;
// the components only write it. POSIX sh (dash on Debian): no pipefail, no arrays.
//
// What a run does, in order, so a snapshot can never fill the disk or be half-written:
// 1. the member must answer healthy on loopback with the health-check client certificate;
// 2. scheduled runs with one snapshot per interval skip unless this member is the first healthy
//    one of this interval's turn of the rotation (every timer fires at the same UTC step);
// 3. retention before writing: only the newest `retain - 1` snapshots stay;
// 4. refuse when free space is below the database size plus `backupMinFreeMiB`;
// 5. `etcdctl snapshot save` to a dot-named temp file, `etcdutl snapshot status` on it, then
//    0600 and a rename to its final name;
// 6. the status file: result, last attempt and, kept across failures, the last success.
// Every refusal and failure exits non-zero, so the unit fails and the journal says why.

import { HOST_STATE_DIR, MANAGED_HEADER, SNAPSHOT_DIR, SNAPSHOT_FILE_PREFIX, SNAPSHOT_SCRIPT, SNAPSHOT_STATUS_FILE, SNAPSHOT_TIMER_NAME } from "../constants";
import { shJoin, shQuote } from "../shellWords";
import type { SnapshotSchedule, SnapshotTools } from "./backupPlan";
import type { MemberPlan } from "./member";
import { healthcheckTls, loopbackClientUrl } from "./runtimes/tools";
import { wantsEtcdctlApiEnv } from "./versions";

/** Shell lines defining `ctl` (etcdctl with the health-check client) and `verify FILE` (prints the status as JSON). */
export function snapshotToolLines(member: MemberPlan, tools: SnapshotTools): string[] {
    const tls = healthcheckTls(member);
    const api = wantsEtcdctlApiEnv(member.version) ? "ETCDCTL_API=3 " : "";
    const ctl = `${api}${shJoin([tools.etcdctl, `--cacert=${tls.ca}`, `--cert=${tls.cert}`, `--key=${tls.key}`, "--dial-timeout=3s"])}`;
    // etcd 3.4 has no etcdutl: its etcdctl still verifies snapshots itself.
    const verify = tools.etcdutl !== undefined ? `${shQuote(tools.etcdutl)} snapshot status -w json "$1"` : `ctl snapshot status -w json "$1"`;
    return [`ctl() { ${ctl} "$@"; }`, `verify() { ${verify}; }`];
}

/** The script text of one member's host. */
export function renderSnapshotScript(member: MemberPlan, tools: SnapshotTools, schedule: SnapshotSchedule): string {
    const rotation = schedule.eachMember ? [] : schedule.rotation.map((r) => `${r.name}=${r.clientUrl}`);
    const lines = [
        "#!/bin/sh",
        MANAGED_HEADER,
        `# One verified snapshot of etcd member ${member.name} (pitfalls P14), run by etcdhosts-snapshot.service`,
        "# on its timer; `etcdhosts-snapshot now` takes one at once, whoever's turn it is.",
        "set -eu",
        "umask 077",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        `member=${shQuote(member.name)}`,
        `dir=${shQuote(SNAPSHOT_DIR)}`,
        `status_file=${shQuote(SNAPSHOT_STATUS_FILE)}`,
        `retain=${schedule.retain}`,
        `min_free_mib=${schedule.minFreeMiB}`,
        `interval_seconds=${schedule.intervalMinutes * 60}`,
        `own=${shQuote(loopbackClientUrl(member))}`,
        `rotation=${shQuote(rotation.join(" "))}`,
        ...snapshotToolLines(member, tools),
        `json_num() { printf '%s' "$2" | tr -d ' \\n' | sed -n "s/.*\\"$1\\":\\([0-9][0-9]*\\).*/\\1/p" | head -n 1; }`,
        "",
        "# What the last run left. A failure keeps the last success, so the file always names it.",
        `field() { sed -n "s/^$1=//p" "$status_file" 2>/dev/null | head -n 1; }`,
        "last_success=$(field last_success); file=$(field file); revision=$(field revision); hash=$(field hash)",
        "total_keys=$(field total_keys); size=$(field size); sha256=$(field sha256)",
        "status() {",
        "  msg=$(printf '%s' \"$2\" | tr '\\n' ' ')",
        "  {",
        "    printf 'member=%s\\nresult=%s\\nlast_attempt=%s\\nlast_success=%s\\n' \"$member\" \"$1\" \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$last_success\"",
        "    printf 'file=%s\\nrevision=%s\\nhash=%s\\ntotal_keys=%s\\nsize=%s\\nsha256=%s\\n' \"$file\" \"$revision\" \"$hash\" \"$total_keys\" \"$size\" \"$sha256\"",
        "    printf 'message=%s\\n' \"$msg\"",
        '  } > "$status_file.tmp"',
        '  chmod 0644 -- "$status_file.tmp"',
        '  mv -f -- "$status_file.tmp" "$status_file"',
        "}",
        `fail() { printf 'etcdhosts-snapshot: %s\\n' "$*" >&2; status failed "$*"; exit 1; }`,
        "",
        "mode=${1:-scheduled}",
        `case "$mode" in scheduled | now) ;; *) echo "usage: $0 [now]" >&2; exit 2 ;; esac`,
        'mkdir -p -- "$dir" "$(dirname -- "$status_file")"',
        'chmod 0700 -- "$dir"',
        "# One run at a time on a host (the timer and a `now` may meet).",
        'exec 9> "$dir/.lock"',
        'flock -n 9 || fail "another snapshot of member $member is running"',
        "",
        'ctl --endpoints="$own" --command-timeout=5s endpoint health >/dev/null 2>&1 || fail "member $member is not healthy: no snapshot taken"',
        "",
        "# One snapshot per interval: this interval's turn of the rotation starts at (time / interval)",
        "# mod n, and the first healthy member from there takes it. Every timer fires on the same",
        "# UTC step, so all members agree on the turn.",
        'if [ "$mode" = scheduled ] && [ -n "$rotation" ]; then',
        "  set -- $rotation",
        '  first=$(( $(date -u +%s) / interval_seconds % $# ))',
        "  i=0",
        '  for entry in "$@" "$@"; do',
        '    if [ "$i" -ge "$first" ]; then',
        '      [ "${entry%%=*}" != "$member" ] || break',
        '      if ctl --endpoints="${entry#*=}" --command-timeout=5s endpoint health >/dev/null 2>&1; then',
        '        status skipped "member ${entry%%=*} is healthy and takes the snapshot of this interval"',
        "        printf 'etcdhosts-snapshot: member %s is healthy and takes the snapshot of this interval\\n' \"${entry%%=*}\"",
        "        exit 0",
        "      fi",
        "    fi",
        "    i=$((i + 1))",
        "  done",
        "fi",
        "",
        "# Retention before writing: the newest retain-1 stay, so with the new one there are retain.",
        "# Temp files of a run that died are never snapshots.",
        'rm -f -- "$dir"/.tmp.*',
        `ls -1 -- "$dir" | grep -E ${shQuote(`^${SNAPSHOT_FILE_PREFIX}.*\\.db$`)} | sort -r | tail -n +"$retain" | while IFS= read -r old; do`,
        '  rm -f -- "$dir/$old"',
        "  printf 'etcdhosts-snapshot: removed %s (keeping the newest %s)\\n' \"$old\" \"$retain\"",
        "done",
        "",
        'db_size=$(json_num dbSize "$(ctl --endpoints="$own" --command-timeout=5s endpoint status -w json 2>/dev/null || true)")',
        '[ -n "$db_size" ] || fail "could not read the database size of member $member"',
        "avail_kib=$(df -Pk -- \"$dir\" | awk 'NR == 2 { print $4 }')",
        'need_kib=$((db_size / 1024 + min_free_mib * 1024))',
        'if [ "$avail_kib" -lt "$need_kib" ]; then',
        '  fail "refusing to take a snapshot: $((avail_kib / 1024)) MiB free on the file system of $dir, below the database size ($((db_size / 1048576)) MiB) plus backupMinFreeMiB ($min_free_mib MiB)"',
        "fi",
        "",
        `name=${SNAPSHOT_FILE_PREFIX}$member-$(date -u +%Y%m%dT%H%M%SZ).db`,
        'tmp="$dir/.tmp.$name"',
        `trap 'rm -f -- "$tmp" "$tmp.part"' EXIT`,
        'out=$(ctl --endpoints="$own" snapshot save "$tmp" 2>&1) || fail "etcdctl snapshot save failed: $(printf \'%s\' "$out" | tail -n 2)"',
        'st=$(verify "$tmp" 2>&1) || fail "the snapshot did not verify, removed it: $(printf \'%s\' "$st" | tail -n 2)"',
        'new_revision=$(json_num revision "$st"); new_hash=$(json_num hash "$st"); new_keys=$(json_num totalKey "$st")',
        '[ -n "$new_revision" ] && [ -n "$new_hash" ] || fail "could not read the status of the snapshot: $st"',
        'new_sha256=$(sha256sum -- "$tmp" | cut -d " " -f 1)',
        'new_size=$(wc -c < "$tmp" | tr -d " ")',
        'chmod 0600 -- "$tmp"',
        'mv -f -- "$tmp" "$dir/$name"',
        "sync",
        'file=$name; revision=$new_revision; hash=$new_hash; total_keys=$new_keys; size=$new_size; sha256=$new_sha256',
        "last_success=$(date -u +%Y-%m-%dT%H:%M:%SZ)",
        'status ok "snapshot $name: revision $revision, hash $hash, $total_keys keys, $size bytes"',
        "printf 'etcdhosts-snapshot: %s: revision %s, hash %s, %s keys, %s bytes\\n' \"$dir/$name\" \"$revision\" \"$hash\" \"$total_keys\" \"$size\"",
    ];
    return `${lines.join("\n")}\n`;
}

/**
 * Static-pod hosts have no etcd install: copy etcdctl and etcdutl out of the running etcd
 * container's image (through /proc/<pid>/root, whatever the container runtime) into the tools
 * dir, and check their version. `image` is in the text so a new image copies again.
 */
export function copyToolsScript(member: MemberPlan, tools: SnapshotTools, image: string): string {
    const dir = tools.etcdctl.slice(0, tools.etcdctl.lastIndexOf("/"));
    const names = tools.etcdutl !== undefined ? "etcdctl etcdutl" : "etcdctl";
    return [
        `# etcdhosts snapshot tools from ${image}`,
        "set -eu",
        "umask 022",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        "i=0",
        'until [ -n "$(pgrep -x etcd || true)" ]; do',
        "  i=$((i + 1))",
        `  [ "$i" -lt 120 ] || fail ${shQuote(`no etcd runs on member ${member.name} to copy etcdctl and etcdutl from its image`)}`,
        "  sleep 1",
        "done",
        "pid=$(pgrep -x etcd | head -n 1)",
        'src="/proc/$pid/root$(dirname -- "$(readlink "/proc/$pid/exe")")"',
        '[ -x "$src/etcdctl" ] || src="/proc/$pid/root/usr/local/bin"',
        shJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", dir.slice(0, dir.lastIndexOf("/")), dir]),
        `for t in ${names}; do`,
        `  [ -f "$src/$t" ] || fail "the etcd image ${image} has no $t next to etcd"`,
        `  install -m 0755 -o root -g root "$src/$t" ${shQuote(`${dir}/.tmp.`)}"$t"`,
        `  mv -f -- ${shQuote(`${dir}/.tmp.`)}"$t" ${shQuote(`${dir}/`)}"$t"`,
        "done",
        `got=$(${shQuote(tools.etcdctl)} version | sed -n 's/^etcdctl version: //p')`,
        `[ "$got" = ${shQuote(member.version.full)} ] || fail "the etcdctl of ${image} is version $got, etcdVersion is ${member.version.full}"`,
        `echo "etcdhosts: etcdctl $got from ${image} in ${dir}"`,
    ].join("\n");
}

/** Stop and disable the timer; the files go with their writer. Idempotent. */
export function disableSnapshotTimerScript(): string {
    return ["set -eu", `systemctl disable --now ${SNAPSHOT_TIMER_NAME} 2>/dev/null || true`, "systemctl daemon-reload"].join("\n");
}

/** Load the unit files and (re)start the timer; `fingerprint` makes a changed file an update. */
export function enableSnapshotTimerScript(fingerprint: string): string {
    return [`# etcdhosts snapshot units ${fingerprint}`, "set -eu", "systemctl daemon-reload", `systemctl enable ${SNAPSHOT_TIMER_NAME}`, `systemctl restart ${SNAPSHOT_TIMER_NAME}`].join("\n");
}

/** etcdhosts' state dir and the root-only snapshot dir. */
export function snapshotDirsScript(): string {
    return ["set -eu", shJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", HOST_STATE_DIR]), shJoin(["install", "-d", "-m", "0700", "-o", "root", "-g", "root", SNAPSHOT_DIR])].join("\n");
}

/** Removes the snapshots and the status: only with `wipeDataOnDestroy` (they are data). */
export function removeSnapshotsScript(): string {
    return ["set -eu", shJoin(["rm", "-rf", "--", SNAPSHOT_DIR, SNAPSHOT_STATUS_FILE]), `rmdir -- ${shQuote(HOST_STATE_DIR)} 2>/dev/null || true`].join("\n");
}

/** Removes the tools {@link copyToolsScript} copied. Idempotent. */
export function removeToolsScript(tools: SnapshotTools): string {
    const files = [tools.etcdctl, ...(tools.etcdutl !== undefined ? [tools.etcdutl] : [])];
    const dir = tools.etcdctl.slice(0, tools.etcdctl.lastIndexOf("/"));
    return ["set -eu", shJoin(["rm", "-f", "--", ...files]), `rmdir -- ${shQuote(dir)} 2>/dev/null || true`, `rmdir -- ${shQuote(HOST_STATE_DIR)} 2>/dev/null || true`].join("\n");
}

/**
 * Takes one snapshot now on the member that runs it (the hook before risky changes). A host
 * without the script (snapshots turned on by this very `up`) goes on without one.
 */
export function snapshotNowScript(reason: string): string {
    return [
        `# etcdhosts snapshot before: ${reason.replace(/\n/g, " ")}`,
        "set -eu",
        `if [ ! -x ${shQuote(SNAPSHOT_SCRIPT)} ]; then echo "etcdhosts: no snapshot before this change: snapshots are not set up on $(uname -n) yet"; exit 0; fi`,
        shJoin([SNAPSHOT_SCRIPT, "now"]),
    ].join("\n");
}
