# Sourced by the test scripts that drive a running server (browser journeys, schemathesis):
# builds the server binary if needed (MOTCUA_BIN, default target/debug/motcua), starts it on a
# free loopback port with a fresh data directory and the demo seed, waits until it answers, and
# stops it on exit. Sets `base` (http://127.0.0.1:PORT) and `server_log`; takes `port` when the
# caller already chose one.
MOTCUA_BIN=${MOTCUA_BIN:-target/debug/motcua}
if [ ! -x "$MOTCUA_BIN" ]; then
  echo "building $MOTCUA_BIN"
  cargo build -p motcua --locked
fi

serve_dir=$(mktemp -d)
server_log="$serve_dir/server.log"
port=${port:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
base="http://127.0.0.1:$port"
"$MOTCUA_BIN" --addr "127.0.0.1:$port" --data-dir "$serve_dir/data" "$@" >"$server_log" 2>&1 &
server=$!
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$serve_dir"
}
trap stop_server EXIT

for _ in $(seq 150); do
  curl -fsS "$base/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! curl -fsS "$base/api/v1/health" >/dev/null 2>&1; then
  echo 'the server did not start:'; cat "$server_log"; exit 1
fi
