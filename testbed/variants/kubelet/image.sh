#!/usr/bin/env bash
# The kubelet host variant: the base image plus a container runtime from Debian (containerd,
# runc), a kubelet in standalone mode (no API server: it runs the static pods in
# /etc/kubernetes/manifests) and the container images those pods need, which no registry could
# provide here. Usage: image.sh ROOTFS   (the merged base rootfs; only the changes are kept)
#
# The kubelet, crictl and the image archives come from the toolchain cache (components
# `kubelet` and `images`, built here if missing). KUBELET_BIN_DIR and IMAGES_DIR (both or
# neither) take them from elsewhere instead; key.sh then keys the image on their content.
set -euo pipefail
R=${1:-}
# Everything below writes and deletes under $R as root: an empty, relative or root path would do
# it to the runner itself, so refuse one before anything runs.
[[ "$R" == /?* ]] && [ "$(readlink -m -- "$R")" != / ] ||
  { echo "image.sh: refusing rootfs path '$R': an absolute path other than / is required" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
toolchain="$here/../../../toolchain"
. "$here/versions.env"

if [ -z "${KUBELET_BIN_DIR:-}${IMAGES_DIR:-}" ]; then
  bash "$toolchain/build.sh" kubelet images >&2
  . "$toolchain/lib.sh"
  KUBELET_BIN_DIR=$(component_path kubelet)/bin
  IMAGES_DIR=$(component_path images)/bin
fi
. "$IMAGES_DIR/images.env"

# Packages: downloaded by the runner's apt (the image has no DNS) with the image's own sources,
# lists and keyring (Dir=), then installed inside with no network. Exact versions, so a new
# Debian point release fails here instead of changing the runtime under the tests.
apt-get -q -o Dir="$R" -o Debug::NoLocking=true --download-only --no-install-recommends -y \
  install "containerd=$CONTAINERD_VERSION" "runc=$RUNC_VERSION"
# No daemon may start inside the chroot (it would run on the runner).
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod +x "$R/usr/sbin/policy-rc.d"
chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get -q --no-download --no-install-recommends -y \
  install "containerd=$CONTAINERD_VERSION" "runc=$RUNC_VERSION"
rm -f "$R/usr/sbin/policy-rc.d" "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin

install -m 0755 "$KUBELET_BIN_DIR/kubelet" "$KUBELET_BIN_DIR/crictl" "$R/usr/local/bin/"

# containerd: CRI settings for a host that is itself a container (see the file's comments), and
# the images the static pods use already in its store: no registry can be reached from the bed.
install -d -m 0755 "$R/etc/containerd"
sed "s|@PAUSE_IMAGE@|$PAUSE_IMAGE|" "$here/containerd.toml" >"$R/etc/containerd/config.toml"
install -m 0644 "$here/crictl.yaml" "$R/etc/crictl.yaml"
bash "$here/import-images.sh" "$R" "$IMAGES_DIR"

# The kubelet: its config, its unit, and the directories kubeadm's layout uses.
install -d -m 0755 "$R/var/lib/kubelet" "$R/etc/kubernetes/manifests" "$R/etc/kubernetes/pki/etcd"
install -m 0644 "$here/kubelet-config.yaml" "$R/var/lib/kubelet/config.yaml"
install -m 0644 "$here/kubelet.service" "$R/etc/systemd/system/"
install -d -m 0755 "$R/usr/local/lib/etcdhosts"
install -m 0755 "$here/kubelet-host-prep" "$R/usr/local/lib/etcdhosts/"
install -m 0644 "$here/kubelet-host-prep.service" "$R/etc/systemd/system/"

chroot "$R" systemctl enable containerd.service kubelet.service kubelet-host-prep.service

# Fail the build, not the first test, if something is missing or not the pinned version.
kubernetes=$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$toolchain/kubelet/go.mod")
chroot "$R" /usr/local/bin/kubelet --version | grep -qx "Kubernetes $kubernetes" ||
  { echo "image.sh: kubelet is not $kubernetes" >&2; exit 1; }
chroot "$R" dpkg-query -W -f='${Version}' containerd | grep -qx "$CONTAINERD_VERSION"
chroot "$R" dpkg-query -W -f='${Version}' runc | grep -qx "$RUNC_VERSION"
