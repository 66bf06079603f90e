#!/usr/bin/env bash
# Installs what building Plimsoll needs beyond the Rust toolchain on a fresh Debian machine: a C
# compiler (ring, SQLite and mimalloc build C code). No protoc: containerd's messages are
# declared in Rust (src/collect/containerd_api.rs). Called by every make target that builds.
set -euo pipefail

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
  else
    echo "missing: ${need_apt[*]} (sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install the Rust toolchain (rustup)" >&2; exit 1; }
