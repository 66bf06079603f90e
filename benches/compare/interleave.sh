#!/usr/bin/env bash
# Interleaved A/B runs of several Plimsoll binaries on one input: the machine's walls drift
# 10-15 % between minutes (page-cache write-back of earlier reports shows as sys time), so
# binaries are compared run for run, not against figures from another time.
#
#   benches/compare/interleave.sh [-n RUNS] INPUT BINARY...
#
# Each run: the previous report removed, `sync`, then `BINARY -v scan INPUT --no-config
# --no-state --format json -o REPORT --exit-zero` under /usr/bin/time. Prints one line per
# run (phases from -v, wall, user and sys time, peak RSS) and the md5 of each binary's report
# of the last round without its startedAt/durationMs, keys sorted: equal md5s, equal reports.
set -euo pipefail
runs=3
if [[ "${1:-}" == "-n" ]]; then runs=$2; shift 2; fi
if [[ $# -lt 2 ]]; then
  echo "usage: $0 [-n RUNS] INPUT BINARY..." >&2
  exit 2
fi
input=$1; shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One report path for all runs: a second 658 MB report left in the page cache made the next
# runs' writing phase 4-6 s instead of 0.6 s (sys time), whichever binary ran.
report="$out/report.json"
md5s=()
for round in $(seq "$runs"); do
  for bin in "$@"; do
    name=$(basename "$bin")
    rm -f "$report"; sync; sleep 1
    line=$(/usr/bin/time -f "wall %e user %U sys %S peak %M KiB" "$bin" -v scan "$input" \
        --no-config --no-state --format json -o "$report" --exit-zero 2>&1 \
      | sed -n 's/.*\(collected\|evaluated\|reported\)[^0-9]*[0-9]* *\(resources \|check x resource pairs \)*in \([0-9.]*s\).*/\1 \3/p; /^wall /p' \
      | tr '\n' ' ')
    echo "$name: $line"
    if [[ $round == "$runs" ]]; then
      md5s+=("$name: report md5 $(python3 - "$report" <<'PY'
import hashlib, json, sys
report = json.load(open(sys.argv[1]))
report["scan"].pop("startedAt", None)
report["scan"].pop("durationMs", None)
print(hashlib.md5(json.dumps(report, sort_keys=True).encode()).hexdigest())
PY
)")
    fi
  done
done
rm -f "$report"
printf '%s\n' "${md5s[@]}"
