#!/usr/bin/env bash
# The project's one test command (README; CI runs it through .ci/run).
#
# Installs what the tests need when it is missing — Node 22 into .tools/, the yarn
# dependencies, git, PostgreSQL 15 (Debian's package, cluster 15/main), the OCI registry
# (Debian's docker-registry, for the registry gate's tests) and Chromium (Debian's package)
# — then runs, in this order:
#   1. type check    `yarn tsc` (the workspace), and the browser test with its Playwright config
#   2. lint          `backstage-cli repo lint` (ESLint, warnings fail too), `prettier --check .`
#                    and the plugins' API reports (report*.api.md) against the type check's output
#   3. unit tests    `backstage-cli repo test` (jest): unit, store, git and router tests. Store
#                    tests run on SQLite and on the PostgreSQL set up here, which they find in
#                    BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
#   4. browser test  starts the example backend + app with app-config.e2e.yaml (ports 7107 and
#                    3100, SQLite and the demo GitOps repository in a throwaway data/e2e/),
#                    runs Playwright against http://localhost:3100 and always stops the servers.
#   5. install test  scripts/fresh-app/run.sh: packs the four plugin packages, makes a fresh app
#                    with @backstage/create-app, installs the tarballs into it as the READMEs say,
#                    builds it, starts it on :7307 and promotes a build through its API and tab.
# Every test step runs even when an earlier one failed. The script exits non-zero when anything
# failed, and its last line is "N passed, N failed": the tests counted by jest and Playwright,
# plus one failure for each step that failed without counting tests (type check, a runner that
# crashed, servers that did not start, set-up that could not finish).
#
# Reports go to test-results/: jest.json, playwright.json, e2e-servers.log, e2e-artifacts/.
# To use a PostgreSQL of your own, set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
# (postgresql://user:password@host:port, no database name) before running; the script then
# leaves the local PostgreSQL alone.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/processGroup.sh
source "$REPO_ROOT/scripts/lib/processGroup.sh"

RESULTS_DIR="$REPO_ROOT/test-results"
E2E_DATA_DIR="$REPO_ROOT/data/e2e"
PG_VERSION=15
PG_CLUSTER=main
# A password for the local test cluster's postgres user (set on every run; only used here).
PG_PASSWORD="${PROMOTION_TEST_PG_PASSWORD:-promotion-test}"
SERVER_START_TIMEOUT="${SERVER_START_TIMEOUT:-420}"
# The browser test's own ports, as set in app-config.e2e.yaml.
E2E_APP_PORT=3100
E2E_BACKEND_PORT=7107
E2E_APP_URL="http://localhost:$E2E_APP_PORT"
E2E_BACKEND_URL="http://localhost:$E2E_BACKEND_PORT"

PASSED=0
FAILED=0
SUMMARY=()
CURRENT_STEP=""
STEP_START=$SECONDS
SERVER_PID=""
APT_UPDATED=""

# ── bookkeeping ──────────────────────────────────────────────────────────────────────────────

step_begin() {
  CURRENT_STEP="$1"
  STEP_START=$SECONDS
  echo
  echo "━━━ $1"
}

# step_end <ok|FAIL> [detail]
step_end() {
  SUMMARY+=("$(printf '  %-22s %-4s %5ss  %s' "$CURRENT_STEP" "$1" "$((SECONDS - STEP_START))" "${2:-}")")
  CURRENT_STEP=""
}

stop_servers() {
  [ -n "$SERVER_PID" ] || return 0
  echo "› Stopping the example servers (process group $SERVER_PID)"
  stop_process_group "$SERVER_PID"
  SERVER_PID=""
}

finish() {
  local rc=$?
  trap - EXIT INT TERM
  stop_servers
  if [ -n "$CURRENT_STEP" ]; then
    # set -e (or a signal) ended the script in the middle of a step.
    step_end FAIL "aborted (exit $rc)"
    FAILED=$((FAILED + 1))
  elif [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
    FAILED=1
  fi
  echo
  echo "━━━ Summary (total $((SECONDS))s)"
  if [ "${#SUMMARY[@]}" -gt 0 ]; then printf '%s\n' "${SUMMARY[@]}"; fi
  echo "$PASSED passed, $FAILED failed"
  if [ "$FAILED" -eq 0 ]; then exit 0; else exit 1; fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# add_counts <passed> <failed>
add_counts() {
  PASSED=$((PASSED + $1))
  FAILED=$((FAILED + $2))
}

# ── installing what is missing ───────────────────────────────────────────────────────────────

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "✗ needs root (or sudo) to run: $*" >&2
    return 1
  fi
}

apt_install() {
  echo "› apt-get install $*"
  if [ -z "$APT_UPDATED" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && sudo -u postgres "$@")
  fi
}

ensure_git() {
  if ! command -v git >/dev/null 2>&1; then
    apt_install git
  fi
  git --version
}

ensure_postgres() {
  if [ -n "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
    echo "› Using the PostgreSQL given in BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING"
  else
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]; then
      apt_install postgresql
    fi
    if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
      as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER"
    fi
    local port status
    port="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $3 }')"
    status="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $4 }')"
    if [ "$status" != "online" ]; then
      echo "› Starting PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
      as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
    fi
    as_postgres psql -p "$port" -q -v ON_ERROR_STOP=1 \
      -c "ALTER USER postgres WITH PASSWORD '$PG_PASSWORD'"
    export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres:$PG_PASSWORD@localhost:$port"
  fi
  # Backstage's TestDatabases would otherwise try Docker when CI is set.
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
  # Prove the connection string works over TCP, the way the tests will connect.
  node -e '
    const { Client } = require("pg");
    const client = new Client({ connectionString: process.argv[1] + "/postgres" });
    client.connect()
      .then(() => client.query("select version()"))
      .then(r => { console.log("✓ " + r.rows[0].version.split(",")[0] + " reachable"); return client.end(); })
      .catch(e => { console.error("✗ PostgreSQL not reachable: " + e.message); process.exit(1); });
  ' "$BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING"
}

# The registry gate's tests run Debian's real OCI distribution registry, and make
# their token service's certificate with openssl.
ensure_registry() {
  if ! command -v docker-registry >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
    apt_install docker-registry openssl
  fi
  docker-registry --version 2>/dev/null | head -n 1 || true
}

ensure_chromium() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$chromium" ]; then
    apt_install chromium
  fi
  node scripts/lib/chromium-check.cjs
}

# ── the steps ────────────────────────────────────────────────────────────────────────────────

mkdir -p "$RESULTS_DIR"

step_begin "setup: node + deps"
# shellcheck source=scripts/env.sh
source "$REPO_ROOT/scripts/env.sh"
ensure_dependencies
step_end ok "node $(node --version), yarn $(yarn --version)"

step_begin "setup: git"
ensure_git
step_end ok

step_begin "setup: postgresql"
ensure_postgres
step_end ok

step_begin "setup: registry"
ensure_registry
step_end ok

step_begin "setup: chromium"
ensure_chromium
step_end ok

# From here on every step runs, whatever happened before it.

step_begin "type check"
tsc_ok=1
yarn tsc || tsc_ok=0
# The browser test and playwright.config.ts are outside the workspace tsconfig's include.
yarn tsc -p packages/app/e2e-tests/tsconfig.json || tsc_ok=0
if [ "$tsc_ok" -eq 1 ]; then
  step_end ok
else
  add_counts 0 1
  step_end FAIL "type errors"
fi

step_begin "lint"
lint_ok=1
yarn backstage-cli repo lint --max-warnings 0 || lint_ok=0
yarn prettier --check . || lint_ok=0
yarn build:api-reports:only --ci || lint_ok=0
if [ "$lint_ok" -eq 1 ]; then
  step_end ok
else
  add_counts 0 1
  step_end FAIL "lint, formatting or API reports (yarn fix, yarn prettier --write ., yarn build:api-reports)"
fi

step_begin "unit tests"
rm -f "$RESULTS_DIR/jest.json"
jest_rc=0
CI=true yarn backstage-cli repo test --json --outputFile="$RESULTS_DIR/jest.json" || jest_rc=$?
if counts="$(node scripts/lib/count-results.mjs jest "$RESULTS_DIR/jest.json")"; then
  read -r p f <<<"$counts"
  [ "$jest_rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1 # e.g. jest itself failed after the tests
else
  p=0 f=1
fi
add_counts "$p" "$f"
if [ "$f" -eq 0 ]; then step_end ok "$p passed"; else step_end FAIL "$p passed, $f failed"; fi

run_browser_test() {
  echo "› Fresh demo data in ${E2E_DATA_DIR#"$REPO_ROOT"/}"
  rm -rf "$E2E_DATA_DIR"
  mkdir -p "$E2E_DATA_DIR"
  if ! node scripts/lib/probe.mjs free "$E2E_APP_PORT" "$E2E_BACKEND_PORT"; then
    echo "✗ Something already listens on :$E2E_APP_PORT/:$E2E_BACKEND_PORT (an earlier test run?); stop it and run again." >&2
    return 1
  fi

  local log="$RESULTS_DIR/e2e-servers.log"
  echo "› Starting the example backend + app on :$E2E_BACKEND_PORT/:$E2E_APP_PORT (log: ${log#"$REPO_ROOT"/})"
  # Its own process group, so that stopping it stops yarn, the CLI and the backend child.
  # Config paths are relative to packages/backend and packages/app.
  BROWSER=none setsid yarn start \
    --config ../../app-config.yaml --config ../../app-config.e2e.yaml \
    </dev/null >"$log" 2>&1 &
  SERVER_PID=$!

  if ! node scripts/lib/probe.mjs wait "$E2E_BACKEND_URL/.backstage/health/v1/readiness" "$SERVER_START_TIMEOUT" "$SERVER_PID" ||
     ! node scripts/lib/probe.mjs wait "$E2E_APP_URL" "$SERVER_START_TIMEOUT" "$SERVER_PID"; then
    echo "── last lines of e2e-servers.log"
    tail -n 60 "$log" || true
    return 1
  fi
  # `yarn start` outlives a backend that crashed, so make sure that what answered is the
  # backend started here, not some other process on the same port.
  if ! grep -q "Listening on .*:$E2E_BACKEND_PORT" "$log"; then
    echo "✗ Something answers on :$E2E_BACKEND_PORT, but not the backend started here." >&2
    echo "── last lines of e2e-servers.log"
    tail -n 60 "$log" || true
    return 1
  fi
  echo "› Servers up after $((SECONDS - STEP_START))s"

  local rc=0
  PLAYWRIGHT_URL="$E2E_APP_URL" PLAYWRIGHT_BACKEND_URL="$E2E_BACKEND_URL" yarn playwright test || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "── last lines of e2e-servers.log"
    tail -n 40 "$log" || true
  fi
  return "$rc"
}

step_begin "browser test"
rm -f "$RESULTS_DIR/playwright.json"
e2e_rc=0
run_browser_test || e2e_rc=$?
stop_servers
if [ -f "$RESULTS_DIR/playwright.json" ] &&
   counts="$(node scripts/lib/count-results.mjs playwright "$RESULTS_DIR/playwright.json")"; then
  read -r p f <<<"$counts"
  [ "$e2e_rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
else
  p=0 f=1 # the servers did not start, or Playwright did not run
fi
add_counts "$p" "$f"
if [ "$f" -eq 0 ]; then step_end ok "$p passed"; else step_end FAIL "$p passed, $f failed"; fi

step_begin "install test"
rm -f "$RESULTS_DIR/fresh-app.json"
fresh_rc=0
bash scripts/fresh-app/run.sh || fresh_rc=$?
if [ -f "$RESULTS_DIR/fresh-app.json" ] &&
   counts="$(node scripts/lib/count-results.mjs fresh-app "$RESULTS_DIR/fresh-app.json")"; then
  read -r p f <<<"$counts"
  [ "$fresh_rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
else
  p=0 f=1
fi
add_counts "$p" "$f"
if [ "$f" -eq 0 ]; then step_end ok "$p passed"; else step_end FAIL "$p passed, $f failed"; fi

# finish (the EXIT trap) prints the summary and the closing "N passed, N failed" line.
