#!/usr/bin/env bash
# Checks the image archives build.sh made: toolchain/images/test.sh [OUT_DIR]
# OUT_DIR defaults to the toolchain cache's build of this directory (npm run toolchain -- images).
#  - each is an OCI image layout whose blobs match their digests and sizes, named as images.env
#    says (what `ctr images import` and the kubelet variant rely on);
#  - the pause image holds our pause program, of the pinned version, static;
#  - each etcd image holds the toolchain's etcd, etcdctl and etcdutl of its version;
#  - oci-image.sh is deterministic: the same directory gives the same bytes twice.
# Pod-level behaviour (a kubelet running them) is test/e2e/kubeletHost.test.ts.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
. "$here/images.env"
out_dir=${1:-$(component_path images)/bin}
[[ -f "$out_dir/images.env" ]] || { echo "test.sh (images): no images in $out_dir; build them first (npm run toolchain -- images)" >&2; exit 1; }
fail() { echo "test.sh (images): FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Unpacks archive $1 into $work/$2, checks every blob, prints the image name and the layer path.
check_archive() {
  local d=$work/$2 blob digest manifest config layer
  mkdir -p "$d"
  tar -xf "$1" -C "$d"
  [[ "$(cat "$d/oci-layout")" == '{"imageLayoutVersion":"1.0.0"}' ]] || fail "$1: no OCI layout"
  for blob in "$d"/blobs/sha256/*; do
    digest=$(sha256sum "$blob" | cut -d' ' -f1)
    [[ "$digest" == "$(basename "$blob")" ]] || fail "$1: blob $(basename "$blob") has digest $digest"
  done
  manifest=$(grep -o '"digest":"sha256:[0-9a-f]*","size":[0-9]*' "$d/index.json" | head -n1)
  manifest=${manifest#*sha256:}
  manifest=${manifest%%\"*}
  config=$(grep -o '"config":{[^}]*}' "$d/blobs/sha256/$manifest" | grep -o 'sha256:[0-9a-f]*')
  layer=$(grep -o '"layers":\[{[^}]*}' "$d/blobs/sha256/$manifest" | grep -o 'sha256:[0-9a-f]*')
  grep -q "\"diff_ids\":\[\"$layer\"\]" "$d/blobs/sha256/${config#sha256:}" || fail "$1: config's diff_ids don't name the layer"
  grep -o '"io.containerd.image.name":"[^"]*"' "$d/index.json" | cut -d'"' -f4
  echo "$d/blobs/sha256/${layer#sha256:}"
}

{ read -r name; read -r layer; } < <(check_archive "$out_dir/pause.tar" pause)
[[ "$name" == "$PAUSE_IMAGE" ]] || fail "pause.tar is named $name, not $PAUSE_IMAGE"
mkdir "$work/pause-root" && tar -xf "$layer" -C "$work/pause-root"
[[ "$("$work/pause-root/pause" -v)" == "pause (etcdhosts) $PAUSE_VERSION" ]] || fail "pause -v: $("$work/pause-root/pause" -v)"
go version -m "$work/pause-root/pause" | grep -q $'\tbuild\tCGO_ENABLED=0$' || fail "pause was built with cgo"

for version in $ETCD_VERSIONS; do
  { read -r name; read -r layer; } < <(check_archive "$out_dir/etcd-$version.tar" "etcd-$version")
  [[ "$name" == "$ETCD_IMAGE_REPO:$version" ]] || fail "etcd-$version.tar is named $name"
  root=$work/etcd-$version-root
  mkdir "$root" && tar -xf "$layer" -C "$root"
  "$root/usr/local/bin/etcd" --version | grep -qx "etcd Version: $version" || fail "etcd in etcd-$version.tar is not $version"
  for tool in etcd etcdctl etcdutl; do
    cmp -s "$root/usr/local/bin/$tool" "$(component_path "etcd-${version%.*}")/bin/$tool" ||
      fail "$tool in etcd-$version.tar is not the toolchain's"
  done
done

bash "$here/oci-image.sh" example.local/x:1 "$work/pause-root" "$work/a.tar" '["/pause"]'
sleep 1 # a different wall clock must not matter
bash "$here/oci-image.sh" example.local/x:1 "$work/pause-root" "$work/b.tar" '["/pause"]'
cmp -s "$work/a.tar" "$work/b.tar" || fail "oci-image.sh gave different archives for the same input"
echo "test.sh (images): $PAUSE_IMAGE and $ETCD_IMAGE_REPO:{${ETCD_VERSIONS// /,}}: layouts, names, content and determinism OK"
