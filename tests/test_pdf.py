"""The print edition (`make pdf`): one PDF of the whole book, read back with pypdf.

The single-page build is made as `make pdf` makes it, from the same Sphinx environment as the
HTML book (after the HTML build Sphinx reuses the executed pages, so no chapter runs twice), and
printed by tools/pdf.py. Checked from the PDF's text and structure: title page and contents; every
chapter title and every figure caption present, in the order of the book; a bookmark for every
chapter; no raw TeX (`\\(`, `$$`), no unresolved reference (`??`), no error text; every figure an
embedded image; the animations as frame strips, the explorers without their widget state; a
page count in a sane range. A negative control: an error in a cell output stops the printing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")
import browser  # noqa: E402
import test_browser  # noqa: E402
from test_browser import site  # noqa: E402, F401  (the fresh HTML book, a fixture)

ROOT = Path(__file__).resolve().parents[1]
SINGLE = ROOT / "_build" / "singlehtml"
PDF = ROOT / "_build" / "pdf" / "wide-two-layer-networks.pdf"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(browser.CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is missing: `make system-deps` (root) installs it",
    ),
]


def _pdf_is_fresh() -> bool:
    return PDF.is_file() and PDF.stat().st_mtime > max(
        p.stat().st_mtime for p in test_browser.sources() + [ROOT / "tools" / "pdf.py"]
    )


@pytest.fixture(scope="module")
def built_pdf(request) -> dict:
    if _pdf_is_fresh():
        return {"seconds": None}
    request.getfixturevalue("site")  # the HTML book, fresh (tests/test_browser.py)
    start = time.perf_counter()
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--builder", "singlehtml", "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    executed = proc.stdout.count("Executing notebook")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pdf.py")], capture_output=True, text=True
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    return {"seconds": time.perf_counter() - start, "executed": executed}


@pytest.fixture(scope="module")
def reader(built_pdf):
    return pypdf.PdfReader(str(PDF))


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(s: str) -> str:
    """Whitespace collapsed; NFKC undoes the font's ligatures ("ﬂows" -> "flows")."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s))


def _chapter_titles() -> list[str]:
    titles = []
    for page in test_browser.toc_pages():
        md = (ROOT / page.replace(".html", ".md")).read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", md, re.M).group(1).strip())
    return titles


def _plain_words(pieces: list[str]) -> str:
    """Up to four words of the first run of at least three plain ASCII words (symbols such as
    √ come out of the PDF with spaces around them)."""
    plain = re.compile(r"[A-Za-z0-9][A-Za-z0-9,.;:-]*")  # no quotes: the PDF has curly ones
    for piece in pieces:
        run = []
        for word in piece.split() + [None]:
            if word is not None and plain.fullmatch(word):
                run.append(word)
                continue
            if len(run) >= 3:
                return " ".join(run[:4])
            run = []
    raise AssertionError(f"no plain words in {pieces!r}")


def _captions() -> list[tuple[str, str]]:
    """(figure name, the caption's first words without markup), in the order of the book."""
    out = []
    for page in test_browser.toc_pages():
        md = (ROOT / page.replace(".html", ".md")).read_text(encoding="utf-8")
        for cap, name in re.findall(r"caption: [|]?\s*\n?((?:.|\n)*?)\n    name: (fig-\S+)", md):
            # the first stretch of at least three plain words (math and roles print otherwise)
            pieces = re.split(r"\$[^$]*\$|\{[a-z]+\}`[^`]*`|`[^`]*`|[()]", cap)
            out.append((name, _plain_words(pieces)))
    return out


def test_no_chapter_executed_twice(built_pdf):
    if built_pdf["seconds"] is not None:
        assert built_pdf["executed"] == 0, "the single-page build re-executed the chapters"


def test_title_page_and_contents(reader, text):
    first = _flat(reader.pages[0].extract_text())
    assert "Wide Two-Layer Networks" in first and "Print edition" in first
    contents = _flat(reader.pages[1].extract_text())
    assert contents.startswith("Contents")
    for title in _chapter_titles():
        assert title in contents, title


def test_chapter_titles_and_captions_in_order(text):
    flat = _flat(text)
    position = 0
    for title in _chapter_titles():
        found = flat.find(title, position)
        assert found >= 0, f"chapter {title!r} missing or out of order"
        position = found
    position = 0
    for name, start in _captions():
        found = flat.find(start, position)
        assert found >= 0, f"caption of {name} ({start!r}) missing or out of order"
        position = found


def test_a_bookmark_for_every_chapter(reader):
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield _flat(item.title).strip()

    # Chromium joins a title's wrapped lines without a space: compare without whitespace
    marks = [re.sub(r"\s", "", _flat(m)) for m in titles(reader.outline)]
    for title in _chapter_titles():
        assert re.sub(r"\s", "", title) in marks, (title, marks[:20])


def _source_headings() -> list[str]:
    """Every heading of the book's sources in the order of _toc.yml, as a bookmark should read
    it: inline math as its TeX without the dollars, MyST roles as their text."""
    headings = []
    for page in test_browser.toc_pages():
        fence = None
        for line in (ROOT / page.replace(".html", ".md")).read_text().splitlines():
            m = re.match(r"\s*(`{3,}|:{3,})", line)
            if m:
                if fence is None:
                    fence = m.group(1)
                elif m.group(1) == fence and line.strip() == fence:
                    fence = None
                continue
            if fence is None and (h := re.match(r"#{1,6}\s+(.*\S)\s*$", line)):
                title = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", h.group(1))
                headings.append(" ".join(title.replace("$", "").split()))
    return headings


def test_bookmarks_are_the_headings_once_each(reader):
    """Issue 25 item 4: Chromium's own outline repeated the first line of 17 headings
    ("NotationNotation"), glued wrapped lines and dropped formulas; tools/pdf.py retitles each
    bookmark from its heading. The outline, flattened, is the sources' headings in order."""

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield " ".join(item.title.split())

    marks = list(titles(reader.outline))
    expected = _source_headings()
    assert len(expected) > 50, expected  # the parser found the headings
    assert marks == expected, [(m, e) for m, e in zip(marks, expected, strict=False) if m != e][:5]


def test_no_raw_tex_unresolved_reference_or_error(text):
    flat = _flat(text)
    for bad in ("\\(", "\\)", "$$", "??", "Traceback", "widget-state", "application/vnd.jupyter"):
        assert bad not in flat, bad
    assert not re.search(r"\b\w*Error: ", flat), re.search(r".{80}\b\w*Error: .{80}", flat)
    assert "Live explorer." not in flat  # the explorers' web note stays off paper
    assert len(re.findall(r"Fig\. \d+", flat)) >= len(_captions())  # numbered figures


def test_every_figure_is_an_embedded_image(reader):
    images = sum(len(page.images) for page in reader.pages)
    animations = sum(
        (ROOT / p.replace(".html", ".md")).read_text().count("mf.plots.jshtml(")
        for p in test_browser.toc_pages()
    )
    # each figure, plus a strip of frames per animation
    assert images >= len(_captions()) + 2 * animations, images


def test_animations_print_as_frame_strips(text):
    assert len(re.findall(r"Animation, frames 1, ", _flat(text))) >= 7


def test_sane_page_count(reader):
    assert 60 <= len(reader.pages) <= 400, len(reader.pages)


def test_an_error_output_stops_the_printing(built_pdf, tmp_path):
    html = tmp_path / "singlehtml"
    shutil.copytree(SINGLE, html, copy_function=os.link)
    index = html / "intro.html"
    text = index.read_text(encoding="utf-8")
    index.unlink()
    bad = '<div class="cell_output"><div class="output traceback">ValueError: boom</div></div>'
    index.write_text(text.replace("</article>", bad + "</article>", 1), encoding="utf-8")
    out = tmp_path / "book.pdf"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "pdf.py"), "--html", str(html), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and not out.exists()
    assert "cell output shows an error" in proc.stderr + proc.stdout


def test_cross_references_are_links_inside_the_pdf(reader):
    """Figure, equation, theorem and citation references (and the contents) jump within the
    PDF: internal link annotations, many more than there are figures."""
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and (
                "/Dest" in annot or (action is not None and action.get("/S") == "/GoTo")
            ):
                internal += 1
    assert internal >= 3 * len(_captions()), internal
