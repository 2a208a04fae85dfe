#!/usr/bin/env bash
# Tests the tls plugin built by the toolchain against the @pulumi/tls npm SDK:
#   toolchain/tls/test.sh [OUT_DIR]
# OUT_DIR is where build.sh put pulumi-resource-tls; by default the toolchain cache's
# build of this directory (npm run toolchain). Needs node_modules (npm ci).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ge 1 ]]; then
  out_dir=$1
else
  . "$here/../lib.sh"
  out_dir=$(component_path tls)/bin
fi
export PLUGIN="$out_dir/pulumi-resource-tls"
if [[ ! -x "$PLUGIN" ]]; then
  echo "test.sh (tls): no plugin at $PLUGIN; build it first (npm run toolchain -- tls)" >&2
  exit 1
fi

export GOFLAGS="${GOFLAGS:--mod=readonly} -buildvcs=false"
export GONOSUMDB=github.com/hashicorp/terraform-provider-tls
export GOTOOLCHAIN=local
cd "$here"
go test -count=1 -v .
