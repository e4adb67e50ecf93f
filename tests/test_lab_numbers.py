"""What a student who runs a chapter in JupyterLab (jupyterlab-myst 2.7.0) reads.

The book's TeX macros reach jupyterlab-myst's KaTeX through a frontmatter cell at the top of
each chapter (tools/lab_macros.py); these tests keep that cell in step with ``_config.yml``,
the macros' one source of truth, and out of the built book.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_macros  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("ch*.md"))


def test_macro_cells_match_config():
    """``tools/lab_macros.py check`` passes: every chapter's macro cell is _config.yml's list."""
    assert lab_macros.main(["check"]) == 0


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:4])
def test_macro_cell_is_first_markdown_cell_and_removed_from_book(path):
    """jupyterlab-myst reads frontmatter from the first Markdown cell only; myst-nb skips a cell
    tagged ``remove-cell``. The cell holds only the YAML block (the chapter's prose stays in
    the cells after it), and every macro of _config.yml is there with its expansion."""
    notebook = jupytext.read(path)
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert "remove-cell" in first.metadata.get("tags", [])
    assert first.source.startswith("---\n") and first.source.rstrip().endswith("\n---")
    front = yaml.safe_load(first.source.strip().strip("-"))
    expected = {"\\" + name: value for name, value in lab_macros.macros().items()}
    assert front == {"math": expected}
    assert notebook.cells[1].cell_type == "markdown"
    assert notebook.cells[1].source.lstrip().startswith("(ch")


def test_check_fails_on_a_stale_cell(tmp_path):
    """Negative control: a chapter whose cell lacks a macro is reported."""
    text = CHAPTERS[3].read_text().replace("  '\\ind': '\\mathbb{1}'\n", "", 1)
    stale = tmp_path / "ch04.md"
    stale.write_text(text)
    assert lab_macros.main(["check", str(stale)]) == 1
    assert lab_macros.main(["write", str(stale)]) == 0
    assert stale.read_text() == CHAPTERS[3].read_text()


# --- the shared form of a prose number: {eval}`G["key:fmt"]` (mfnet_lite.prose) -------------


def test_glued_value_shows_formatted_and_unquoted():
    """``G["key:fmt"]``'s text/plain is ``format(value, fmt)``, what ``{glue:text}`` showed."""
    import numpy as np
    from IPython.core.formatters import PlainTextFormatter

    from mfnet_lite.prose import G, glue

    glue("lab_test_x", np.float64(0.123456))
    glue("lab_test_n", 12000)
    plain = PlainTextFormatter()
    assert plain(G["lab_test_x:.2f"]) == "0.12"
    assert plain(G["lab_test_x:.1e"]) == "1.2e-01"
    assert plain(G["lab_test_n:,"]) == "12,000"
    assert plain(G["lab_test_n:d"]) == "12000"
    assert plain(G["lab_test_n"]) == "12000"


def test_unglued_key_and_bad_format_raise_with_advice():
    from mfnet_lite.prose import G, glue

    with pytest.raises(KeyError, match="run the cell"):
        G["lab_test_never_glued:.2f"]
    glue("lab_test_text", "abc")
    with pytest.raises(ValueError, match="spec"):
        G["lab_test_text:.2f"]
    with pytest.raises(TypeError, match="name"):
        glue("a:b", 1)
