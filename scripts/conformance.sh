#!/usr/bin/env bash
# Runs the official MCP conformance suite (server scenarios) against `roughy-mcp --http --sandbox` and
# compares the outcome with test/remote/conformance-baseline.json: the scenarios that exercise only the
# suite's own fixture server, each with its reason. Exits non-zero on an unexpected failure, and also when
# a listed scenario starts passing (the baseline is stale), which is the suite's own --expected-failures rule.
#
# The suite needs Node 22; the project runs on Node 20. Node 22 comes from the registry's Node binary package
# into a throwaway prefix under .cache/ (scripts/lib/node-prefix.mjs, not package.json) and only runs the
# suite. The server itself runs on the project's node.
#
# Usage: scripts/conformance.sh        (builds dist/ first if it is missing)
# Env:   CONFORMANCE_CACHE (default .cache/conformance), CONFORMANCE_VERSION (default 0.1.16)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${CONFORMANCE_VERSION:-0.1.16}"
CACHE="${CONFORMANCE_CACHE:-$PWD/.cache/conformance}"
BASELINE="test/remote/conformance-baseline.json"
SUITE="$CACHE/suite-$VERSION/node_modules/@modelcontextprotocol/conformance/dist/index.js"

mkdir -p "$CACHE"
NODE22="$(node scripts/lib/node-prefix.mjs --node 22)/node"
if [ ! -f "$SUITE" ]; then
  npm install --prefix "$CACHE/suite-$VERSION" --no-save --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@$VERSION" >&2
fi
[ -f dist/cli.js ] || npm run build >&2

WORK="$(mktemp -d "${TMPDIR:-/tmp}/roughy-conformance-XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The baseline as the suite's YAML (scenario names only; the reasons stay in the JSON).
node -e '
  const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  process.stdout.write("server:\n" + b.server.map((e) => `  - ${e.scenario}\n`).join(""));
' "$BASELINE" > "$WORK/expected-failures.yml"

# The server on a free loopback port with its own sandbox data dir; its first stdout line is {"url"}.
ROUGHY_SANDBOX_DIR="$WORK/sandbox" node dist/cli.js --http --sandbox --port 0 > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if [ -s "$WORK/server.out" ]; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.err" >&2; echo "conformance: the server exited" >&2; exit 1; fi
  sleep 0.1
done
URL="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]).url)' "$WORK/server.out")"
echo "conformance: suite $VERSION against $URL" >&2

set +e
"$NODE22" "$SUITE" server --url "$URL" --expected-failures "$WORK/expected-failures.yml" -o "$WORK/results" > "$WORK/suite.txt" 2>&1
RC=$?
set -e
# The summary and the verdict lines; the per-scenario chatter stays in the file.
sed -n '/=== SUMMARY ===/,$p' "$WORK/suite.txt"
if [ "$RC" -ne 0 ]; then
  echo "conformance: FAILED (exit $RC); server log:" >&2
  tail -20 "$WORK/server.err" >&2
fi
exit "$RC"
