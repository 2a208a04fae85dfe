#!/usr/bin/env bash
# Imports the image archives in IMAGES_DIR into the containerd store of the rootfs ROOTFS, at
# image build time: usage import-images.sh ROOTFS IMAGES_DIR
# Done once here instead of at each host's boot, where it cost ~6 s and ~250 MB per host (every
# host unpacked its own copy); now the store is part of the shared, read-only image layer.
# The image's own containerd runs chrooted in ROOTFS on a private socket, with the CRI plugin
# and the snapshotters other than `native` (the one the hosts use) switched off: it listens on
# nothing else, pulls nothing and leaves nothing outside ROOTFS.
set -euo pipefail
R=$1 images=$2
run=/run/etcdhosts-import   # inside ROOTFS
mkdir -p "$R$run/archives"
cp "$images"/*.tar "$R$run/archives/"
cat >"$R$run/config.toml" <<TOML
version = 2
root = "/var/lib/containerd"
state = "$run/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.overlayfs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$run/containerd.sock"
[ttrpc]
  address = "$run/containerd.sock.ttrpc"
TOML

chroot "$R" /usr/bin/containerd --config "$run/config.toml" >"$R$run/containerd.log" 2>&1 &
daemon=$!
stop_daemon() {
  kill -TERM "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
}
trap 'stop_daemon; cat "$R$run/containerd.log" >&2 || true; rm -rf "${R:?}$run"' EXIT
for _ in $(seq 100); do
  chroot "$R" ctr --address "$run/containerd.sock" version >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { echo "import-images.sh: containerd exited" >&2; exit 1; }
  sleep 0.1
done
for archive in "$R$run"/archives/*.tar; do
  # k8s.io: the namespace of the CRI plugin, i.e. what the kubelet sees.
  chroot "$R" ctr --address "$run/containerd.sock" --namespace k8s.io images import \
    --snapshotter native "$run/archives/$(basename "$archive")"
done
chroot "$R" ctr --address "$run/containerd.sock" --namespace k8s.io images ls
stop_daemon
trap - EXIT
rm -rf "${R:?}$run"
