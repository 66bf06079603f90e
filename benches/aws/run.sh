#!/usr/bin/env bash
# Times `plimsoll scan --aws` against a seeded moto_server account (the same account the tests
# use, tests/support/aws_seed.py), and Prowler's EKS, ECS and ECR checks against the same
# server when PROWLER points at a prowler binary. Prints wall time and peak RSS per run.
#
#   make release && ./scripts/install-test-deps.sh
#   benches/aws/run.sh                       # Plimsoll only
#   PROWLER=/path/to/venv/bin/prowler benches/aws/run.sh
#
# Env: RUNS (default 5), REGIONS (default "eu-west-1"), PORT (default 5177).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${RUNS:-5}"
regions="${REGIONS:-eu-west-1}"
port="${PORT:-5177}"
venv=target/test-tools/venv/bin
bin=target/release/plimsoll
[ -x "$bin" ] || { echo "build first: make release" >&2; exit 1; }
[ -x "$venv/moto_server" ] || { echo "install moto first: ./scripts/install-test-deps.sh" >&2; exit 1; }

"$venv/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$port"
region_flags=()
for r in $regions; do
  "$venv/python" tests/support/aws_seed.py "$url" "$r" >/dev/null
  region_flags+=(--region "$r")
done

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true RUST_BACKTRACE=0
echo "plimsoll scan --aws (${regions}):"
for _ in $(seq "$runs"); do
  /usr/bin/time -f '  wall %es  peak RSS %MkB' "$bin" scan --aws --endpoint-url "$url" "${region_flags[@]}" \
    --no-config --no-state --format json -o /tmp/plimsoll-aws.json --exit-zero 2>&1 | grep wall || true
done
if [ -n "${PROWLER:-}" ]; then
  echo "prowler aws --service eks ecs ecr (${regions}):"
  for _ in $(seq "$runs"); do
    rm -rf /tmp/prowler-aws
    AWS_ENDPOINT_URL="$url" AWS_DEFAULT_REGION="${regions%% *}" /usr/bin/time -f '  wall %es  peak RSS %MkB' \
      "$PROWLER" aws --service eks ecs ecr -f $regions --output-formats json-ocsf -o /tmp/prowler-aws \
      --no-banner --ignore-exit-code-3 >/dev/null 2>/tmp/prowler-aws.err || true
    grep wall /tmp/prowler-aws.err || tail -3 /tmp/prowler-aws.err
  done
fi
