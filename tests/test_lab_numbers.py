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

    with pytest.raises(TypeError, match=r"float\(x\)"):  # its text would be np.float64(...)
        glue("lab_test_x", np.float64(0.123456))
    with pytest.raises(ValueError, match="nan"):
        glue("lab_test_x", float("nan"))
    glue("lab_test_x", 0.123456)
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


# --- the built book reads {eval}`G["key:fmt"]` from the glue, and flags a paragraph that quotes
# a number before the cell that computes it (_ext/prose_numbers.py) ---------------------------

PAGE = """\
---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---

# Numbers

{early}

```{{code-cell}} ipython3
from mfnet_lite.prose import G, glue
glue("tiny_steps", 984)
glue("tiny_rate", 0.0123456)
```

After {{eval}}`G["tiny_steps:,d"]` steps the rate is {{eval}}`G["tiny_rate:.1e"]`, as
{{glue:text}}`tiny_rate:.1e` says.
"""


def build_tiny_book(tmp_path: Path, early: str) -> tuple[int, str, str]:
    """A one-page book with the book's own _config.yml and extensions; (rc, log, page HTML)."""
    import shutil
    import subprocess

    book = tmp_path / "book"
    book.mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book)
    shutil.copytree(ROOT / "_ext", book / "_ext")
    subprocess.run([sys.executable, "-m", "mfnet_lite.plots.logo", str(book / "_static")], check=True)
    (book / "references.bib").write_text((ROOT / "references.bib").read_text())
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (book / "page.md").write_text(PAGE.format(early=early))
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    page = book / "_build" / "html" / "page.html"
    return proc.returncode, proc.stdout + proc.stderr, page.read_text() if page.exists() else ""


@pytest.mark.slow
def test_book_shows_eval_numbers_and_fails_on_a_paragraph_above_its_cell(tmp_path):
    """The same role renders as {glue:text} does; a quote above its cell fails the build (-W).
    One build: with --keep-going the page is still written, so both show on it."""
    rc, log, html = build_tiny_book(tmp_path, 'It takes {eval}`G["tiny_steps:d"]` steps.')
    assert rc != 0
    assert "quotes tiny_steps, computed only further down" in log
    assert "page.md" in log.split("quotes tiny_steps")[0].splitlines()[-1]
    assert log.count("computed only further down") == 1, log[-3000:]  # the paragraph below is fine
    assert 'After <span class="pasted-text">984</span> steps' in html
    assert html.count('<span class="pasted-text">1.2e-02</span>') == 2
    assert 'G["' not in html and "{eval}" not in html


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:4])
def test_prose_numbers_are_inline_expressions(path):
    """Every prose number is {eval}`G["key:fmt"]`: a {glue:text} role shows its key in JupyterLab."""
    notebook = jupytext.read(path)
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "{glue:text}" not in prose and "{glue}" not in prose
    if "{eval}" in prose:
        assert any("from mfnet_lite.prose import G" in c.source for c in notebook.cells)
