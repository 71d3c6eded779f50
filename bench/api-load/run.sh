#!/usr/bin/env bash
# Pipeline endpoint under load: ./run.sh [--quick] [--clients=50,200] [--seconds=N]; see README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/env.sh
source "$HERE/../../scripts/env.sh"
ensure_dependencies
# The PostgreSQL the tests use (scripts/test.sh installs it and sets its password), unless
# one is given; started here when it is installed but not running.
if [ -z "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ] && command -v pg_ctlcluster >/dev/null &&
  ! pg_ctlcluster 15 main status >/dev/null 2>&1; then
  pg_ctlcluster 15 main start
fi
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres:${PROMOTION_TEST_PG_PASSWORD:-promotion-test}@localhost:5432}"
exec node --require "$REPO_ROOT/node_modules/sucrase/register" "$HERE/bench.ts" "$@"
