# Named phases of a long script and, at its end, how long each took (npm start's closing table:
# on a cold machine it tells where the minutes went). Sourced; needs `step` (devStack.sh).
#   phase NAME      ends the running phase, announces and starts NAME
#   phases_report   ends the running phase and prints every phase's duration (from an EXIT trap,
#                   so a failed run shows its times too, the last phase marked as failed)
PHASE_NAMES=()
PHASE_SECONDS=()
PHASE_CURRENT=""
PHASE_T0=0
PHASES_T0=$(date +%s)

phase_end() {
  [ -n "$PHASE_CURRENT" ] || return 0
  PHASE_NAMES+=("$PHASE_CURRENT")
  PHASE_SECONDS+=($(($(date +%s) - PHASE_T0)))
  PHASE_CURRENT=""
}

phase() {
  phase_end
  PHASE_CURRENT=$1
  PHASE_T0=$(date +%s)
  step "$1"
}

phases_report() {
  local status=${1:-0} i last
  [ -n "$PHASE_CURRENT" ] && [ "$status" != 0 ] && PHASE_CURRENT+=" (failed)"
  phase_end
  last=$((${#PHASE_NAMES[@]} - 1))
  printf '\n==> time per phase\n' >&2
  for i in $(seq 0 "$last"); do
    printf '  %-52s %6ss\n' "${PHASE_NAMES[$i]}" "${PHASE_SECONDS[$i]}" >&2
  done
  printf '  %-52s %6ss\n' "total" "$(($(date +%s) - PHASES_T0))" >&2
}
