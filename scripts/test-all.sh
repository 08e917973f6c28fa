#!/usr/bin/env bash
# The README's test command runs this: installs and starts what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -d node_modules/.bin ] || npm ci
cleanup() {
  bash scripts/services/samba.sh stop >/dev/null 2>&1 || true
  bash scripts/services/postgres.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
bash scripts/services/postgres.sh start
bash scripts/services/samba.sh reset
echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
# Unit tests two files at a time (pure, no shared servers); integration suites one file at a time (shared Samba
# and PostgreSQL, and some restart Samba). Both always run; the exit code says whether either failed.
echo "== unit tests"
unit=0
node scripts/run-tests.mjs unit || unit=$?
echo "== integration tests"
integration=0
node scripts/run-tests.mjs integration || integration=$?
echo "== unit tests exit $unit, integration tests exit $integration"
[ "$unit" = 0 ] && [ "$integration" = 0 ]
