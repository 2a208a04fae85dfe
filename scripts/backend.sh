#!/usr/bin/env bash
# npm run backend -- postgres <start|stop|url> --dir DIR [--port PORT]
#
# A PostgreSQL for Pulumi's self-managed postgres:// state backend, from Debian's packages, run
# as a cluster of its own in DIR (never the system service): listening on 127.0.0.1 only, with
# a `pulumi` role (a random password, scram-sha-256) owning a `pulumi` database.
#   start  initdb DIR if it is empty, start the server (if not running), create the role and the
#          database; prints the backend URL on stdout (also in DIR/backend.url, mode 0600)
#   stop   stop the server (the data stays in DIR)
#   url    print the backend URL
# Use it as PULUMI_BACKEND_URL="$(npm run -s backend -- postgres url --dir DIR)" npm run pulumi -- ...
# A team's shared server is set up by its DBA instead: see README, "Working as a team".
set -euo pipefail

usage() { echo "usage: npm run backend -- postgres <start|stop|url> --dir DIR [--port PORT]" >&2; exit 2; }

[ "${1:-}" = postgres ] || usage
action=${2:-}
shift 2 || usage
dir="" port=54329
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=${2:?--dir needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$dir" ] || usage
[[ "$port" =~ ^[0-9]+$ ]] || { echo "backend: --port must be a number" >&2; exit 2; }

# The newest PostgreSQL installed from Debian's packages (postgresql-NN puts it here).
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "backend: PostgreSQL is not installed (apt-get install postgresql, or bash scripts/prereqs.sh)" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, the server runs as the packages' `postgres` user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data="$dir/data"
url_file="$dir/backend.url"

ensure_dir() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  data="$dir/data" url_file="$dir/backend.url"
  chmod 0700 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    as_owner test -x "$dir" || { echo "backend: the postgres user cannot reach $dir (a parent directory is not searchable)" >&2; exit 1; }
  fi
}

running() { as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

sql() { as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres "$@"; }

start() {
  ensure_dir
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "backend: creating a PostgreSQL cluster in $data" >&2
    # Local (socket) logins only for the owner, as itself; TCP logins need a password.
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  if ! running; then
    # Loopback only, the socket in DIR (not /var/run/postgresql, the system service's).
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null ||
      { tail -n 20 "$dir/server.log" >&2; echo "backend: PostgreSQL did not start (log: $dir/server.log)" >&2; exit 1; }
    echo "backend: PostgreSQL $(basename "$(dirname "$bindir")") listening on 127.0.0.1:$port" >&2
  fi
  if [ ! -s "$url_file" ]; then
    local password
    password=$(openssl rand -hex 24)
    # The password goes over stdin (psql's \set), never into a process's arguments.
    printf '\\set pw %s\nCREATE ROLE pulumi LOGIN PASSWORD :'"'"'pw'"'"';\nCREATE DATABASE pulumi OWNER pulumi;\n' "$password" | sql -f -
    (umask 077; echo "postgres://pulumi:$password@127.0.0.1:$port/pulumi?sslmode=disable" >"$url_file")
  fi
  cat "$url_file"
}

case "$action" in
  start) start ;;
  stop)
    ensure_dir
    if running; then as_owner "$bindir/pg_ctl" -D "$data" -w -m fast stop >/dev/null; echo "backend: PostgreSQL in $data stopped" >&2; fi ;;
  url) [ -s "$url_file" ] || { echo "backend: no backend in $dir (run start first)" >&2; exit 1; }; cat "$url_file" ;;
  *) usage ;;
esac
