#!/usr/bin/env bash
# What the state store costs (issue 30, docs/performance.md): N generated Deployments scanned
# with --no-state, then into a fresh SQLite store and a fresh PostgreSQL database (a temporary
# cluster made with initdb and started here), three times each: the first run records, the
# second (unchanged input) compares and records, the third has 1 % of the images changed (a
# night's churn). Wall time and peak RSS from /usr/bin/time; store growth of the unchanged
# re-run. Repeats R times.
#
# Usage: benches/store/run.sh [N=10000] [R=3]   (release build; PostgreSQL server package)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-10000}"
R="${2:-3}"
work=target/store-bench
# shellcheck source=benches/input.sh
. benches/input.sh

# shellcheck source=benches/store/pg.sh
. benches/store/pg.sh

# One path for all three runs (the path is the scope): the input, then every hundredth image
# changed.
original="$input"
input="$work/current-$N.yaml"
changed="$work/changed-$N.yaml"
python3 - "$original" "$changed" <<'PY'
import re, sys
n = 0
def one(m):
    global n
    n += 1
    return m.group(0).replace("image: ", "image: mirror.example/") if n % 100 == 0 else m.group(0)
open(sys.argv[2], "w").write(re.sub(r"image: \S+", one, open(sys.argv[1]).read()))
PY

measure() { # label, then the scan's extra arguments
  local label="$1"; shift
  /usr/bin/time -f "$label wall %e s peak %M kB" "$bin" scan "$input" --no-config \
    --format json -o /dev/null --exit-zero "$@" 2>&1 >/dev/null | grep -E "wall"
}

for r in $(seq "$R"); do
  echo "round $r (N=$N)"
  cp "$original" "$input"
  measure "  no store            " --no-state
  db="$work/state-$r.db"; rm -f "$db" "$db-wal" "$db-shm"
  measure "  sqlite  first run   " --state "$db"
  before=$(du -k "$db" | cut -f1)
  measure "  sqlite  unchanged   " --state "$db"
  echo "  sqlite  growth of the unchanged re-run: $(( $(du -k "$db" | cut -f1) - before )) kB (file $(du -k "$db" | cut -f1) kB)"
  cp "$changed" "$input"
  measure "  sqlite  1 %% changed " --state "$db"
  cp "$original" "$input"
  name="bench_$r"
  psql_ -d postgres -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:$port/$name?sslmode=disable"
  measure "  postgres first run  " --state "$url"
  size() { psql_ -d "$name" -c "SELECT pg_database_size('$name') / 1024"; }
  before=$(size)
  measure "  postgres unchanged  " --state "$url"
  echo "  postgres growth of the unchanged re-run: $(( $(size) - before )) kB (database $(size) kB)"
  cp "$changed" "$input"
  measure "  postgres 1 %% changed" --state "$url"
  cp "$original" "$input"
done
