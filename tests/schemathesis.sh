#!/usr/bin/env bash
# The API contract, tried by a schema-driven client: schemathesis generates requests from the
# OpenAPI document the server serves (valid and invalid by the schema) and checks every answer
# (status codes, content types, response schemas, rejection of invalid data, acceptance of
# valid data, auth), once with a citizen's token and once with an officer's. Any failure of any
# check fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[schemathesis %3d s] %s\n' "$SECONDS" "$*"; }

if [ ! -x .venv-schemathesis/bin/schemathesis ]; then
  log "installing schemathesis in .venv-schemathesis"
  python3 -m venv .venv-schemathesis
  .venv-schemathesis/bin/pip install -q 'schemathesis==4.*'
fi

source tests/serve.sh

token() {
  curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"MotCua@2026\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

status=0
for who in congdan tiepnhan.phuong; do
  log "as $who"
  .venv-schemathesis/bin/schemathesis --config-file tests/schemathesis.toml run "$base/api/v1/openapi.json" --url "$base" \
    --checks all --header "Authorization: Bearer $(token "$who")" \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-30}" --seed 1 --no-color || status=$?
done
if [ "$status" -ne 0 ]; then
  echo '--- server log (last 40 lines) ---'; tail -n 40 "$server_log"
fi
log "done (exit $status)"
exit "$status"
