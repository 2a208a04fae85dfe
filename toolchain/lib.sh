# Shared by build.sh and env.sh: where the toolchain cache lives and how its keys are made.
# Sourced, not run.

TOOLCHAIN_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=pins.env
. "$TOOLCHAIN_SRC/pins.env"

# Everything built lives outside the checkout, so a clean clone, CI and later runs reuse it.
ETCDHOSTS_CACHE="${ETCDHOSTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/etcdhosts}"
TOOLCHAIN_CACHE="$ETCDHOSTS_CACHE/toolchain"

# The sources (directories or files under toolchain/) each cached component is built from.
component_sources() {
  case "$1" in
    cli) echo "pulumi language-nodejs" ;;
    # The bridged plugins share their recipe; the test harness's go.mod takes part in their
    # modules' version selection (its .go files are tests only).
    tls | random) echo "$1 build-bridged.sh bridgetest/go.mod" ;;
    command) echo "$1" ;;
    etcd-3.6 | etcd-3.5) echo "$1 build-etcd.sh" ;;
    kubelet) echo "kubelet" ;;
    # The images embed the etcd builds, so those sources are part of their key.
    images) echo "images etcd-3.6 etcd-3.5 build-etcd.sh" ;;
    *) echo "unknown toolchain component: $1" >&2; return 1 ;;
  esac
}

# Asked once per process: `go env` costs a fraction of a second per call.
TOOLCHAIN_GO_VERSION="${TOOLCHAIN_GO_VERSION:-$(go env GOVERSION 2>/dev/null || echo no-go)}"
export TOOLCHAIN_GO_VERSION

TOOLCHAIN_COMPONENTS="cli tls random command etcd-3.6 etcd-3.5 kubelet images"

# A component's key: its pins, the Go version and every input file that changes the binary
# (tests and generated schema files are left out, so editing a test never forces a rebuild;
# build.sh is the driver, not a recipe, and is left out too).
component_key() {
  local component=$1 sources d
  sources=$(component_sources "$component") || return 1
  {
    echo "component=$component"
    cat "$TOOLCHAIN_SRC/pins.env"
    echo "$TOOLCHAIN_GO_VERSION"
    for d in $sources; do
      [ -e "$TOOLCHAIN_SRC/$d" ] || continue
      (cd "$TOOLCHAIN_SRC" && find "$d" -type f \
        ! -name '*_test.go' ! -name 'test.sh' ! -name 'README.md' ! -path '*/testdata/*' \
        ! -name 'Pulumi.yaml' \
        ! -name 'schema.json' ! -name 'schema-embed.json' ! -name 'bridge-metadata.json' \
        -print0 | sort -z | xargs -0 -r sha256sum)
    done
  } | sha256sum | cut -c1-16
}

# A plugin component takes part once its source directory has a build script.
component_present() {
  case "$1" in
    tls | random | command) [ -f "$TOOLCHAIN_SRC/$1/build.sh" ] ;;
    *) return 0 ;;
  esac
}

component_path() {
  echo "$TOOLCHAIN_CACHE/$1-$(component_key "$1")"
}
