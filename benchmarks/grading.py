"""A class of synthetic submissions graded with 1 and with 2 workers (issue 24).

    PYTHONPATH=. .venv/bin/python benchmarks/grading.py [--n 200] [--workers 1 2] [--out DIR]

The class (b_wasserstein) mixes, by index i: correct (the solution; i % 20 < 10), wrong (the
untouched student notebook; 10-13), slow (the solution, then 4 s of sleep; 14-16) and
crashing (the solution, then `os._exit(3)`; 17-19). Prints, per worker count, the wall time,
the time per notebook and the ratio to one worker, with the load of the machine (`uptime`)
before and after, and checks that the rows (seconds aside) are the same for every count.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grading import build, run  # noqa: E402

NAME = "b_wasserstein"


def _with_cell(nb: dict, cell: str) -> dict:
    code = {"cell_type": "code", "metadata": {}, "source": cell, "outputs": []}
    return nb | {"cells": [*nb["cells"], code | {"execution_count": None}]}


def make_class(built: Path, folder: Path, n: int) -> dict[str, int]:
    """n notebooks in `folder`; return how many of each kind."""
    solution = json.loads((built / "autograder" / f"{NAME}.ipynb").read_text())
    student = json.loads(build.student_notebook(built).read_text())
    kinds = {
        "correct": solution,
        "wrong": student,
        "slow": _with_cell(solution, "import time\ntime.sleep(4)"),
        "crash": _with_cell(solution, "import os\nos._exit(3)"),
    }
    counts = dict.fromkeys(kinds, 0)
    for i in range(n):
        r = i % 20
        kind = "correct" if r < 10 else "wrong" if r < 14 else "slow" if r < 17 else "crash"
        counts[kind] += 1
        (folder / f"s{i:03d}_{kind}.ipynb").write_text(json.dumps(kinds[kind]))
    return counts


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        built = build.build(tmp / "assignments", [NAME])[NAME]
        folder = tmp / "class"
        folder.mkdir()
        counts = make_class(built, folder, args.n)
        print(f"class of {args.n}: {counts}")
        results, rows = {}, {}
        for workers in args.workers:
            before = uptime()
            start = time.perf_counter()
            path = run.grade_class(
                NAME, folder, 60, tmp / f"g{workers}", tmp / "assignments", workers=workers
            )
            seconds = time.perf_counter() - start
            with open(path, newline="") as f:
                rows[workers] = [
                    {k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(f)
                ]
            results[workers] = {"seconds": seconds, "before": before, "after": uptime()}
        base = results[args.workers[0]]["seconds"]
        lines = []
        for workers, r in results.items():
            lines.append(
                f"workers={workers}: {r['seconds']:.1f} s for {args.n} "
                f"({r['seconds'] / args.n:.2f} s each), ratio to workers={args.workers[0]}: "
                f"{base / r['seconds']:.2f}x\n  load before: {r['before']}\n  load after:  {r['after']}"
            )
        same = all(rows[w] == rows[args.workers[0]] for w in rows)
        lines.append(f"same rows for every worker count: {same}")
        report = "\n".join(lines)
        print(report)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "grading-benchmark.txt").write_text(report + "\n")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
