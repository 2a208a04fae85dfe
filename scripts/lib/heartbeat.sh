# A progress line every HEARTBEAT_SECONDS (default 20) while a long step runs with its output in
# a log (a cold toolchain or test-bed image build takes many minutes and would otherwise look
# hung). Sourced by toolchain/build.sh and testbed/lib/image.sh.
#   heartbeat_start LABEL [PROGRESS_CMD...]   prints "LABEL: running for Ns[; PROGRESS]" to stderr
#   heartbeat_stop
heartbeat_start() {
  local label=$1 every=${HEARTBEAT_SECONDS:-20} t0 owner=$$
  shift
  t0=$(date +%s)
  (
    # The sleep is a child we wait for, so stopping the beat also ends it: a leftover sleep
    # would hold the caller's stdout open (a `$(...)` around the build would wait for it).
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    while :; do
      sleep "$every" &
      sleeper=$!
      wait "$sleeper"
      # The script that started the beat died without stopping it (an error under set -e, a
      # signal a background job ignores): stop with it.
      kill -0 "$owner" 2>/dev/null || exit 0
      progress=""
      [ $# -eq 0 ] || progress=$("$@" 2>/dev/null) || true
      echo "$label: running for $(($(date +%s) - t0))s${progress:+; $progress}"
    done
  ) >&2 &
  HEARTBEAT_PID=$!
}

heartbeat_stop() {
  [ -n "${HEARTBEAT_PID:-}" ] || return 0
  kill "$HEARTBEAT_PID" 2>/dev/null || true
  wait "$HEARTBEAT_PID" 2>/dev/null || true
  HEARTBEAT_PID=""
}
