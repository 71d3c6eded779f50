#!/usr/bin/env bash
# DORA metrics at scale: ./run.sh [--quick] [--records=N] [--database=postgres|sqlite]; see README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/env.sh
source "$HERE/../../scripts/env.sh"
# The PostgreSQL the tests use (scripts/test.sh sets it up and starts it), unless one is given.
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres:${PROMOTION_TEST_PG_PASSWORD:-promotion-test}@localhost:5432}"
exec node --require "$REPO_ROOT/node_modules/sucrase/register" "$HERE/bench.ts" "$@"
