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


def execution_reports() -> str:
    """myst-nb's report of each chapter that failed to execute (`reports/<page>.err.log`): the
    page, the error and, for a time-out, nbclient's preview of the cell that did not finish."""
    reports = sorted((HTML / "reports").glob("**/*.err.log"))
    return "".join(f"--- {r.relative_to(HTML)}\n{r.read_text()[-3000:]}\n" for r in reports)


@pytest.mark.book
def test_book_builds_without_warnings(built_book):
    log = built_book.stdout + built_book.stderr
    assert built_book.returncode == 0, execution_reports() + log[-5000:]
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


@pytest.mark.slow
def test_a_stalled_cell_fails_the_build_naming_page_and_cell(tmp_path):
    """A cell that outlives `execute.timeout` (what a stalled kernel looks like from the client)
    fails a `-W` build within that time, the warning names the page, and the report left in
    `reports/` shows the cell that did not finish."""
    import subprocess
    import sys

    (tmp_path / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: force\n  timeout: 3\n"
    )
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: slow\n")
    (tmp_path / "index.md").write_text("# Home\n")
    header = "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
    header += "  name: python3\n  display_name: Python 3\n---\n"
    (tmp_path / "slow.md").write_text(
        header + "# Slow\n\n```{code-cell} ipython3\nimport time\ntime.sleep(60)  # stalled\n```\n"
    )
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(tmp_path), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log[-3000:]
    assert "slow" in log and "CellTimeoutError" in log, log[-3000:]
    reports = list((tmp_path / "_build" / "html" / "reports").glob("**/*.err.log"))
    assert reports, log[-3000:]
    assert "time.sleep(60)  # stalled" in reports[0].read_text()
