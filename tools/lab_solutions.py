"""Keep each exercise's solution collapsed when a chapter is opened in JupyterLab.

    python tools/lab_solutions.py check [FILE ...]   # exit 1 when a chapter's flags are stale
    python tools/lab_solutions.py write [FILE ...]   # set the flags

A gated solution is a Markdown cell that opens ```{solution-start} label`` (with
``:class: dropdown``), then further code and Markdown cells, and a cell that closes it with
```{solution-end}``. The built book puts all of it inside the dropdown; JupyterLab renders each
cell on its own, so every cell after the first would stand open under the exercise. JupyterLab
collapses a cell whose metadata says so: ``"jupyter": {"source_hidden": true}`` folds a Markdown
cell (or a code cell's input), ``"outputs_hidden": true`` a code cell's output. This tool gives
every cell of a solution after its first cell those flags (code cells both, Markdown cells the
first), and removes them from every other cell, so the first cell (the exercise's "Solution"
line) stays visible and the student opens the rest on purpose. The flags live in the MyST source
(a code cell's YAML option block, a Markdown cell's ``+++ {...}`` separator), which jupytext and
JupyterLab keep; myst-nb ignores them. tests/test_lab_solutions.py runs ``check``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import roundtrip  # noqa: E402

FORMAT = "md:myst"
START = "```{solution-start}"
END = "```{solution-end}"
CODE_FLAGS = {"outputs_hidden": True, "source_hidden": True}
MARKDOWN_FLAGS = {"source_hidden": True}


def fences(source: str) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` for each ``solution-start``/``solution-end`` directive of a Markdown
    cell's ``source``, in order: ``kind`` is ``"start"`` or ``"end"``, ``source[start:end]`` the
    directive from its opening fence to the end of its closing fence line."""
    found = []
    for kind, opener in (("start", START), ("end", END)):
        at = source.find(opener)
        while at != -1:
            close = source.find("\n```", at + len(opener))
            if close == -1:
                raise ValueError(f"a {opener}...``` directive has no closing fence")
            stop = source.find("\n", close + 4)
            found.append((kind, at, len(source) if stop == -1 else stop))
            at = source.find(opener, at + len(opener))
    return sorted(found, key=lambda f: f[1])


def solution_cells(notebook) -> list[list[int]]:
    """The cell indices of each gated solution of ``notebook`` that spans several cells, first
    cell (the one that opens it) to last (the one that closes it), in order. A solution opened
    and closed within one cell is left out: jupyterlab-myst folds it into its dropdown already.

    Raises ValueError for a solution that is never closed, one opened inside another, a
    ``solution-end`` with no start, or a closing cell with text after ``solution-end`` (it
    would be hidden with the solution: ``write`` splits such a cell first)."""
    found: list[list[int]] = []
    current: list[int] | None = None
    for index, cell in enumerate(notebook.cells):
        if current is not None:
            current.append(index)
        if cell.cell_type != "markdown":
            continue
        opened_here = False
        for kind, _, stop in fences(cell.source):
            if kind == "start":
                if current is not None:
                    raise ValueError(
                        f"cell {index}: a solution starts inside the one of cell {current[0]}"
                    )
                current, opened_here = [index], True
            elif current is None:
                raise ValueError(f"cell {index}: solution-end without a solution-start")
            else:
                if not opened_here:
                    if cell.source[stop:].strip():
                        raise ValueError(
                            f"cell {index}: text follows the solution-end of the solution opened "
                            f"in cell {current[0]} (tools/lab_solutions.py write splits the cell)"
                        )
                    found.append(current)
                current, opened_here = None, False
    if current is not None:
        raise ValueError(f"cell {current[0]}: its solution-start is never closed by a solution-end")
    return found


def split_closing_cells(notebook) -> None:
    """Split each Markdown cell that closes a solution opened in an earlier cell and goes on
    after the ``solution-end`` (the next exercise, say) in two: the closing directive (which
    keeps the cell's metadata, a slide mark included) and a new cell with the rest."""
    index, open_before = 0, False
    while index < len(notebook.cells):
        cell = notebook.cells[index]
        if cell.cell_type == "markdown":
            is_open, opened_here = open_before, False
            for kind, _, stop in fences(cell.source):
                if kind == "start":
                    is_open, opened_here = True, True
                    continue
                if is_open and not opened_here and cell.source[stop:].strip():
                    rest = cell.source[stop:].strip("\n")
                    cell.source = cell.source[:stop]
                    notebook.cells.insert(index + 1, nbformat.v4.new_markdown_cell(rest))
                    is_open = False
                    break
                is_open, opened_here = False, False
            open_before = is_open
        index += 1


def flags(cell) -> dict:
    """The JupyterLab collapse flags a hidden cell of this type carries."""
    return dict(CODE_FLAGS if cell.cell_type == "code" else MARKDOWN_FLAGS)


def set_flags(notebook) -> None:
    """Flag every solution cell after its first one; clear the flags everywhere else (other keys
    of a cell's ``jupyter`` metadata are kept)."""
    hidden = {i for cells in solution_cells(notebook) for i in cells[1:]}
    for index, cell in enumerate(notebook.cells):
        jupyter = dict(cell.metadata.get("jupyter", {}))
        for key in CODE_FLAGS:
            jupyter.pop(key, None)
        if index in hidden:
            jupyter.update(flags(cell))
        if jupyter:
            cell.metadata["jupyter"] = jupyter
        else:
            cell.metadata.pop("jupyter", None)


def with_flags(text: str) -> str:
    """The MyST chapter ``text`` with its solutions' flags set."""
    notebook = jupytext.reads(text, fmt=FORMAT)
    split_closing_cells(notebook)
    set_flags(notebook)
    # written as the round trip writes it (tools/roundtrip.py), so the chapter stays its fixed point
    return roundtrip.normalise(jupytext.writes(notebook, fmt=FORMAT))


def main(argv: list[str] | None = None) -> int:
    return roundtrip.check_or_write(
        argv, __doc__.split("\n\n")[0], with_flags,
        "its solutions' JupyterLab flags are stale (tools/lab_solutions.py write)",
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
