# One host of a bed: its overlay rootfs, its supervisor and container, its lifecycle. Sourced by bed.sh.
#
# Layout under $BED_DIR: hosts/hN/{upper,work,merged} (overlay on the cached image, so a host's
# changes persist across stop/kill/start until `down`), run/hN.{super,nspawn}.pid, logs/hN.console.log.

TB_BOOT_TIMEOUT=${TB_BOOT_TIMEOUT:-120}
TB_STOP_TIMEOUT=${TB_STOP_TIMEOUT:-30}

# Writes the host's identity into a fresh upper dir, before the overlay is mounted (writing into
# an upper dir under a mounted overlay gives stale views).
host_prepare() {
  local i=$1 n=$2 d up j t
  d=$(host_dir "$i")
  up="$d/upper"
  remove_tree "$d"
  mkdir -p "$up" "$d/work" "$d/merged"
  install -d -m 0755 "$up/etc" "$up/etc/ssh"
  echo "h$i" >"$up/etc/hostname"
  # systemd derives the host's identity (journal, DHCP IDs, dbus) from it: unique per host.
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$up/etc/machine-id"
  echo >>"$up/etc/machine-id"
  # Host keys made here, not at first boot, so known_hosts can be written before the boot.
  # No RSA key: generating one takes seconds on a loaded runner, and sshd skips a missing
  # default key silently.
  for t in ed25519 ecdsa; do
    ssh-keygen -q -t "$t" -N '' -C "root@h$i" -f "$up/etc/ssh/ssh_host_${t}_key"
  done
  {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    for j in $(seq 1 "$n"); do printf '%s\th%s\n' "$(host_addr "$j")" "$j"; done
  } >"$up/etc/hosts"
  chmod 0644 "$up/etc/hostname" "$up/etc/machine-id" "$up/etc/hosts"
}

host_mount() {
  local d
  d=$(host_dir "$1")
  mountpoint -q "$d/merged" ||
    mount -t overlay overlay -o "lowerdir=$BED_LOWERDIRS,upperdir=$d/upper,workdir=$d/work" "$d/merged"
}

host_boot() {
  local i=$1 d
  d=$(host_dir "$i")
  mkdir -p "$BED_DIR/run" "$BED_DIR/logs"
  # --register=no and --keep-unit: there is no systemd/D-Bus on the runner to register with.
  # --network-namespace-path: never the runner's own network. --resolv-conf=off: never the
  # runner's resolver. --machine is unique per bed (nspawn keys /run/systemd/nspawn by it).
  # The lock fds are closed so the long-lived supervisor never holds a tb lock.
  # The image may need more (image_nspawn_args: `# tb-nspawn:` lines of its script).
  local extra=()
  mapfile -t extra < <(image_nspawn_args "$BED_IMAGE")
  setsid bash "$TB_DIR/lib/supervise.sh" "$TB_CGROUP_NAME/$BED/h$i" "$BED_DIR/run" "$i" -- \
    -D "$d/merged" --machine="$(host_machine "$i")" --hostname="h$i" \
    --register=no --keep-unit --network-namespace-path="/run/netns/$(host_netns "$i")" \
    --resolv-conf=off --timezone=off --link-journal=no --console=passive "${extra[@]}" -b \
    </dev/null >>"$BED_DIR/logs/h$i.console.log" 2>&1 7>&- 8>&- 9>&- &
  # Return once the supervisor has written its pid file: what every later check relies on.
  local launcher=$! t0
  # Not a job of this shell: no "Killed" report when a teardown kills it.
  disown "$launcher"
  t0=$(date +%s)
  until host_pid "$i" super >/dev/null; do
    proc_alive "$launcher" || die "h$i: supervisor did not start (see $BED_DIR/logs/h$i.console.log)"
    [ $(($(date +%s) - t0)) -lt 10 ] || die "h$i: supervisor did not start within 10 s"
    sleep 0.02
  done
}

# Is PID a live (not zombie) process? Exited supervisors linger as zombies for a while here.
# Builtins only: teardown calls this for every process of a bed, on a machine where forks are slow.
proc_alive() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# " arg0 arg1 ... " of a process (empty if gone). Builtins only.
proc_argv() {
  local argv=()
  mapfile -d '' -t argv 2>/dev/null <"/proc/$1/cmdline" || true
  echo " ${argv[*]} "
}

# The pid in run/hN.WHAT.pid if that process is still the one we started (pids get reused).
host_pid() {
  local i=$1 what=$2 pid cmd
  pid=$(cat "$BED_DIR/run/h$i.$what.pid" 2>/dev/null) || return 1
  proc_alive "$pid" || return 1
  cmd=$(proc_argv "$pid")
  case "$what" in
    super) [[ "$cmd" == *"supervise.sh $TB_CGROUP_NAME/$BED/h$i "* ]] ;;
    nspawn) [[ "$cmd" == *"--machine=$(host_machine "$i") "* ]] ;;
  esac || return 1
  echo "$pid"
}

# The container's init: the child of nspawn that lives in another PID namespace.
host_init_pid() {
  local np c
  np=$(host_pid "$1" nspawn) || return 1
  for c in $(pgrep -P "$np" || true); do
    if [ "$(readlink "/proc/$c/ns/pid")" != "$(readlink "/proc/$np/ns/pid")" ] && proc_alive "$c"; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

host_state() {
  if host_init_pid "$1" >/dev/null; then echo running
  elif host_pid "$1" super >/dev/null; then echo booting
  else echo stopped; fi
}

wait_gone() {
  local pid=$1 timeout=$2 t0
  t0=$(date +%s)
  while proc_alive "$pid"; do
    [ $(($(date +%s) - t0)) -lt "$timeout" ] || return 1
    sleep 0.05
  done
}

ssh_opts() {
  printf '%s\n' -i "$TB_SSH_KEY" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$BED_KNOWN_HOSTS" \
    -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5
}

host_wait_ssh() {
  local i=$1 t0 opts
  mapfile -t opts < <(ssh_opts)
  t0=$(date +%s)
  until ssh "${opts[@]}" -o ConnectTimeout=2 "root@$(host_addr "$i")" true </dev/null 2>/dev/null; do
    if ! host_pid "$i" super >/dev/null; then
      tail -n 20 "$BED_DIR/logs/h$i.console.log" >&2 || true
      die "h$i stopped while booting (console log: $BED_DIR/logs/h$i.console.log)"
    fi
    if [ $(($(date +%s) - t0)) -ge "$TB_BOOT_TIMEOUT" ]; then
      tail -n 20 "$BED_DIR/logs/h$i.console.log" >&2 || true
      die "h$i: no SSH after ${TB_BOOT_TIMEOUT}s"
    fi
    sleep 0.1
  done
}

host_start() {
  local i=$1 t0
  t0=$(now)
  if [ "$(host_state "$i")" != stopped ]; then log "h$i is already running"; return 0; fi
  ip netns list | grep -q "^$(host_netns "$i")\b" || die "h$i of bed $BED has no netns (is the bed up?)"
  host_mount "$i"
  host_boot "$i"
  host_wait_ssh "$i"
  log "h$i started ($(elapsed "$t0") s)"
}

# Clean poweroff: SIGTERM makes nspawn ask the container's systemd to power off (SIGRTMIN+3).
host_stop() {
  local i=$1 np sp init t0
  t0=$(now)
  sp=$(host_pid "$i" super || true)
  if ! np=$(host_pid "$i" nspawn); then log "h$i is already stopped"; return 0; fi
  kill -TERM "$np"
  if ! wait_gone "$np" "$TB_STOP_TIMEOUT"; then
    log "h$i: no clean poweroff within ${TB_STOP_TIMEOUT}s, killing it"
    init=$(host_init_pid "$i" || true)
    [ -z "$init" ] || kill -KILL "$init" 2>/dev/null || true
    wait_gone "$np" 10 || kill -KILL "$np" 2>/dev/null || true
  fi
  [ -z "$sp" ] || wait_gone "$sp" 10 || true
  log "h$i stopped ($(elapsed "$t0") s)"
}

# Crash: SIGKILL the container's init, which takes every process of the host with it.
# (Killing nspawn instead would leave the container running.)
host_kill() {
  local i=$1 np sp init t0
  t0=$(now)
  sp=$(host_pid "$i" super || true)
  np=$(host_pid "$i" nspawn || true)
  if ! init=$(host_init_pid "$i"); then log "h$i is not running"; return 0; fi
  kill -KILL "$init"
  [ -z "$np" ] || wait_gone "$np" 10 || kill -KILL "$np" 2>/dev/null || true
  [ -z "$sp" ] || wait_gone "$sp" 10 || true
  log "h$i killed ($(elapsed "$t0") s)"
}

# Reboot from inside; the supervisor boots it again (nspawn exits 133), then SSH is back.
host_restart() {
  local i=$1 old new t0 start
  t0=$(now)
  if [ "$(host_state "$i")" = stopped ]; then host_start "$i"; return; fi
  old=$(host_pid "$i" nspawn || true)
  host_exec "$i" systemctl reboot
  start=$(date +%s)
  while :; do
    new=$(host_pid "$i" nspawn || true)
    [ -z "$new" ] || [ "$new" = "$old" ] || break
    host_pid "$i" super >/dev/null || die "h$i did not come back from the reboot (see $BED_DIR/logs/h$i.console.log)"
    [ $(($(date +%s) - start)) -lt "$TB_BOOT_TIMEOUT" ] || die "h$i: reboot timed out"
    sleep 0.05
  done
  host_wait_ssh "$i"
  log "h$i rebooted ($(elapsed "$t0") s)"
}

# A command inside the host without SSH: enter all of the init's namespaces, with a clean
# environment so nothing of the runner's leaks in.
host_exec() {
  local i=$1 init
  shift
  init=$(host_init_pid "$i") || die "h$i is not running"
  nsenter -t "$init" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}
