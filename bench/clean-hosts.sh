#!/usr/bin/env bash
# Puts the first N hosts of a bed (default: all) back to the image's state as far as etcd goes,
# at once over plain ssh: etcd stopped, what the floor or the product wrote removed, the data dir
# empty (the image's own /var/lib/etcd, 0700 etcd:etcd, is kept). The etcd user is the image's.
# Usage: bench/clean-hosts.sh INVENTORY_JSON [N]
set -euo pipefail
inventory=${1:?usage: clean-hosts.sh INVENTORY_JSON [N]}
n=${2:-9}
key=$(jq -r .sshPrivateKeyPath "$inventory")
known_hosts=$(jq -r .knownHostsPath "$inventory")
mapfile -t hosts < <(jq -r --argjson n "$n" '.hosts[:$n][] | "\(.address) \(.sshUser)"' "$inventory")

read -r -d '' script <<'EOF' || true
systemctl disable --now etcd.service >/dev/null 2>&1 || true
systemctl reset-failed etcd.service >/dev/null 2>&1 || true
rm -rf /etc/etcd /etc/systemd/system/etcd.service /etc/profile.d/etcdctl.sh \
  /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/bin/.tmp.etcd /usr/local/bin/.tmp.etcdctl \
  /var/tmp/etcdhosts-*
mkdir -p /var/lib/etcd
find /var/lib/etcd -mindepth 1 -delete
chown etcd:etcd /var/lib/etcd
chmod 0700 /var/lib/etcd
systemctl daemon-reload
EOF

pids=()
for h in "${hosts[@]}"; do
  set -- $h
  ssh -i "$key" -o UserKnownHostsFile="$known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -o ConnectTimeout=10 "$2@$1" "$script" &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" -eq 0 ] || { echo "clean-hosts: cleaning some host failed" >&2; exit 1; }
