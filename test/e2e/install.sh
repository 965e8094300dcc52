#!/usr/bin/env bash
# Installs what the workbench tests and `npm start` need, where it is missing (docs/e2e.md):
# Debian's Chromium (driven by playwright-core), the toolchain, Kerberos headers and ripgrep
# that code-server's native modules build with, and code-server 4.100.3 itself (the newest
# that installs on Node 20) into a cache folder outside git. Prints code-server's path.
# Every failure is loud: a test that needs these tools must fail, never skip.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CS_VERSION=4.100.3
CACHE=${DDR_CS_CACHE:-$ROOT/.cache/code-server-$CS_VERSION}
BIN=$CACHE/node_modules/.bin/code-server
log() { echo "[install] $*" >&2; }

need=()
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
{ command -v g++ >/dev/null && command -v make >/dev/null; } || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${need[*]}; install them as root: apt-get install -y ${need[*]}"
    exit 1
  fi
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  log "apt-get install ${need[*]}"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

if [ ! -x "$BIN" ]; then
  mkdir -p "$CACHE"
  # One installer at a time: `npm start` and `npm test` may both get here.
  exec 9>"$CACHE/.lock"
  flock 9
  if [ ! -x "$BIN" ]; then
    log "npm install code-server@$CS_VERSION into $CACHE (about 40 s)"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already has
    # the tarball: give it Debian's rg.
    rgc="$tmp/vscode-ripgrep-cache-1.15.11"
    mkdir -p "$rgc"
    tar czf "$rgc/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
    # node-pty runs `npx node-gyp` (npx would ask); as root the install script needs unsafe-perm.
    TMPDIR=$tmp npm_config_yes=true npm_config_unsafe_perm=true \
      npm install --prefix "$CACHE" --no-audit --no-fund --save-exact "code-server@$CS_VERSION" >&2
    [ -x "$BIN" ] || { log "code-server did not install: $BIN is missing"; exit 1; }
  fi
fi
echo "$BIN"
