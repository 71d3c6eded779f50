#!/usr/bin/env bash
# The install test: proves that an adopter can add the published packages to a Backstage
# of their own. It
#   1. builds and packs the four plugin packages (`backstage-cli package build`, `yarn pack`,
#      which runs their prepack), as `npm publish` would ship them;
#   2. makes a fresh app with @backstage/create-app (the new frontend system), and puts the
#      `packages/app` of a second one made with --legacy beside it as `packages/app-legacy`;
#   3. wires the tarballs in as the plugins' READMEs say (wire.mjs) and installs from the
#      npm registry, reusing this repository's yarn.lock and cache where versions agree;
#   4. type-checks the app (both frontends and the backend) and builds both frontends;
#   5. starts its backend, which serves the new-system app, promotes a build through the
#      HTTP API as the guest (promote.mjs), and opens the Promotion tab in Chromium in the
#      new-system app and in the legacy one (served as static files on its own port).
# Its last line is "fresh app: N passed, N failed"; test-results/fresh-app.json holds the counts.
#
# Usage: bash scripts/fresh-app/run.sh   (scripts/test.sh runs it as its "install test" step)
# FRESH_APP_DIR (default: a folder under $TMPDIR) is where the app is made; it is made anew,
# and removed again when every check passed. FRESH_APP_PORT (7307) is its backend's port,
# FRESH_APP_LEGACY_PORT (3307) the legacy app's. Logs: test-results/fresh-app-*.log.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO_ROOT/scripts/fresh-app"
# shellcheck source=scripts/env.sh
source "$REPO_ROOT/scripts/env.sh"
# shellcheck source=scripts/lib/processGroup.sh
source "$REPO_ROOT/scripts/lib/processGroup.sh"

CREATE_APP_VERSION=0.9.2
WORK="${FRESH_APP_DIR:-${TMPDIR:-/tmp}/promotion-fresh-app}"
APP="$WORK/app"
PACKS="$WORK/packs"
GITOPS="$WORK/gitops.git"
PORT="${FRESH_APP_PORT:-7307}"
LEGACY_PORT="${FRESH_APP_LEGACY_PORT:-3307}"
RESULTS_DIR="$REPO_ROOT/test-results"
LOG="$RESULTS_DIR/fresh-app-backend.log"
BACKEND_PID=""
PASSED=0
FAILED=0

stop_backend() {
  [ -n "$BACKEND_PID" ] || return 0
  stop_process_group "$BACKEND_PID"
  BACKEND_PID=""
}
finish() {
  local rc=$?
  stop_backend
  [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ] && FAILED=1
  mkdir -p "$RESULTS_DIR"
  printf '{"passed":%d,"failed":%d}\n' "$PASSED" "$FAILED" >"$RESULTS_DIR/fresh-app.json"
  # The app's node_modules are about 2 GB: kept only when something failed, to look into.
  if [ "$FAILED" -eq 0 ]; then rm -rf "$WORK"; else echo "› the app is left in $WORK"; fi
  echo "fresh app: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
trap finish EXIT

# check <name> <command...>: one counted check.
check() {
  local name="$1"
  shift
  local start=$SECONDS
  if "$@"; then
    PASSED=$((PASSED + 1))
    echo "✓ $name ($((SECONDS - start))s)"
  else
    FAILED=$((FAILED + 1))
    echo "✗ $name ($((SECONDS - start))s)"
    return 1
  fi
}

rm -rf "$WORK"
mkdir -p "$PACKS" "$RESULTS_DIR"

# Every step ends at its first failing command: `set -e` does not hold inside `if`, where
# check runs them, so each line carries its own `|| return 1`.

# logged <name> <command...>: runs the command with its output in test-results/fresh-app-<name>.log,
# and shows the log's last lines when it fails.
logged() {
  local log="$RESULTS_DIR/fresh-app-$1.log"
  shift
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" | cut -c1-400; return 1; }
}
pack() {
  (cd "$REPO_ROOT" && yarn tsc) || return 1
  local name
  for name in promotion-common promotion-node promotion-backend promotion; do
    (cd "$REPO_ROOT/plugins/$name" && yarn build && yarn pack --out "$PACKS/$name.tgz") >/dev/null || return 1
  done
  ls -l "$PACKS"
}

# Both apps as create-app writes them, in $WORK/app and $WORK/legacy.
generate_apps() (
  cd "$WORK" &&
    BACKSTAGE_APP_NAME=app npx -y "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --path app &&
    BACKSTAGE_APP_NAME=app npx -y "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --legacy --path legacy
)

create_apps() {
  logged create generate_apps || return 1
  mv "$WORK/legacy/packages/app" "$APP/packages/app-legacy" || return 1
  rm -rf "$WORK/legacy"
}

make_gitops_repo() {
  node "$HERE/gitopsRepo.mjs" "$GITOPS"
}

install_app() {
  node "$HERE/wire.mjs" "$APP" "$PACKS" "$GITOPS" "$PORT" "$LEGACY_PORT" || return 1
  # Start from this repository's resolutions: the versions it tests, already in the cache.
  cp "$REPO_ROOT/yarn.lock" "$APP/yarn.lock" || return 1
  # The seeded lockfile is meant to change (CI=true would make yarn refuse that).
  logged install yarn --cwd "$APP" install --no-immutable
}

typecheck_app() {
  (cd "$APP" && yarn tsc)
}

build_frontends() {
  # The new-system app is served by the backend, which gives it its config when it serves
  # it; the legacy one is served as static files, so its build takes the test's config.
  logged build-app yarn --cwd "$APP" workspace app build || return 1
  logged build-legacy yarn --cwd "$APP" workspace app-legacy build --config ../../app-config.yaml \
    --config ../../app-config.fresh-app-test.yaml --config ../../app-config.fresh-app-legacy.yaml
}

start_backend() {
  node "$REPO_ROOT/scripts/lib/probe.mjs" free "$PORT" "$LEGACY_PORT" || return 1
  (cd "$APP/packages/backend" &&
    exec setsid yarn start --config ../../app-config.yaml --config ../../app-config.fresh-app-test.yaml \
      </dev/null >"$LOG" 2>&1) &
  BACKEND_PID=$!
  node "$REPO_ROOT/scripts/lib/probe.mjs" wait "http://localhost:$PORT/.backstage/health/v1/readiness" 300 "$BACKEND_PID" ||
    { tail -n 60 "$LOG" | cut -c1-400; return 1; }
}

promote() {
  node "$HERE/promote.mjs" "http://localhost:$PORT" "$GITOPS" "$APP/packages/app-legacy/dist" "$LEGACY_PORT"
}

check "pack the four packages" pack
check "create-app $CREATE_APP_VERSION (new and legacy frontend)" create_apps
check "a GitOps repository for the app" make_gitops_repo
check "wire and install the tarballs" install_app
check "type check of the app" typecheck_app
check "build of both frontends" build_frontends
check "start the backend" start_backend
check "promote through the API and see the tab" promote
