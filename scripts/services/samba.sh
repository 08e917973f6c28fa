#!/usr/bin/env bash
# Throwaway Samba 4 Active Directory domain controller for tests, benchmarks and the demo.
# Domain EXAMPLE.TEST (DC=example,DC=test), Administrator password Adm1n!Passw0rd, LDAP 389 / LDAPS 636 on 127.0.0.1.
# employeeID is indexed at provisioning (as recommended for production domains that Cadre correlates on).
# usage: scripts/services/samba.sh install|start|stop|status|reset|url
#   install  apt-get installs the Samba AD DC packages when samba-tool is missing
#   start    installs if needed, provisions the domain once, starts samba and waits until 636 answers (idempotent)
#   stop     TERM samba and wait for it (and its children) to exit (no-op when not running)
#   status   prints "running <dir>" or "stopped" (exit 0 / 3)
#   reset    stop + remove the domain + start: a fresh domain (tombstones slow Samba down over time)
#   url      prints the LDAPS URL
# State lives in ${CADRE_SERVICES_DIR:-<repo>/.services}/samba. Samba also keeps pid files and sockets in /run/samba,
# so only one instance can run on a machine at a time; a lock serialises start/stop/reset.
set -euo pipefail
umask 022

HOST=127.0.0.1
URL="ldaps://${HOST}:636"
REALM=EXAMPLE.TEST
DOMAIN=EXAMPLE
ADMIN_PASS='Adm1n!Passw0rd'
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
BASE="${CADRE_SERVICES_DIR:-$REPO/.services}"
case "$BASE" in /*) ;; *) BASE="$PWD/$BASE" ;; esac
DIR="$BASE/samba"
PIDFILE="$DIR/samba.pid"
LOCK="/tmp/cadre-samba.lock"
PACKAGES=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind ldb-tools)

die() { echo "samba.sh: $*" >&2; exit 1; }

do_install() {
  command -v samba-tool >/dev/null 2>&1 && command -v samba >/dev/null 2>&1 && command -v ldbmodify >/dev/null 2>&1 \
    && [ -d /usr/share/samba/setup ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  local log=/tmp/cadre-samba-apt.log
  apt-get update >"$log" 2>&1 || die "apt-get update failed (see $log)"
  apt-get install -y --no-install-recommends "${PACKAGES[@]}" >>"$log" 2>&1 || die "apt-get install failed (see $log)"
  command -v samba-tool >/dev/null 2>&1 || die "samba installed but samba-tool is missing"
}

# Pid of our running samba master process, or nothing. Ignores stale pid files (dead pid or a recycled pid).
running_pid() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null && is_ours "$pid"; then echo "$pid"; fi
}

# samba rewrites its argv ("samba: root process"), so identify our instance by binary and by its stdout file.
is_ours() {
  [ "$(readlink "/proc/$1/exe" 2>/dev/null || true)" = /usr/sbin/samba ] \
    && [ "$(readlink "/proc/$1/fd/1" 2>/dev/null || true)" = "$DIR/samba.out" ]
}

port_answers() { timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/636" >/dev/null 2>&1; }

provision() {
  rm -rf "$DIR"
  mkdir -p "$DIR/etc"
  chmod 700 "$DIR"
  : >"$DIR/etc/smb.conf" # empty file: never inherit /etc/samba/smb.conf
  samba-tool domain provision --configfile="$DIR/etc/smb.conf" --targetdir="$DIR" \
    --realm="$REALM" --domain="$DOMAIN" --host-name=DC1 --server-role=dc \
    --dns-backend=SAMBA_INTERNAL --use-rfc2307 --backend-store=mdb --adminpass="$ADMIN_PASS" \
    --option="interfaces=lo" --option="bind interfaces only=yes" --option="log file=$DIR/log.%m" \
    >"$DIR/provision.log" 2>&1 || { mv "$DIR/provision.log" "/tmp/cadre-samba-provision.log" 2>/dev/null; rm -rf "$DIR"; die "provision failed (see /tmp/cadre-samba-provision.log)"; }
  # Provision does not persist these: no DNS service (and no forwarder) on a test box.
  sed -i -e '/^\tdns forwarder/d' -e '/^\[global\]/a\	server services = -dns' "$DIR/etc/smb.conf"
  # Index employeeID (Cadre's correlation attribute), as recommended for production domains: unindexed, every
  # create's correlation lookup scans the whole directory. Done offline, before the first start.
  printf 'dn: CN=Employee-ID,CN=Schema,CN=Configuration,DC=example,DC=test\nchangetype: modify\nreplace: searchFlags\nsearchFlags: 1\n' \
    | ldbmodify -H "$DIR/private/sam.ldb" --option="dsdb:schema update allowed=true" >>"$DIR/provision.log" 2>&1 \
    || die "indexing employeeID failed (see $DIR/provision.log)"
  touch "$DIR/.provisioned"
}

# Kill a samba left over from a previous run of this script whose pid file was lost, and clear stale /run/samba pids.
clear_stale() {
  local p
  for p in $(pgrep -x samba 2>/dev/null || true); do
    if is_ours "$p"; then
      # one of ours without a live pid file: only the master (whose parent is not samba) needs the TERM
      local parent; parent="$(ps -o comm= -p "$(ps -o ppid= -p "$p" | tr -d ' ')" 2>/dev/null || true)"
      [ "$parent" = samba ] || kill -TERM "$p" 2>/dev/null || true
    fi
  done
  sleep 0.5
  for p in /run/samba/*.pid; do
    [ -f "$p" ] || continue
    local q; q="$(cat "$p" 2>/dev/null || true)"
    if [ -z "$q" ] || ! kill -0 "$q" 2>/dev/null; then rm -f "$p"; fi
  done
}

# All processes of our instance (the master and its children: ldap, kdc, smbd, winbindd, …).
our_pids() {
  # children rename themselves (ldap[master], tfork(…), smbd): find them by their stdout, not by name
  find /proc/[0-9]*/fd/1 -maxdepth 0 -lname "$DIR/samba.out" 2>/dev/null | cut -d/ -f3
  return 0
}

# A port of the DC that something still listens on (a child of the previous instance, usually), or nothing.
busy_port() {
  local port
  for port in 636 389 88 464 3268 3269 135 445; do
    if timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$port" >/dev/null 2>&1; then echo "$port"; return 0; fi
  done
  return 0
}

launch() {
  clear_stale
  rm -f "$PIDFILE"
  mkdir -p /run/samba
  [ -f "$DIR/samba.out" ] && mv -f "$DIR/samba.out" "$DIR/samba.out.prev"
  # setsid: samba survives the caller's process group (test runners kill theirs)
  setsid samba -s "$DIR/etc/smb.conf" -F --debug-stdout -d 1 >"$DIR/samba.out" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
}

do_start() {
  do_install
  [ -n "$(running_pid)" ] && port_answers && return 0
  if [ -z "$(running_pid)" ] && port_answers; then
    die "port 636 is served by another process (another samba?); stop it first"
  fi
  [ -f "$DIR/.provisioned" ] || provision
  local attempt i
  for attempt in 1 2 3; do
    if [ -z "$(running_pid)" ]; then
      wait_gone 100 || true # children of a previous instance still exiting hold the ports and the LMDB locks
      launch
    fi
    for i in $(seq 1 240); do
      port_answers && return 0
      [ -n "$(running_pid)" ] || break
      sleep 0.25
    done
    [ -n "$(running_pid)" ] && die "samba did not answer on $HOST:636 within 60 s (see $DIR/samba.out)"
    # Exited during start: seen after a restart while the old instance's children were still releasing ports.
    echo "samba.sh: samba exited during start (attempt $attempt); its last lines:" >&2
    tail -n 15 "$DIR/samba.out" >&2 || true
    sleep 2
  done
  die "samba exited during start three times (see $DIR/samba.out)"
}

# Wait up to $1 tenths of a second until no process of ours is left and no DC port is held.
wait_gone() {
  local i
  for i in $(seq 1 "$1"); do
    [ -z "$(our_pids)" ] && [ -z "$(busy_port)" ] && return 0
    sleep 0.1
  done
  return 1
}

do_stop() {
  local pid; pid="$(running_pid)"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  # The children (ldap, kdc, smbd, winbindd, …) exit on their own once the master is gone; a start before they
  # have released the ports and the database locks fails. Wait for them, then kill what is left.
  if ! wait_gone 150; then
    local p
    for p in $(our_pids); do kill -KILL "$p" 2>/dev/null || true; done
    wait_gone 50 || echo "samba.sh: after stop, port $(busy_port) is still in use" >&2
  fi
  rm -f "$PIDFILE"
}

do_status() {
  if [ -n "$(running_pid)" ]; then echo "running $DIR ($URL)"; return 0; fi
  echo "stopped"; return 3
}

cmd="${1:-}"
case "$cmd" in
  install|start|stop|reset)
    [ "$(id -u)" = 0 ] || die "must run as root"
    exec 9>"$LOCK"
    flock -w 180 9 || die "timed out waiting for $LOCK"
    case "$cmd" in
      install) do_install ;;
      start) do_start ;;
      stop) do_stop ;;
      reset) do_stop; rm -rf "$DIR"; do_start ;;
    esac
    ;;
  status) do_status ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 install|start|stop|status|reset|url" >&2; exit 2 ;;
esac
