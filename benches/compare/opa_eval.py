"""Evaluates Plimsoll's Rego checks with OPA (opa-golib-python-bindings: OPA as a Go shared
library behind ctypes), one query per resource, the way Plimsoll evaluates them: a resource is
judged only by the checks whose `kinds` include its `source/kind`.

    python3 opa_eval.py --opa-path DIR --plan plan.json --inputs inputs.jsonl --threads 2

`plan.json` (written by compare.py) lists the library modules, the checks (id, package, kinds,
file) and `data` (`config`, `inventory`). `inputs.jsonl` has one policy input per line (the
resource object with `id` and `source`, as Plimsoll builds it). Prints one JSON line:
evaluation seconds, total seconds, resources, and violations per check id. Each worker thread
has its own engine: the bindings serialise evaluations per engine, and release the GIL inside
the Go call, so two engines use two cores.
"""

import argparse
import json
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opa-path", required=True, help="directory holding opa_bindings")
    ap.add_argument("--plan", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, args.opa_path)
    from opa_bindings import OpaEngine  # noqa: E402 (path set above)

    started = time.perf_counter()
    with open(args.plan) as f:
        plan = json.load(f)
    # One query per kind: an object of every applicable check's deny set. The query text is
    # fixed per kind, so OPA prepares it once and caches it.
    by_kind = {}
    for c in plan["checks"]:
        for k in c["kinds"]:
            by_kind.setdefault(k, []).append(c)
    queries = {
        k: "x := {" + ", ".join(f'"{c["id"]}": data.{c["package"]}.deny' for c in cs) + "}"
        for k, cs in by_kind.items()
    }

    def engine():
        e = OpaEngine()
        for path in plan["modules"]:
            with open(path) as f:
                e.add_policy(path, f.read())
        e.add_data(plan["data"])
        return e

    with open(args.inputs, "rb") as f:
        lines = f.read().splitlines()
    # Selectors are read without parsing the whole input in Python: the harness writes
    # `{"id": ..., "source": ..., "kind": ...}` first on each line as a prefix object.
    work = []
    for line in lines:
        head, _, body = line.partition(b"\t")
        work.append((json.loads(head)["selector"], body))
    engines = [engine() for _ in range(args.threads)]
    counts = {c["id"]: 0 for c in plan["checks"]}
    lock = threading.Lock()
    eval_started = time.perf_counter()

    def run(worker):
        e = engines[worker]
        local = {}
        for i in range(worker, len(work), args.threads):
            selector, body = work[i]
            q = queries.get(selector)
            if q is None:
                continue
            # The raw input line goes straight to Go: no Python parse or dump per resource,
            # the cheapest path these bindings offer.
            rs = e._eval_result(e._call(e._lib.OpaEvalQuery, q.encode(), body, 0, 0))
            x = rs[0]["bindings"]["x"] if rs else {}
            for cid, deny in x.items():
                local[cid] = local.get(cid, 0) + len(deny)
        with lock:
            for cid, n in local.items():
                counts[cid] += n

    threads = [threading.Thread(target=run, args=(w,)) for w in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "eval_seconds": done - eval_started,
                "total_seconds": done - started,
                "resources": len(work),
                "violations": counts,
            }
        )
    )


if __name__ == "__main__":
    main()
