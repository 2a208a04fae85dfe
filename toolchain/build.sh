#!/usr/bin/env bash
# Builds the pinned toolchain into the cache outside the checkout, component by component.
# Usage: toolchain/build.sh [component...]   (default: all; see TOOLCHAIN_COMPONENTS in lib.sh)
# A component already in the cache costs nothing; a missing one is built in a temporary
# directory and moved into place with one rename, under a lock, so an interrupted or
# concurrent build never leaves a half-written toolchain behind.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$TOOLCHAIN_SRC/progress.sh"
. "$TOOLCHAIN_SRC/../scripts/lib/heartbeat.sh"

# The first build may need to fill go.sum lines for modules that only tools pull in. -v names
# each package as it is compiled, which the progress lines count (go ignores it where unknown).
export GOFLAGS="${GOFLAGS:--mod=mod}"
case " $GOFLAGS " in *" -v "*) ;; *) GOFLAGS+=" -v" ;; esac

# Every component's recipe lives in its own file, so that changing one recipe changes only
# that component's cache key.
build_component() {
  local component=$1 out=$2
  case "$component" in
    cli) bash "$TOOLCHAIN_SRC/pulumi/build.sh" "$out" ;;
    tls | random | command | kubelet | images) bash "$TOOLCHAIN_SRC/$component/build.sh" "$out" ;;
    etcd-3.6 | etcd-3.5) bash "$TOOLCHAIN_SRC/build-etcd.sh" "$TOOLCHAIN_SRC/$component" "$out" ;;
  esac
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

ensure_component() {
  local component=$1 final tmp log t0
  final=$(component_path "$component")
  [ -f "$final/.complete" ] && return 0
  # One lock per component: a second run waits for the one building it, then finds it done.
  exec 9>"$TOOLCHAIN_CACHE/.lock-$component"
  flock 9
  [ -f "$final/.complete" ] && { exec 9>&-; return 0; }
  # Leftovers of an interrupted build of this component (we hold its lock, so none is live).
  rm -rf "$TOOLCHAIN_CACHE/.build-$component".*
  tmp=$(mktemp -d "$TOOLCHAIN_CACHE/.build-$component.XXXXXX")
  log="$TOOLCHAIN_CACHE/logs/$component.log"
  t0=$(now)
  echo "toolchain: building $component -> $(basename "$final") (log: $log)"
  mkdir -p "$tmp/bin"
  : >"$log"
  rm -f "$log.packages"
  go_total_start "$component" "$log.packages"
  heartbeat_start "toolchain: building $component" go_progress "$log" "$log.packages"
  if ! build_component "$component" "$tmp/bin" >"$log" 2>&1; then
    heartbeat_stop
    echo "toolchain: step '$component' FAILED after $(elapsed "$t0")s; last lines of $log:" >&2
    tail -n 25 "$log" >&2
    echo "toolchain: fix the cause, then retry with: npm run toolchain -- $component" >&2
    rm -rf "$tmp"
    exec 9>&-
    return 1
  fi
  heartbeat_stop
  date -u +%FT%TZ >"$tmp/.complete"
  rm -rf "$final"
  mv "$tmp" "$final"
  # Older builds of the same component are dead weight once the new one is in place.
  find "$TOOLCHAIN_CACHE" -maxdepth 1 -name "$component-*" ! -path "$final" -exec rm -rf {} +
  echo "toolchain: built $component in $(elapsed "$t0")s ($(du -sh "$final" | cut -f1))"
  exec 9>&-
}

main() {
  mkdir -p "$TOOLCHAIN_CACHE/logs"
  command -v go >/dev/null || { echo "toolchain: needs Go (go.dev/dl or /usr/local/go/bin on PATH)" >&2; exit 1; }
  local components=("$@")
  [ ${#components[@]} -gt 0 ] || read -r -a components <<<"$TOOLCHAIN_COMPONENTS"
  for c in "${components[@]}"; do
    component_present "$c" || { echo "toolchain: $c has no build script yet, skipped" >&2; continue; }
    ensure_component "$c"
  done
}

main "$@"
