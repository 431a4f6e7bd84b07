#!/usr/bin/env bash
# The Lambda part of the bench (issue 14, item 6): builds every function as `sam build` deploys
# it (release profile, cargo-lambda, x86_64 here), then measures each bootstrap's size and cold
# start under a local Lambda Runtime API with its AWS services on moto (bench/lambda_start.py),
# and writes the table into docs/benchmarks.md. `bash bench/run.sh` ends with it.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-docs/benchmarks.md}

echo "== Lambda functions: release build (cargo-lambda)"
LAMBDA_PROFILE=release bash tests/lambda-build.sh

echo "== Lambda functions: cold start under a local Runtime API"
. tests/moto.sh
"$MOTO_VENV/bin/python" bench/lambda_start.py "$OUT"
