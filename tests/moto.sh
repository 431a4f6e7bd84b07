#!/usr/bin/env bash
# Runs a command with a local moto server (DynamoDB, S3, SQS) up, then stops moto and exits
# with the command's status:
#
#   bash tests/moto.sh cargo test -p motcua-aws --features moto
#
# Sourced (`. tests/moto.sh`), it starts moto, exports the variables below into the calling
# shell and stops moto when that shell exits.
#
# Creates the venv .venv-moto (git-ignored) on first use: `pip install 'moto[server]'` (≈ 40 s).
# Port: MOTO_PORT, else 5050, else any free port. Exports MOTCUA_TEST_AWS_ENDPOINT,
# AWS_ENDPOINT_URL and dummy AWS credentials/region (moto checks no signatures).

set -euo pipefail

MOTO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTO_VENV="${MOTO_VENV:-$MOTO_ROOT/.venv-moto}"

if [[ ! -x "$MOTO_VENV/bin/moto_server" ]]; then
  echo "moto.sh: installing moto[server] into $MOTO_VENV" >&2
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet 'moto[server]==5.2.5'
fi

moto_port_free() {
  "$MOTO_VENV/bin/python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

MOTO_PORT="${MOTO_PORT:-5050}"
if ! moto_port_free "$MOTO_PORT"; then
  MOTO_PORT="$("$MOTO_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi

# moto_server handles requests on threads, and its models take no locks: two concurrent SQS
# ReceiveMessage calls can hand out the same message. AWS makes each request atomic, so run
# moto's own app single-threaded (one request at a time, HTTP/1.0) to get the same guarantee.
#
# moto's TransactWriteItems deep-copies the whole table before every transaction so that it can
# roll back; with a table of a few thousand items that copy was two thirds of moto's time and
# made the system tests on moto 2.5 times slower each time commits grew. The launcher below
# keeps the same all-or-nothing behaviour by saving only the items the transaction names and
# putting them back if it is cancelled (the Table conformance suite checks the rollback).
MOTO_LOG="${MOTO_LOG:-$(mktemp -t moto.XXXXXX.log)}"
"$MOTO_VENV/bin/python" - "$MOTO_PORT" >"$MOTO_LOG" 2>&1 <<'PY' &
import os, sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
port = int(sys.argv[1])

import copy
import moto.dynamodb.models as dynamodb
from moto.dynamodb.models.table import Table

class TableCopyIsSkipped:
    """moto.dynamodb.models' `copy`, except that a whole table is not copied."""
    def __getattr__(self, name):
        return getattr(copy, name)
    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

whole_table_transaction = dynamodb.DynamoDBBackend.transact_write_items

def transact_write_items(self, transact_items):
    saved = []
    for entry in transact_items:
        try:
            _, op = next(iter(entry.items()))
            table = self.get_table(op["TableName"])
            names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
            key = op["Key"] if "Key" in op else {n: op["Item"][n] for n in names}
            hash_key, range_key = self.get_keys_value(table, key)
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        except Exception:
            pass  # an invalid operation: moto's own code refuses it before writing anything
    try:
        whole_table_transaction(self, transact_items)
    except Exception:
        for table, hash_key, range_key, item in reversed(saved):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        raise

dynamodb.copy = TableCopyIsSkipped()
dynamodb.DynamoDBBackend.transact_write_items = transact_write_items
os.environ.setdefault("MOTO_PORT", str(port))
app = DomainDispatcherApplication(create_backend_app)
run_simple("127.0.0.1", port, app, threaded=False, request_handler=MotoRequestHandler)
PY
MOTO_PID=$!

moto_stop() {
  if [[ -n "${MOTO_PID:-}" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
}
trap moto_stop EXIT

MOTO_URL="http://127.0.0.1:$MOTO_PORT"
for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "$MOTO_URL/moto-api/" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then
    echo "moto.sh: moto_server exited; log:" >&2
    cat "$MOTO_LOG" >&2
    exit 1
  fi
  sleep 0.2
done
if ! curl -fsS -o /dev/null "$MOTO_URL/moto-api/" 2>/dev/null; then
  echo "moto.sh: moto did not answer on $MOTO_URL within 30 s; log: $MOTO_LOG" >&2
  exit 1
fi
echo "moto.sh: moto $MOTO_URL (pid $MOTO_PID, log $MOTO_LOG)" >&2

export MOTCUA_TEST_AWS_ENDPOINT="$MOTO_URL"
export AWS_ENDPOINT_URL="$MOTO_URL"
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: leave moto running for the calling shell (stopped when it exits).
  set +euo pipefail
  return 0
fi

if [[ $# -gt 0 ]]; then
  set +e
  "$@"
  status=$?
  set -e
  exit "$status"
fi
