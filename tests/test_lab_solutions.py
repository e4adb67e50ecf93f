"""Solutions stay collapsed when a student opens a chapter in JupyterLab.

A gated solution (``solution-start`` ... ``solution-end``) spans several cells; the built book
puts them all in one dropdown, JupyterLab renders each cell on its own. tools/lab_solutions.py
gives every cell of a solution after its first JupyterLab's collapse flags
(``jupyter.source_hidden``, and ``outputs_hidden`` for code cells); these tests keep the
chapters in step with it and check that nothing outside a solution is hidden.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_solutions  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("ch*.md"))
HIDDEN_CODE = {"source_hidden": True, "outputs_hidden": True}
HIDDEN_MARKDOWN = {"source_hidden": True}


def flag_of(cell) -> dict:
    """The collapse flags a cell carries (other ``jupyter`` keys left out)."""
    jupyter = cell.metadata.get("jupyter", {})
    return {k: v for k, v in jupyter.items() if k in ("source_hidden", "outputs_hidden")}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:4])
def test_check_passes(path):
    """``tools/lab_solutions.py check`` passes: the chapter's flags are what ``write`` sets."""
    assert lab_solutions.main(["check", str(path)]) == 0


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:4])
def test_solutions_hidden_after_their_first_cell_and_nothing_else(path):
    """Read independently of the tool's own bookkeeping: walk the cells, and between a cell that
    opens a solution without closing it and the cell that closes it, every cell is flagged
    (code cells input and output, Markdown cells their text); the opening cell, which holds the
    exercise and the dropdown's title, and every cell outside a solution carry no flag."""
    notebook = jupytext.read(path)
    inside, regions = False, 0
    for index, cell in enumerate(notebook.cells):
        source = cell.source if cell.cell_type == "markdown" else ""
        opens, closes = source.count("{solution-start}"), source.count("{solution-end}")
        where = f"{path.name}, cell {index}: {cell.source.strip()[:60]!r}"
        if inside:
            expected = HIDDEN_CODE if cell.cell_type == "code" else HIDDEN_MARKDOWN
            assert flag_of(cell) == expected, where
            if closes:
                # nothing after the solution-end: the next exercise is not hidden with it
                assert source.rstrip().endswith("```{solution-end}\n```"), where
                inside = False
        else:
            assert flag_of(cell) == {}, where
            if opens > closes:
                inside, regions = True, regions + 1
    assert not inside, f"{path.name}: a solution is never closed"
    # the issue (25) counted the solutions that spill out of their dropdown: 4 in ch04, 5 in ch06
    assert regions == {"ch04": 4, "ch06": 5}.get(path.stem[:4], regions)
    assert regions == len(lab_solutions.solution_cells(notebook))


def test_check_fails_when_a_flag_is_missing(tmp_path):
    """Negative control: a chapter with one flag removed is reported; ``write`` restores it."""
    original = CHAPTERS[3].read_text()
    flag = '+++ {"jupyter": {"source_hidden": true}}\n'
    assert flag in original
    stale = tmp_path / "ch04.md"
    stale.write_text(original.replace(flag, "+++\n", 1))
    assert lab_solutions.main(["check", str(stale)]) == 1
    assert lab_solutions.main(["write", str(stale)]) == 0
    assert stale.read_text() == original
    code_flag = "jupyter:\n  outputs_hidden: true\n  source_hidden: true\n"
    assert code_flag in original
    stale.write_text(original.replace(code_flag, "jupyter:\n  source_hidden: true\n", 1))
    assert lab_solutions.main(["check", str(stale)]) == 1


def test_check_fails_on_a_flag_outside_a_solution(tmp_path):
    """Negative control: a hidden cell outside every solution is reported and cleared."""
    original = CHAPTERS[3].read_text()
    marker = "(ch4-summary)=\n"
    assert original.count(marker) == 1
    stale = tmp_path / "ch04.md"
    mark = '+++ {"slideshow": {"slide_type": "slide"}}\n\n' + marker
    assert original.count(mark) == 1
    flagged = '+++ {"jupyter": {"source_hidden": true}, "slideshow": {"slide_type": "slide"}}\n\n'
    stale.write_text(original.replace(mark, flagged + marker))
    assert stale.read_text() != original
    assert lab_solutions.main(["check", str(stale)]) == 1
    assert lab_solutions.main(["write", str(stale)]) == 0
    assert stale.read_text() == original


HEADER = CHAPTERS[0].read_text().split("\n---\n", 1)[0] + "\n---\n\n"


def test_write_splits_a_closing_cell_that_goes_on(tmp_path):
    """A cell that closes a solution and then states the next exercise is split, so that the
    exercise stays visible while the solution's tail is hidden; the slide mark stays on the
    cell that starts the slide."""
    text = HEADER + (
        "```{exercise}\n:label: ex-a\n\nA.\n```\n\n"
        "```{solution-start} ex-a\n:class: dropdown\n```\nOpening.\n\n"
        "```{code-cell} ipython3\nx = 1\n```\n\n"
        '+++ {"slideshow": {"slide_type": "-"}}\n\n'
        "Tail.\n```{solution-end}\n```\n\n```{exercise}\n:label: ex-b\n\nB.\n```\n"
    )
    path = tmp_path / "chxx.md"
    path.write_text(text)
    assert lab_solutions.main(["check", str(path)]) == 1
    assert lab_solutions.main(["write", str(path)]) == 0
    cells = jupytext.read(path).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "markdown", "markdown"]
    assert flag_of(cells[0]) == {} and "Opening." in cells[0].source
    assert flag_of(cells[1]) == HIDDEN_CODE
    assert flag_of(cells[2]) == HIDDEN_MARKDOWN
    assert cells[2].metadata["slideshow"] == {"slide_type": "-"}
    assert cells[2].source.rstrip().endswith("```{solution-end}\n```")
    assert flag_of(cells[3]) == {} and cells[3].source.startswith("```{exercise}")
    assert lab_solutions.main(["check", str(path)]) == 0


@pytest.mark.parametrize(
    "body, message",
    [
        ("```{solution-start} ex-a\n:class: dropdown\n```\nOpen.\n", "never closed"),
        ("```{solution-end}\n```\n", "without a solution-start"),
        (
            "```{solution-start} a\n```\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
            "```{solution-start} b\n```\n",
            "inside",
        ),
    ],
)
def test_malformed_solutions_raise(tmp_path, body, message):
    path = tmp_path / "chxx.md"
    path.write_text(HEADER + body)
    with pytest.raises(ValueError, match=message):
        lab_solutions.main(["check", str(path)])
