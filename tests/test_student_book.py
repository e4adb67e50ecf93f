"""The student edition of the book (tools/student_book.py, `make book-student`) keeps every
exercise and drops every solution; the instructor edition keeps them (a positive control)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("ch*.md"))


def solution_snippets(stem):
    """The first four words of each solution's prose, where they are plain text (no markup)."""
    source = (ROOT / "chapters" / f"{stem}.md").read_text()
    blocks = re.findall(
        r"```\{solution-start\}[^\n]*\n(?::[^\n]*\n)*```\n(.*?)```\{solution-end\}", source, re.S
    )
    snippets = []
    for block in blocks:
        for line in block.splitlines():
            words = line.split()[:4]
            if len(words) == 4 and all(re.fullmatch(r"[A-Za-z,;:']+", w) for w in words):
                snippets.append(" ".join(words))
                break
    return snippets


@pytest.fixture(scope="module")
def student_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "student_book.py"),
            "--no-execute",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    # Unexecuted pages have no figures, so {numref}s to figure labels are the only warnings.
    warnings = [
        line for line in log.splitlines() if "WARNING:" in line and "IPKernelApp" not in line
    ]
    unexpected = [w for w in warnings if "undefined label: 'fig-" not in w]
    assert not unexpected, unexpected
    return out / "_build" / "html"


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_student_pages_keep_exercises_and_drop_solutions(student_html, stem):
    html = (student_html / "chapters" / f"{stem}.html").read_text()
    assert 'class="exercise' in html, "the exercises must stay"
    assert 'class="solution' not in html
    snippets = solution_snippets(stem)
    assert snippets, f"no solution prose found in {stem}.md to check"
    for snippet in snippets:
        assert snippet not in html, f"solution text {snippet!r} is in the student page"


@pytest.mark.book
@pytest.mark.parametrize("stem", CHAPTERS)
def test_instructor_pages_show_the_solutions(built_book, stem):
    html = (ROOT / "_build" / "html" / "chapters" / f"{stem}.html").read_text()
    assert 'class="solution' in html
    assert any(s in html for s in solution_snippets(stem))
