"""Check that every number a chapter's prose quotes is computed by a cell *above* it.

    python tools/prose_order.py chapters/ch04_global_convergence.md [...]
    python tools/prose_order.py --executed notebook.ipynb [...]

The built book fills a prose number (``{glue:text}`key:fmt``` or ``{eval}`G["key:fmt"]```) from
every value the page glued, wherever the paragraph stands. A student who runs the chapter in
JupyterLab does not get that: jupyterlab-myst evaluates a Markdown cell's inline expressions when
Run All reaches the cell, so a paragraph that quotes a number computed further down shows an
error in place of the number. This tool executes each chapter top to bottom (or reads a notebook
that nbclient executed, with its glue outputs in place) and lists every Markdown cell that quotes
a key no earlier code cell glued. Exit status 1 when there is one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from mfnet_lite.prose import forward_quotes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="chapter .md files (or notebooks)")
    parser.add_argument(
        "--executed", action="store_true", help="the files are executed .ipynb notebooks"
    )
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        if args.executed:
            notebook = nbformat.read(path, as_version=4)
        else:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from notebooks import execute

            notebook, _, problems = execute(path.resolve())
            if problems:
                print(f"{path}: the chapter did not run cleanly: {problems[0]}")
                status = 1
        late = forward_quotes(notebook)
        print(f"{path}: {len(late)} Markdown cells quote a number computed further down")
        for index, first, keys in late:
            print(f"  cell {index}: {first}")
            print(f"      {', '.join(keys)}")
        status = max(status, 1 if late else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
