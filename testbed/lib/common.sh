# Shared by every tb command: where things live, how beds are named, logging and locks. Sourced.

# The image cache lives outside the checkout so clean clones, CI and later runs on this machine
# reuse it (same root as the toolchain cache, see toolchain/lib.sh).
ETCDHOSTS_CACHE="${ETCDHOSTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/etcdhosts}"
TB_CACHE="$ETCDHOSTS_CACHE/testbed"
TB_IMAGES="$TB_CACHE/images"
# One sandbox-only key for every bed, so the `dev` stack's config can point at a stable path.
TB_SSH_KEY="$TB_CACHE/ssh/id_ed25519"
# Runtime state (overlay upper dirs, pid files, inventory) is per bed and disposable, but tb acts
# on it as root: it lives in a root-only directory (checked before use, see state.sh), never in a
# world-writable place such as /var/tmp. On disk, not in /run: the upper dirs are the hosts' disks.
TB_STATE_ROOT="${ETCDHOSTS_TESTBED_STATE:-/var/lib/etcdhosts-testbed}"
TB_DEFAULT_BED=default
# The default bed's addresses are fixed: the `dev` stack targets them.
TB_DEFAULT_PREFIX=10.213.0
TB_PREFIX_BASE=10.213
TB_SUITE=bookworm
# Every cgroup the test bed creates sits under this name, in each writable hierarchy.
TB_CGROUP_NAME=etcdhosts-testbed

log() { printf 'tb: %s\n' "$*" >&2; }
die() { printf 'tb: error: %s\n' "$*" >&2; exit 1; }

# The roots every computed path hangs from: absolute, not "/", and of a plain charset, so no
# rm -rf, mount or registry line (nspawnrun.sh) built from them can go astray.
root_path_ok() { [[ "$1" =~ ^(/[A-Za-z0-9._+-]+)+$ && "/$1/" != *"/../"* && "/$1/" != *"/./"* ]]; }
root_path_ok "$TB_STATE_ROOT" || die "bad test bed state dir '$TB_STATE_ROOT' (ETCDHOSTS_TESTBED_STATE): an absolute path of [A-Za-z0-9._+-] parts"
root_path_ok "$TB_IMAGES" || die "bad image cache dir '$TB_IMAGES' (ETCDHOSTS_CACHE): an absolute path of [A-Za-z0-9._+-] parts"

now() { date +%s.%N; }
# Seconds since $1 (a `now` value), one decimal.
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (network namespaces, mounts, cgroups)"; }

need_tools() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (run: tb prereqs)"
}

# Locks are flocks on fixed fds (6 nspawn tmpfs, 7 image, 8 bed, 9 global), taken for the rest of
# the command or until unlock_fd. A killed run releases them with its process, so no stale lock
# survives.
# (Not a "run this under a lock" wrapper: bash ignores `set -e` inside a function called from `||`.)
# Anything started in the background must close them (7>&- 8>&- 9>&-), or it would hold them
# (6 is only ever held around a mount or unmount, never while something starts).
lock_fd() {
  local fd=$1 file=$2
  mkdir -p "$(dirname "$file")"
  eval "exec $fd>>\"\$file\""
  flock "$fd"
}
unlock_fd() { eval "exec $1>&-"; }

# Bed names end up in interface names (IFNAMSIZ is 16, "tb-NAME-h9" must fit) and in paths.
check_bed_name() {
  [[ "$1" =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "bad bed name '$1': 1-8 chars, [a-z][a-z0-9]*"
}

# "2" or "h2" -> 2
host_index() {
  local h=${1#h}
  [[ "$h" =~ ^[1-9]$ ]] || die "bad host '$1': expected 1..9 or h1..h9"
  echo "$h"
}

# Names derived from the bed; set by bed_names BED.
bed_names() {
  BED=$1
  check_bed_name "$BED"
  BED_DIR="$TB_STATE_ROOT/$BED"
  BED_ENV="$BED_DIR/bed.env"
  BED_LOCK="$TB_STATE_ROOT/.$BED.lock"
  BED_BRIDGE="tb-$BED"
  BED_INVENTORY="$BED_DIR/inventory.json"
  BED_KNOWN_HOSTS="$BED_DIR/known_hosts"
}
host_netns() { echo "tb-$BED-h$1"; }
host_veth() { echo "tb-$BED-h$1"; }
host_dir() { echo "$BED_DIR/hosts/h$1"; }
host_addr() { echo "$BED_PREFIX.$((10 + $1))"; }
# nspawn keys its runtime dirs (/run/systemd/nspawn/propagate/NAME) by machine name: unique per bed.
host_machine() { echo "$BED-h$1"; }

# The cgroup hierarchies nspawn containers need a group in: name=systemd and cgroup2 on a hybrid
# layout (this VM), just cgroup2 on a unified one.
cgroup_roots() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo /sys/fs/cgroup
  else
    local d
    for d in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do [ -d "$d" ] && echo "$d"; done
  fi
  return 0
}

# Mount points at or under $1, deepest first.
mounts_under() {
  awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo | tac
}

unmount_under() {
  local m
  for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m"; done
}

# rm -rf only ever gets a path strictly inside the test bed's own trees, whatever a bug upstream
# computed: never empty, relative, "/", one of the roots itself, or climbing out with "..".
tree_guard() {
  local root
  if [[ "$1" == /* && "/$1/" != *"/../"* && "/$1/" != *"/./"* && "$1" != *//* ]]; then
    for root in "$TB_STATE_ROOT" "$TB_IMAGES"; do
      [[ "$1" == "$root"/?* ]] && return 0
    done
  fi
  die "refusing to remove '$1': not inside $TB_STATE_ROOT or $TB_IMAGES"
}

# Never rm a tree that may still have a mount in it (debootstrap mounts /proc and /sys in its
# target): unmount first, and stay on one file system anyway.
remove_tree() {
  tree_guard "$1"
  [ -e "$1" ] || return 0
  unmount_under "$1"
  rm -rf --one-file-system "$1"
}

# Minimal JSON string quoting for the values we write (paths, names, addresses).
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
