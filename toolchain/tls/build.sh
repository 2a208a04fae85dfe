#!/usr/bin/env bash
# Builds the tls resource plugin, bridged from HashiCorp's Terraform tls provider:
#   toolchain/tls/build.sh OUT_DIR  ->  OUT_DIR/pulumi-resource-tls
# The recipe is the one all bridged plugins share, ../build-bridged.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../build-bridged.sh" tls "$@"
