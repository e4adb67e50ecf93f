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
import re
import sys
from pathlib import Path

import nbformat

# {glue:text}`key` or `key:fmt`, and {eval}`G["key"]` or `G["key:fmt"]`
QUOTE = re.compile(r"""\{glue:text\}`([A-Za-z0-9_]+)[^`]*`|\{eval\}`G\["([A-Za-z0-9_]+)[^"]*"\]`""")


def glued_keys(cell) -> list[str]:
    """The keys a code cell glued: myst-nb's glue writes one display output per key, with its
    name in the output's ``scrapbook`` metadata."""
    keys = []
    for out in cell.get("outputs", []):
        name = out.get("metadata", {}).get("scrapbook", {}).get("name")
        if name:
            keys.append(name)
    return keys


def quoted_keys(source: str) -> list[str]:
    """The keys a Markdown cell's prose quotes, in order."""
    return [a or b for a, b in QUOTE.findall(source)]


def forward_quotes(notebook) -> list[tuple[int, str, list[str]]]:
    """``(cell index, first line, keys)`` for each Markdown cell of an executed ``notebook`` that
    quotes keys glued only by a later cell (or by none)."""
    seen: set[str] = set()
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            seen.update(glued_keys(cell))
        elif cell.cell_type == "markdown":
            late = [k for k in quoted_keys(cell.source) if k not in seen]
            if late:
                first = cell.source.strip().splitlines()[0][:80]
                found.append((index, first, late))
    return found


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
