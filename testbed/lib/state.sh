# The beds' state dir and each bed's bed.env. Sourced by args.sh.
#
# tb mounts, kills and reads what is in the state dir as root, so only root may write there:
# owner root, mode 0700, and every parent root's and not writable by others (a sticky /tmp
# aside), so nobody can swap the dir either. Checked before every command that uses it.
# bed.env is read as data (KEY=VALUE lines, known keys, strict values), never sourced: even a
# file root wrote must not be able to run code when a later tb reads it.

TB_BED_ENV_KEYS="BED_PREFIX BED_HOSTS BED_IMAGE BED_LOWERDIRS"

state_root_ready() {
  if [ ! -e "$TB_STATE_ROOT" ] && [ ! -L "$TB_STATE_ROOT" ]; then
    need_root
    mkdir -p "$(dirname "$TB_STATE_ROOT")"
    # Fails if another tb made it meanwhile: the check below judges whatever is there.
    mkdir -m 0700 "$TB_STATE_ROOT" 2>/dev/null || true
  fi
  state_root_check
}

state_root_check() {
  local d=$TB_STATE_ROOT uid mode n m
  [ ! -L "$d" ] && [ -d "$d" ] || die "state dir $d is not a directory (a symlink?): refusing to use it"
  read -r uid mode < <(stat -c '%u %a' -- "$d")
  [ "$uid" = 0 ] && [ "$mode" = 700 ] ||
    die "state dir $d is not safe: owner uid $uid, mode $mode, but tb acts on its content as root, so it must be root's with mode 0700 (remove it, or chown root:root and chmod 0700 it)"
  # Its parents, as the kernel resolves them.
  d=$(readlink -f -- "$(dirname "$d")")
  local parents=("$d")
  while [ "$d" != / ]; do d=$(dirname "$d"); parents+=("$d"); done
  while read -r uid mode n; do
    m=$((8#$mode))
    [ "$uid" = 0 ] && { [ $((m & 8#022)) = 0 ] || [ $((m & 8#1000)) != 0 ]; } ||
      die "state dir $TB_STATE_ROOT is not safe: its parent $n (owner uid $uid, mode $mode) lets another account replace it"
  done < <(stat -c '%u %a %n' -- "${parents[@]}")
}

# The rule each bed.env value must meet; the writer checks it too, so tb never writes what it
# would refuse to read.
bed_env_value_ok() {
  local part
  case "$1" in
    BED_PREFIX) [[ "$2" =~ ^10\.213\.([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$ ]] ;;
    BED_HOSTS) [[ "$2" =~ ^[1-9]$ ]] ;;
    BED_IMAGE) [[ "$2" =~ ^[a-z][a-z0-9-]*$ ]] ;;
    # Overlay lower dirs: cached images only, never any other directory of the runner.
    BED_LOWERDIRS)
      [[ "$2" =~ ^[A-Za-z0-9._/:+-]+$ ]] || return 1
      local IFS=:
      for part in $2; do
        [[ "$part" == "$TB_IMAGES"/?* && "/$part/" != *"/../"* ]] || return 1
      done
      ;;
    *) return 1 ;;
  esac
}

# Sets BED_PREFIX BED_HOSTS BED_IMAGE BED_LOWERDIRS from the bed's bed.env, or dies naming the
# line that is wrong (by number: its content is not echoed to the terminal).
bed_load() {
  [ -f "$BED_ENV" ] || die "bed $BED is not up (tb up N --bed $BED)"
  local line key value n=0 seen=" "
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    [[ "$line" =~ ^([A-Z_]+)=(.*)$ ]] || die "bed $BED: $BED_ENV line $n is not KEY=VALUE: refusing it"
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    [[ " $TB_BED_ENV_KEYS " == *" $key "* ]] || die "bed $BED: $BED_ENV line $n: unknown key $key"
    [[ "$seen" != *" $key "* ]] || die "bed $BED: $BED_ENV line $n: $key given twice"
    bed_env_value_ok "$key" "$value" || die "bed $BED: $BED_ENV line $n: bad value for $key: refusing it"
    seen+="$key "
    printf -v "$key" '%s' "$value"
  done <"$BED_ENV"
  for key in $TB_BED_ENV_KEYS; do
    [[ "$seen" == *" $key "* ]] || die "bed $BED: $BED_ENV has no $key"
  done
}

bed_write_env() {
  local key
  mkdir -p "$BED_DIR"
  for key in $TB_BED_ENV_KEYS; do
    bed_env_value_ok "$key" "${!key}" || die "bed $BED: internal error: bad $key '${!key}'"
    printf '%s=%s\n' "$key" "${!key}"
  done >"$BED_ENV.tmp"
  mv "$BED_ENV.tmp" "$BED_ENV"
}
