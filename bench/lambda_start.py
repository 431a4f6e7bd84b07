"""Size and cold start of every Lambda function (issue 14, item 6), written into the bench page.

Runs each function's release `bootstrap` (target/lambda/<function>/bootstrap, built by
`LAMBDA_PROFILE=release bash tests/lambda-build.sh`) under a local Lambda Runtime API — this
script's own small server implementing `/runtime/invocation/next`, `/response`, `/error` and
`/runtime/init/error` as Lambda does — with the function's environment pointing at a local AWS
emulator (moto, `AWS_ENDPOINT_URL`) that holds its table, bucket, queue and SSM parameters.
For each function, RUNS fresh processes; measured from the process start:
  init    until its first `GET /next` (the end of init: configuration, secrets, clients),
  first   until its answer to the first event (its fixture in infra/events/).
Medians go into the table between <!-- lambda:begin --> and <!-- lambda:end --> of OUT.
Then the outbox relay's throughput (issue 15, item 5): RELAY_EVENTS stranded events written
across the outbox's shards, and one run of the relay function re-publishing them.

    python bench/lambda_start.py docs/benchmarks.md      (with moto up: `. tests/moto.sh`)
"""

import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

RUNS = int(os.environ.get("BENCH_LAMBDA_RUNS", "5"))
RELAY_EVENTS = int(os.environ.get("BENCH_RELAY_EVENTS", "2000"))
OUTBOX_SHARDS = 8  # keys::OUTBOX_SHARDS
FUNCTIONS = {  # bootstrap binary -> its event fixture
    "motcua-catalogue": "catalogue", "motcua-submission": "submission", "motcua-upload": "upload",
    "motcua-status": "status", "motcua-feedback": "feedback", "motcua-reporting": "reporting",
    "motcua-officer": "officer", "motcua-identity": "identity", "motcua-calendar": "calendar",
    "motcua-meta": "meta", "motcua-events": "events", "motcua-outbox-relay": "outbox-relay",
    "motcua-integration": "integration", "motcua-integration-worker": "integration-worker",
}
API = "/2018-06-01/runtime"


class Invocation:
    """One process's run: the event it gets and when it reached each point."""

    def __init__(self, event: bytes):
        self.event, self.given = event, False
        self.started = time.monotonic()
        self.init = self.first = None
        self.outcome = ""
        self.body = b""
        self.done = threading.Event()


class RuntimeApi(BaseHTTPRequestHandler):
    """The Runtime API of one process's run (`current`): each start gets its own server, so a
    stopped process's last `/next` cannot be taken for the next process's first."""

    current: Invocation

    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None):
        try:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the process was stopped while waiting for its next invocation

    def do_GET(self):
        run = self.current
        if self.path != f"{API}/invocation/next":
            return self.answer(404)
        if run.init is None:
            run.init = time.monotonic() - run.started
        if run.given:  # the next invocation never comes: the process is stopped
            run.done.wait(30)
            return self.answer(500)
        run.given = True
        self.answer(200, run.event, {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": str(uuid.uuid4()),
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 10_000),
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:ap-southeast-1:123456789012:function:bench",
            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
        })

    def do_POST(self):
        run = self.current
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.endswith("/response"):
            run.first = time.monotonic() - run.started
            run.body = body
            try:
                run.outcome = str(json.loads(body).get("statusCode", "ok"))
            except (ValueError, AttributeError):
                run.outcome = "ok"
        else:  # /invocation/<id>/error or /init/error
            run.outcome = "error: " + body.decode(errors="replace")[:200]
        self.answer(202)
        run.done.set()


def stack(endpoint: str) -> tuple[dict, str]:
    """A table, bucket, queue and secrets on the emulator, as the SAM template makes them: the
    functions' environment and the name of the private keys' parameter (for the signers)."""
    name = "motcua-bench-" + uuid.uuid4().hex[:8]
    kw = {"endpoint_url": endpoint, "region_name": os.environ.get("AWS_REGION", "us-east-1")}
    dynamodb = boto3.client("dynamodb", **kw)
    keys = [("pk", "sk"), ("gsi1pk", "gsi1sk"), ("gsi2pk", "gsi2sk")]
    schema = lambda pk, sk: [{"AttributeName": pk, "KeyType": "HASH"}, {"AttributeName": sk, "KeyType": "RANGE"}]
    dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=schema(*keys[0]),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for pair in keys for a in pair],
        GlobalSecondaryIndexes=[{"IndexName": f"gsi{i}", "KeySchema": schema(*keys[i]),
                                 "Projection": {"ProjectionType": "ALL"}} for i in (1, 2)])
    boto3.client("s3", **kw).create_bucket(Bucket=name)
    queue = boto3.client("sqs", **kw).create_queue(QueueName=name)["QueueUrl"]
    key = subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519"], capture_output=True, text=True,
                         check=True).stdout
    public = subprocess.run(["openssl", "pkey", "-pubout"], input=key, capture_output=True, text=True,
                            check=True).stdout
    ssm = boto3.client("ssm", **kw)
    ssm.put_parameter(Name=f"/{name}/jwt", Value=key, Type="SecureString")
    ssm.put_parameter(Name=f"/{name}/jwt-public", Value=public, Type="String")
    ssm.put_parameter(Name=f"/{name}/pepper", Value=uuid.uuid4().hex, Type="SecureString")
    return {
        "MOTCUA_TABLE": name, "MOTCUA_BUCKET": name, "MOTCUA_EVENTS_QUEUE_URL": queue,
        "MOTCUA_ISSUER": "https://dichvucong.example.vn", "MOTCUA_JWT_PUBLIC_KEYS_PARAM": f"/{name}/jwt-public",
        "MOTCUA_LOOKUP_PEPPER_PARAM": f"/{name}/pepper", "MOTCUA_REGIME": "2019",
    }, f"/{name}/jwt"


# The functions given the private keys by template.yaml (the others verify with the public ones).
SIGNERS = {"motcua-identity", "motcua-outbox-relay"}


def cold_start(binary: str, event: bytes, env: dict, wait: int = 30) -> Invocation:
    run = Invocation(event)
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("RunApi", (RuntimeApi,), {"current": run}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    run.started = time.monotonic()
    if not run.done.wait(wait):
        run.outcome = f"no answer in {wait} s"
    process.kill()
    _, stderr = process.communicate()
    run.done.set()
    server.shutdown()
    server.server_close()
    if run.first is None:
        print(f"{binary}: {run.outcome}; its log ends with:\n{stderr.decode(errors='replace')[-2000:]}", flush=True)
    return run


def zipped_size(path: str) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(path, "bootstrap")
    return len(buffer.getvalue())


def main(out: str):
    resources, private_keys = stack(os.environ["AWS_ENDPOINT_URL"])
    env = dict(os.environ, **resources,
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE="512", AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
               AWS_LAMBDA_LOG_GROUP_NAME="/aws/lambda/bench", AWS_LAMBDA_LOG_STREAM_NAME="bench",
               RUST_LOG=os.environ.get("BENCH_LAMBDA_LOG", "warn"))
    rows = []
    only = sys.argv[2:]  # function names: measure only these (not written to the document)
    for function, fixture in FUNCTIONS.items():
        if only and function not in only:
            continue
        binary = f"target/lambda/{function}/bootstrap"
        event = open(f"infra/events/{fixture}.json", "rb").read()
        own = dict(env, AWS_LAMBDA_FUNCTION_NAME=function)
        if function in SIGNERS:
            own["MOTCUA_JWT_KEYS_PARAM"] = private_keys
        runs = [cold_start(binary, event, own) for _ in range(RUNS)]
        answered = [r for r in runs if r.first is not None]
        failed = [r.outcome for r in runs if r.first is None]
        init = statistics.median(r.init for r in answered) * 1000 if answered else None
        first = statistics.median(r.first for r in answered) * 1000 if answered else None
        size, zipped = os.path.getsize(binary), zipped_size(binary)
        outcome = answered[0].outcome if answered else failed[0]
        if failed:
            outcome += f"; {len(failed)} of {RUNS} starts failed ({failed[0]})"
        rows.append((function, size, zipped, init, first, outcome))
        print(f"{function}: {size / 2**20:.1f} MB ({zipped / 2**20:.1f} MB zipped), init {ms(init)} ms, "
              f"first answer {ms(first)} ms, {rows[-1][-1]}", flush=True)
    relay = None if only else relay_throughput(env, private_keys)
    if not only:
        write(out, rows, relay)


def relay_throughput(env: dict, private_keys: str) -> tuple[int, float] | None:
    """Events re-published per second by one run of the relay over RELAY_EVENTS stranded ones."""
    kw = {"endpoint_url": os.environ["AWS_ENDPOINT_URL"], "region_name": os.environ.get("AWS_REGION", "us-east-1")}
    table = boto3.resource("dynamodb", **kw).Table(env["MOTCUA_TABLE"])
    queued = int(time.time() * 1000) - 60_000
    with table.batch_writer() as batch:
        for n in range(RELAY_EVENTS):
            event_id = str(uuid.uuid4())
            batch.put_item(Item={
                "pk": f"OUTBOX#{n % OUTBOX_SHARDS}", "sk": f"{queued:013}#{event_id}",
                "data": {"id": event_id, "kind": "dossier.accept", "subject": f"d-{n}", "recipient": "congdan",
                         "title": "Tiếp nhận hồ sơ", "message": "Hồ sơ đã được tiếp nhận.",
                         "at": "2026-03-02T09:00:00+07:00", "queued_ms": queued},
            })
    event = open("infra/events/outbox-relay.json", "rb").read()
    run = cold_start("target/lambda/motcua-outbox-relay/bootstrap", event,
                     dict(env, AWS_LAMBDA_FUNCTION_NAME="motcua-outbox-relay", MOTCUA_JWT_KEYS_PARAM=private_keys),
                     wait=300)
    if run.first is None:
        return None
    republished = json.loads(run.body).get("republished", 0)
    print(f"outbox relay: {republished} events in {(run.first - run.init) * 1000:.0f} ms", flush=True)
    return republished, republished / (run.first - run.init)


def ms(value) -> str:
    return "failed" if value is None else f"{value:.1f}"


def write(out: str, rows: list, relay: tuple[int, float] | None):
    lines = [
        f"{RUNS} cold starts per function, median of those that answered; the functions' AWS services on moto on this machine "
        "(init makes its SSM and DynamoDB calls to it: on Lambda each is a TLS round trip more).",
        "",
        "| function | binary (MB) | zipped (MB) | init until the first `/next` (ms) | first answer (ms) | answer |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for function, size, zipped, init, first, outcome in rows:
        lines.append(f"| {function} | {size / 2**20:.1f} | {zipped / 2**20:.1f} | {ms(init)} | {ms(first)} | {outcome} |")
    lines.append("")
    if relay:
        requests = OUTBOX_SHARDS + 1 + -(-relay[0] // 10) + relay[0]
        lines.append(f"Outbox relay: one run re-published {relay[0]:,} stranded events from the {OUTBOX_SHARDS} shards "
                     f"(up to 250 a shard a run) at **{relay[1]:,.0f} events/s**: {requests:,} requests (a query per "
                     "shard, a queue batch per 10 events, a delete per event) to moto, which serves one request at a "
                     f"time, {1000 / (relay[1] * requests / relay[0]):.0f} ms each — the figure is moto's; the relay "
                     "publishes the shards at the same time and clears each batch's entries in parallel.")
    else:
        lines.append("Outbox relay: not measured (the relay function did not answer).")
    text = open(out).read()
    begin, end = "<!-- lambda:begin -->", "<!-- lambda:end -->"
    if begin not in text:
        text += f"\n## Lambda functions: size and cold start\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    text = head + begin + "\n" + "\n".join(lines) + "\n" + end + rest.split(end, 1)[1]
    open(out, "w").write(text)


if __name__ == "__main__":
    main(sys.argv[1])
