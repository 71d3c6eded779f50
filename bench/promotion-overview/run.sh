#!/usr/bin/env bash
# Promotions overview read on 2,000 entities: ./run.sh [--quick] [options]; see README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/env.sh
source "$HERE/../../scripts/env.sh"
# sucrase's require hook (already installed in the monorepo) compiles the
# plugin's TypeScript sources and this benchmark on the fly.
exec node --require "$REPO_ROOT/node_modules/sucrase/register" "$HERE/bench.ts" "$@"
