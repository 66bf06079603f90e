#!/usr/bin/env bash
# Builds Plimsoll and the generator (release), installs the peers, and runs the comparison:
#   benches/compare/run.sh                           # N = 1,000, 10,000, 100,000
#   benches/compare/run.sh --sizes 1000,10000 --docs docs/performance.md
# Arguments go to compare.py (see README.md in this folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/install-build-deps.sh
./scripts/install-bench-deps.sh
cargo build --release --quiet --bin plimsoll --example generate
exec python3 benches/compare/compare.py "$@"
