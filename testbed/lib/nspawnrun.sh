# The tmpfs on the runner's /run/systemd/nspawn. Sourced by bed.sh.
#
# /run is not a tmpfs on this kind of machine, and nspawn refuses to clean up its
# /run/systemd/nspawn/propagate/<machine> dirs on a disk file system, so the test bed mounts a
# tmpfs there and must take it away again once no bed needs it. It is shared by every bed, also of
# other state dirs (tests use their own), hence:
#   - the mount's source names it as the test bed's, so any later tb knows it may unmount it;
#   - a list inside it names the bed dirs using it (a line per bed, dropped when its bed.env is
#     gone), so the last bed down of any state dir releases it;
#   - a lock on the machine, not in a state dir, serialises acquire and release.
# Another tmpfs found there (the machine's own) is used as it is and never unmounted.

TB_NSPAWN_RUN=/run/systemd/nspawn
TB_NSPAWN_SOURCE=etcdhosts-testbed
TB_NSPAWN_USERS="$TB_NSPAWN_RUN/.etcdhosts-testbed-beds"
TB_NSPAWN_LOCK=/run/etcdhosts-testbed-nspawn.lock

# Is the top mount on /run/systemd/nspawn the test bed's tmpfs?
nspawn_tmpfs_ours() {
  awk -v p="$TB_NSPAWN_RUN" -v s="$TB_NSPAWN_SOURCE" '
    $5 == p { sub(/.* - /, ""); ours = ($1 == "tmpfs" && $2 == s) }
    END { exit !ours }' /proc/self/mountinfo
}

# Adds this bed ($BED_DIR) to the tmpfs's users, mounting it first if nothing is mounted there.
nspawn_tmpfs_acquire() {
  lock_fd 6 "$TB_NSPAWN_LOCK"
  if ! mountpoint -q "$TB_NSPAWN_RUN"; then
    mkdir -p "$TB_NSPAWN_RUN"
    mount -t tmpfs -o mode=0755,size=16m "$TB_NSPAWN_SOURCE" "$TB_NSPAWN_RUN"
  fi
  if nspawn_tmpfs_ours && ! grep -qxF "$BED_DIR" "$TB_NSPAWN_USERS" 2>/dev/null; then
    echo "$BED_DIR" >>"$TB_NSPAWN_USERS"
  fi
  unlock_fd 6
}

# Drops this bed from the users (and any bed that is no longer up), then unmounts the tmpfs if
# it is ours, no bed uses it and no systemd-nspawn runs (a zombie does not count).
nspawn_tmpfs_release() {
  local line users=() pid
  lock_fd 6 "$TB_NSPAWN_LOCK"
  if nspawn_tmpfs_ours; then
    if [ -f "$TB_NSPAWN_USERS" ]; then
      while IFS= read -r line; do
        [ "$line" != "$BED_DIR" ] && [ -f "$line/bed.env" ] && users+=("$line")
      done <"$TB_NSPAWN_USERS"
      printf '%s\n' "${users[@]}" | grep -v '^$' >"$TB_NSPAWN_USERS.tmp" || true
      mv "$TB_NSPAWN_USERS.tmp" "$TB_NSPAWN_USERS"
    fi
    for pid in $(pgrep -x systemd-nspawn || true); do
      proc_alive "$pid" && users+=("nspawn $pid")
    done
    if [ ${#users[@]} -eq 0 ]; then
      umount "$TB_NSPAWN_RUN" 2>/dev/null || umount -l "$TB_NSPAWN_RUN"
    fi
  fi
  unlock_fd 6
}
