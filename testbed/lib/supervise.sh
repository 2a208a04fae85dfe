#!/usr/bin/env bash
# The supervisor of one host, started detached by host_boot:
#   supervise.sh CGROUP_SUBPATH RUN_DIR HOST_NUM -- systemd-nspawn args...
# It moves itself into the host's own cgroups first: nspawn --keep-unit uses its current cgroup,
# and without this every container of every bed would share the runner's root cgroup. Then it
# boots the container and boots it again whenever it exits with 133 (a reboot from inside);
# any other exit (poweroff, crash) ends it, the host stays down until `tb start`.
set -euo pipefail
cgroup=$1 run=$2 i=$3
shift 4

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for root in $(cgroup_roots); do
  mkdir -p "$root/$cgroup"
  echo $$ >"$root/$cgroup/cgroup.procs"
done
echo $$ >"$run/h$i.super.pid"

# A pure cgroup2 view inside, as on a real Debian 12 host (and no errors from the v1 mounts).
export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
while :; do
  echo "[supervisor] booting h$i at $(date +%T.%N)"
  systemd-nspawn "$@" </dev/null &
  echo $! >"$run/h$i.nspawn.pid"
  rc=0
  wait $! || rc=$?
  echo "[supervisor] nspawn exited rc=$rc at $(date +%T.%N)"
  [ "$rc" -eq 133 ] || break
done
rm -f "$run/h$i.nspawn.pid" "$run/h$i.super.pid"
