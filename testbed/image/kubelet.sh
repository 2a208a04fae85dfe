#!/usr/bin/env bash
# tb-parent: base
# tb-key: ../variants/kubelet/key.sh
# tb-nspawn: --system-call-filter=bpf
# The kubelet host variant (`tb up N --image kubelet`): hosts that run a standalone kubelet with
# containerd. Its recipe and files live in testbed/variants/kubelet/; this is tb's entry point.
#   tb-key     the variant's other inputs (its files, the toolchain's kubelet and images builds)
#   tb-nspawn  runc sets up each container's device rules with a cgroup BPF program, and
#              nspawn's seccomp filter refuses bpf(2) by default ("bpf_prog_query
#              (BPF_CGROUP_DEVICE) failed: operation not permitted"): allow that one call.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../variants/kubelet/image.sh" "$@"
