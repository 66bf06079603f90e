#!/usr/bin/env bash
# The peers of the comparison harness (benches/compare/), kept under target/bench-tools:
#  * OPA 1.20 as a Go shared library with ctypes bindings (PyPI opa-golib-python-bindings).
#    Its metadata asks for Python >= 3.14 but its ctypes layer loads on 3.11, so the wheel is
#    downloaded for 3.14 and unpacked rather than installed.
#  * Checkov (PyPI), pinned, in its own virtualenv (its pins conflict with moto's).
# Idempotent: does nothing when both are present. install-test-deps.sh calls it with
# --opa-only: the test suite runs the harness once on a small input against OPA alone.
set -euo pipefail
opa_only=false
[ "${1:-}" = "--opa-only" ] && opa_only=true
cd "$(dirname "$0")/.."
tools="${BENCH_TOOLS:-target/bench-tools}"
mkdir -p "$tools"

if [ ! -f "$tools/opa/opa_bindings/libopabridge.so" ]; then
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --python-version 3.14 --only-binary=:all: 'opa-golib-python-bindings==0.4.4' -d "$tmp"
  rm -rf "$tools/opa"
  python3 -m zipfile -e "$tmp"/opa_golib_python_bindings-*.whl "$tools/opa"
  rm -rf "$tmp"
fi

if [ "$opa_only" = false ] && [ ! -x "$tools/venv/bin/checkov" ]; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq python3-venv; else echo "missing: python3-venv" >&2; exit 1; fi
  fi
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check 'checkov==3.3.30'
fi
