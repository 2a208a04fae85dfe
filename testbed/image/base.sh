#!/usr/bin/env bash
# Builds the base rootfs of every test-bed host into $1: Debian minbase + systemd + sshd + Debian's
# etcd 3.4, shaped like a freshly installed server. Run by `tb image` (which gives the env below);
# the hash of this file and base.d/ is the image's cache key, so any edit here rebuilds it.
#   TB_SUITE, TB_MIRROR   Debian suite and mirror (the runner's apt mirror)
#   TB_SSH_PUBKEY         public half of the sandbox key, authorised for root and deploy
set -euo pipefail
R=${1:-}
# Everything below writes and deletes under $R as root (rm -rf "$R"/tmp/*): an empty, relative or
# root path would do it to the runner itself, so refuse one before anything runs.
[[ "$R" == /?* ]] && [ "$(readlink -m -- "$R")" != / ] ||
  { echo "base.sh: refusing rootfs path '$R': an absolute path other than / is required" >&2; exit 2; }
FILES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/base.d"
: "${TB_SUITE:?}" "${TB_MIRROR:?}" "${TB_SSH_PUBKEY:?}"

# sudo for the deploy user; curl, tar, gzip and coreutils' sha256sum to fetch and verify release
# tarballs; procps and iproute2 for the checks tests run on hosts.
packages=(systemd systemd-sysv dbus openssh-server iproute2 etcd-server etcd-client
  ca-certificates sudo curl procps tar gzip)
debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
  "$TB_SUITE" "$R" "$TB_MIRROR"

in_root() { chroot "$R" "$@"; }

# The package enables its own etcd.service (localhost, /var/lib/etcd/default): hosts start with
# etcd installed but not running, the state the program takes over from.
in_root systemctl disable etcd.service
# Nothing that would try to reach the network or touch the runner's disks.
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer fstrim.timer \
  e2scrub_all.timer e2scrub_reap.service; do
  if [ -e "$R/lib/systemd/system/$unit" ]; then in_root systemctl disable "$unit"; fi
done
in_root systemctl mask systemd-firstboot.service

# debootstrap writes no /etc/hosts (so Go programs such as etcd look "localhost" up in DNS) and
# copies the runner's resolver: hosts get localhost only, and no DNS at all.
install -m 0644 "$FILES/hosts" "$R/etc/hosts"
rm -f "$R/etc/resolv.conf"
install -m 0644 "$FILES/resolv.conf" "$R/etc/resolv.conf"
echo base >"$R/etc/hostname"
install -m 0644 "$FILES/locale" "$R/etc/default/locale"
install -d -m 0755 "$R/etc/systemd/journald.conf.d"
install -m 0644 "$FILES/journald.conf" "$R/etc/systemd/journald.conf.d/50-testbed.conf"

# Identity is per host: `tb up` writes a machine-id and SSH host keys into each host's upper dir.
: >"$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
rm -f "$R"/etc/ssh/ssh_host_*
install -m 0644 "$FILES/ssh-hostkeys.service" "$R/etc/systemd/system/ssh-hostkeys.service"
in_root systemctl enable ssh-hostkeys.service
# sshd_config stays Debian's: PermitRootLogin prohibit-password (key only) and AcceptEnv LANG LC_*,
# which the program's tests rely on.

# root and a sudo user log in with the sandbox key only.
install -d -m 0700 "$R/root/.ssh"
install -m 0600 "$TB_SSH_PUBKEY" "$R/root/.ssh/authorized_keys"
in_root useradd --create-home --shell /bin/bash --user-group deploy
# "*" = no password but not locked: a locked account ("!") may be refused by sshd.
in_root usermod -p '*' deploy
install -d -m 0700 "$R/home/deploy/.ssh"
install -m 0600 "$TB_SSH_PUBKEY" "$R/home/deploy/.ssh/authorized_keys"
in_root chown -R deploy:deploy /home/deploy/.ssh
install -m 0440 "$FILES/sudoers-deploy" "$R/etc/sudoers.d/deploy"
in_root visudo -c -q

# No .deb cache or logs of the build in the image.
rm -f "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin
rm -rf "$R"/var/log/journal/* "$R"/tmp/* "$R"/var/tmp/*

# Fail the build, not the first test, if something a host needs is missing.
for f in /usr/bin/etcd /usr/bin/etcdctl /usr/sbin/sshd /lib/systemd/systemd /usr/bin/sudo \
  /usr/bin/curl /usr/bin/sha256sum /usr/bin/tar /usr/bin/gzip /usr/bin/ps /usr/sbin/ip; do
  [ -x "$R$f" ] || { echo "base.sh: $f missing from the image" >&2; exit 1; }
done
etcd_version=$(in_root /usr/bin/etcd --version)
[[ "$etcd_version" == *"etcd Version: 3.4."* ]] ||
  { echo "base.sh: etcd in the image is not 3.4: $etcd_version" >&2; exit 1; }
