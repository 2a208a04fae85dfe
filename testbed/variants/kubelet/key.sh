#!/usr/bin/env bash
# Prints what the kubelet variant image is made of besides testbed/image/kubelet.sh, for tb's
# image cache key (`# tb-key:` in that script): this directory's files and the toolchain builds
# it copies in, named by their cache directories, whose names carry their own keys (pins, Go
# version, sources).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
(cd "$here" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
if [ -n "${KUBELET_BIN_DIR:-}" ] || [ -n "${IMAGES_DIR:-}" ]; then
  # Builds from elsewhere (image.sh's overrides): their content is the key.
  (cd "${KUBELET_BIN_DIR:?set IMAGES_DIR and KUBELET_BIN_DIR together}" && sha256sum kubelet crictl)
  (cd "${IMAGES_DIR:?set IMAGES_DIR and KUBELET_BIN_DIR together}" && sha256sum ./*.tar images.env)
else
  . "$here/../../../toolchain/lib.sh"
  basename "$(component_path kubelet)"
  basename "$(component_path images)"
fi
