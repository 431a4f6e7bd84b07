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

log "starting the server"
source tests/serve.sh --web-dir web

log "journeys"
status=0
BASE_URL="$base" node tests/browser/journey.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo '--- server log (last 60 lines) ---'; tail -n 60 "$server_log"
fi
log "done (exit $status)"
exit "$status"
