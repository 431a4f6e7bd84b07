#!/usr/bin/env bash
# Browser tests of the portal and the officer console (issue 5): Debian's Chromium driven by
# playwright-core, axe-core on every page state, screenshots into docs/screenshots.
# Starts the server binary (MOTCUA_BIN, default target/debug/motcua) on a free loopback port with
# a fresh data directory and the demo catalogue, runs the journeys, and always stops it.
# Exits non-zero on any failed step or any serious/critical accessibility violation.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
log() { printf '[browser %3d s] %s\n' "$(( $(date +%s) - started ))" "$*"; }

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  log "installing Debian's Chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
"${CHROMIUM:-/usr/bin/chromium}" --version

log "npm ci (playwright-core, axe-core; no browser download)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

MOTCUA_BIN=${MOTCUA_BIN:-target/debug/motcua}
if [ ! -x "$MOTCUA_BIN" ]; then
  log "building $MOTCUA_BIN"
  cargo build -p motcua --locked
fi

data=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
"$MOTCUA_BIN" --addr "127.0.0.1:$port" --data-dir "$data/data" --web-dir web >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

log "waiting for $base/api/v1/health"
if ! node -e "
  const until = Date.now() + 30000;
  (async function poll() {
    try { const r = await fetch('$base/api/v1/health'); if (r.ok) process.exit(0); } catch {}
    if (Date.now() > until) process.exit(1);
    setTimeout(poll, 200);
  })();"; then
  echo 'the server did not start:'; cat "$data/server.log"; exit 1
fi

log "journeys"
status=0
BASE_URL="$base" node tests/browser/journey.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo '--- server log (last 60 lines) ---'; tail -n 60 "$data/server.log"
fi
log "done (exit $status)"
exit "$status"
