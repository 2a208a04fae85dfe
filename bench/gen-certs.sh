#!/usr/bin/env bash
# The floor's certificates, made once per benchmark run and not timed: a CA, a server and a peer
# certificate per host of the bed (its name, address and loopback as SANs, like the product's)
# and an admin client certificate (CN root). ECDSA P-256, the product's default algorithm.
# Usage: bench/gen-certs.sh INVENTORY_JSON OUT_DIR
set -euo pipefail
inventory=${1:?usage: gen-certs.sh INVENTORY_JSON OUT_DIR}
out=${2:?usage: gen-certs.sh INVENTORY_JSON OUT_DIR}
mkdir -p "$out"
chmod 0700 "$out"
cd "$out"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 0600 "$1"; }

# sign NAME CN EXTENDED_KEY_USAGE [SUBJECT_ALT_NAME]
sign() {
  local name=$1 cn=$2 eku=$3 san=${4:-}
  key "$name.key"
  local ext=(-addext "extendedKeyUsage=$eku" -addext "keyUsage=critical,digitalSignature,keyEncipherment")
  [ -n "$san" ] && ext+=(-addext "subjectAltName=$san")
  openssl req -new -key "$name.key" -subj "/CN=$cn" "${ext[@]}" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -days 2 \
    -copy_extensions copyall -out "$name.crt" 2>/dev/null
  rm -f "$name.csr"
}

key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=etcd-bench-floor-ca" -days 2 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt 2>/dev/null

sign admin root clientAuth
while read -r name address; do
  sans="DNS:$name,DNS:localhost,IP:$address,IP:127.0.0.1"
  # etcd's server certificate also serves as a client one when it proxies (etcd issue 9785).
  sign "$name-server" "$name" serverAuth,clientAuth "$sans" &
  sign "$name-peer" "$name" serverAuth,clientAuth "$sans" &
done < <(jq -r '.hosts[] | "\(.name) \(.address)"' "$inventory")
wait
