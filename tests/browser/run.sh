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

# VNeID at a certified OpenID provider (npm oidc-provider), on `localhost` (its own site and
# cookies); the server is told where it is, and the provider where the server's callback is.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
oidc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
oidc_log=$(mktemp)
OIDC_PORT=$oidc_port OIDC_REDIRECT_URI="http://127.0.0.1:$port/api/v1/auth/vneid/callback" \
  node tests/browser/oidc-provider.mjs >"$oidc_log" 2>&1 &
oidc=$!
for _ in $(seq 100); do curl -fsS "http://localhost:$oidc_port/.well-known/openid-configuration" >/dev/null 2>&1 && break; sleep 0.1; done
export MOTCUA_VNEID_ISSUER="http://localhost:$oidc_port" MOTCUA_VNEID_CLIENT_ID=motcua MOTCUA_VNEID_CLIENT_SECRET=motcua-oidc-test-secret

log "starting the server"
source tests/serve.sh --web-dir web
trap 'stop_server; kill $oidc 2>/dev/null || true' EXIT

log "journeys"
status=0
BASE_URL="$base" SERVER_LOG="$server_log" node tests/browser/journey.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo '--- server log (last 60 lines) ---'; tail -n 60 "$server_log"
  echo '--- OpenID provider log ---'; tail -n 20 "$oidc_log"
fi
log "done (exit $status)"
exit "$status"
