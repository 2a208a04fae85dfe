#!/usr/bin/env bash
# Builds the pulumi CLI and, beside it, the Node.js language host (the CLI finds its language
# hosts next to its own symlink-resolved binary). Usage: build.sh OUT_DIR
set -euo pipefail
out=$1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../pins.env"
# Without the version ldflag the CLI reports an empty version and the Automation API's
# version check fails.
version_var=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
(cd "$here" && CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X $version_var=v$PULUMI_VERSION" \
  -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
(cd "$here/../language-nodejs" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X $version_var=v$PULUMI_LANGUAGE_NODEJS_SDK" \
  -o "$out/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
