#!/usr/bin/env bash
# The whole test suite, as CI runs it on a fresh machine: installs what it needs (Python venvs
# for moto, cfn-lint + SAM CLI, cargo-lambda), then runs
#   1. formatting and lint checks,
#   2. unit tests, port conformance suites and system tests on the embedded runtime, the system
#      tests once under each regime (MOTCUA_TEST_REGIME=2019, the default, then 2025),
#   3. the AWS adapters' conformance suites and the same system tests on the AWS adapters,
#      against a local AWS emulator (moto), under each regime, plus the request-budget test;
#      every table write of those passes recorded with its function and checked against that
#      function's role in template.yaml,
#   4. cfn-lint and `sam validate --lint` of template.yaml,
#   5. every Lambda function built with cargo-lambda (dev profile; the release build is the bench's);
#   and, after 2, the browser tests of the portal and the officer console (tests/browser/run.sh)
#   and the API contract checked by schemathesis against the served OpenAPI document
#   (tests/schemathesis.sh, tests/schemathesis.toml).
# On the 2-core CI machine a cold run takes about 40 minutes (2,414 s measured 30/11/2026; it was
# 4,957 s before moto's transactions stopped copying the whole table, see tests/moto.sh, and the
# Lambda functions were built here with the dev profile instead of release, which the bench
# builds): lint 4 minutes, the embedded passes 7.4 with their build, the 2025 pass, the browser
# tests and schemathesis 7.2, the two moto passes 7.9 and 6.3, the template 1, Lambda 6.5.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never
export RUST_BACKTRACE=1
started=$(date +%s)
step() { printf '\n== %s (%d s) ==\n' "$*" "$(( $(date +%s) - started ))"; }

step "toolchain"
cargo --version
python3 --version
rustup component list --installed 2>/dev/null | grep -qE '^(rustfmt|clippy)' || rustup component add rustfmt clippy || true

step "system packages: poppler-utils (pdfsig checks the signed results)"
if ! command -v pdfsig >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq poppler-utils >/dev/null
fi
pdfsig -v 2>&1 | sed -n 1p  # sed reads to the end: head would close the pipe early (SIGPIPE under pipefail)

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "tests: domain, ports (embedded adapters), system tests on the embedded runtime (2019 regime)"
cargo test --workspace --locked

step "the same tests on the embedded runtime under the 2025 regime"
# The same command as above, so that the same builds are reused (`-p motcua` alone would unify
# features differently and rebuild for two minutes).
MOTCUA_TEST_REGIME=2025 cargo test --workspace --locked

step "browser tests: portal and officer console in Chromium (Playwright + axe-core)"
bash tests/browser/run.sh

step "API contract: schemathesis, every check, as a citizen and as an officer"
bash tests/schemathesis.sh

step "tests on the AWS adapters (moto): conformance suites, system tests, request budgets"
# `--workspace --test system`: the system-test binary built above, not a rebuild. One moto server
# per pass: moto keeps every table, bucket and queue in memory, and two passes of the suite in
# one server outgrow a 24 GB machine.
# Both passes record every table write with the function whose work it is (tests/system/permissions.rs).
recorded="$PWD/target/recorded-writes.tsv"
rm -f "$recorded"
MOTCUA_RECORD_WRITES="$recorded" bash tests/moto.sh bash -c '
  cargo test -p motcua-aws --features moto --locked &&
  MOTCUA_TEST_BACKEND=aws cargo test --workspace --locked --test system -- --include-ignored'

step "the same system tests on the AWS adapters under the 2025 regime (a fresh moto server)"
MOTCUA_TEST_BACKEND=aws MOTCUA_TEST_REGIME=2025 MOTCUA_RECORD_WRITES="$recorded" \
  bash tests/moto.sh cargo test --workspace --locked --test system -- --include-ignored

step "every function's table writes in both passes against its role in template.yaml"
MOTCUA_RECORDED_WRITES="$recorded" \
  cargo test --workspace --locked --test system -- --ignored --exact permissions::every_function_writes_exactly_what_its_role_allows

step "template: cfn-lint and sam validate"
bash tests/aws-checks.sh

step "Lambda functions: every function built for the Lambda target with cargo-lambda"
LAMBDA_PROFILE=dev bash tests/lambda-build.sh

step "all checks passed"
