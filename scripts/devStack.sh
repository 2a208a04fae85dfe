# Shared by start.sh and stop.sh (sourced): the dev stack's sandbox environment and helpers.
# The dev stack is the sandbox stack npm start makes: always the documented fixed passphrase (see
# README), whatever the caller's environment holds for real stacks, so the record below stays true.
export PULUMI_CONFIG_PASSPHRASE=etcdhosts-sandbox-only
unset PULUMI_CONFIG_PASSPHRASE_FILE

step() { printf '\n==> %s\n' "$*" >&2; }

inventory_field() { node -e 'process.stdout.write(String(require(process.argv[1])[process.argv[2]]))' "$1" "$2"; }

# The default bed's inventory path if it is up, else nothing (tb knows where its state is).
bed_inventory() {
  testbed/tb status --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).inventory ?? ""));'
}

# The dev stack's key, for the dev stack only: ETCDHOSTS_SSH_KEY_STACK says which stack it is for.
use_bed_key() {
  export ETCDHOSTS_SSH_KEY_FILE ETCDHOSTS_SSH_KEY_STACK=dev
  ETCDHOSTS_SSH_KEY_FILE=$(inventory_field "$1" sshPrivateKeyPath)
}

# The dev stack pins the bed's SSH host keys (knownHosts, from the bed's known_hosts) while the bed
# runs; npm stop removes them again, leaving Pulumi.dev.yaml as committed. The stack must exist.
pin_bed_host_keys() {
  pulumi config set --stack dev knownHosts -- "$(cat "$(inventory_field "$1" knownHostsPath)")"
}
unpin_bed_host_keys() { pulumi config rm --stack dev knownHosts >/dev/null 2>&1 || true; }

# The record of the sandbox stacks npm start made (scripts/lib/sandboxStacks.ts): what lets
# `npm run pulumi -- ... -s dev` use the sandbox passphrase and key, and no other stack.
sandbox_record() {
  local state
  state=$(testbed/tb state-dir)
  TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register "$ROOT/scripts/lib/sandboxStacks.ts" \
    "$1" "$state/sandbox-stacks" "${@:2}"
}

# Removes a lock on the dev stack left by a pulumi that died (killed, rebooted machine).
remove_dead_dev_locks() {
  TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register "$ROOT/scripts/lib/deadLocks.ts" dev
}

# Whether the default bed is up with N hosts, all running and on the bridge.
bed_running() {
  testbed/tb status --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const b = JSON.parse(s || "{}");
      const ok = b.up && b.hosts.length === Number(process.argv[1]) && b.hosts.every((h) => h.state === "running" && h.link === "up");
      process.exit(ok ? 0 : 1);
    });' "$1"
}

# Whether the dev stack exists and holds any resource.
dev_stack_has_resources() {
  pulumi stack ls --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const dev = JSON.parse(s || "[]").find((x) => x.name === "dev");
      process.exit(dev && (dev.resourceCount ?? 0) > 0 ? 0 : 1);
    });'
}

# Endpoints, member list and health, with the admin certificate written to a private temp dir.
show_cluster() {
  local dir endpoints etcdctl
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  (umask 077
   pulumi stack output --stack dev caCertPem >"$dir/ca.crt"
   pulumi stack output --stack dev adminCertPem >"$dir/admin.crt"
   pulumi stack output --stack dev --show-secrets adminKeyPem >"$dir/admin.key")
  endpoints=$(pulumi stack output --stack dev clientEndpoints --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).join(",")))')
  etcdctl="$ETCDHOSTS_ETCD_DIR_3_6/etcdctl --endpoints=$endpoints --cacert=$dir/ca.crt --cert=$dir/admin.crt --key=$dir/admin.key"
  echo "client endpoints: $endpoints"
  echo; $etcdctl member list -w table
  echo; $etcdctl endpoint health --cluster -w table
  cat <<EOT

Use etcdctl against it (files from the stack's outputs):
$(pulumi stack output --stack dev etcdctlEnv)
EOT
}
