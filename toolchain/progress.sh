# What a component's build has done so far, for build.sh's progress lines: Go packages compiled
# (the recipes build with -v, which names each package as it is compiled, never a cached one)
# out of the packages its binaries are made of (`go list -deps`). Sourced by build.sh.

# "DIR PACKAGE" per binary a component builds, DIR under toolchain/. Kept beside the recipes'
# own go build lines: a target missing here only makes the total smaller, never the build fail.
go_targets() {
  case "$1" in
    cli) echo "pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
      echo "language-nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs" ;;
    tls | random) echo "$1 ./cmd/pulumi-tfgen-$1"; echo "$1 ./cmd/pulumi-resource-$1" ;;
    command) echo "command ." ;;
    etcd-3.6 | etcd-3.5) for t in server etcdctl etcdutl; do echo "$1 go.etcd.io/etcd/$t/v3"; done ;;
    kubelet) echo "kubelet k8s.io/kubernetes/cmd/kubelet"; echo "kubelet/crictl sigs.k8s.io/cri-tools/cmd/crictl" ;;
    images) echo "images/pause ." ;;
  esac
}

# Writes the package list of COMPONENT to FILE in the background (it may have to wait for the
# module downloads the build itself starts). -mod=readonly: it must never touch go.mod/go.sum
# while the build may be writing them; -e: a package it cannot resolve yet is just not counted.
go_total_start() {
  local component=$1 file=$2
  (
    go_targets "$component" | while read -r dir pkg; do
      (cd "$TOOLCHAIN_SRC/$dir" && GOFLAGS=-mod=readonly go list -e -deps "$pkg" 2>/dev/null) || true
    done | sort -u >"$file.part"
    mv "$file.part" "$file"
  ) >/dev/null 2>&1 &
}

# "N/T Go packages compiled" from the build log and the package list (T is "?" until listed).
go_progress() {
  local log=$1 file=$2 done total
  if [ -s "$file" ]; then
    done=$(grep -cxFf "$file" "$log" || true)
    total=$(wc -l <"$file")
  else
    done=$(grep -cE '^[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~+-]+)*$' "$log" || true)
    total="?"
  fi
  echo "${done:-0}/$total Go packages compiled (log: $log)"
}
