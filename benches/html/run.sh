#!/usr/bin/env bash
# The HTML report's size and how soon it is usable (docs/performance.md): N generated
# Deployments (about 11 findings each) scanned into report.html, then opened R times in
# Chromium's headless shell; the page records, on <html data-ready>, the milliseconds from
# navigation until its findings are listed and the filters answer.
#
# Usage: benches/html/run.sh [N=1000] [R=3]   (release build; chromium-headless-shell)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000}"
R="${2:-3}"
work=target/html-bench
# shellcheck source=benches/input.sh
. benches/input.sh
report="$work/report-$N.html"
/usr/bin/time -f "render: wall %e s, peak %M kB" "$bin" scan "$input" \
  --no-config --no-state --exit-zero --format json -o "$work/report-$N.json" \
  --output "html=$report" 2>&1 | grep render
findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$work/report-$N.json")
echo "findings: $findings; report.html: $(du -k "$report" | cut -f1) kB"
for _ in $(seq "$R"); do
  profile=$(mktemp -d)
  start=$(date +%s.%N)
  ready=$(chromium-headless-shell --no-sandbox --disable-gpu --user-data-dir="$profile" \
    --dump-dom "file://$PWD/$report" 2>/dev/null | grep -o 'data-ready="[0-9]*"' | head -1)
  end=$(date +%s.%N)
  rm -rf "$profile"
  echo "opened: $ready (ms after navigation); browser run $(python3 -c "print(round($end-$start,2))") s"
done
