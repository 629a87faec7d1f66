#!/usr/bin/env bash
# Runs the official MCP conformance suite against `roughy-mcp --http --sandbox`, once per protocol era (the
# suite's --requirements sets: 2025-11-25 over initialize, 2026-07-28 stateless with per-request _meta), and
# compares each with test/remote/conformance-baseline.json: the scenarios that exercise only the suite's own
# fixture server, each with its era and reason. Exits non-zero on an unexpected failure, and also when a listed
# scenario starts passing (the baseline is stale), which is the suite's own --expected-failures rule. Then the
# suite's authorization-server scenarios run against the same server's OAuth (scripts/lib/conformance-authorize.mjs
# plays the user at the consent page); they have no expected failures.
#
# The suite needs Node 22; the project runs on Node 20. Node 22 comes from the registry's Node binary package
# into a throwaway prefix under .cache/ (scripts/lib/node-prefix.mjs, not package.json) and only runs the
# suite. The server itself runs on the project's node.
#
# Usage: scripts/conformance.sh        (builds dist/ first if it is missing)
# Env:   CONFORMANCE_CACHE (default .cache/conformance), CONFORMANCE_VERSION (default 0.2.0-alpha.12)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${CONFORMANCE_VERSION:-0.2.0-alpha.12}"
ERAS=(2025-11-25 2026-07-28)
CACHE="${CONFORMANCE_CACHE:-$PWD/.cache/conformance}"
BASELINE="test/remote/conformance-baseline.json"
SUITE="$CACHE/suite-$VERSION/node_modules/@modelcontextprotocol/conformance/dist/index.js"

mkdir -p "$CACHE"
NODE22="$(node scripts/lib/node-prefix.mjs --node 22)/node"
if [ ! -f "$SUITE" ]; then
  # Installed beside, then moved into place, so an interrupted install is never taken for a whole one.
  PARTIAL="$CACHE/suite-$VERSION.partial-$$"
  rm -rf "$PARTIAL"
  npm install --prefix "$PARTIAL" --no-save --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@$VERSION" >&2
  rm -rf "$CACHE/suite-$VERSION"
  mv "$PARTIAL" "$CACHE/suite-$VERSION"
fi
[ -f dist/cli.js ] || npm run build >&2

WORK="$(mktemp -d "${TMPDIR:-/tmp}/roughy-conformance-XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The server on a free loopback port with its own sandbox data dir and an OAuth secret of this run; its first
# stdout line is {"url"}.
ROUGHY_OAUTH_SECRET="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" \
  ROUGHY_SANDBOX_DIR="$WORK/sandbox" node dist/cli.js --http --sandbox --port 0 > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  if [ -s "$WORK/server.out" ]; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.err" >&2; echo "conformance: the server exited" >&2; exit 1; fi
  sleep 0.1
done
URL="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]).url)' "$WORK/server.out")"

FAILED=0
for ERA in "${ERAS[@]}"; do
  # The baseline's entries for this era as the suite's YAML (scenario names only; the reasons stay in the JSON).
  node -e '
    const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const mine = b.server.filter((e) => e.eras.includes(process.argv[2]));
    process.stdout.write("server:\n" + mine.map((e) => `  - ${e.scenario}\n`).join(""));
  ' "$BASELINE" "$ERA" > "$WORK/expected-$ERA.yml"
  echo "conformance: suite $VERSION, requirements $ERA, against $URL" >&2
  set +e
  "$NODE22" "$SUITE" server --url "$URL" --requirements "$ERA" --expected-failures "$WORK/expected-$ERA.yml" -o "$WORK/results-$ERA" > "$WORK/suite-$ERA.txt" 2>&1
  RC=$?
  set -e
  # The summary and the verdict lines; the per-scenario chatter stays in the file.
  sed -n '/=== SUMMARY ===/,$p' "$WORK/suite-$ERA.txt"
  if [ "$RC" -ne 0 ]; then echo "conformance: $ERA FAILED (exit $RC)" >&2; FAILED=1; fi
done

ISSUER="$(node -e '
  fetch(new URL("/.well-known/oauth-authorization-server", process.argv[1])).then((r) => r.json()).then((m) => console.log(m.issuer));
' "$URL")"
echo "conformance: authorization-server scenarios against $ISSUER" >&2
set +e
node scripts/lib/conformance-authorize.mjs "$NODE22" "$SUITE" "$ISSUER" "$URL" "$WORK/results-authorization" > "$WORK/suite-authorization.txt" 2>&1
RC=$?
set -e
sed -n '/=== SUMMARY ===/,$p' "$WORK/suite-authorization.txt"
if [ "$RC" -ne 0 ]; then echo "conformance: authorization FAILED (exit $RC)" >&2; tail -20 "$WORK/suite-authorization.txt" >&2; FAILED=1; fi

if [ "$FAILED" -ne 0 ]; then
  echo "conformance: FAILED; server log:" >&2
  tail -20 "$WORK/server.err" >&2
fi
exit "$FAILED"
