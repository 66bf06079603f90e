#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine. The manifest tests need only
# the Rust toolchain and kubectl; collectors added later (dockerd, moto_server) are installed here
# so `make test` stays the one command.
set -euo pipefail

need_apt=()
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
# tests/kubernetes.rs runs kubectl against the loopback test API server to prove the server
# speaks the real protocol. Debian packages kubectl as kubernetes-client.
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
  else
    echo "missing: ${need_apt[*]} (install them, or run as root)" >&2
    exit 1
  fi
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install the Rust toolchain (rustup)" >&2; exit 1; }
