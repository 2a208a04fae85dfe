#!/usr/bin/env bash
# Builds the random resource plugin, bridged from HashiCorp's Terraform random provider:
#   toolchain/random/build.sh OUT_DIR  ->  OUT_DIR/pulumi-resource-random
# The recipe is the one all bridged plugins share, ../build-bridged.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../build-bridged.sh" random "$@"
