#!/usr/bin/env bash
# Tests a bridged plugin built by the toolchain (tls, random) against its npm SDK:
#   toolchain/test-bridged.sh NAME [OUT_DIR]
# OUT_DIR is where build-bridged.sh put pulumi-resource-NAME; by default the toolchain
# cache's build of toolchain/NAME (npm run toolchain -- NAME). Runs the Go tests of
# toolchain/NAME, which hold that plugin's own cases and use the shared harness in
# toolchain/bridgetest. Needs node_modules (npm ci).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 NAME [OUT_DIR]" >&2
  exit 2
fi
name=$1
toolchain=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
here=$toolchain/$name
if [[ $# -ge 2 ]]; then
  out_dir=$2
else
  . "$toolchain/lib.sh"
  out_dir=$(component_path "$name")/bin
fi
export PLUGIN="$out_dir/pulumi-resource-$name"
if [[ ! -x "$PLUGIN" ]]; then
  echo "test-bridged.sh ($name): no plugin at $PLUGIN; build it first (npm run toolchain -- $name)" >&2
  exit 1
fi

export GOFLAGS="${GOFLAGS:--mod=readonly} -buildvcs=false"
# As in build-bridged.sh: go.sum pins the Terraform provider's hash.
GONOSUMDB=$(sed -n 's|^module \(.*\)/shim$|\1|p' "$here/shim/go.mod")
export GONOSUMDB GOTOOLCHAIN=local
cd "$here"
go test -count=1 -v .
