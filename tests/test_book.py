"""The book builds with `jupyter-book build . -W -n --keep-going`: every chapter in _toc.yml
executed in a fresh kernel, no Sphinx warning (stderr output of a cell counts as one), and an
HTML page for every entry of the table of contents."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


@pytest.mark.book
def test_book_builds_without_warnings(built_book):
    log = built_book.stdout + built_book.stderr
    assert built_book.returncode == 0, log[-5000:]
    # ipykernel 7 logs this line from the kernel process; it is not a Sphinx warning.
    assert "WARNING" not in log.replace("[IPKernelApp] WARNING | Kernel is running over TCP", ""), (
        log[-5000:]
    )


@pytest.mark.book
@pytest.mark.parametrize("page", toc_files())
def test_every_toc_entry_has_an_executed_page(built_book, page):
    html = (HTML / f"{page}.html").read_text()
    assert "Traceback" not in html and 'class="output traceback' not in html
    if page.startswith("chapters/ch"):
        assert "cell_output" in html, f"{page} has no executed output"
