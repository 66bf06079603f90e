#!/usr/bin/env bash
# The cost of the state store on an unchanged re-run, measured against the same scan without
# a store, interleaved R times (docs/performance.md): N generated Deployments are recorded
# once into a fresh SQLite file, then `--no-state` and `--state FILE` alternate; medians and
# means of wall time and peak RSS.
#
# Usage: benches/store/unchanged.sh [N=10000] [R=8]   (release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-10000}"
R="${2:-8}"
work=target/store-bench
# shellcheck source=benches/input.sh
. benches/input.sh
db="$work/unchanged.db"
rm -f "$db" "$db-wal" "$db-shm"
scan() { "$bin" scan "$input" --no-config --format json -o /dev/null --exit-zero "$@"; }
scan --state "$db" >/dev/null 2>&1
for _ in $(seq "$R"); do
  /usr/bin/time -f "no-store %e %M" "$bin" scan "$input" --no-config --format json -o /dev/null \
    --exit-zero --no-state 2>&1 >/dev/null | grep '^no-store'
  /usr/bin/time -f "sqlite %e %M" "$bin" scan "$input" --no-config --format json -o /dev/null \
    --exit-zero --state "$db" 2>&1 >/dev/null | grep '^sqlite'
done | python3 -c '
import sys, statistics as st
runs = {}
for line in sys.stdin:
    label, wall, peak = line.split()
    runs.setdefault(label, []).append((float(wall), int(peak) / 1024))
for label, v in runs.items():
    w = [x[0] for x in v]
    m = [x[1] for x in v]
    print(f"{label:9} wall median {st.median(w):.2f} s, mean {st.mean(w):.3f} s; "
          f"peak median {st.median(m):.1f} MB; walls {w}")
'
