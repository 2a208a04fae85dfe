#!/usr/bin/env bash
# Runs `npm ci` only when node_modules is missing or was installed from another package-lock.json,
# so that `npm start` and `npm test` work on a fresh clone and cost nothing on later runs.
# The lockfile's hash is recorded in node_modules/.etcdhosts-lock-hash after a successful install;
# an interrupted install leaves no record, so the next run installs again.
#   nodeModules.sh check [DIR]    exit 0 when DIR's node_modules matches its lockfile, else 1
#   nodeModules.sh ensure [DIR]   npm ci in DIR unless it matches (DIR defaults to the checkout);
#                                 NODE_MODULES_QUIET=1: say nothing when nothing is to do
set -euo pipefail
cmd=${1:-ensure}
dir=${2:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"}
record="$dir/node_modules/.etcdhosts-lock-hash"

lock_hash() { sha256sum <"$dir/package-lock.json" | cut -d' ' -f1; }

# Prints why an install is needed; nothing (and success) when none is.
stale_reason() {
  [ -d "$dir/node_modules" ] || { echo "node_modules is missing"; return 1; }
  [ -f "$record" ] || { echo "node_modules was not installed by this project's set-up"; return 1; }
  [ "$(cat "$record")" = "$(lock_hash)" ] || { echo "package-lock.json changed since node_modules was installed"; return 1; }
}

case "$cmd" in
  check) stale_reason >/dev/null ;;
  ensure)
    if reason=$(stale_reason); then
      [ -n "${NODE_MODULES_QUIET:-}" ] || echo "setup: node_modules matches package-lock.json" >&2
      exit 0
    fi
    command -v npm >/dev/null || { echo "setup: $reason, and npm is not installed (install Node.js with npm)" >&2; exit 1; }
    echo "setup: $reason: installing the npm packages (npm ci)" >&2
    t0=$(date +%s)
    # stdout to stderr: callers such as `$(...)` must get only their own results on stdout.
    (cd "$dir" && npm ci --no-audit --no-fund) >&2
    lock_hash >"$record"
    echo "setup: npm packages installed in $(($(date +%s) - t0))s" >&2
    ;;
  *) echo "usage: nodeModules.sh check|ensure [DIR]" >&2; exit 2 ;;
esac
