"""Side-by-side comparison of Plimsoll, OPA and Checkov on the same generated cluster.

For each size N it generates N resources (`examples/generate --cluster N`), then measures in
one run: Plimsoll with the whole catalogue and with the 12-check subset, OPA on the same 12
Rego checks and the same inputs, and Checkov (`--framework kubernetes`) on the same YAML.
Each tool runs as its own process under /usr/bin/time (wall time and peak RSS). Plimsoll's
and OPA's violation counts on the subset must be equal: a difference fails the run.

See README.md in this folder for how to run it and what every column means.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The 12 typical workload checks of shared/reference/performance.md: privileged, root user,
# missing limits, host namespaces, hostPath, privilege escalation, capabilities, read-only
# root filesystem, image tag, host ports, service-account token automount, default namespace.
SUBSET = [
    "PLM-K8S-0001",  # privileged
    "PLM-K8S-0004",  # host network namespace
    "PLM-K8S-0005",  # privilege escalation
    "PLM-K8S-0006",  # root user
    "PLM-K8S-0008",  # added capabilities
    "PLM-K8S-0011",  # hostPath
    "PLM-K8S-0012",  # host ports
    "PLM-K8S-0020",  # read-only root filesystem
    "PLM-K8S-0024",  # memory limit
    "PLM-K8S-0025",  # image tag latest
    "PLM-K8S-0029",  # service-account token automount
    "PLM-K8S-0030",  # default namespace
]

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def timed(cmd, env=None, stdout=subprocess.DEVNULL, ok=(0,)):
    """Runs cmd under /usr/bin/time; returns (wall s, peak RSS MiB, stderr text, stdout).
    Exit codes other than `ok` stop the harness with the tool's stderr."""
    # Every run starts with the page cache written back: a previous run's report still being
    # written back made a 100,000-resource scan's own report writing up to 7x slower.
    os.sync()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(
            ["/usr/bin/time", "-o", tf.name, "-f", "%e %M"] + cmd,
            env={**os.environ, "RUST_BACKTRACE": "0", **(env or {})},
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall, rss = tf.read().split()[-2:]
    if p.returncode not in ok:
        sys.exit(f"{cmd[0]} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    out = p.stdout if stdout == subprocess.PIPE else None
    return float(wall), int(rss) / 1024, ANSI.sub("", p.stderr), out


def phase(stderr, word):
    m = re.search(rf"{word} .*? in ([0-9.]+)s", stderr)
    return float(m.group(1)) if m else None


def plimsoll(bin_, path, out, checks=None, threads=None):
    cmd = [bin_, "-v", "scan", str(path), "--no-config", "--no-state", "--format", "json"]
    cmd += ["-o", str(out), "--exit-zero"]
    for c in checks or []:
        cmd += ["--check", c]
    env = {"RAYON_NUM_THREADS": str(threads)} if threads else None
    # A new file each time, removed once read (a 658 MB report at 100,000 resources).
    out.unlink(missing_ok=True)
    wall, rss, err, _ = timed(cmd, env)
    with open(out) as f:
        report = json.load(f)
    out.unlink()
    fails = {}
    for x in report["findings"]:
        if x["status"] == "FAIL":
            fails[x["checkId"]] = fails.get(x["checkId"], 0) + 1
    return {
        "wall": wall,
        "rss": rss,
        "parse": phase(err, "collected"),
        "eval": phase(err, "evaluated"),
        "findings": sum(fails.values()),
        "by_check": fails,
        "checks": len(report["checks"]),
    }


def opa_inputs(bin_, path, work, inventory_kinds):
    """The policy inputs Plimsoll evaluates, one per line, from `plimsoll collect` (untimed),
    and `data.inventory` as Plimsoll builds it: every resource of the kinds the checks ask for."""
    snap = work / "snapshot.json"
    subprocess.run(
        [bin_, "collect", str(path), "-o", str(snap)],
        check=True,
        env={**os.environ, "RUST_BACKTRACE": "0"},
        stderr=subprocess.DEVNULL,
    )
    with open(snap) as f:
        resources = json.load(f)["resources"]
    snap.unlink()
    lines = work / "inputs.jsonl"
    inventory = {k: [] for k in inventory_kinds}
    with open(lines, "w") as f:
        for r in resources:
            r.pop("location", None)
            selector = f'{r["source"]}/{r["kind"]}'
            if selector in inventory:
                inventory[selector].append(r)
            # A small header for the runner's kind selection, then the input itself.
            head = json.dumps({"selector": selector})
            f.write(head + "\t" + json.dumps(r, separators=(",", ":")) + "\n")
    return lines, len(resources), inventory


def inventory_index(inventory):
    """`data.index` and `data.subjects` as Plimsoll builds them from the inventory
    (src/engine/mod.rs, index_inventory): resources by selector, namespace and name (the first
    of a duplicate name wins), and the RoleBindings and ClusterRoleBindings naming each subject
    by subject kind, namespace and name."""
    index, subjects = {}, {}
    for selector, resources in inventory.items():
        by_ns = index.setdefault(selector, {})
        binding = selector in ("kubernetes/RoleBinding", "kubernetes/ClusterRoleBinding")
        for r in resources:
            meta = r.get("metadata", {})
            ns = meta.get("namespace", "")
            by_ns.setdefault(ns, {}).setdefault(meta.get("name", ""), r)
            for s in (r.get("subjects") or []) if binding else []:
                kind = s.get("kind", "")
                sns = s.get("namespace", "") or (ns if kind == "ServiceAccount" else "")
                names = subjects.setdefault(kind, {}).setdefault(sns, {})
                names.setdefault(s.get("name", ""), []).append(r)
    return index, subjects


def subset_checks(bin_):
    """The 12 checks as OPA needs them: package, kinds, file and the inventory kinds they read
    (from the METADATA block, which `policies list` does not print)."""
    listing = subprocess.run(
        [bin_, "policies", "list", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    catalogue = {c["id"]: c for c in json.loads(listing.stdout)}
    checks = []
    for cid in SUBSET:
        c = catalogue[cid]
        text = (ROOT / c["file"]).read_text()
        package = re.search(r"^package\s+([\w.]+)", text, re.M).group(1)
        inv = re.search(r"^#\s+inventory:\s*\[([^\]]*)\]", text, re.M)
        inventory = [k.strip() for k in inv.group(1).split(",")] if inv else []
        checks.append({"id": cid, "package": package, "kinds": c["kinds"], "file": c["file"],
                       "inventory": inventory})
    return checks


def opa(opa_path, checks, inventory, lines, work, threads):
    modules = sorted(str(p) for p in (ROOT / "policies" / "lib").glob("*.rego"))
    modules += [str(ROOT / c["file"]) for c in checks]
    plan = work / "plan.json"
    index, subjects = inventory_index(inventory)
    plan.write_text(
        json.dumps(
            {"modules": modules, "checks": checks,
             "data": {"config": {}, "inventory": inventory, "index": index, "subjects": subjects}}
        )
    )
    cmd = [sys.executable, str(Path(__file__).with_name("opa_eval.py")), "--opa-path", opa_path]
    cmd += ["--plan", str(plan), "--inputs", str(lines), "--threads", str(threads)]
    wall, rss, _, out = timed(cmd, stdout=subprocess.PIPE)
    r = json.loads(out.strip().splitlines()[-1])
    return {
        "wall": wall,
        "rss": rss,
        "eval": r["eval_seconds"],
        "findings": sum(r["violations"].values()),
        "by_check": {k: v for k, v in r["violations"].items() if v},
    }


def checkov(exe, path, work):
    out = work / "checkov.json"
    cmd = [exe, "-f", str(path), "--framework", "kubernetes", "--quiet", "--compact"]
    cmd += ["-o", "json", "--skip-download"]
    with open(out, "w") as f:
        wall, rss, _, _ = timed(cmd, env={"BC_SKIP_MAPPING": "TRUE"}, stdout=f, ok=(0, 1))
    with open(out) as f:
        text = f.read()
    try:
        doc = json.loads(text)
        docs = doc if isinstance(doc, list) else [doc]
        failed = sum(d.get("summary", {}).get("failed", 0) for d in docs)
    except json.JSONDecodeError:
        failed = None
    return {"wall": wall, "rss": rss, "findings": failed}


def fmt_rate(n, s):
    return f"{n / s:,.0f}" if s else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--bin", default=str(ROOT / "target/release/plimsoll"))
    ap.add_argument("--generate", default=str(ROOT / "target/release/examples/generate"))
    ap.add_argument("--opa-path", default=str(ROOT / "target/bench-tools/opa"))
    ap.add_argument("--checkov", default=str(ROOT / "target/bench-tools/venv/bin/checkov"))
    ap.add_argument("--checkov-max", type=int, default=10000,
                    help="largest N given to Checkov (it is superlinear: 400 s at 10,000)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scaling-at", type=int, default=10000,
                    help="N at which Plimsoll also runs on one thread (0: never)")
    ap.add_argument("--work", default=str(ROOT / "target/compare"))
    ap.add_argument("--json", help="write all measurements to this file")
    ap.add_argument("--docs", help="replace the marked section of this Markdown file")
    args = ap.parse_args()

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    # The subset's packages, kinds and inventory kinds: the same for every N.
    checks = subset_checks(args.bin)
    kinds = sorted({k for c in checks for k in c["inventory"]})
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        path = work / f"cluster-{n}.yaml"
        with open(path, "wb") as f:
            subprocess.run([args.generate, "--cluster", str(n)], stdout=f, check=True)
        print(f"N={n}: {path.stat().st_size / 1e6:.1f} MB of YAML", file=sys.stderr)
        row = {"n": n}
        row["all"] = plimsoll(args.bin, path, work / "all.json")
        row["subset"] = plimsoll(args.bin, path, work / "subset.json", SUBSET)
        if args.scaling_at == n:
            row["all_t1"] = plimsoll(args.bin, path, work / "all.json", threads=1)
        lines, count, inventory = opa_inputs(args.bin, path, work, kinds)
        row["resources"] = count
        row["opa"] = opa(args.opa_path, checks, inventory, lines, work, args.threads)
        if n <= args.checkov_max:
            row["checkov"] = checkov(args.checkov, path, work)
        rows.append(row)
        if row["subset"]["by_check"] != row["opa"]["by_check"]:
            print(json.dumps({"plimsoll": row["subset"]["by_check"],
                              "opa": row["opa"]["by_check"]}, indent=1), file=sys.stderr)
            sys.exit(f"N={n}: Plimsoll and OPA disagree on the 12-check subset")
        print(json.dumps(row), file=sys.stderr)

    table = render(rows, args)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    if args.docs:
        doc = Path(args.docs)
        text = doc.read_text()
        begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
        if begin not in text or end not in text:
            sys.exit(f"{doc} has no {begin} ... {end} section")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        doc.write_text(head + begin + "\n" + table + end + tail)


def render(rows, args):
    out = []
    out.append(f"Measured {time.strftime('%Y-%m-%d')} by `{' '.join(['benches/compare/run.sh'] + sys.argv[1:])}`"
               f" ({args.threads} threads).\n")
    out.append("| N | Tool | Wall s | Resources/s | Eval s | Eval res/s | Peak RSS MiB | Findings |")
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        n = r["resources"]
        def line(name, m, eval_s=None):
            out.append(
                f"| {r['n']:,} | {name} | {m['wall']:.2f} | {fmt_rate(n, m['wall'])} | "
                f"{eval_s if eval_s is None else f'{eval_s:.2f}'} | "
                f"{fmt_rate(n, eval_s) if eval_s else '-'} | {m['rss']:.0f} | "
                f"{m['findings'] if m['findings'] is not None else '-'} |".replace("| None |", "| - |")
            )
        line(f"Plimsoll, catalogue ({r['all']['checks']} checks)", r["all"], r["all"]["eval"])
        if "all_t1" in r:
            line("Plimsoll, catalogue, 1 thread", r["all_t1"], r["all_t1"]["eval"])
        line("Plimsoll, 12 checks", r["subset"], r["subset"]["eval"])
        line("OPA 1.20, 12 checks", r["opa"], r["opa"]["eval"])
        if "checkov" in r:
            line("Checkov, kubernetes framework", r["checkov"])
    out.append("")
    out.append("| N | Plimsoll/OPA eval (12 checks) | Plimsoll/OPA wall | Checkov/Plimsoll wall | "
               "Eval/parse (catalogue) | 1→2 threads |")
    out.append("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        a, s, o = r["all"], r["subset"], r["opa"]
        ratio = lambda x, y: f"{x / y:.1f}x" if x and y else "-"
        out.append(
            f"| {r['n']:,} | {ratio(o['eval'], s['eval'])} | {ratio(o['wall'], s['wall'])} | "
            f"{ratio(r['checkov']['wall'], a['wall']) if 'checkov' in r else '-'} | "
            f"{ratio(a['eval'], a['parse'])} | "
            f"{ratio(r['all_t1']['eval'], a['eval']) if 'all_t1' in r else '-'} |"
        )
    out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
