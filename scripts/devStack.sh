# Shared by start.sh and stop.sh (sourced): the dev stack's sandbox environment and helpers.
# The dev stack is a sandbox stack: its passphrase is the documented fixed one (see README).
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-etcdhosts-sandbox-only}"

step() { printf '\n==> %s\n' "$*" >&2; }

inventory_field() { node -e 'process.stdout.write(String(require(process.argv[1])[process.argv[2]]))' "$1" "$2"; }

# The default bed's inventory path, if it is up.
bed_inventory() { echo "${ETCDHOSTS_TESTBED_STATE:-/var/tmp/etcdhosts-testbed}/default/inventory.json"; }

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
