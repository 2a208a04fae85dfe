#!/usr/bin/env bash
# Runs the command provider's Go tests. The remote tests start a real sshd
# (Debian's openssh-server must be installed) and the schema test reads
# node_modules/@pulumi/command, so run `npm ci` first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
go test -mod=readonly -count=1 ./...
