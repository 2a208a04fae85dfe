#!/usr/bin/env bash
# Tests the random plugin built by the toolchain against the @pulumi/random npm SDK:
#   toolchain/random/test.sh [OUT_DIR]
# with the steps all bridged plugins share, ../test-bridged.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../test-bridged.sh" random "$@"
