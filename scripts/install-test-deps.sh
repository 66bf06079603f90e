#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine. The manifest tests need only
# the Rust toolchain and kubectl; collectors added later (dockerd, moto_server) are installed here
# so `make test` stays the one command.
set -euo pipefail

# The suite builds static (musl) binaries: tests/image.rs makes the image from the one under test.
"$(dirname "$0")/install-build-deps.sh" musl

need_apt=()
command -v make >/dev/null 2>&1 || need_apt+=(make)
# tests/kubernetes.rs runs kubectl against the loopback test API server to prove the server
# speaks the real protocol. Debian packages kubectl as kubernetes-client.
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
# tests/drift.rs checks the systemd units in deploy/systemd with `systemd-analyze verify`.
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
# tests/docker.rs starts a real dockerd (Debian docker.io) and builds its image from
# busybox-static with `docker import`.
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need_apt+=(busybox-static)
# tests/containerd.rs reads dockerd's own containerd and creates a container there with ctr
# (Debian containerd, which docker.io depends on).
command -v ctr >/dev/null 2>&1 || need_apt+=(containerd)
# ... and Podman's Docker-compatible API (`podman system service`).
command -v podman >/dev/null 2>&1 || need_apt+=(podman)
# tests/drift.rs records into a real PostgreSQL server (the shared fleet store): Debian's
# server package; the test makes its own cluster with initdb in a temporary directory and
# starts it on a free port (the package's own cluster, if any, is not used).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The HTML report is opened in a real browser (tests/html.rs): Chromium's headless shell.
command -v chromium-headless-shell >/dev/null 2>&1 || need_apt+=(chromium-headless-shell)
# tests/reports.rs checks the Prometheus metrics file with `promtool check metrics`.
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
# ... and pushes metrics to a real Pushgateway.
command -v prometheus-pushgateway >/dev/null 2>&1 || need_apt+=(prometheus-pushgateway)
# tests/aws.rs and tests/docker.rs run the remediation commands Plimsoll prints, which edit
# task definitions and daemon.json with jq.
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
  else
    echo "missing: ${need_apt[*]} (install them, or run as root)" >&2
    exit 1
  fi
fi

# tests/reports.rs validates every SARIF file with the Microsoft SARIF Multitool (GitHub's
# rules) and reads every JUnit file with a real consumer, junitparser. Pinned versions; the
# Multitool is a self-contained .NET binary from npm, kept under target/ with the build.
tools="$(cd "$(dirname "$0")/.." && pwd)/target/test-tools"
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$multitool" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm (Debian: nodejs npm)" >&2; exit 1; }
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool-linux@5.7.0
fi
# ... and validates policy report files with the models generated from the published
# PolicyReport and OpenReports CRDs.
if [ ! -d "$tools/node_modules/@kubernetes-models/kyverno" ]; then
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error @kubernetes-models/kyverno@2.0.0
fi
if ! python3 -c 'import junitparser' >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check 'junitparser==5.0.3' \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages 'junitparser==5.0.3'
fi

# tests/aws.rs runs the AWS collector against moto_server (pinned moto[server], which also
# brings boto3 for the seeding script), in a virtualenv kept under target/ with the build.
venv="$tools/venv"
if [ ! -x "$venv/bin/moto_server" ]; then
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq python3-venv; else echo "missing: python3-venv" >&2; exit 1; fi
  fi
  mkdir -p "$tools"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
fi
# tests/reports.rs validates OCSF events against the published schema: ocsf-json-schema
# carries the schema of each OCSF version and makes JSON Schema of it; jsonschema validates.
if ! "$venv/bin/python" -c 'import ocsf_json_schema, jsonschema' >/dev/null 2>&1; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'ocsf-json-schema==1.2.0' 'jsonschema==4.26.0'
fi
# tests/aws.rs runs the remediation commands Plimsoll prints with the AWS CLI itself (v1, the
# release that matches moto's botocore), against moto.
if [ ! -x "$venv/bin/aws" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'awscli==1.46.3'
fi
# tests/cli.rs runs the hooks of .pre-commit-hooks.yaml with pre-commit itself (try-repo).
if [ ! -x "$venv/bin/pre-commit" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pre-commit==4.7.0'
fi

# tests/compare.rs runs the peer comparison harness once on a small input against OPA (the
# agreement test); Checkov is installed and run by `make compare` only.
"$(dirname "$0")/install-bench-deps.sh" --opa-only
