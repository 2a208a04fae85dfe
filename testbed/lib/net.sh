# The bed's network: one bridge on the runner (BED_PREFIX.1/24) and, per host, a network
# namespace whose eth0 is the far end of a veth on that bridge. Sourced by bed.sh.
#
# Isolation is by construction: no namespace gets a default route, the runner does not forward
# (checked by net_check), so a host can reach the other hosts and BED_PREFIX.1, nothing else.

# The third octet of a free 10.213.X.0/24 for BED (call under the global lock). The default bed
# always gets 10.213.0 (the `dev` stack's addresses); others the lowest /24 no bed claims.
net_allocate_prefix() {
  if [ "$BED" = "$TB_DEFAULT_BED" ]; then echo "$TB_DEFAULT_PREFIX"; return; fi
  local k claimed
  claimed=$(cat "$TB_STATE_ROOT"/*/bed.env 2>/dev/null | sed -n 's/^BED_PREFIX=//p')
  for k in $(seq 1 254); do
    grep -qx "$TB_PREFIX_BASE.$k" <<<"$claimed" && continue
    net_prefix_in_use "$TB_PREFIX_BASE.$k" && continue
    echo "$TB_PREFIX_BASE.$k"
    return
  done
  die "no free /24 left in $TB_PREFIX_BASE.0.0/16"
}

# Is PREFIX.0/24 already on some interface of the runner?
net_prefix_in_use() {
  ip -4 -o addr show | awk '{ print $4 }' | grep -q "^${1//./\\.}\."
}

net_up() {
  local n=$1 i ns veth
  net_prefix_in_use "$BED_PREFIX" && die "$BED_PREFIX.0/24 is already in use on this machine"
  ip link add "$BED_BRIDGE" type bridge
  # IPv4 only: no link-local v6 chatter from the runner side of the bed.
  sysctl -qw "net.ipv6.conf.$BED_BRIDGE.disable_ipv6=1" 2>/dev/null || true
  ip addr add "$BED_PREFIX.1/24" dev "$BED_BRIDGE"
  ip link set "$BED_BRIDGE" up
  for i in $(seq 1 "$n"); do
    ns=$(host_netns "$i")
    veth=$(host_veth "$i")
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1" 2>/dev/null || true
    ip link set "$veth" master "$BED_BRIDGE" up
    ip -n "$ns" addr add "$(host_addr "$i")/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
  done
}

# Removes every namespace and link of the bed, found by name so leftovers of a crashed run go
# too. Deleting a namespace deletes its veth pair; the explicit link deletes are for the rest.
net_down() {
  local ns link
  for ns in $(ip netns list | awk '{ print $1 }' | grep -E "^tb-$BED-h[0-9]+$" || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -E "^tb-$BED(-h[0-9]+)?$" || true); do
    ip link del "$link" 2>/dev/null || true
  done
}

# The test bed must never become a path to the outside: fail loudly if it could.
net_check() {
  local n=$1 i ns
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] ||
    die "SAFETY: net.ipv4.ip_forward is 1 on the runner: hosts could be routed outside"
  [ "$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null || echo 0)" = 0 ] ||
    die "SAFETY: IPv6 forwarding is on on the runner: hosts could be routed outside"
  for i in $(seq 1 "$n"); do
    ns=$(host_netns "$i")
    [ -z "$(ip -n "$ns" -4 route show default)" ] || die "SAFETY: netns $ns has an IPv4 default route"
    [ -z "$(ip -n "$ns" -6 route show default 2>/dev/null)" ] || die "SAFETY: netns $ns has an IPv6 default route"
  done
}

# Partition: the host has no CAP_NET_ADMIN, so the cut is made on the runner's end of its veth.
net_link_set() {
  local i=$1 state=$2 veth
  veth=$(host_veth "$i")
  ip link show "$veth" >/dev/null 2>&1 || die "h$i of bed $BED has no link $veth (is the bed up?)"
  ip link set "$veth" "$state"
}

net_link_state() {
  if ip -o link show "$(host_veth "$1")" 2>/dev/null | grep -q '[<,]UP[,>]'; then echo up; else echo cut; fi
}
