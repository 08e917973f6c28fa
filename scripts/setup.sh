#!/usr/bin/env bash
# Installs the Debian packages the test suites need (idempotent; skips apt when all are present).
set -euo pipefail
need=()
command -v samba-tool >/dev/null 2>&1 || need+=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind ldb-tools)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v ldbsearch >/dev/null 2>&1 || need+=(ldb-tools)
# The console's browser tests drive Debian's Chromium through playwright-core (no browser download).
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
