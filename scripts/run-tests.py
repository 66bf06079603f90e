#!/usr/bin/env python3
"""Builds the test binaries once, then runs them in parallel lanes (`make test`).

`cargo test` runs one test binary after another. Most of ours spend their time waiting on a
real peer (dockerd, PostgreSQL, moto_server, the test API server, child processes), so on two
cores three lanes finish in about half the time. Lanes take the longest binary left as they
free up. The binaries that start dockerd run one at a time: two daemons at once would fight
over the bridge network. Every binary runs to the end
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
# Rough seconds per binary on the CI machine (measured 2026-12-07, fresh-clone .ci/run), so
# the longest start first (unknown: 25).
WEIGHT = {
    "aws": 115, "drift": 92, "catalogue": 60, "image": 58, "reports": 48, "cli": 43,
    "stream": 43, "kubernetes": 43, "containerd": 40, "fail_closed": 40, "plimsoll": 31,
    "docker": 19, "fix": 15, "html": 13, "compare": 12, "golden": 4, "host": 2,
}
# Binaries run at once. Most wait on a peer most of the time, so on two cores more lanes than
# cores finish sooner (PLIMSOLL_TEST_LANES to try another number).
LANES = int(os.environ.get("PLIMSOLL_TEST_LANES", "3"))


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


class Queue:
    """The binaries left, longest first; a lane takes the first it may run (one dockerd
    binary at a time). Lanes that take work as they free up finish closer together than
    lanes fixed in advance from estimates."""

    def __init__(self, binaries):
        self.left = sorted(binaries, key=lambda b: -WEIGHT.get(b[0], 25))
        self.docker_busy = False
        self.cond = threading.Condition()

    def take(self):
        with self.cond:
            while True:
                if not self.left:
                    return None
                for i, b in enumerate(self.left):
                    if b[0] in DOCKER and self.docker_busy:
                        continue
                    if b[0] in DOCKER:
                        self.docker_busy = True
                    return self.left.pop(i)
                self.cond.wait()

    def done(self, b):
        with self.cond:
            if b[0] in DOCKER:
                self.docker_busy = False
            self.cond.notify_all()


def main():
    triple, extra = sys.argv[1], sys.argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    binaries = build(triple, extra)
    logs = os.path.join(root, "target", "test-logs")
    os.makedirs(logs, exist_ok=True)
    failed, lock = [], threading.Lock()

    queue = Queue(binaries)

    def run_lane():
        while (b := queue.take()) is not None:
            name, kind, exe = b
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
            queue.done(b)

    threads = [threading.Thread(target=run_lane) for _ in range(LANES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
