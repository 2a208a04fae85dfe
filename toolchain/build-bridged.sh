#!/usr/bin/env bash
# Builds the resource plugin of a package bridged from a Terraform provider (tls, random):
#   toolchain/build-bridged.sh NAME OUT_DIR  ->  OUT_DIR/pulumi-resource-NAME
# from the module in toolchain/NAME: its token mapping, its shim (whose module path sits
# under the Terraform provider's, see NAME/shim/go.mod), cmd/pulumi-tfgen-NAME and
# cmd/pulumi-resource-NAME. Generates the Pulumi schema with tfgen first (into
# cmd/pulumi-resource-NAME/, git-ignored), because the plugin embeds it. The plugin reports
# PULUMI_<NAME>_VERSION from pins.env. Needs Go and the module proxy for what go.sum pins.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 NAME OUT_DIR" >&2
  exit 2
fi
name=$1
toolchain=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
here=$toolchain/$name
mkdir -p "$2"
out_dir=$(cd "$2" && pwd)
. "$toolchain/pins.env"
pin=PULUMI_${name^^}_VERSION
version=${!pin-} # the plugin must report the npm SDK's version
if [[ -z "$version" ]]; then
  echo "build-bridged.sh ($name): no $pin in pins.env" >&2
  exit 2
fi
upstream=$(sed -n 's|^module \(.*\)/shim$|\1|p' "$here/shim/go.mod")
module=$(sed -n 's/^module //p' "$here/go.mod")
plugin_dir=cmd/pulumi-resource-$name

# -mod=readonly: go.mod and go.sum are committed and complete. -buildvcs=false: the
# binaries must not depend on the state of the git checkout around them.
export GOFLAGS="${GOFLAGS:--mod=readonly} -buildvcs=false"
# The checksum database has had no entry for a Terraform provider's pseudo-version (tls:
# 404); go.sum pins its hash, this only keeps a go.sum-less resolution from failing.
export GONOSUMDB=$upstream
export GOTOOLCHAIN=local CGO_ENABLED=0
ldflags="-s -w -X $module.Version=$version"

# Each step is announced with the seconds elapsed so far; a failure names its step.
step=""
trap 'echo "build-bridged.sh ($name): step \"$step\" failed" >&2' ERR
begin() {
  step=$1
  echo "==> $name: $step (${SECONDS}s)"
}

tfgen_dir=$(mktemp -d)
trap 'rm -rf "$tfgen_dir"' EXIT
cd "$here"

begin "download Go modules"
go mod download

begin "build tfgen"
go build -trimpath -ldflags "$ldflags" -o "$tfgen_dir/pulumi-tfgen-$name" "./cmd/pulumi-tfgen-$name"

begin "generate schema"
# tfgen reads the resource docs from the Terraform provider's module directory.
UPSTREAM_REPO_PATH=$(go list -m -f '{{.Dir}}' "$upstream")
export UPSTREAM_REPO_PATH
# --skip-examples: converting the docs' HCL examples needs a converter plugin we don't have.
"$tfgen_dir/pulumi-tfgen-$name" schema --skip-examples --out "$plugin_dir"
# tfgen also writes a Pulumi.yaml that nothing here uses; left behind it would only
# change the toolchain's cache key, which hashes this directory.
rm -f "$plugin_dir/Pulumi.yaml"

begin "build plugin"
go build -trimpath -ldflags "$ldflags" -o "$out_dir/pulumi-resource-$name" "./$plugin_dir"

begin "check plugin version"
reported=$("$out_dir/pulumi-resource-$name" -version)
if [[ "$reported" != "$version" ]]; then
  echo "the plugin reports version '$reported', expected '$version'" >&2
  false
fi
echo "==> $name: built $out_dir/pulumi-resource-$name $version in ${SECONDS}s"
