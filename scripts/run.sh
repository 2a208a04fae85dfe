#!/usr/bin/env bash
# The one entry point behind the npm scripts: builds what is missing, sets the project's
# environment and runs the job. Usage: scripts/run.sh <toolchain|pulumi|test|test-unit|start|stop|bench> [args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The documented passphrase of the local sandbox stacks only (the test bed's `dev` stack and
# the throwaway stacks of tests and benchmarks). Every other stack must bring its own
# PULUMI_CONFIG_PASSPHRASE(_FILE) or secrets provider.
SANDBOX_PASSPHRASE="etcdhosts-sandbox-only"
is_sandbox_stack() { [[ "$1" == dev || "$1" == e2e-* || "$1" == bench-* || "$1" == sandbox-* ]]; }

toolchain() {
  if [ "${PULUMI_TOOLCHAIN:-pinned}" != system ]; then
    bash "$ROOT/toolchain/build.sh" "$@"
  fi
}

load_env() { . "$ROOT/toolchain/env.sh"; }

# The stack a `pulumi` invocation acts on: from -s/--stack, else the selected one.
stack_of_args() {
  local prev=""
  for a in "$@"; do
    case "$a" in
      --stack=*) echo "${a#--stack=}"; return ;;
    esac
    if [ "$prev" = -s ] || [ "$prev" = --stack ]; then echo "$a"; return; fi
    prev=$a
  done
  pulumi stack --show-name 2>/dev/null || true
}

use_sandbox_passphrase_for() {
  if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && is_sandbox_stack "$1"; then
    export PULUMI_CONFIG_PASSPHRASE="$SANDBOX_PASSPHRASE"
  fi
}

cmd_pulumi() {
  toolchain cli >&2
  # A plugin that fails to build is reported here and missing below, where Pulumi names it.
  toolchain tls random command >&2 || echo "warning: some provider plugins failed to build" >&2
  load_env
  use_sandbox_passphrase_for "$(stack_of_args "$@")"
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

cmd_test() {
  bash "$ROOT/scripts/prereqs.sh"
  toolchain
  load_env
  cmd_test_unit
  echo "== toolchain tests"
  for t in toolchain/*/test.sh; do
    [ -f "$t" ] || continue
    echo "-- $t"
    bash "$t"
  done
  if compgen -G 'test/integration/**/*.test.ts' >/dev/null || compgen -G 'test/e2e/*.test.ts' >/dev/null; then
    echo "== integration and end-to-end tests"
    # One file at a time: the end-to-end files share the test bed.
    run_node_tests --test-concurrency=1 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts'
  fi
}

main() {
  local cmd=${1:-}
  shift || true
  case "$cmd" in
    toolchain) toolchain "$@" ;;
    pulumi) cmd_pulumi "$@" ;;
    test) cmd_test "$@" ;;
    test-unit) cmd_test_unit "$@" ;;
    start | stop | bench) load_env; exec bash "$ROOT/scripts/$cmd.sh" "$@" ;;
    *) echo "usage: scripts/run.sh <toolchain|pulumi|test|test-unit|start|stop|bench> [args...]" >&2; exit 2 ;;
  esac
}

main "$@"
