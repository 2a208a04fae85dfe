#!/usr/bin/env bash
# Builds the random resource plugin, bridged from HashiCorp's Terraform random provider:
#   toolchain/random/build.sh OUT_DIR  ->  OUT_DIR/pulumi-resource-random
# Generates the Pulumi schema with tfgen first (into cmd/pulumi-resource-random/, git-ignored),
# because the plugin embeds it. Needs Go and the module proxy for what go.sum pins.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out_dir=$(cd "$1" && pwd)
. "$here/../pins.env"
version=$PULUMI_RANDOM_VERSION # the plugin must report the npm SDK's version
upstream=github.com/terraform-providers/terraform-provider-random
plugin_dir=cmd/pulumi-resource-random

# -mod=readonly: go.mod and go.sum are committed and complete. -buildvcs=false: the
# binaries must not depend on the state of the git checkout around them.
export GOFLAGS="${GOFLAGS:--mod=readonly} -buildvcs=false"
export GOTOOLCHAIN=local CGO_ENABLED=0
ldflags="-s -w -X etcdhosts.local/toolchain/random.Version=$version"

# Each step is announced with the seconds elapsed so far; a failure names its step.
step=""
trap 'echo "build.sh (random): step \"$step\" failed" >&2' ERR
begin() {
  step=$1
  echo "==> random: $step (${SECONDS}s)"
}

tfgen_dir=$(mktemp -d)
trap 'rm -rf "$tfgen_dir"' EXIT
cd "$here"

begin "download Go modules"
go mod download

begin "build tfgen"
go build -trimpath -ldflags "$ldflags" -o "$tfgen_dir/pulumi-tfgen-random" ./cmd/pulumi-tfgen-random

begin "generate schema"
# tfgen reads the resource docs from the Terraform provider's module directory.
UPSTREAM_REPO_PATH=$(go list -m -f '{{.Dir}}' "$upstream")
export UPSTREAM_REPO_PATH
# --skip-examples: converting the docs' HCL examples needs a converter plugin we don't have.
"$tfgen_dir/pulumi-tfgen-random" schema --skip-examples --out "$plugin_dir"
# tfgen also writes a Pulumi.yaml that nothing here uses; left behind it would only
# change the toolchain's cache key, which hashes this directory.
rm -f "$plugin_dir/Pulumi.yaml"

begin "build plugin"
go build -trimpath -ldflags "$ldflags" -o "$out_dir/pulumi-resource-random" "./$plugin_dir"

begin "check plugin version"
reported=$("$out_dir/pulumi-resource-random" -version)
if [[ "$reported" != "$version" ]]; then
  echo "the plugin reports version '$reported', expected '$version'" >&2
  false
fi
echo "==> random: built $out_dir/pulumi-resource-random $version in ${SECONDS}s"
