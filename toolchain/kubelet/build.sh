#!/usr/bin/env bash
# Builds the kubelet (and crictl, to look at what it runs) from Go modules. Usage: build.sh OUT_DIR
# The versions are the ones pinned in go.mod (k8s.io/kubernetes) and crictl/go.mod
# (sigs.k8s.io/cri-tools); nothing else here names a version, so the two can't drift apart.
set -euo pipefail
out=$1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

cd "$here"
version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
# The module's release time (from the proxy's .info), not the build time: the same pins give
# the same binary.
build_date=$(go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
minor=${version#v1.}
minor=${minor%%.*}
# The variables Kubernetes' hack/lib/version.sh sets; without them `kubelet --version` says
# v0.0.0-master and the version the kubelet reports to the runtime is wrong.
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.buildDate=$build_date"
done
# Tags as in hack/lib/golang.sh for a non-debug build. Upstream links the kubelet with cgo;
# nothing it does on a Linux node here needs cgo, and a static binary runs in any image.
CGO_ENABLED=0 go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" \
  -o "$out/kubelet" k8s.io/kubernetes/cmd/kubelet

cd "$here/crictl"
crictl_version=$(go list -m -f '{{.Version}}' sigs.k8s.io/cri-tools)
# The checksum database has no entry for cri-tools v1.34.0 (404): go.sum pins its hash instead.
GONOSUMDB=sigs.k8s.io/cri-tools CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$crictl_version" \
  -o "$out/crictl" sigs.k8s.io/cri-tools/cmd/crictl
