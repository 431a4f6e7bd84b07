#!/usr/bin/env bash
# The bench command (issue 14): measures, in one run on this machine, a bare axum "hello", the
# disk's fsync rate, and MotCua's embedded server serving a generated data set — lookup, inbox
# pages, the register, reports, login, durable submissions — and writes the table, with the
# ratios to the hello server and to the fsync rate, into docs/benchmarks.md; then the Lambda
# functions' release build, sizes and cold starts (bench/lambda.sh).
#
#   bash bench/run.sh                        # 100,000 dossiers
#   BENCH_DOSSIERS=1000000 bash bench/run.sh  # a province's year
#
# Speed targets are checked here, never by timed tests.
set -euo pipefail
cd "$(dirname "$0")/.."

DOSSIERS=${BENCH_DOSSIERS:-100000}
SECONDS_EACH=${BENCH_SECONDS:-10}
OUT=${BENCH_OUT:-docs/benchmarks.md}
WORK=$(mktemp -d)
PORT=18080
HELLO_PORT=18090
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

echo "== build (bench profile)"
cargo build --profile bench --locked --bin motcua --example hello
BIN=target/release/motcua
HELLO=target/release/examples/hello

# One wrk run: prints "requests/s p50 p99" (milliseconds).
measure() { # url connections [lua script]
  local url=$1 conns=$2 script=${3:-}
  local args=(-t2 -c"$conns" -d"${SECONDS_EACH}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" > "$WORK/wrk.txt"
  python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {errors.group(1) if errors else 0}")
PY
}
# A measured row, also shown as it comes.
row() { local out; out=$(measure "$@"); echo "$1 ($2 connections): $out" >&2; echo "$out"; }

echo "== the disk's fsync rate (the directory the data goes to)"
FSYNC=$(python3 - "$WORK" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync.probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT)
n, start = 0, time.time()
while time.time() - start < 3:
    os.pwrite(fd, b"x" * 4096, 0); os.fsync(fd); n += 1
print(f"{n / (time.time() - start):.0f}")
PY
)
echo "fsync: $FSYNC/s"

echo "== bare axum hello"
"$HELLO" 127.0.0.1:$HELLO_PORT & sleep 0.5
HELLO8=$(measure "http://127.0.0.1:$HELLO_PORT/" 8)
HELLO64=$(measure "http://127.0.0.1:$HELLO_PORT/" 64)
kill %1; wait %1 2>/dev/null || true
echo "hello: $HELLO8 / $HELLO64"

DATA=${BENCH_DATA:-$WORK/data}
if [ -f "$DATA/generated.json" ]; then
  echo "== reusing the dossiers generated in $DATA"
else
  echo "== generate $DOSSIERS dossiers"
  mkdir -p "$DATA"
  "$BIN" --data-dir "$DATA" generate --dossiers "$DOSSIERS" > "$WORK/generated.json"
  mv "$WORK/generated.json" "$DATA/generated.json"
fi
GEN_SECONDS=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["seconds"]))' "$DATA/generated.json")
head -9 "$DATA/generated.json"
DB_BYTES=$(du -sb "$DATA" | cut -f1)

echo "== serve"
"$BIN" --data-dir "$DATA" --addr 127.0.0.1:$PORT --no-demo --web-dir web --lookups-per-minute 100000000 > "$WORK/server.log" 2>&1 &
SERVER=$!
# Up to 10 minutes: a data set written with an older inbox layout is indexed again at start.
for _ in $(seq 3000); do curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done
URL=http://127.0.0.1:$PORT
read -r CODE SECRET < <(python3 -c 'import json,sys; c,s=json.load(open(sys.argv[1]))["lookups"][-1]; print(c, s)' "$DATA/generated.json")
token() { curl -fsS "$URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"$1\",\"password\":\"MotCua@2026\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
SPECIALIST=$(token chuyenvien.phuong)
LEADER=$(token lanhdao.phuong)
auth() { # a wrk script that sends a bearer token
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$1" > "$WORK/$2.lua"; echo "$WORK/$2.lua"; }
cat > "$WORK/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"chuyenvien.phuong","password":"MotCua@2026"}'
LUA

LOOKUP8=$(row "$URL/api/v1/lookup/$CODE?secret=$SECRET" 8)
LOOKUP64=$(row "$URL/api/v1/lookup/$CODE?secret=$SECRET" 64)
INBOX=$(row "$URL/api/v1/inbox?limit=50" 8 "$(auth "$SPECIALIST" specialist)")
INBOX_OVERDUE=$(row "$URL/api/v1/inbox?limit=50&due=overdue" 8 "$(auth "$SPECIALIST" specialist)")
INBOX_LEADER=$(row "$URL/api/v1/inbox?limit=50" 8 "$(auth "$LEADER" leader)")
YEAR=$(TZ=Asia/Ho_Chi_Minh date +%Y)
STATS=$(row "$URL/api/v1/reports/statistics?from=$YEAR-01-01&to=$YEAR-12-31" 8 "$(auth "$LEADER" leader)")
INDEX766=$(row "$URL/api/v1/reports/index-766?from=$YEAR-01-01&to=$YEAR-12-31&agency=000.17.22.H56" 8 "$(auth "$LEADER" leader)")
LOGIN=$(row "$URL/api/v1/auth/login" 8 "$WORK/login.lua")
RSS_KB=$(ps -o rss= -p $SERVER | tr -d ' ')
kill $SERVER; wait $SERVER 2>/dev/null || true

echo "== durable submissions (in-process load generator, fresh data directory)"
cargo bench --locked --bench http | tee "$WORK/submit.txt"
SUBMIT=$(python3 - "$WORK/submit.txt" <<'PY'
import re, sys
line = next(l for l in open(sys.argv[1]) if l.startswith("durable submission"))
rps = re.search(r"= (\d+) req/s", line).group(1)
p50, p99 = re.search(r"p50 ([\d.]+) ms", line).group(1), re.search(r"p99 ([\d.]+) ms", line).group(1)
errors = re.search(r"errors (\d+)", line).group(1)
print(rps, p50, p99, errors)
PY
)

echo "== writing $OUT"
python3 - "$OUT" "$DATA/generated.json" <<PY
import json, sys, platform, os, datetime
out, generated = sys.argv[1], json.load(open(sys.argv[2]))
def row(v): return [float(x) for x in v.split()]
hello8, hello64 = row("$HELLO8"), row("$HELLO64")
fsync = float("$FSYNC")
rows = [
  ("bare axum hello", "GET /", 8, hello8, hello8[0]), ("bare axum hello", "GET /", 64, hello64, hello64[0]),
  ("status lookup", "GET /api/v1/lookup/{code}", 8, row("$LOOKUP8"), hello8[0]),
  ("status lookup", "GET /api/v1/lookup/{code}", 64, row("$LOOKUP64"), hello64[0]),
  ("inbox page, specialist (50 rows)", "GET /api/v1/inbox", 8, row("$INBOX"), hello8[0]),
  ("inbox page, overdue only", "GET /api/v1/inbox?due=overdue", 8, row("$INBOX_OVERDUE"), hello8[0]),
  ("inbox page, leader (every open dossier of the ward)", "GET /api/v1/inbox", 8, row("$INBOX_LEADER"), hello8[0]),
  ("statistics report, this year", "GET /api/v1/reports/statistics", 8, row("$STATS"), hello8[0]),
  ("Decision 766 index", "GET /api/v1/reports/index-766", 8, row("$INDEX766"), hello8[0]),
  ("login (password hashed)", "POST /api/v1/auth/login", 8, row("$LOGIN"), hello8[0]),
]
submit = row("$SUBMIT")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) // 1024 // 1024
lines = [
  f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {os.cpu_count()} vCPU ({cpu}), {mem} GiB, Linux {platform.release()}; "
  f"wrk, 2 threads, $SECONDS_EACH s per row; server and load generator share the cores.",
  "",
  f"Data set: **{generated['dossiers']:,} dossiers** generated by \`motcua generate\` in $GEN_SECONDS s "
  f"({generated['dossiers'] / max($GEN_SECONDS, 1):,.0f} dossiers/s; {generated['open']:,} open, {generated['finished']:,} finished, "
  f"{generated['refused']:,} refused, {generated['waiting_for_reception']:,} waiting for reception, over {generated['working_days']} working days). "
  f"Data directory {int('$DB_BYTES') / 1e6:,.0f} MB = **{int('$DB_BYTES') / generated['dossiers'] / 1024:,.1f} KB per dossier** "
  f"(database and result files); server RSS after the runs **{int('$RSS_KB') / 1024:,.0f} MB**.",
  "",
  "| scenario | request | connections | requests/s | p50 ms | p99 ms | non-2xx | ÷ hello |",
  "|---|---|---|---|---|---|---|---|",
]
for name, req, conns, (rps, p50, p99, errs), base in rows:
  lines.append(f"| {name} | \`{req}\` | {conns} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errs:.0f} | {rps / base:.2f} |")
lines += [
  "",
  "| scenario | connections | submissions/s | p50 ms | p99 ms | errors | disk fsyncs/s | ÷ fsync rate |",
  "|---|---|---|---|---|---|---|---|",
  f"| durable submission (\`POST /api/v1/dossiers/{{id}}/submit\`, in-process client) | 32 | {submit[0]:,.0f} | {submit[1]:.1f} | {submit[2]:.1f} | {submit[3]:.0f} | {fsync:,.0f} | {submit[0] / fsync:.2f} |",
]
text = open(out).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
head, rest = text.split(begin)
_, tail = rest.split(end)
open(out, "w").write(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)
print("\n".join(lines))
PY

# The Lambda functions' release build, sizes and cold starts (BENCH_LAMBDA=0 skips them).
if [ "${BENCH_LAMBDA:-1}" != 0 ]; then
  BENCH_OUT="$OUT" bash bench/lambda.sh
fi
