# A bed: N hosts on one bridge, their state under $TB_STATE_ROOT/<bed>, and the commands that
# make, take away and show it: up, down, status. Sourced by tb.
#
# Beds coexist: each has its own /24, bridge, namespaces, cgroups and nspawn machine names.
# bed.env in the bed's dir marks a bed as up (state.sh reads and writes it).

. "$TB_DIR/lib/args.sh"
. "$TB_DIR/lib/image.sh"
. "$TB_DIR/lib/net.sh"
. "$TB_DIR/lib/host.sh"
. "$TB_DIR/lib/inventory.sh"
. "$TB_DIR/lib/nspawnrun.sh"
. "$TB_DIR/lib/teardown.sh"

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
  local d
  {
    for d in "$TB_STATE_ROOT"/*/; do
      d=$(basename "$d")
      [[ "$d" =~ ^[a-z][a-z0-9]{0,7}$ ]] && echo "$d"
    done
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
  for b in $beds; do
    t0=$(now)
    bed_names "$b"
    lock_fd 8 "$BED_LOCK"
    if bed_exists; then
      bed_teardown
      log "bed $BED: down ($(elapsed "$t0") s)"
    else
      log "bed $BED: nothing to tear down"
      # A run killed half-way may still have left the bed listed on the nspawn tmpfs.
      nspawn_tmpfs_release
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
