# Command-line parsing shared by the bed and host commands. Sourced by bed.sh and hostcmd.sh.
# Both end with bed_names and a checked state dir, so no command acts on a bed before that.

. "$TB_DIR/lib/state.sh"

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
  state_root_ready
}

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
  state_root_ready
  bed_load
  [ "$HOST_I" -le "$BED_HOSTS" ] || die "bed $BED has $BED_HOSTS hosts, no h$HOST_I"
}
