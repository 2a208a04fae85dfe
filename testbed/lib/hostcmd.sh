# The commands on one host of an up bed: stop|kill|start|restart|cut|heal, ssh and exec.
# Sourced by tb.

. "$TB_DIR/lib/args.sh"
. "$TB_DIR/lib/image.sh"
. "$TB_DIR/lib/net.sh"
. "$TB_DIR/lib/host.sh"

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
