#!/usr/bin/env bash
# Throwaway PostgreSQL 15 for tests and the demo: 127.0.0.1:55432, trust auth, fsync off.
# usage: scripts/services/postgres.sh start|stop|status|url
#   start   idempotent; installs postgresql via apt when missing; prints nothing but errors
#   stop    fast shutdown (no-op when not running)
#   status  prints "running <datadir>" or "stopped" (exit 0 / 3)
#   url     prints the server URL
# Data lives in ${CADRE_SERVICES_DIR:-<repo>/.services}/postgres; when the postgres user cannot reach that
# path (e.g. the repo is under /root) or the socket path would be too long, /tmp/cadre-services-<hash> is used.
set -euo pipefail
umask 022

PORT=55432
HOST=127.0.0.1
PGBIN=/usr/lib/postgresql/15/bin
URL="postgres://postgres@${HOST}:${PORT}/postgres"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
LOCK="/tmp/cadre-postgres-${PORT}.lock"

die() { echo "postgres.sh: $*" >&2; exit 1; }

# fd 9 holds the lock: never let the server inherit it.
as_pg() { runuser -u postgres -- "$@" 9>&-; }

# True when the postgres user can traverse every existing component of $1.
pg_can_reach() {
  local p="$1"
  while [ ! -e "$p" ]; do p="$(dirname "$p")"; done
  as_pg test -x "$p" 2>/dev/null
}

resolve_dir() {
  local base="${CADRE_SERVICES_DIR:-$REPO/.services}"
  case "$base" in /*) ;; *) base="$PWD/$base" ;; esac
  local dir="$base/postgres"
  # Unix socket paths are limited to 107 bytes: "<dir>/data/.s.PGSQL.55432".
  if [ "${#dir}" -gt 80 ] || ! pg_can_reach "$dir"; then
    local hash
    hash="$(printf '%s' "$base" | sha256sum | cut -c1-12)"
    dir="/tmp/cadre-services-${hash}/postgres"
  fi
  printf '%s' "$dir"
}

ensure_installed() {
  [ -x "$PGBIN/initdb" ] && id postgres >/dev/null 2>&1 && return 0
  export DEBIAN_FRONTEND=noninteractive
  local log=/tmp/cadre-postgres-apt.log
  # Update the package lists only when the first attempt fails or there are none.
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
    apt-get update >"$log" 2>&1 || die "apt-get update failed (see $log)"
  fi
  if ! apt-get install -y --no-install-recommends postgresql-15 >>"$log" 2>&1; then
    apt-get update >>"$log" 2>&1 || die "apt-get update failed (see $log)"
    apt-get install -y --no-install-recommends postgresql-15 >>"$log" 2>&1 || die "apt-get install postgresql-15 failed (see $log)"
  fi
  [ -x "$PGBIN/initdb" ] || die "postgresql installed but $PGBIN/initdb is missing"
}

is_running() {
  local dir="$1"
  [ -f "$dir/data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

port_answers() { pg_isready -q -h "$HOST" -p "$PORT" >/dev/null 2>&1; }

do_start() {
  ensure_installed
  local dir; dir="$(resolve_dir)"
  is_running "$dir" && return 0
  if port_answers; then
    # Another instance (e.g. a second checkout) already serves the port with the same trust setup: use it.
    return 0
  fi
  # umask 022 makes every parent we create traversable; then hand the service dir to postgres.
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir/data"
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || die "initdb failed (see $dir/initdb.log)"
  fi
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $PORT -k $dir/data -c listen_addresses=$HOST -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null 2>&1 || die "pg_ctl start failed (see $dir/server.log)"
  local i
  for i in $(seq 1 50); do port_answers && return 0; sleep 0.2; done
  die "PostgreSQL did not answer on $HOST:$PORT (see $dir/server.log)"
}

do_stop() {
  local dir; dir="$(resolve_dir)"
  [ -x "$PGBIN/pg_ctl" ] || return 0
  if is_running "$dir"; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || die "pg_ctl stop failed"
  fi
}

do_status() {
  local dir; dir="$(resolve_dir)"
  if [ -x "$PGBIN/pg_ctl" ] && is_running "$dir"; then echo "running $dir/data ($URL)"; return 0; fi
  if port_answers; then echo "running (foreign instance on $HOST:$PORT)"; return 0; fi
  echo "stopped"; return 3
}

cmd="${1:-}"
case "$cmd" in
  start|stop)
    [ "$(id -u)" = 0 ] || die "must run as root (the server itself runs as the postgres user)"
    exec 9>"$LOCK"
    flock -w 120 9 || die "timed out waiting for $LOCK"
    if [ "$cmd" = start ]; then do_start; else do_stop; fi
    ;;
  status) do_status ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
