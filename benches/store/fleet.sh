#!/usr/bin/env bash
# The fleet view over a large store (issue 30): 1,000 scopes x 30 runs, each run with the 59
# controls of cis-kubernetes-1.12 and its count of new findings, in a fresh SQLite file and a fresh
# PostgreSQL database (a temporary cluster); then `plimsoll fleet`, `--matrix` and
# `--trend 30` timed on each. Usage: benches/store/fleet.sh [SCOPES=1000] [RUNS=30]
set -euo pipefail
cd "$(dirname "$0")/../.."
S="${1:-1000}"; R="${2:-30}"
cargo build --release --quiet --bin plimsoll
bin="$PWD/target/release/plimsoll"
# shellcheck source=benches/store/pg.sh
. benches/store/pg.sh
work="$pgdir"
url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
db="$work/fleet.db"

# The schema (and the control ids) from one real run into each store.
for st in "$db" "$url"; do
  "$bin" scan fixtures/demo --no-config --state "$st" --benchmark cis-kubernetes-1.12 \
    -o /dev/null --exit-zero
done
# The same rows into both: plain SQL both dialects accept.
fill="
CREATE TABLE ctl AS SELECT DISTINCT control_id FROM run_controls;
DELETE FROM run_controls; DELETE FROM run_resources; DELETE FROM set_resources;
DELETE FROM finding_sets; DELETE FROM finding_texts; DELETE FROM bodies; DELETE FROM runs;
"
python3 - "$S" "$R" > "$work/fill.sql" <<'PY'
import sys
S, R = int(sys.argv[1]), int(sys.argv[2])
print("BEGIN;")
for s in range(S):
    rows = []
    for k in range(R):
        i = s * R + k + 1
        new = "NULL" if k == 0 else str(k % 3)
        rows.append(f"({i}, 'kubernetes:cluster-{s}', '2026-11-{1 + k % 30:02d}T02:17:00Z', 'x', '0.1.0', 'p', '[]', 600, 500, 100, 0, 0, 0, '{{\"high\":10}}', 'k{i}', {new})")
    print("INSERT INTO runs (id, scope, started_at, recorded_at, tool_version, policy_digest, sources, resources, passed, failed, waived, not_assessed, errors, failed_by_severity, run_key, new_findings) OVERRIDING_CLAUSE VALUES " + ", ".join(rows) + ";")
    for k in range(R):
        i = s * R + k + 1
        print(f"INSERT INTO run_controls SELECT {i}, 'cis-kubernetes-1.12', control_id, 't', CASE WHEN length(control_id) % 3 = {k % 3} THEN 'FAIL' ELSE 'PASS' END FROM ctl;")
print("UPDATE runs SET controls_passed = (SELECT COUNT(*) FROM run_controls c WHERE c.run_id = runs.id AND c.status = 'PASS'), controls_failed = (SELECT COUNT(*) FROM run_controls c WHERE c.run_id = runs.id AND c.status = 'FAIL');")
print("COMMIT;")
PY
python3 - "$db" "$work/fill.sql" "$fill" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript(sys.argv[3])
c.executescript(open(sys.argv[2]).read().replace("OVERRIDING_CLAUSE ", ""))
PY
psql_ -d postgres -c "$fill"
sed 's/OVERRIDING_CLAUSE/OVERRIDING SYSTEM VALUE/' "$work/fill.sql" | psql_ -d postgres -f - >/dev/null
psql_ -d postgres -c "ANALYZE"
for st in "$db" "$url"; do
  for view in "" "--matrix" "--trend $R"; do
    /usr/bin/time -f "$(basename "${st%%\?*}") fleet $view: %e s, peak %M kB" \
      "$bin" fleet --state "$st" --format json $view > "$work/out.json"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  rows:", len(d["controls"] if isinstance(d, dict) and "controls" in d else d))' "$work/out.json"
  done
done
