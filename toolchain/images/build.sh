#!/usr/bin/env bash
# Builds the container images the kubelet test-bed variant runs, as OCI archives for
# `ctr -n k8s.io images import`. Usage: build.sh OUT_DIR
#   OUT_DIR/pause.tar          PAUSE_IMAGE: our pause program (pause/), the pod sandbox
#   OUT_DIR/etcd-X.Y.Z.tar     ETCD_IMAGE_REPO:X.Y.Z for each of ETCD_VERSIONS: the etcd,
#                              etcdctl and etcdutl the toolchain builds, in /usr/local/bin
#   OUT_DIR/images.env         the names above, for whoever imports the archives
set -euo pipefail
out=$1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../lib.sh"
. "$here/images.env"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/pause"
(cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$PAUSE_VERSION" \
  -o "$stage/pause/pause" .)
bash "$here/oci-image.sh" "$PAUSE_IMAGE" "$stage/pause" "$out/pause.tar" '["/pause"]'

for version in $ETCD_VERSIONS; do
  minor=${version%.*}
  # The etcd binaries are another toolchain component; build it first if it's missing (a no-op
  # when cached). Its key is part of this component's key (see the sources it is hashed from).
  bash "$here/../build.sh" "etcd-$minor" >&2
  root="$stage/etcd-$version"
  # Like registry.k8s.io/etcd: the tools on PATH, no shell. /tmp and /var/lib/etcd exist so a
  # pod works without volumes too (the static-pod manifest mounts a hostPath on the data dir);
  # /etc/hosts and /etc/resolv.conf are the runtime's to mount.
  install -d "$root/usr/local/bin" "$root/var/lib/etcd" "$root/etc"
  install -d -m 1777 "$root/tmp"
  for tool in etcd etcdctl etcdutl; do
    install -m 0755 "$(component_path "etcd-$minor")/bin/$tool" "$root/usr/local/bin/$tool"
  done
  bash "$here/oci-image.sh" "$ETCD_IMAGE_REPO:$version" "$root" "$out/etcd-$version.tar" null '["etcd"]'
done

{
  echo "PAUSE_IMAGE=$PAUSE_IMAGE"
  for version in $ETCD_VERSIONS; do
    minor=${version%.*}
    echo "ETCD_IMAGE_${minor//./_}=$ETCD_IMAGE_REPO:$version"
  done
} >"$out/images.env"
