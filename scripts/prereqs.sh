#!/usr/bin/env bash
# Installs the Debian packages the project needs on a clean machine, without recommends,
# and only when something is missing (apt-get update is slow and needs the network).
#   debootstrap, systemd-container, iproute2: the test bed of systemd-nspawn hosts
#   openssh-client: ssh to the test hosts; openssh-server: sshd for the command plugin's tests
#   (started by the tests on loopback only, never as a service)
#   jq, openssl: the benchmark's floor scripts (bench/*.sh) read the bed's inventory, make certificates
#   postgresql: the PostgreSQL state backend (npm run backend, its end-to-end test), run as a
#   throwaway cluster on loopback, never as the system service (policy-rc.d below keeps it stopped)
set -euo pipefail
packages=(debootstrap systemd-container iproute2 openssh-client openssh-server util-linux curl ca-certificates jq openssl postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "prereqs: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "prereqs: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep package scripts from starting services on this machine (sshd must not listen here).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[ $created_policy = 1 ] && rm -f "$policy"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
