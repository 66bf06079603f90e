#!/usr/bin/env bash
# What the state store adds to a scan, measured against the same scan without a store,
# interleaved R times (docs/performance.md). Each round runs, in turn:
#   no-store   the input, --no-state;
#   unchanged  the input into a store holding its previous run;
#   changed    into another store, the input with every hundredth image changed to one
#              named for the round (each run differs from the one before by 1 %, in a way
#              the store has not seen: a night's churn);
#   first      into a fresh store (a scope's first run).
# Medians and means of wall time and peak RSS.
#
# Usage: benches/store/unchanged.sh [N=10000] [R=8]   (release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-10000}"
R="${2:-8}"
work=target/store-bench
# shellcheck source=benches/input.sh
. benches/input.sh
changed_input="$work/churn-$N.yaml"
churn() { # round: the input with every hundredth image moved to a registry named for it
  python3 - "$input" "$changed_input" "$1" <<'PY'
import re, sys
n = 0
def one(m):
    global n
    n += 1
    return m.group(0).replace("image: ", f"image: mirror-{sys.argv[3]}.example/") if n % 100 == 0 else m.group(0)
open(sys.argv[2], "w").write(re.sub(r"image: \S+", one, open(sys.argv[1]).read()))
PY
}
db="$work/unchanged.db"; churn="$work/churn.db"; fresh="$work/fresh.db"
rm -f "$db"* "$churn"*
scan() { "$bin" scan "$1" --no-config --format json -o /dev/null --exit-zero "${@:2}"; }
cp "$input" "$changed_input"
scan "$input" --state "$db" >/dev/null 2>&1
scan "$changed_input" --state "$churn" >/dev/null 2>&1
timed() { # label, input, then the scan's extra arguments
  /usr/bin/time -f "$1 %e %M" "$bin" scan "$2" --no-config --format json -o /dev/null \
    --exit-zero "${@:3}" 2>&1 >/dev/null | grep "^$1 "
}
for r in $(seq "$R"); do
  timed no-store "$input" --no-state
  timed unchanged "$input" --state "$db"
  churn "$r"
  timed changed "$changed_input" --state "$churn"
  rm -f "$fresh"*
  timed first "$input" --state "$fresh"
done | python3 -c '
import sys, statistics as st
runs = {}
for line in sys.stdin:
    label, wall, peak = line.split()
    runs.setdefault(label, []).append((float(wall), int(peak) / 1024))
base_w = st.median(x[0] for x in runs["no-store"])
base_m = st.median(x[1] for x in runs["no-store"])
for label, v in runs.items():
    w = [x[0] for x in v]
    m = [x[1] for x in v]
    print(f"{label:9} wall median {st.median(w):.2f} s (+{100 * (st.median(w) / base_w - 1):.0f} %), "
          f"mean {st.mean(w):.3f} s; peak median {st.median(m):.1f} MB ({st.median(m) / base_m:.2f}x); walls {w}")
'
