# Taking a bed away: finding every process of it, killing them, removing its cgroups, mounts,
# network and files, whatever state a crashed run left them in. Sourced by bed.sh.

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
    remove_tree "$BED_DIR/hosts"
    remove_tree "$BED_DIR/run"
    rm -f "$BED_ENV" "$BED_INVENTORY" "$BED_KNOWN_HOSTS"
  fi
  nspawn_tmpfs_release
}

bed_exists() {
  bed_pids
  [ -e "$BED_ENV" ] || [ -d "$BED_DIR/hosts" ] || [ ${#BED_PIDS[@]} -gt 0 ] ||
    ip netns list | grep -qE "^tb-$BED-h[0-9]+\b" || ip link show "$BED_BRIDGE" >/dev/null 2>&1
}
