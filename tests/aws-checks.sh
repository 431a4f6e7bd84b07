#!/usr/bin/env bash
# Lints the AWS SAM template offline: `cfn-lint template.yaml` and
# `sam validate --lint --template-file template.yaml`. Installs cfn-lint and aws-sam-cli into
# .venv-sam (a Python venv in the repository root, ignored by git) the first time (≈ 90 s).
# Needs no AWS account: a region and dummy credentials are set because the tools insist on
# having some. Exits non-zero on any lint error.
#
# The route equality between template.yaml and the route table is checked by
# `cargo test --test system template_routes::`, not here.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${MOTCUA_SAM_VENV:-$PWD/.venv-sam}"
if [[ ! -x "$VENV/bin/sam" || ! -x "$VENV/bin/cfn-lint" ]]; then
  echo "== installing cfn-lint and aws-sam-cli into $VENV =="
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install --quiet --disable-pip-version-check cfn-lint aws-sam-cli
fi

# Offline, deterministic, no telemetry, never a real account.
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
unset AWS_PROFILE
export SAM_CLI_TELEMETRY=0 SAM_CLI_CONTEXTS=0
export PATH="$VENV/bin:$PATH"

echo "== cfn-lint $(cfn-lint --version 2>&1) =="
# Errors and warnings both fail (exit codes 2 and 4); informational findings (8) are printed.
# us-east-1 as the brief of these checks says, ap-southeast-1 because that is where MotCua is
# deployed (resource types and properties differ a little between regions).
cfn-lint --regions us-east-1 ap-southeast-1 -- template.yaml && rc=0 || rc=$?
if (( rc & 2 || rc & 4 || rc & 1 )); then
  echo "cfn-lint failed (exit $rc)" >&2
  exit 1
fi

# The WAF web ACL of the CloudFront distribution: a plain CloudFormation stack in us-east-1.
cfn-lint --regions us-east-1 -- infra/waf.yaml && rc=0 || rc=$?
if (( rc & 2 || rc & 4 || rc & 1 )); then
  echo "cfn-lint failed on infra/waf.yaml (exit $rc)" >&2
  exit 1
fi

echo "== $(sam --version) validate --lint =="
sam validate --lint --template-file template.yaml

# infra/samconfig.toml: each environment's parameter_overrides name only template parameters
# and give every parameter that has no default, with values the template accepts.
echo "== infra/samconfig.toml parameters =="
"$VENV/bin/python" - <<'PY'
import re, shlex, sys, tomllib
from samtranslator.yaml_helper import yaml_parse
params = yaml_parse(open("template.yaml").read())["Parameters"]
config = tomllib.load(open("infra/samconfig.toml", "rb"))
failed = False
for env in ("dev", "prod"):
    given = dict(kv.split("=", 1) for kv in shlex.split(config[env]["deploy"]["parameters"]["parameter_overrides"]))
    unknown = sorted(set(given) - set(params))
    missing = sorted(p for p, spec in params.items() if "Default" not in spec and p not in given)
    invalid = sorted(
        p for p, v in given.items() if p in params
        and (("AllowedPattern" in params[p] and not re.fullmatch(params[p]["AllowedPattern"], v))
             or ("AllowedValues" in params[p] and v not in params[p]["AllowedValues"]))
    )
    if unknown or missing or invalid or given.get("EnvironmentName") != env:
        failed = True
        print(f"{env}: unknown {unknown}, missing {missing}, invalid {invalid}, EnvironmentName={given.get('EnvironmentName')}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY

# The CloudFront function of /api/*: run with node over a viewer request that forged the headers.
echo "== CloudFront function ApiForwardedHost =="
code=$("$VENV/bin/python" -c 'from samtranslator.yaml_helper import yaml_parse; print(yaml_parse(open("template.yaml").read())["Resources"]["ApiForwardedHost"]["Properties"]["FunctionCode"])')
node -e "$code
const r = handler({ request: { headers: { host: { value: 'dichvucong.thanhhoa.gov.vn' },
  'x-forwarded-host': { value: 'evil.example' }, 'x-forwarded-proto': { value: 'http' } } } });
if (r.headers['x-forwarded-host'].value !== 'dichvucong.thanhhoa.gov.vn' || r.headers['x-forwarded-proto'].value !== 'https') {
  console.error('unexpected headers', JSON.stringify(r.headers)); process.exit(1);
}"

# The event fixtures are JSON (the handlers' tests parse them with aws_lambda_events).
echo "== infra/events/*.json parse =="
for f in infra/events/*.json; do
  python3 -m json.tool "$f" >/dev/null || { echo "invalid JSON: $f" >&2; exit 1; }
done

echo "aws checks: ok"
