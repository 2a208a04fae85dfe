#!/usr/bin/env bash
# Packs a directory into a one-layer OCI image archive that `ctr images import` loads.
# Usage: oci-image.sh REF ROOTFS_DIR OUT_TAR [ENTRYPOINT_JSON [CMD_JSON]]
#   REF              full image name, e.g. etcdhosts.local/etcd:3.6.16
#   ENTRYPOINT_JSON  e.g. '["/pause"]' (default: none); CMD_JSON likewise
# No registry is reachable and no image builder (docker, buildah) is installed, so the archive is
# written by hand: an OCI image layout (oci-layout, index.json, blobs/sha256/*) in a tar. The
# same inputs always give the same bytes (fixed mtimes and owners, sorted names, no timestamps
# in the config), so an image ID only changes when its content does.
set -euo pipefail
ref=$1 rootfs=$2 out=$3 entrypoint=${4:-null} cmd=${5:-null}
tag=${ref##*:}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
blobs="$work/blobs/sha256"
mkdir -p "$blobs"

# Writes stdin to a blob; prints its digest and size.
put_blob() {
  local tmp=$work/blob.tmp digest
  cat >"$tmp"
  digest=$(sha256sum "$tmp" | cut -d' ' -f1)
  mv "$tmp" "$blobs/$digest"
  echo "sha256:$digest $(stat -c %s "$blobs/$digest")"
}

deterministic_tar() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime "$@"
}

# Uncompressed layer: its digest is also its diff ID, and containerd unpacks it without gzip.
read -r layer_digest layer_size < <(deterministic_tar -C "$rootfs" -cf - . | put_blob)

read -r config_digest config_size < <(printf '%s' \
  '{"architecture":"amd64","os":"linux",' \
  '"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],' \
  "\"Entrypoint\":$entrypoint,\"Cmd\":$cmd,\"WorkingDir\":\"/\"}," \
  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"$layer_digest\"]}}" | put_blob)

read -r manifest_digest manifest_size < <(printf '%s' \
  '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' \
  "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$config_digest\",\"size\":$config_size}," \
  "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$layer_digest\",\"size\":$layer_size}]}" |
  put_blob)

# containerd names the image after io.containerd.image.name; the OCI ref name is the tag.
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' \
  "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$manifest_digest\",\"size\":$manifest_size," \
  '"platform":{"architecture":"amd64","os":"linux"},' \
  "\"annotations\":{\"io.containerd.image.name\":\"$ref\",\"org.opencontainers.image.ref.name\":\"$tag\"}}]}" \
  >"$work/index.json"
printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"

deterministic_tar -C "$work" -cf "$out" oci-layout index.json blobs
