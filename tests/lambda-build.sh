#!/usr/bin/env bash
# Builds every Lambda function (`--features lambda`) with cargo-lambda, as `sam build`
# (BuildMethod rust-cargolambda) does, and checks each bootstrap binary exists.
#
# Profile: LAMBDA_PROFILE=release (the default, what `sam build` deploys) or dev. The test
# command builds with dev: it checks that every function builds and links for the Lambda
# target in 7 minutes where the optimised build takes 13–23 on the 2-core CI machine; the
# release binaries' sizes and start times are the bench's (`bash bench/run.sh`).
#
# Architecture: LAMBDA_ARCH=x86_64 (the default, as the template's `Architecture` parameter) or arm64. CI builds the
# host's architecture (x86_64) because the aarch64 Rust target cannot be fetched from the
# registries CI is allowed to reach; `docs/deploy.md` builds arm64 for deployment.
# Installs cargo-lambda (and zig) into .venv-lambda (git-ignored) on first use (≈ 15 s).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$root/.venv-lambda"
if [[ ! -x "$venv/bin/cargo-lambda" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet cargo-lambda
fi
export PATH="$venv/bin:$PATH"

arch_flag=()
case "${LAMBDA_ARCH:-x86_64}" in
  arm64) arch_flag=(--arm64) ;;
  x86_64) arch_flag=(--x86-64) ;;
  *) echo "LAMBDA_ARCH must be arm64 or x86_64" >&2; exit 2 ;;
esac

functions=(catalogue submission upload status feedback reporting officer identity calendar meta events integration)
features=$(printf 'motcua-fn-%s/lambda,' "${functions[@]}")
packages=()
for f in "${functions[@]}"; do packages+=(-p "motcua-fn-$f"); done
start=$(date +%s)
case "${LAMBDA_PROFILE:-release}" in
  release) profile_flag=(--release) ;;
  dev) profile_flag=(--profile dev) ;;
  *) echo "LAMBDA_PROFILE must be release or dev" >&2; exit 2 ;;
esac
cargo lambda build "${profile_flag[@]}" --locked "${arch_flag[@]}" "${packages[@]}" --bins --features "${features%,}"
echo "lambda build: $(( $(date +%s) - start )) s"

missing=0
for bin in motcua-catalogue motcua-submission motcua-upload motcua-status motcua-feedback motcua-reporting \
           motcua-officer motcua-identity motcua-calendar motcua-meta motcua-events motcua-outbox-relay \
           motcua-integration motcua-integration-worker; do
  if [[ -f "target/lambda/$bin/bootstrap" ]]; then
    printf '%-22s %s\n' "$bin" "$(du -h "target/lambda/$bin/bootstrap" | cut -f1)"
  else
    echo "missing: target/lambda/$bin/bootstrap" >&2
    missing=1
  fi
done
exit "$missing"
