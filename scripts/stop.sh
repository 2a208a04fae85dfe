#!/usr/bin/env bash
# npm stop: `pulumi destroy` of the `dev` stack, then the test bed down. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/devStack.sh"
remove_dead_dev_locks

inventory=$(bed_inventory)
if pulumi stack ls --json 2>/dev/null | grep -q '"name": *"dev"'; then
  if [ -n "$inventory" ] && [ -f "$inventory" ]; then
    step "pulumi destroy (stack dev)"
    use_bed_key "$inventory"
    pulumi destroy --yes --stack dev
    unpin_bed_host_keys
  else
    # The sandbox hosts are already gone, and with them everything the stack made there.
    step "test bed already down: forgetting the dev stack's resources"
    unpin_bed_host_keys
    pulumi stack rm --force --yes --preserve-config dev  # keep Pulumi.dev.yaml
    sandbox_record remove dev
  fi
fi
step "test bed down"
testbed/tb down
