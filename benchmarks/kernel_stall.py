"""Stress test for the kernel stall of `make book` (ipykernel 7, ipykernel issue #1554).

Executes many notebooks of many small cells with outputs back to back, the way myst-nb drives
nbclient during the book build, while the machine is kept busy, and counts the cells whose reply
came far later than their work could explain (a *stall*). Run it once per kernel version:

    .venv/bin/python benchmarks/kernel_stall.py --notebooks 40 --cells 60 --burn 2
    PYTHONPATH=/path/to/ipykernel6 .venv/bin/python benchmarks/kernel_stall.py ...

(the second form puts another ipykernel in front of the venv's own: the kernel is started with
this interpreter and inherits PYTHONPATH, so only the kernel side changes). Each cell does a few
milliseconds of work; a stall is a cell whose round trip exceeds ``--threshold`` seconds.
Prints one summary line; it is a measurement, never a test.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time

import nbformat
from nbclient import NotebookClient

CELLS = [
    "import numpy as np\nx = np.random.default_rng({i}).standard_normal(200)\nprint(x.mean())",
    "for k in range(3):\n    print(k, '{i}')",
    "import sys\nprint('to stderr', file=sys.stderr)",
    (
        "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(2, 1.5))\nax.plot(x[:20])\nplt.show()"
    ),
    "{{'cell': {i}, 'value': float(x[0])}}",
]


def notebook(n_cells: int, seed: int) -> nbformat.NotebookNode:
    """A notebook of ``n_cells`` small cells cycling through prints, stderr, a figure, a value."""
    cells = [
        nbformat.v4.new_code_cell(CELLS[i % len(CELLS)].format(i=seed * n_cells + i))
        for i in range(n_cells)
    ]
    return nbformat.v4.new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )


def burn(stop) -> None:
    """Keep one core busy until ``stop`` is set (the 'busy machine' of the issue)."""
    while not stop.is_set():
        sum(i * i for i in range(20_000))


def run(n_notebooks: int, n_cells: int, threshold: float, timeout: int) -> dict:
    times: list[float] = []
    stalls: list[tuple[int, int, float]] = []
    for k in range(n_notebooks):
        nb = notebook(n_cells, k)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False)
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                start = time.perf_counter()
                client.execute_cell(cell, index)
                seconds = time.perf_counter() - start
                times.append(seconds)
                if seconds > threshold:
                    stalls.append((k, index, seconds))
    return {"times": times, "stalls": stalls}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=40)
    parser.add_argument("--cells", type=int, default=60)
    parser.add_argument("--burn", type=int, default=2, help="CPU-burning processes beside it")
    parser.add_argument("--threshold", type=float, default=5.0, help="seconds that make a stall")
    parser.add_argument("--timeout", type=int, default=900, help="per-cell timeout (seconds)")
    args = parser.parse_args(argv)

    import ipykernel  # the version the kernel will import (same interpreter and PYTHONPATH)

    stop = mp.Event()
    burners = [mp.Process(target=burn, args=(stop,), daemon=True) for _ in range(args.burn)]
    for p in burners:
        p.start()
    start = time.perf_counter()
    try:
        result = run(args.notebooks, args.cells, args.threshold, args.timeout)
    finally:
        stop.set()
        for p in burners:
            p.join()
    wall = time.perf_counter() - start
    times = result["times"]
    print(
        f"ipykernel {ipykernel.__version__}: {args.notebooks} notebooks x {args.cells} cells "
        f"({len(times)} cells, {args.burn} burners) in {wall:.0f} s; median cell "
        f"{1e3 * statistics.median(times):.1f} ms, max {max(times):.2f} s; "
        f"stalls (> {args.threshold:g} s): {len(result['stalls'])}"
    )
    for k, index, seconds in result["stalls"]:
        print(f"  stall: notebook {k}, cell {index}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
