#!/usr/bin/env bash
# npm start: everything from a fresh machine to a healthy etcd cluster on the local test bed.
# Builds the toolchain and the test-bed image if missing, boots three hosts, runs `pulumi up` on
# the `dev` stack, then shows the endpoints, `member list` and `endpoint health` run from this
# machine with the admin client certificate from the stack's outputs. Idempotent.
# Runs under scripts/run.sh, which has loaded toolchain/env.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/devStack.sh"
. "$ROOT/scripts/lib/phases.sh"
trap 'phases_report $?' EXIT

# node_modules first: the dead-lock check below already runs node.
phase "npm packages"; bash scripts/lib/nodeModules.sh ensure
remove_dead_dev_locks

phase "prerequisites (Debian packages)"; bash scripts/prereqs.sh; testbed/tb prereqs
phase "toolchain"; bash toolchain/build.sh cli tls random command etcd-3.6
. toolchain/env.sh
phase "test bed: three hosts (image built if missing)"
if bed_running 3; then
  # A second `npm start`: the hosts hold the cluster; `up` below changes nothing.
  inventory=$(bed_inventory)
  echo "reusing the running test bed ($inventory)" >&2
else
  inventory=$(testbed/tb up 3)
  # Fresh hosts: whatever the dev stack's state says was made on the old ones is gone with them.
  # Forget it (keeping Pulumi.dev.yaml), or `up` would find nothing to do on empty hosts.
  if dev_stack_has_resources; then
    step "fresh hosts: forgetting the dev stack's resources on the old ones"
    pulumi stack rm --force --yes --preserve-config dev >/dev/null
  fi
fi
use_bed_key "$inventory"

phase "pulumi up (stack dev)"
pulumi stack select --create dev >/dev/null
pin_bed_host_keys "$inventory"
sandbox_record add dev "$ETCDHOSTS_SSH_KEY_FILE"
pulumi up --yes --stack dev

phase "the cluster"
show_cluster
