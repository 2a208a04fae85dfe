#!/usr/bin/env bash
# The floor: the least work that brings up the same TLS cluster as `pulumi up` (mutual TLS on
# client and peer ports, etcd.conf.yml, a Type=notify unit, the toolchain's etcd 3.6). For each
# of the first N hosts of the bed, at once: one plain `ssh` that receives a tar of the binaries,
# the pre-generated certificates (bench/gen-certs.sh), the config and the unit, unpacks it and
# starts etcd; then `endpoint health --cluster` from here until it passes. Runs etcd as root
# (the product adds a hardened unit and the etcd user: not needed for the floor).
# Prints the milliseconds from the first byte of work to a healthy cluster on stdout.
# Usage: bench/floor.sh INVENTORY_JSON N CERT_DIR   (etcd from $ETCDHOSTS_ETCD_DIR_3_6)
set -euo pipefail
inventory=${1:?usage: floor.sh INVENTORY_JSON N CERT_DIR}
n=${2:?usage: floor.sh INVENTORY_JSON N CERT_DIR}
certs=$(cd "${3:?usage: floor.sh INVENTORY_JSON N CERT_DIR}" && pwd)
bin=${ETCDHOSTS_ETCD_DIR_3_6:?source toolchain/env.sh first}
key=$(jq -r .sshPrivateKeyPath "$inventory")
known_hosts=$(jq -r .knownHostsPath "$inventory")
mapfile -t hosts < <(jq -r --argjson n "$n" '.hosts[:$n][] | "\(.name) \(.address) \(.sshUser)"' "$inventory")
[ "${#hosts[@]}" -eq "$n" ] || { echo "floor: the bed has ${#hosts[@]} hosts, $n asked" >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(now_ms)

initial_cluster=$(for h in "${hosts[@]}"; do set -- $h; printf '%s=https://%s:2380,' "$1" "$2"; done)
initial_cluster=${initial_cluster%,}
token="floor-$t0"

# stage_host NAME ADDRESS: the host's files under $stage/NAME, as they go below / on the host.
stage_host() {
  local name=$1 addr=$2 d="$stage/$1"
  mkdir -p "$d/usr/local/bin" "$d/etc/etcd/pki" "$d/etc/systemd/system"
  ln -s "$bin/etcd" "$bin/etcdctl" "$d/usr/local/bin/"
  ln -s "$certs/ca.crt" "$d/etc/etcd/pki/ca.crt"
  for kind in server peer; do
    ln -s "$certs/$name-$kind.crt" "$d/etc/etcd/pki/$kind.crt"
    ln -s "$certs/$name-$kind.key" "$d/etc/etcd/pki/$kind.key"
  done
  cat >"$d/etc/etcd/etcd.conf.yml" <<EOF
name: $name
data-dir: /var/lib/etcd
listen-client-urls: https://127.0.0.1:2379,https://$addr:2379
advertise-client-urls: https://$addr:2379
listen-peer-urls: https://$addr:2380
initial-advertise-peer-urls: https://$addr:2380
initial-cluster: $initial_cluster
initial-cluster-state: new
initial-cluster-token: $token
client-transport-security:
  cert-file: /etc/etcd/pki/server.crt
  key-file: /etc/etcd/pki/server.key
  trusted-ca-file: /etc/etcd/pki/ca.crt
  client-cert-auth: true
peer-transport-security:
  cert-file: /etc/etcd/pki/peer.crt
  key-file: /etc/etcd/pki/peer.key
  trusted-ca-file: /etc/etcd/pki/ca.crt
  client-cert-auth: true
EOF
  cat >"$d/etc/systemd/system/etcd.service" <<'EOF'
[Unit]
Description=etcd (benchmark floor)
[Service]
Type=notify
ExecStart=/usr/local/bin/etcd --config-file /etc/etcd/etcd.conf.yml
EOF
}

# push NAME ADDRESS USER: one SSH connection per host does everything.
push() {
  tar -C "$stage/$1" -chf - usr etc |
    ssh -i "$key" -o UserKnownHostsFile="$known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes \
      -o ConnectTimeout=10 "$3@$2" \
      'tar --no-overwrite-dir -xf - -C / && chmod 0600 /etc/etcd/pki/*.key && systemctl daemon-reload && systemctl start --no-block etcd.service'
}

pids=()
for h in "${hosts[@]}"; do
  set -- $h
  (stage_host "$1" "$2" && push "$1" "$2" "$3") &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { echo "floor: a host failed to take its files or start etcd" >&2; exit 1; }; done

first=${hosts[0]#* }
first=${first%% *}
deadline=$(($(now_ms) + 120000))
until "$bin/etcdctl" --endpoints="https://$first:2379" --cacert="$certs/ca.crt" --cert="$certs/admin.crt" \
  --key="$certs/admin.key" --dial-timeout=1s --command-timeout=2s endpoint health --cluster >/dev/null 2>&1; do
  [ "$(now_ms)" -lt "$deadline" ] || { echo "floor: the cluster is not healthy after 120 s" >&2; exit 1; }
  sleep 0.05
done
echo $(($(now_ms) - t0))
