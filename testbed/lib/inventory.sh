# What a bed tells its users: known_hosts and inventory.json in the bed's dir. Sourced by bed.sh.
# The inventory's shape is read by test/support/testbed.ts (interface Inventory): keep them in step.

# Every host key of every host, under both its name and its address, so ssh can verify the
# hosts strictly from the first connection on.
write_known_hosts() {
  local n=$1 i k
  for i in $(seq 1 "$n"); do
    for k in "$(host_dir "$i")"/upper/etc/ssh/ssh_host_*_key.pub; do
      printf 'h%s,%s %s\n' "$i" "$(host_addr "$i")" "$(cut -d' ' -f1,2 "$k")"
    done
  done >"$BED_KNOWN_HOSTS.tmp"
  mv "$BED_KNOWN_HOSTS.tmp" "$BED_KNOWN_HOSTS"
}

write_inventory() {
  local n=$1 i sep=""
  {
    printf '{\n'
    printf '  "bed": %s,\n' "$(json_str "$BED")"
    printf '  "subnet": "%s.0/24",\n' "$BED_PREFIX"
    printf '  "runnerAddress": "%s.1",\n' "$BED_PREFIX"
    printf '  "image": %s,\n' "$(json_str "$BED_IMAGE")"
    printf '  "sshPrivateKeyPath": %s,\n' "$(json_str "$TB_SSH_KEY")"
    printf '  "knownHostsPath": %s,\n' "$(json_str "$BED_KNOWN_HOSTS")"
    printf '  "sudoUser": "deploy",\n'
    printf '  "hosts": ['
    for i in $(seq 1 "$n"); do
      printf '%s\n    {"name": "h%s", "address": "%s", "sshUser": "root", "sshPort": 22}' "$sep" "$i" "$(host_addr "$i")"
      sep=","
    done
    printf '\n  ]\n}\n'
  } >"$BED_INVENTORY.tmp"
  mv "$BED_INVENTORY.tmp" "$BED_INVENTORY"
}
