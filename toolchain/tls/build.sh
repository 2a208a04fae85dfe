#!/usr/bin/env bash
# Builds the tls resource plugin, bridged from HashiCorp's Terraform tls provider:
#   toolchain/tls/build.sh OUT_DIR  ->  OUT_DIR/pulumi-resource-tls
# Generates the Pulumi schema with tfgen first (into cmd/pulumi-resource-tls/, git-ignored),
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
version=$PULUMI_TLS_VERSION # the plugin must report the npm SDK's version
upstream=github.com/hashicorp/terraform-provider-tls
plugin_dir=cmd/pulumi-resource-tls

# -mod=readonly: go.mod and go.sum are committed and complete. -buildvcs=false: the
# binaries must not depend on the state of the git checkout around them.
export GOFLAGS="${GOFLAGS:--mod=readonly} -buildvcs=false"
# The checksum database has no entry for the Terraform provider's pseudo-version (404);
# go.sum pins its hash, this only keeps a go.sum-less resolution from failing.
export GONOSUMDB=$upstream
export GOTOOLCHAIN=local CGO_ENABLED=0
ldflags="-s -w -X etcdhosts.local/toolchain/tls.Version=$version"

# Each step is announced with the seconds elapsed so far; a failure names its step.
step=""
trap 'echo "build.sh (tls): step \"$step\" failed" >&2' ERR
begin() {
  step=$1
  echo "==> tls: $step (${SECONDS}s)"
}

tfgen_dir=$(mktemp -d)
trap 'rm -rf "$tfgen_dir"' EXIT
cd "$here"

begin "download Go modules"
go mod download

begin "build tfgen"
go build -trimpath -ldflags "$ldflags" -o "$tfgen_dir/pulumi-tfgen-tls" ./cmd/pulumi-tfgen-tls

begin "generate schema"
# tfgen reads the resource docs from the Terraform provider's module directory.
UPSTREAM_REPO_PATH=$(go list -m -f '{{.Dir}}' "$upstream")
export UPSTREAM_REPO_PATH
# --skip-examples: converting the docs' HCL examples needs a converter plugin we don't have.
"$tfgen_dir/pulumi-tfgen-tls" schema --skip-examples --out "$plugin_dir"
# tfgen also writes a Pulumi.yaml that nothing here uses; left behind it would only
# change the toolchain's cache key, which hashes this directory.
rm -f "$plugin_dir/Pulumi.yaml"

begin "build plugin"
go build -trimpath -ldflags "$ldflags" -o "$out_dir/pulumi-resource-tls" "./$plugin_dir"

begin "check plugin version"
reported=$("$out_dir/pulumi-resource-tls" -version)
if [[ "$reported" != "$version" ]]; then
  echo "the plugin reports version '$reported', expected '$version'" >&2
  false
fi
echo "==> tls: built $out_dir/pulumi-resource-tls $version in ${SECONDS}s"
