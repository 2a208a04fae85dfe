#!/usr/bin/env bash
# Checks the kubelet and crictl that build.sh made: toolchain/kubelet/test.sh [OUT_DIR]
# OUT_DIR defaults to the toolchain cache's build of this directory (npm run toolchain -- kubelet).
#  - they report the pinned versions (the version ldflags took);
#  - they are static (CGO off), so they run in any image;
#  - the kubelet was built with exactly the dependency versions Kubernetes released it with:
#    every module in the binary that k8s.io/kubernetes' own go.mod names has that version there
#    (the staging modules are checked against the release's v0.x tag instead).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ge 1 ]]; then
  out_dir=$1
else
  . "$here/../lib.sh"
  out_dir=$(component_path kubelet)/bin
fi
for b in kubelet crictl; do
  [[ -x "$out_dir/$b" ]] || { echo "test.sh (kubelet): no $b in $out_dir; build it first (npm run toolchain -- kubelet)" >&2; exit 1; }
done
fail() { echo "test.sh (kubelet): FAIL: $*" >&2; exit 1; }

cd "$here"
version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
[[ "$("$out_dir/kubelet" --version)" == "Kubernetes $version" ]] || fail "kubelet --version: $("$out_dir/kubelet" --version)"
crictl_version=$(cd crictl && go list -m -f '{{.Version}}' sigs.k8s.io/cri-tools)
[[ "$("$out_dir/crictl" --version)" == "crictl version $crictl_version" ]] || fail "crictl --version: $("$out_dir/crictl" --version)"
for b in kubelet crictl; do
  go version -m "$out_dir/$b" | grep -q $'\tbuild\tCGO_ENABLED=0$' || fail "$b was built with cgo"
done

staging=v0.${version#v1.}
upstream_mod=$(go list -m -f '{{.GoMod}}' k8s.io/kubernetes)
drift=$(go version -m "$out_dir/kubelet" | awk -v staging="$staging" '
  FNR == NR { if ($1 ~ /\./ && $2 ~ /^v/) want[$1] = $2; next }   # what the release go.mod requires
  $1 == "dep" { mod = $2; got[mod] = $3; next }
  $1 == "=>" { got[mod] = $3; replaced[mod] = 1; next }            # the version actually built in
  END {
    for (m in got) {
      if (replaced[m] && want[m] == "v0.0.0") { if (got[m] != staging) print m, got[m], "want", staging }
      else if ((m in want) && got[m] != want[m]) print m, got[m], "want", want[m]
    }
  }
' <(sed -n '/^require (/,/^)/p' "$upstream_mod") -)
[[ -z "$drift" ]] || fail "dependency versions differ from k8s.io/kubernetes $version's go.mod:"$'\n'"$drift"
echo "test.sh (kubelet): kubelet $version and crictl $crictl_version: static, versions and dependencies as released"
