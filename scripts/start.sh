#!/usr/bin/env bash
# Starts the example Backstage with the Promotion plugins: the app on http://localhost:3000 and
# the backend on http://localhost:7007, with a SQLite database in data/sqlite/ and, created by
# the backend on its first start, a local demo GitOps repository in data/.
# Fetches Node 22 into .tools/ and installs the dependencies first when needed.
# Extra arguments go to `backstage-cli repo start`, e.g. `--config ../../app-config.local.yaml`
# (config paths are relative to packages/backend and packages/app).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# shellcheck source=scripts/env.sh
source "$REPO_ROOT/scripts/env.sh"
ensure_dependencies

exec yarn start "$@"
