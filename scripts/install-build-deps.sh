#!/usr/bin/env bash
# Installs what building Plimsoll needs beyond the Rust toolchain on a fresh Debian machine: a C
# compiler (ring, SQLite and mimalloc build C code). No protoc: containerd's messages are
# declared in Rust (src/collect/containerd_api.rs). Called by every make target that builds.
set -euo pipefail

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
# `install-build-deps.sh musl`: static builds (the image, the test suite) also need musl's C
# compiler wrapper and Rust's musl target.
musl="${1:-}"
if [ "$musl" = musl ]; then
  command -v musl-gcc >/dev/null 2>&1 || need_apt+=(musl-tools)
  [ -f /etc/ssl/certs/ca-certificates.crt ] || need_apt+=(ca-certificates)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
  else
    echo "missing: ${need_apt[*]} (sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install the Rust toolchain (rustup)" >&2; exit 1; }
if [ "$musl" = musl ] && ! rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl; then
  rustup target add x86_64-unknown-linux-musl
fi
