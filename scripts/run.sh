#!/usr/bin/env bash
# The one entry point behind the npm scripts: builds what is missing, sets the project's
# environment and runs the job. Usage: scripts/run.sh <toolchain|pulumi|test|test-unit|start|stop|bench|snapshot|preview-pr|backend> [args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The documented passphrase of the local sandbox stacks only: the `dev` stack npm start makes
# (and the throwaway stacks of tests and benchmarks, which set it themselves). Every other stack
# brings its own PULUMI_CONFIG_PASSPHRASE(_FILE) or secrets provider.
SANDBOX_PASSPHRASE="etcdhosts-sandbox-only"

# shellcheck source=lib/heartbeat.sh
. "$ROOT/scripts/lib/heartbeat.sh"

toolchain() {
  if [ "${PULUMI_TOOLCHAIN:-pinned}" != system ]; then
    bash "$ROOT/toolchain/build.sh" "$@"
  fi
}

load_env() { . "$ROOT/toolchain/env.sh"; }

# `npm run pulumi` gives the sandbox passphrase and the test bed's key to a stack only when npm
# start made it and recorded it, the command names it with -s/--stack, it exists, and the command
# does not create one (scripts/lib/sandboxStacks.ts): never because of its name or because it is
# the selected stack. A key file inherited from the caller's environment is dropped for any other
# stack: the program would otherwise log in to that stack's hosts with it.
sandbox_env() {
  local state out
  if [ -n "${ETCDHOSTS_SSH_KEY_FILE:-}${ETCDHOSTS_SSH_KEY_STACK:-}" ]; then
    echo "note: ignoring ETCDHOSTS_SSH_KEY_FILE/ETCDHOSTS_SSH_KEY_STACK from the environment (set for the sandbox stacks only)" >&2
    unset ETCDHOSTS_SSH_KEY_FILE ETCDHOSTS_SSH_KEY_STACK
  fi
  # Without -s/--stack no stack qualifies: skip starting node.
  [[ " $* " == *" -s"* || " $* " == *" --stack"* ]] || return 0
  state=$(testbed/tb state-dir 2>/dev/null) || return 0
  out=$(TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register "$ROOT/scripts/lib/sandboxStacks.ts" \
    target "$state/sandbox-stacks" -- "$@") || return 0
  export ETCDHOSTS_SSH_KEY_STACK=${out%%$'\n'*} ETCDHOSTS_SSH_KEY_FILE=${out#*$'\n'}
  if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    export PULUMI_CONFIG_PASSPHRASE="$SANDBOX_PASSPHRASE"
  fi
}

cmd_pulumi() {
  toolchain cli >&2
  # A plugin that fails to build is reported here and missing below, where Pulumi names it.
  toolchain tls random command >&2 || echo "warning: some provider plugins failed to build" >&2
  load_env
  sandbox_env "$@"
  exec pulumi "$@"
}

run_node_tests() {
  TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test --test-reporter=spec "$@"
}

cmd_test_unit() {
  load_env
  echo "== type check"
  tsc --noEmit -p .
  echo "== unit and component tests"
  run_node_tests 'test/unit/**/*.test.ts' 'test/components/**/*.test.ts'
}

# Seconds since `t0` was set, for the phase lines of `npm test`.
since() { echo "$(( $(date +%s) - $1 ))s"; }

cmd_test() {
  local t0 phase bed_log bed_pid
  t0=$(date +%s)
  echo "== prerequisites (Debian packages, npm packages)"
  bash "$ROOT/scripts/prereqs.sh"
  bash "$ROOT/scripts/lib/nodeModules.sh" ensure
  # The test bed's packages and base image (debootstrap: disk and network) are built while the
  # toolchain compiles (CPU), on a cold machine that saves minutes. Waited for before the
  # end-to-end tests, which would otherwise build it themselves.
  bed_log=$(mktemp)
  (testbed/tb prereqs && testbed/tb image) >"$bed_log" 2>&1 &
  bed_pid=$!
  phase=$(date +%s)
  toolchain
  echo "== toolchain ready in $(since "$phase")"
  load_env
  phase=$(date +%s)
  cmd_test_unit
  echo "== unit and component tests done in $(since "$phase")"
  echo "== toolchain tests"
  phase=$(date +%s)
  for t in toolchain/*/test.sh; do
    [ -f "$t" ] || continue
    echo "-- $t"
    bash "$t"
  done
  echo "== toolchain tests done in $(since "$phase")"
  phase=$(date +%s)
  echo "== waiting for the test bed's base image (log: $bed_log)"
  heartbeat_start "test bed image" tail -n 1 "$bed_log"
  if ! wait "$bed_pid"; then
    heartbeat_stop
    cat "$bed_log" >&2
    echo "test bed: building its prerequisites or base image failed (log above)" >&2
    exit 1
  fi
  heartbeat_stop
  rm -f "$bed_log"
  echo "== test bed base image ready ($(since "$phase") waited)"
  if compgen -G 'test/integration/**/*.test.ts' >/dev/null || compgen -G 'test/e2e/*.test.ts' >/dev/null; then
    echo "== integration and end-to-end tests"
    phase=$(date +%s)
    # One file at a time: the end-to-end files share the machine and the test bed's bridge.
    run_node_tests --test-concurrency=1 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts'
    echo "== integration and end-to-end tests done in $(since "$phase")"
  fi
  echo "== npm test: everything passed in $(since "$t0")"
}

main() {
  local cmd=${1:-}
  shift || true
  # The Node parts need node_modules; a fresh clone gets it here (npm test and npm start install
  # it themselves, as their first announced step).
  case "$cmd" in
    pulumi | test-unit | stop | bench | snapshot | preview-pr) NODE_MODULES_QUIET=1 bash "$ROOT/scripts/lib/nodeModules.sh" ensure ;;
  esac
  case "$cmd" in
    toolchain) toolchain "$@" ;;
    pulumi) cmd_pulumi "$@" ;;
    test) cmd_test "$@" ;;
    test-unit) cmd_test_unit "$@" ;;
    start | stop | bench) load_env; exec bash "$ROOT/scripts/$cmd.sh" "$@" ;;
    backend) exec bash "$ROOT/scripts/backend.sh" "$@" ;;
    preview-pr)
      toolchain cli tls random command >&2 || echo "warning: some provider plugins failed to build" >&2
      load_env; sandbox_env "$@"
      exec env TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register "$ROOT/scripts/previewPr.ts" "$@" ;;
    snapshot) toolchain cli etcd-3.6 >&2; load_env; sandbox_env "$@"; exec env TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register "$ROOT/scripts/snapshot.ts" "$@" ;;
    *) echo "usage: scripts/run.sh <toolchain|pulumi|test|test-unit|start|stop|bench|snapshot|preview-pr|backend> [args...]" >&2; exit 2 ;;
  esac
}

main "$@"
