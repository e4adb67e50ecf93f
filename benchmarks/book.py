"""Time the book's notebook execution, chapter by chapter, as `make book` executes it.

    python benchmarks/book.py                 # every chapter of _toc.yml, one after the other
    python benchmarks/book.py -k ch04 ch06    # only the chapters whose name contains these
    python benchmarks/book.py --jobs 2        # chapters executed two at a time (wall time)
    python benchmarks/book.py --build         # `make book` in a fresh clone of HEAD, wall time
    python benchmarks/book.py --build --jobs 1   # the same, the pages read one after the other

Each chapter is read by jupytext and executed by nbclient in a fresh ``python3`` kernel in its
own folder, as myst-nb does in the build, with the build's environment
(``MFNET_LITE_PROGRESS=0``, ``OPENBLAS_NUM_THREADS=1``, from the Makefile). It prints each
chapter's time, its slowest cells (nbclient's timestamps: where the time goes) and the total,
plus the machine's load average (``os.getloadavg``) before and after, since the machine may be
shared. Not a test: the numbers depend on the machine; Sphinx's own time comes on top.

``--build`` times the whole of ``make book`` instead: a ``git clone`` of the checkout's HEAD
(committed work only) into a temporary folder, then ``make book`` there with this Python's venv
(``VENV=``: nothing installed), the wall time from the clone to the last page written, and each
chapter's execution time as myst-nb reports it in the build's log ("Executed notebook in ...").
With ``--jobs`` the build reads that many pages at once (``JOBS=``); without it, ``make book``'s
default (one page per core).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import notebooks  # noqa: E402  (tests/notebooks.py: jupytext + nbclient, as the chapter tests run)

chapter_paths = notebooks.chapter_paths


def cell_seconds(cell):
    """Execution time of one code cell from nbclient's recorded timestamps."""
    ex = cell.get("metadata", {}).get("execution", {})
    try:
        t0 = datetime.fromisoformat(ex["iopub.execute_input"].replace("Z", "+00:00"))
        t1 = datetime.fromisoformat(ex["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (t1 - t0).total_seconds()


def execute(path, timeout):
    """(chapter, seconds, its code cells' (seconds, index, first line) slowest first, problems),
    executed by tests/notebooks.py's `execute`, the one the chapter tests use."""
    nb, seconds, problems = notebooks.execute(path, timeout)
    cells = sorted(
        (
            (cell_seconds(c), i, c.source.splitlines()[0][:60] if c.source else "")
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code"
        ),
        reverse=True,
    )
    return path.stem, seconds, cells, problems


EXECUTED = re.compile(r"chapters/(\S+)\.md: Executed notebook in ([0-9.]+) seconds")


def build(jobs: int | None) -> int:
    """`make book` in a fresh clone of HEAD: print the wall time and each chapter's time."""
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    env.pop("PYTHONPATH", None)  # the clone's own mfnet_lite, not this checkout's
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "book"
        start = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        cmd = ["make", "--no-print-directory", "book", f"VENV={sys.prefix}"]
        if jobs is not None:
            cmd.append(f"JOBS={jobs}")
        # the clone's package: the venv's editable install points at another checkout
        env["PYTHONPATH"] = str(clone)
        proc = subprocess.run(cmd, cwd=clone, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        print((proc.stdout + proc.stderr)[-4000:])
        print(f"make book failed (exit {proc.returncode}) after {wall:.1f} s")
        return 1
    times = EXECUTED.findall(proc.stdout + proc.stderr)
    for name, seconds in sorted(times):
        print(f"{name:<28} {float(seconds):7.1f} s")
    print(
        f"total of the chapters: {sum(float(s) for _, s in times):.1f} s; `make book` wall time "
        f"{wall:.1f} s (clone included) with {jobs or 'the default'} job(s)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-k", nargs="+", help="only chapters whose file name contains one of these")
    p.add_argument("--jobs", type=int, help="chapters executed at the same time (default 1)")
    p.add_argument("--build", action="store_true", help="time `make book` in a fresh clone")
    p.add_argument("--top", type=int, default=3, help="slowest cells shown per chapter")
    p.add_argument("--timeout", type=int, default=180, help="seconds a cell may take")
    args = p.parse_args(argv)
    if args.build:
        if args.k:
            p.error("--build times the whole book; -k is for the chapter-by-chapter timing")
        sys.exit(build(args.jobs))
    args.jobs = args.jobs or 1
    os.environ["MFNET_LITE_PROGRESS"] = "0"
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    # the kernels import the mfnet_lite of this checkout
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [q for q in os.environ.get("PYTHONPATH", "").split(os.pathsep) if q]
    )
    paths = [q for q in chapter_paths() if not args.k or any(k in q.name for k in args.k)]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start = time.perf_counter()
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(lambda q: execute(q, args.timeout), paths))
    wall = time.perf_counter() - start
    failed = False
    for name, seconds, cells, errors in results:
        # the cells' own time against the chapter's: a large gap is kernel start-up or a stall
        print(f"{name:<28} {seconds:7.1f} s   (cells {sum(c[0] for c in cells):.1f} s)")
        for s, i, first in cells[: args.top]:
            print(f"    cell {i:3d} {s:6.1f} s  {first}")
        for e in errors:
            failed = True
            print(f"    ERROR {e}")
    print(
        f"total of the chapters: {sum(r[1] for r in results):.1f} s; wall time {wall:.1f} s "
        f"with {args.jobs} job(s)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
