#!/usr/bin/env python3
"""Builds the test binaries once, then runs them in parallel lanes (`make test`).

`cargo test` runs one test binary after another. Most of ours spend their time waiting on a
real peer (dockerd, PostgreSQL, moto_server, the test API server, child processes), so on two
cores three lanes finish in about half the time. The binaries that start dockerd share one
lane: two daemons at once would fight over the bridge network. Every binary runs to the end
(no fail-fast); each one's output goes to target/test-logs/NAME.log and is printed when it
fails; the exit status is non-zero when any failed.

Usage: scripts/run-tests.py TARGET-TRIPLE [CARGO-TEST-ARGS...]
"""

import json
import os
import subprocess
import sys
import threading
import time

# Binaries that start dockerd: run one at a time.
DOCKER = ["docker", "containerd", "image"]
# Rough seconds per binary on the CI machine (measured 2026-12-07), to balance the lanes
# (unknown: 10).
WEIGHT = {
    "aws": 67, "drift": 62, "image": 51, "catalogue": 33, "containerd": 30, "cli": 29,
    "kubernetes": 28, "fail_closed": 27, "stream": 24, "reports": 25, "docker": 16,
    "plimsoll": 15, "compare": 9, "html": 7, "fix": 5, "golden": 3, "host": 1,
}
LANES = 3


def build(triple, extra):
    cmd = ["cargo", "test", "--target", triple, "--all-targets", "--no-run",
           "--message-format=json-render-diagnostics", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    found = []
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg.get("profile", {}).get("test"):
            target = msg["target"]
            found.append((target["name"], target["kind"][0], msg["executable"]))
    if proc.wait() != 0:
        sys.exit(proc.returncode)
    return found


def lanes(binaries):
    docker = [b for b in binaries if b[0] in DOCKER]
    rest = sorted((b for b in binaries if b[0] not in DOCKER),
                  key=lambda b: -WEIGHT.get(b[0], 10))
    out = [docker] + [[] for _ in range(LANES - 1)]
    load = [sum(WEIGHT.get(b[0], 25) for b in docker)] + [0] * (LANES - 1)
    for b in rest:
        i = load.index(min(load))
        out[i].append(b)
        load[i] += WEIGHT.get(b[0], 10)
    return out


def main():
    triple, extra = sys.argv[1], sys.argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    binaries = build(triple, extra)
    logs = os.path.join(root, "target", "test-logs")
    os.makedirs(logs, exist_ok=True)
    failed, lock = [], threading.Lock()

    def run_lane(lane):
        for name, kind, exe in lane:
            label = name if kind in ("lib", "test") else f"{name} ({kind})"
            path = os.path.join(logs, f"{name}-{kind}.log")
            start = time.monotonic()
            with open(path, "w") as log:
                code = subprocess.call([exe], stdout=log, stderr=subprocess.STDOUT, cwd=root)
            took = time.monotonic() - start
            with open(path, errors="replace") as log:
                text = log.read()
            results = [l for l in text.splitlines() if l.startswith("test result:")]
            with lock:
                summary = results[-1] if results else "(no test summary)"
                print(f"{label}: {summary} [{took:.1f}s]", flush=True)
                if code != 0:
                    failed.append(label)
                    print(f"---- {label} failed (exit {code}); its output ({path}):\n{text}",
                          flush=True)

    threads = [threading.Thread(target=run_lane, args=(l,)) for l in lanes(binaries) if l]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
