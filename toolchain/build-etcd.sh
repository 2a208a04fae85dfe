#!/usr/bin/env bash
# Builds etcd, etcdctl and etcdutl from one etcd wrapper module. Usage: build-etcd.sh MODULE_DIR OUT_DIR
# Each tool gets its own -o because all three package paths end in /v3.
set -euo pipefail
module_dir=$1 out=$2
cd "$module_dir"
for tool in server:etcd etcdctl:etcdctl etcdutl:etcdutl; do
  # GitNotFound is what etcd's own build script writes when it has no git checkout.
  CGO_ENABLED=0 go build -trimpath -installsuffix=cgo \
    -ldflags "-s -w -X=go.etcd.io/etcd/api/v3/version.GitSHA=GitNotFound" \
    -o "$out/${tool#*:}" "go.etcd.io/etcd/${tool%%:*}/v3"
done
