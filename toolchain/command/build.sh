#!/usr/bin/env bash
# Builds the `command` resource provider plugin:
#   toolchain/command/build.sh OUT_DIR  ->  OUT_DIR/pulumi-resource-command
# Prints nothing but errors. Needs Go (go.mod names the version) and the module
# proxy for the versions pinned in go.sum.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out_dir=$1
module_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

cd "$module_dir"
# -mod=readonly: go.mod and go.sum are committed and must already be complete.
CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w" \
  -o "$out_dir/pulumi-resource-command" .
