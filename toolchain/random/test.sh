#!/usr/bin/env bash
# Tests the random plugin built by the toolchain against the @pulumi/random npm SDK:
#   toolchain/random/test.sh [OUT_DIR]
# OUT_DIR is where build.sh put pulumi-resource-random; by default the toolchain cache's
# build of this directory (npm run toolchain). Needs node_modules (npm ci).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ge 1 ]]; then
  out_dir=$1
else
  . "$here/../lib.sh"
  out_dir=$(component_path random)/bin
fi
export PLUGIN="$out_dir/pulumi-resource-random"
if [[ ! -x "$PLUGIN" ]]; then
  echo "test.sh (random): no plugin at $PLUGIN; build it first (npm run toolchain -- random)" >&2
  exit 1
fi

export GOFLAGS="${GOFLAGS:--mod=readonly} -buildvcs=false"
export GOTOOLCHAIN=local
cd "$here"
go test -count=1 -v .
