"""The student edition of the book (tools/student_book.py, `make book-student`) keeps every
exercise and drops every solution; the instructor edition keeps them (a positive control).
Solutions are looked for by the text of their prose and code, in the pages' visible text."""

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("ch*.md"))


SOLUTION = re.compile(
    r"```\{solution-start\}[^\n]*\n(?::[^\n]*\n)*```\n(.*?)```\{solution-end\}", re.S
)
CODE_CELL = re.compile(r"```\{code-cell\}[^\n]*\n(?:---\n.*?\n---\n)?(.*?)```", re.S)


def _plain(text):
    return " ".join(text.split())


def solution_snippets(stem):
    """For each solution of a chapter, the fragments of its text that occur nowhere else in the
    chapter: its code lines of 20 characters or more, and each run of at least five plain words
    of its prose (maths, inline code and roles cut the runs)."""
    source = (ROOT / "chapters" / f"{stem}.md").read_text()
    outside = _plain(SOLUTION.sub("", source))
    snippets = []
    for block in SOLUTION.findall(source):
        code = "\n".join(CODE_CELL.findall(block))
        found = [_plain(line) for line in code.splitlines() if len(line.strip()) >= 20]
        prose = re.sub(
            r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\{[^}]*\}", "|", CODE_CELL.sub("", block), flags=re.S
        )
        for run in re.findall(r"[A-Za-z][A-Za-z ,;\n]{30,}", prose):
            if len(run.split()) >= 5:
                found.append(_plain(run.strip(" ,;\n")))
        snippets.append([f for f in dict.fromkeys(found) if f not in outside])
    return snippets


def page_text(path):
    """The visible text of an HTML page: Pygments' token spans no longer split the code."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(), flags=re.S)
    blocks = r"</?(p|div|li|ul|ol|br|h\d|pre|td|th|tr|table|section|dt|dd|details|summary)\b[^>]*>"
    return _plain(html.unescape(re.sub(r"<[^>]+>", "", re.sub(blocks, " ", body))))


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
    # Unexecuted pages have no figures and no glued values, so {numref}s to figure labels and
    # {glue:text} roles are the only warnings (the executed student book resolves both).
    warnings = [
        line for line in log.splitlines() if "WARNING:" in line and "IPKernelApp" not in line
    ]
    unexpected = [
        w for w in warnings if "undefined label: 'fig-" not in w and "[mystnb.glue]" not in w
    ]
    assert not unexpected, unexpected
    return out / "_build" / "html"


@pytest.mark.slow
@pytest.mark.parametrize("stem", CHAPTERS)
def test_student_pages_keep_exercises_and_drop_solutions(student_html, stem):
    page = student_html / "chapters" / f"{stem}.html"
    html_source = page.read_text()
    assert 'class="exercise' in html_source, "the exercises must stay"
    assert 'class="solution' not in html_source
    snippets = solution_snippets(stem)
    assert snippets, f"no solution found in {stem}.md to check"
    text = page_text(page)
    for i, fragments in enumerate(snippets, start=1):
        assert fragments, f"{stem}: solution {i} has no text this test can look for"
        shown = [f for f in fragments if f in text]
        assert not shown, f"{stem}: solution {i} is in the student page: {shown[:3]}"


@pytest.mark.book
@pytest.mark.parametrize("stem", CHAPTERS)
def test_instructor_pages_show_the_solutions(built_book, stem):
    """The control: the search above does find each solution where it is shown."""
    page = ROOT / "_build" / "html" / "chapters" / f"{stem}.html"
    assert 'class="solution' in page.read_text()
    text = page_text(page)
    for i, fragments in enumerate(solution_snippets(stem), start=1):
        assert any(f in text for f in fragments), f"{stem}: solution {i} not found: {fragments[:3]}"
