# A bed: N hosts on one bridge, their state under $TB_STATE_ROOT/<bed>, and the commands acting
# on it. Sourced by tb.
#
# Beds coexist: each has its own /24, bridge, namespaces, cgroups and nspawn machine names.
# bed.env in the bed's dir marks a bed as up (it is also what the nspawn tmpfs is counted by).

. "$TB_DIR/lib/image.sh"
. "$TB_DIR/lib/net.sh"
. "$TB_DIR/lib/host.sh"
. "$TB_DIR/lib/inventory.sh"

TB_NSPAWN_RUN=/run/systemd/nspawn

# Common options: --bed NAME anywhere; other flags per command. Sets ARGS (the positionals).
parse_args() {
  ARGS=()
  OPT_BED=${TB_BED:-$TB_DEFAULT_BED} OPT_IMAGE=base OPT_ALL=0 OPT_JSON=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --bed) [ $# -ge 2 ] || die "--bed needs a name"; OPT_BED=$2; shift 2 ;;
      --bed=*) OPT_BED=${1#--bed=}; shift ;;
      --image) [ $# -ge 2 ] || die "--image needs a name"; OPT_IMAGE=$2; shift 2 ;;
      --image=*) OPT_IMAGE=${1#--image=}; shift ;;
      --all) OPT_ALL=1; shift ;;
      --json) OPT_JSON=1; shift ;;
      -*) die "unknown option: $1" ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
  bed_names "$OPT_BED"
}

bed_load() {
  [ -f "$BED_ENV" ] || die "bed $BED is not up (tb up N --bed $BED)"
  # shellcheck disable=SC1090
  . "$BED_ENV"
}

bed_write_env() {
  mkdir -p "$BED_DIR"
  {
    printf 'BED_PREFIX=%q\n' "$BED_PREFIX"
    printf 'BED_HOSTS=%q\n' "$BED_HOSTS"
    printf 'BED_IMAGE=%q\n' "$BED_IMAGE"
    printf 'BED_LOWERDIRS=%q\n' "$BED_LOWERDIRS"
  } >"$BED_ENV.tmp"
  mv "$BED_ENV.tmp" "$BED_ENV"
}

# /run is not a tmpfs on this kind of machine, and nspawn refuses to clean up its
# /run/systemd/nspawn/propagate/<machine> dirs on a disk file system. The tmpfs is shared by all
# beds: mounted by the first, unmounted when no bed is up and no nspawn runs (under the global lock).
nspawn_tmpfs_acquire() {
  mountpoint -q "$TB_NSPAWN_RUN" && return 0
  mkdir -p "$TB_NSPAWN_RUN"
  mount -t tmpfs -o mode=0755,size=16m tmpfs "$TB_NSPAWN_RUN"
  touch "$TB_STATE_ROOT/.nspawn-tmpfs-ours"
}

nspawn_tmpfs_release() {
  [ -f "$TB_STATE_ROOT/.nspawn-tmpfs-ours" ] || return 0
  compgen -G "$TB_STATE_ROOT/*/bed.env" >/dev/null && return 0
  pgrep -x systemd-nspawn >/dev/null && return 0
  if mountpoint -q "$TB_NSPAWN_RUN"; then umount "$TB_NSPAWN_RUN" 2>/dev/null || umount -l "$TB_NSPAWN_RUN"; fi
  rm -f "$TB_STATE_ROOT/.nspawn-tmpfs-ours"
}

# Every live process of the bed into BED_PIDS: its cgroups (supervisors, nspawns, containers),
# plus pid files and nspawns by machine name in case a crashed run left something outside them.
# With $1 = supervisors, only the supervisors (the processes at the top of each host's cgroup).
# Builtins only where it loops (forks are slow on a loaded runner).
bed_pids() {
  local root f pid seen=" " all=() list
  shopt -s globstar nullglob
  for root in $(cgroup_roots); do
    if [ "${1:-}" = supervisors ]; then
      list=("$root/$TB_CGROUP_NAME/$BED"/h*/cgroup.procs)
    else
      list=("$root/$TB_CGROUP_NAME/$BED"/**/cgroup.procs)
    fi
    for f in "${list[@]}"; do mapfile -t -O "${#all[@]}" all 2>/dev/null <"$f" || true; done
  done
  # Pid files may be stale (a crash, a reboot of the runner): only a pid that is still our
  # supervisor or nspawn counts, never whatever process got that number since.
  for f in "$BED_DIR"/run/*.super.pid; do
    read -r pid 2>/dev/null <"$f" || continue
    [[ "$(proc_argv "$pid")" == *" $TB_DIR/lib/supervise.sh $TB_CGROUP_NAME/$BED/h"* ]] && all+=("$pid")
  done
  if [ "${1:-}" != supervisors ]; then
    for pid in $(pgrep -x systemd-nspawn || true); do
      [[ "$(proc_argv "$pid")" =~ \ --machine=$BED-h[0-9]\  ]] && all+=("$pid")
    done
  fi
  shopt -u globstar nullglob
  BED_PIDS=()
  for pid in "${all[@]}"; do
    [[ "$pid" =~ ^[0-9]+$ ]] && [ "$pid" != $$ ] && [[ "$seen" != *" $pid "* ]] || continue
    seen+="$pid "
    if proc_alive "$pid"; then BED_PIDS+=("$pid"); fi
  done
}

# SIGKILL is fine and fast (0.5 s vs ~7 s for clean poweroffs with etcd): the bed is thrown away.
# Supervisors go first so none boots its host again. Killing a container's init ends the whole
# container (its PID namespace); the rest of the bed's processes are killed alongside.
bed_kill_all() {
  local tries=0
  bed_pids supervisors
  [ ${#BED_PIDS[@]} -eq 0 ] || kill -KILL "${BED_PIDS[@]}" 2>/dev/null || true
  while bed_pids && [ ${#BED_PIDS[@]} -gt 0 ]; do
    kill -KILL "${BED_PIDS[@]}" 2>/dev/null || true
    tries=$((tries + 1))
    [ $tries -lt 100 ] || { log "warning: processes of bed $BED survive SIGKILL: ${BED_PIDS[*]}"; return 0; }
    sleep 0.05
  done
}

bed_remove_cgroups() {
  local root d tries
  for root in $(cgroup_roots); do
    d="$root/$TB_CGROUP_NAME/$BED"
    tries=0
    while [ -d "$d" ]; do
      find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
      tries=$((tries + 1))
      [ -d "$d" ] && { [ $tries -lt 50 ] || { log "warning: cannot remove cgroup $d"; break; }; sleep 0.1; }
    done
    rmdir "$root/$TB_CGROUP_NAME" 2>/dev/null || true
  done
}

# Removes everything of the bed, whatever state a previous run left it in. Never fails.
bed_teardown() {
  bed_kill_all
  unmount_under "$BED_DIR" || true
  bed_remove_cgroups
  net_down
  # Hosts' upper dirs go with the bed; console logs stay for a post-mortem until the next `up`.
  if [ -d "$BED_DIR" ]; then
    rm -rf --one-file-system "$BED_DIR/hosts" "$BED_DIR/run"
    rm -f "$BED_ENV" "$BED_INVENTORY" "$BED_KNOWN_HOSTS"
  fi
  lock_fd 9 "$TB_STATE_ROOT/.global.lock"
  nspawn_tmpfs_release
  unlock_fd 9
}

bed_exists() {
  bed_pids
  [ -e "$BED_ENV" ] || [ -d "$BED_DIR/hosts" ] || [ ${#BED_PIDS[@]} -gt 0 ] ||
    ip netns list | grep -qE "^tb-$BED-h[0-9]+\b" || ip link show "$BED_BRIDGE" >/dev/null 2>&1
}

up_abort() {
  local rc=$?
  if [ "${UP_OK:-0}" != 1 ]; then
    log "up failed (rc $rc): tearing bed $BED down"
    bed_teardown || true
  fi
  exit "$rc"
}

cmd_up() {
  parse_args "$@"
  [ ${#ARGS[@]} -eq 1 ] && [[ "${ARGS[0]}" =~ ^[1-9]$ ]] || die "usage: tb up N [--bed NAME] [--image NAME] (N: 1..9)"
  local n=${ARGS[0]} t0 i pids=() pid
  need_root
  need_tools systemd-nspawn ip nsenter ssh ssh-keygen flock setsid mount
  t0=$(now)
  image_ready "$OPT_IMAGE"
  mkdir -p "$TB_STATE_ROOT"
  lock_fd 8 "$BED_LOCK"
  if bed_exists; then
    log "bed $BED: tearing down what is left of an earlier bed"
    bed_teardown
  fi
  UP_OK=0
  trap up_abort EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  lock_fd 9 "$TB_STATE_ROOT/.global.lock"
  BED_PREFIX=$(net_allocate_prefix)
  BED_HOSTS=$n BED_IMAGE=$OPT_IMAGE BED_LOWERDIRS=$(image_lowerdirs "$OPT_IMAGE")
  bed_write_env
  nspawn_tmpfs_acquire
  unlock_fd 9
  log "bed $BED: $n hosts on $BED_PREFIX.0/24 (image $(basename "$(image_dir "$OPT_IMAGE")"))"

  net_up "$n"
  for i in $(seq 1 "$n"); do host_prepare "$i" "$n" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || die "preparing a host failed"; done
  write_known_hosts "$n"
  for i in $(seq 1 "$n"); do host_mount "$i"; done
  log "bed $BED: network, overlays and host keys ready ($(elapsed "$t0") s), booting"
  for i in $(seq 1 "$n"); do host_boot "$i"; done
  for i in $(seq 1 "$n"); do host_wait_ssh "$i"; log "h$i: SSH up ($(elapsed "$t0") s)"; done
  net_check "$n"
  for i in $(seq 1 "$n"); do
    ! grep -q '^[[:space:]]*nameserver' "$(host_dir "$i")/merged/etc/resolv.conf" ||
      die "SAFETY: h$i has a nameserver in /etc/resolv.conf"
  done
  write_inventory "$n"
  UP_OK=1
  trap - EXIT INT TERM
  log "bed $BED: $n hosts up in $(elapsed "$t0") s"
  echo "$BED_INVENTORY"
}

# Beds to act on for --all: those with state, and those only leftovers in the network show.
all_beds() {
  {
    for d in "$TB_STATE_ROOT"/*/; do [ -d "$d" ] && basename "$d"; done
    ip netns list | awk '{ print $1 }' | sed -n 's/^tb-\([a-z][a-z0-9]*\)-h[0-9]*$/\1/p'
    true
  } | sort -u
}

cmd_down() {
  parse_args "$@"
  [ ${#ARGS[@]} -eq 0 ] || die "usage: tb down [--bed NAME | --all]"
  need_root
  local beds b t0
  if [ "$OPT_ALL" = 1 ]; then beds=$(all_beds); else beds=$BED; fi
  mkdir -p "$TB_STATE_ROOT"
  for b in $beds; do
    t0=$(now)
    bed_names "$b"
    lock_fd 8 "$BED_LOCK"
    if bed_exists; then
      bed_teardown
      log "bed $BED: down ($(elapsed "$t0") s)"
    else
      log "bed $BED: nothing to tear down"
    fi
    unlock_fd 8
  done
}

cmd_status() {
  parse_args "$@"
  local i state sep=""
  if [ ! -f "$BED_ENV" ]; then
    if [ "$OPT_JSON" = 1 ]; then echo "{\"bed\": $(json_str "$BED"), \"up\": false, \"hosts\": []}"; else echo "bed $BED: down"; fi
    return 0
  fi
  bed_load
  if [ "$OPT_JSON" = 1 ]; then
    printf '{"bed": %s, "up": true, "inventory": %s, "hosts": [' "$(json_str "$BED")" "$(json_str "$BED_INVENTORY")"
    for i in $(seq 1 "$BED_HOSTS"); do
      printf '%s{"name": "h%s", "address": "%s", "state": "%s", "link": "%s"}' \
        "$sep" "$i" "$(host_addr "$i")" "$(host_state "$i")" "$(net_link_state "$i")"
      sep=", "
    done
    echo ']}'
    return 0
  fi
  echo "bed $BED: $BED_PREFIX.0/24, $BED_HOSTS hosts, inventory $BED_INVENTORY"
  for i in $(seq 1 "$BED_HOSTS"); do
    state=$(host_state "$i")
    printf 'h%s  %-13s %-8s link %s\n' "$i" "$(host_addr "$i")" "$state" "$(net_link_state "$i")"
  done
}

# stop|kill|start|restart|cut|heal H: one host of an up bed, serialised with up/down of the bed.
host_cmd() {
  local action=$1 i
  shift
  parse_args "$@"
  [ ${#ARGS[@]} -eq 1 ] || die "usage: tb $action H [--bed NAME]"
  need_root
  i=$(host_index "${ARGS[0]}")
  lock_fd 8 "$BED_LOCK"
  bed_load
  [ "$i" -le "$BED_HOSTS" ] || die "bed $BED has $BED_HOSTS hosts, no h$i"
  case "$action" in
    stop) host_stop "$i" ;;
    kill) host_kill "$i" ;;
    start) host_start "$i" ;;
    restart) host_restart "$i" ;;
    cut) net_link_set "$i" down; log "h$i cut off the bridge" ;;
    heal) net_link_set "$i" up; log "h$i back on the bridge" ;;
  esac
}
cmd_host_stop() { host_cmd stop "$@"; }
cmd_host_kill() { host_cmd kill "$@"; }
cmd_host_start() { host_cmd start "$@"; }
cmd_host_restart() { host_cmd restart "$@"; }
cmd_host_cut() { host_cmd cut "$@"; }
cmd_host_heal() { host_cmd heal "$@"; }

# ssh/exec take options only before the host; everything after it is the command.
parse_host_then_command() {
  OPT_BED=${TB_BED:-$TB_DEFAULT_BED} OPT_USER=root
  while [ $# -gt 0 ]; do
    case "$1" in
      --bed) [ $# -ge 2 ] || die "--bed needs a name"; OPT_BED=$2; shift 2 ;;
      --bed=*) OPT_BED=${1#--bed=}; shift ;;
      --user) [ $# -ge 2 ] || die "--user needs a name"; OPT_USER=$2; shift 2 ;;
      --user=*) OPT_USER=${1#--user=}; shift ;;
      -*) die "unknown option: $1" ;;
      *) break ;;
    esac
  done
  [ $# -ge 1 ] || die "no host given"
  HOST_I=$(host_index "$1")
  shift
  ARGS=("$@")
  bed_names "$OPT_BED"
  bed_load
  [ "$HOST_I" -le "$BED_HOSTS" ] || die "bed $BED has $BED_HOSTS hosts, no h$HOST_I"
}

cmd_host_ssh() {
  local opts
  parse_host_then_command "$@"
  mapfile -t opts < <(ssh_opts)
  exec ssh "${opts[@]}" "$OPT_USER@$(host_addr "$HOST_I")" "${ARGS[@]}"
}

cmd_host_exec() {
  parse_host_then_command "$@"
  [ ${#ARGS[@]} -ge 1 ] || die "usage: tb exec H cmd [args...]"
  need_root
  host_exec "$HOST_I" "${ARGS[@]}"
}
