#!/usr/bin/env bash
# What the state store costs (issue 30, docs/performance.md): N generated Deployments scanned
# with --no-state, then into a fresh SQLite store and a fresh PostgreSQL database (a temporary
# cluster made with initdb and started here), twice each: the first run records, the second
# (unchanged input) compares and records. Wall time and peak RSS from /usr/bin/time; store
# growth of the unchanged re-run. Repeats R times.
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

measure() { # label, then the scan's extra arguments
  local label="$1"; shift
  /usr/bin/time -f "$label wall %e s peak %M kB" "$bin" scan "$input" --no-config \
    --format json -o /dev/null --exit-zero "$@" 2>&1 >/dev/null | grep -E "wall"
}

for r in $(seq "$R"); do
  echo "round $r (N=$N)"
  measure "  no store            " --no-state
  db="$work/state-$r.db"; rm -f "$db" "$db-wal" "$db-shm"
  measure "  sqlite  first run   " --state "$db"
  before=$(du -k "$db" | cut -f1)
  measure "  sqlite  unchanged   " --state "$db"
  echo "  sqlite  growth of the unchanged re-run: $(( $(du -k "$db" | cut -f1) - before )) kB (file $(du -k "$db" | cut -f1) kB)"
  name="bench_$r"
  psql_ -d postgres -c "CREATE DATABASE $name"
  url="postgres://postgres@127.0.0.1:$port/$name?sslmode=disable"
  measure "  postgres first run  " --state "$url"
  size() { psql_ -d "$name" -c "SELECT pg_database_size('$name') / 1024"; }
  before=$(size)
  measure "  postgres unchanged  " --state "$url"
  echo "  postgres growth of the unchanged re-run: $(( $(size) - before )) kB (database $(size) kB)"
done
