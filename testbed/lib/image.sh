# tb image: cached root filesystems for the hosts. Sourced by tb.
#
# An image NAME is built by testbed/image/NAME.sh (+ files in NAME.d/) and cached as
# $TB_IMAGES/NAME-KEY, KEY being a hash of those files, the suite, the architecture, the sandbox
# public key and the parent's key. Cached images are never modified (an overlay's lower dir must
# not change under it), only built beside and swapped in by rename.
#
# A progress line every 20 s while an image builds (debootstrap takes minutes, output in a log).
# shellcheck source=../../scripts/lib/heartbeat.sh
. "$TB_DIR/../scripts/lib/heartbeat.sh"

# Variants: a script whose header has `# tb-parent: base` is built as an overlay layer on top of
# its parent: it gets the merged rootfs as $1 and only its changes are kept (NAME-KEY/layer).
# Hosts then mount lowerdir=NAME-KEY/layer:base-KEY/rootfs (`tb up --image NAME`).

image_script() {
  local f="$TB_DIR/image/$1.sh"
  [[ "$1" =~ ^[a-z][a-z0-9-]*$ ]] && [ -f "$f" ] || die "no image '$1' (no testbed/image/$1.sh)"
  echo "$f"
}

image_parent() { sed -n 's/^# tb-parent: *\([a-z0-9-]*\) *$/\1/p' "$(image_script "$1")" | head -n1; }

# Keys are computed once per command (key computation forks a dozen processes) by image_resolve.
declare -A TB_IMG_KEY=()

image_resolve() {
  local name=$1 script parent
  [ -z "${TB_IMG_KEY[$name]:-}" ] || return 0
  script=$(image_script "$name")
  parent=$(image_parent "$name")
  [ -z "$parent" ] || image_resolve "$parent"
  # Content only, never paths: the same scripts give the same key in any checkout.
  TB_IMG_KEY[$name]=$({
    echo "image=$name suite=$TB_SUITE arch=$(dpkg --print-architecture)"
    [ -z "$parent" ] || echo "parent=$parent-${TB_IMG_KEY[$parent]}"
    cat "$TB_SSH_KEY.pub"
    sha256sum <"$script"
    if [ -d "$TB_DIR/image/$name.d" ]; then
      (cd "$TB_DIR/image" && find "$name.d" -type f -print0 | sort -z | xargs -0 -r sha256sum)
    fi
    image_key_extra "$script"
  } | sha256sum | cut -c1-16)
}

# A variant made from files outside testbed/image (the kubelet variant: testbed/variants/kubelet
# and toolchain builds) names a script that prints them, `# tb-key: PATH` (relative to
# testbed/image); its output joins the key.
image_key_extra() {
  local extra
  extra=$(sed -n 's/^# tb-key: *//p' "$1" | head -n1)
  [ -z "$extra" ] || bash "$TB_DIR/image/$extra"
}

# Extra systemd-nspawn options the hosts of image NAME need, one per line: `# tb-nspawn: OPTION`
# header lines of its script and of its parents' (the kubelet variant: --system-call-filter=bpf).
image_nspawn_args() {
  local parent
  parent=$(image_parent "$1")
  [ -z "$parent" ] || image_nspawn_args "$parent"
  sed -n 's/^# tb-nspawn: *//p' "$(image_script "$1")"
}

# What an image build has done so far, from its log: debootstrap's package steps and the log's
# last line (for the progress line every 20 s, heartbeat.sh).
image_progress() {
  local log=$1 fetched unpacked configured
  fetched=$(grep -c '^I: Retrieving ' "$log" || true)
  unpacked=$(grep -c '^I: \(Extracting\|Unpacking\) ' "$log" || true)
  configured=$(grep -c '^I: Configuring ' "$log" || true)
  echo "packages retrieved $fetched, unpacked $unpacked, configured $configured; last: $(tail -n 1 "$log" | cut -c1-80)"
}

image_dir() { echo "$TB_IMAGES/$1-${TB_IMG_KEY[$1]:?image $1 not resolved}"; }

# The overlay lowerdir string for hosts of image NAME (top layer first).
image_lowerdirs() {
  local name=$1 dir parent
  dir=$(image_dir "$name")
  parent=$(image_parent "$name")
  if [ -z "$parent" ]; then echo "$dir/rootfs"; else echo "$dir/layer:$(image_lowerdirs "$parent")"; fi
}

# The Debian mirror the runner's apt uses for $TB_SUITE (deb822 .sources first, then .list files).
runner_mirror() {
  if [ -n "${TB_MIRROR:-}" ]; then echo "$TB_MIRROR"; return; fi
  local m
  m=$(awk -v suite="$TB_SUITE" '
    function flush() { if (!found && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uri != "") { print uri; found = 1; exit } types = suites = uri = "" }
    /^[[:space:]]*$/ { flush(); next }
    /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
    /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
    /^URIs:/ { uri = $2 }
    END { flush() }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$m" ]; then
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' | awk -v suite="$TB_SUITE" '$1 == "deb" && $3 == suite { print $2; exit }' || true)
  fi
  [ -n "$m" ] || die "no apt mirror for $TB_SUITE in the runner's apt sources (set TB_MIRROR)"
  echo "$m"
}

ensure_ssh_key() {
  [ -f "$TB_SSH_KEY" ] && [ -f "$TB_SSH_KEY.pub" ] && return 0
  log "image: generating the sandbox SSH key $TB_SSH_KEY"
  install -d -m 0700 "$(dirname "$TB_SSH_KEY")"
  rm -f "$TB_SSH_KEY" "$TB_SSH_KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C "etcdhosts-testbed-sandbox-only" -f "$TB_SSH_KEY"
}

# Builds image NAME (and its parent) unless cached; prints nothing, logs progress.
ensure_image() {
  local name=$1 parent dir
  parent=$(image_parent "$name")
  [ -z "$parent" ] || ensure_image "$parent"
  dir=$(image_dir "$name")
  [ -f "$dir/.complete" ] && return 0
  build_image "$name" "$dir" "$parent"
}

build_image() {
  local name=$1 dir=$2 parent=$3 t0 tmp script
  script=$(image_script "$name")
  t0=$(now)
  log "image: building $(basename "$dir")"
  tmp=$(mktemp -d "$TB_IMAGES/.tmp-$(basename "$dir").XXXXXX")
  : >"$tmp.log"
  heartbeat_start "image: building $name" image_progress "$tmp.log"
  # A failed or interrupted build leaves nothing half-made behind.
  trap 'heartbeat_stop; remove_tree "'"$tmp"'"' EXIT
  if [ -z "$parent" ]; then
    TB_SUITE=$TB_SUITE TB_MIRROR=$(runner_mirror) TB_SSH_PUBKEY="$TB_SSH_KEY.pub" \
      bash "$script" "$tmp/rootfs" >"$tmp.log" 2>&1 || { tail -n 30 "$tmp.log" >&2; die "image: $name.sh failed (log: $tmp.log)"; }
  else
    mkdir -p "$tmp/layer" "$tmp/work" "$tmp/merged"
    mount -t overlay overlay -o "lowerdir=$(image_lowerdirs "$parent"),upperdir=$tmp/layer,workdir=$tmp/work" "$tmp/merged"
    TB_SUITE=$TB_SUITE TB_MIRROR=$(runner_mirror) TB_SSH_PUBKEY="$TB_SSH_KEY.pub" \
      bash "$script" "$tmp/merged" >"$tmp.log" 2>&1 || { tail -n 30 "$tmp.log" >&2; die "image: $name.sh failed (log: $tmp.log)"; }
    unmount_under "$tmp/merged"
    remove_tree "$tmp/work"
    remove_tree "$tmp/merged"
  fi
  heartbeat_stop
  [ -z "$(mounts_under "$tmp")" ] || die "image: $name.sh left mounts under $tmp"
  touch "$tmp/.complete"
  mv -T "$tmp" "$dir"
  trap - EXIT
  rm -f "$tmp.log"
  log "image: built $(basename "$dir") in $(elapsed "$t0") s, $(du -sh --one-file-system "$dir" | cut -f1)"
}

# Older builds of an image that no mounted overlay and no bed still uses.
prune_images() {
  local d
  for d in "$TB_IMAGES"/.tmp-*; do
    [ -e "$d" ] || continue
    log "image: removing unfinished build $(basename "$d")"
    if [ -d "$d" ]; then remove_tree "$d"; else rm -f "$d"; fi
  done
  for d in "$TB_IMAGES"/*-*; do
    [ -d "$d" ] || continue
    case " $* " in *" $d "*) continue ;; esac
    grep -qF "$d/" /proc/self/mountinfo && continue
    grep -lqF "$d" "$TB_STATE_ROOT"/*/bed.env 2>/dev/null && continue
    log "image: removing stale $(basename "$d")"
    remove_tree "$d"
  done
}

# Ensures image NAME is built and current. The check is lock-free (a cached image is complete or
# absent, never half there); building and pruning happen under the image lock, so two runs never
# build the same image twice.
image_ready() {
  local name=$1 keep=() n
  if [ -f "$TB_SSH_KEY.pub" ]; then
    image_resolve "$name"
    [ -f "$(image_dir "$name")/.complete" ] && return 0
  fi
  need_tools debootstrap ssh-keygen flock
  mkdir -p "$TB_IMAGES"
  lock_fd 7 "$TB_IMAGES/.lock"
  ensure_ssh_key
  image_resolve "$name"
  ensure_image "$name"
  chmod 0755 "$(image_dir "$name")"
  for n in $(ls "$TB_DIR/image" | sed -n 's/\.sh$//p'); do
    image_resolve "$n"
    [ -f "$(image_dir "$n")/.complete" ] && keep+=("$(image_dir "$n")")
  done
  prune_images "${keep[@]}"
  unlock_fd 7
}

cmd_image() {
  need_root
  local name=${1:-base} t0
  t0=$(now)
  image_ready "$name"
  log "image: $(basename "$(image_dir "$name")") ready ($(elapsed "$t0") s)"
  image_dir "$name"
}
