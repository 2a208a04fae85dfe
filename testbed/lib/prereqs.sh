# tb prereqs: the Debian packages the test bed needs on the runner. Sourced by tb.

TB_PACKAGES=(debootstrap systemd-container iproute2 openssh-client)

cmd_prereqs() {
  need_root
  local p missing=()
  for p in "${TB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "prereqs: all present (${TB_PACKAGES[*]})"
  else
    install_packages "${missing[@]}"
  fi
  check_runner
}

install_packages() {
  local t0 policy=/usr/sbin/policy-rc.d created=0
  t0=$(now)
  log "prereqs: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start services on the runner (it has no systemd, and nothing of
  # the test bed may listen here).
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  # Other apt sources of the machine may be unreachable: a failed update is only a warning,
  # the install below fails loudly if the Debian archive itself was not reached.
  apt-get update -qq || log "prereqs: apt-get update reported errors (continuing)"
  # No recommends: systemd-container recommends libnss-mymachines, which would add
  # `mymachines` to the runner's /etc/nsswitch.conf.
  local rc=0
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
  [ $created = 1 ] && rm -f "$policy"
  [ $rc = 0 ] || die "prereqs: apt-get install failed (rc $rc)"
  log "prereqs: installed in $(elapsed "$t0") s"
}

# What the packages can't give: facts about the runner the test bed relies on.
check_runner() {
  if grep -qE '^hosts:.*mymachines' /etc/nsswitch.conf 2>/dev/null; then
    log "prereqs: warning: /etc/nsswitch.conf resolves hosts via mymachines (libnss-mymachines installed?)"
  fi
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
    die "prereqs: the kernel has no overlayfs"
  need_tools debootstrap systemd-nspawn ip nsenter ssh ssh-keygen flock setsid
}
