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
echo "== tests"
node scripts/run-tests.mjs all
