#!/usr/bin/env bash
# The whole test suite, as CI runs it on a fresh machine: installs what it needs, then runs
# formatting and lint checks, unit tests, port conformance suites and system tests.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never
export RUST_BACKTRACE=1

step() { printf '\n== %s ==\n' "$*"; }

step "toolchain"
cargo --version
rustup component list --installed 2>/dev/null | grep -qE '^(rustfmt|clippy)' || rustup component add rustfmt clippy || true

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (unit, conformance, system)"
cargo test --workspace --locked
