#!/usr/bin/env bash
# Tests the tls plugin built by the toolchain against the @pulumi/tls npm SDK:
#   toolchain/tls/test.sh [OUT_DIR]
# with the steps all bridged plugins share, ../test-bridged.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../test-bridged.sh" tls "$@"
