"""The built book works for a reader with no kernel, checked in headless Chromium, offline.

Every page of _toc.yml is opened from a local server; requests to other hosts are answered
from pinned npm copies (tests/browser_assets.py) and any other external request fails the page.
On each page: axe-core finds no violation of the WCAG 2.1 A and AA rules (the exempt rules, with
their reasons, are in tests/browser.py: none); every `<img>` has an alt text that describes it
(not empty, not a file name or a path); every control of a saved explorer is named by the label
it shows and is in the tab order; no code block is wider than its column; every `.math` node
typeset by MathJax (no `mjx-merror`, no raw `\\(`, `\\[`, `$$`
left in prose); every `<img>` loaded; each jshtml animation advancing on "Next frame" and on
"Play"; every saved widget view rendered; no error or traceback in a cell output; no console
error outside the justified list in tests/browser.py. A screenshot of each page goes to
_build/screenshots/. The negative controls break a copy of the build (an empty MathJax file,
no `_images/`, stripped widget state, an extra external script, an error output, an image
without alt text and an unlabeled input, a code line that cannot wrap) and require the same
check to fail.

`_build/html` is reused when it is newer than every source, otherwise built as `make book`
does (the `built_book` fixture of conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import browser
import browser_assets
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"

# A developer without chromium gets a skip; CI (CI=true) must have it, so there it fails.
pytestmark = pytest.mark.skipif(
    not Path(browser.CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is missing: `make system-deps` (root) installs it",
)


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return [f"{f}.html" for f in files]


def sources() -> list[Path]:
    """Everything the HTML is made from: a change to any of them makes the build stale."""
    out = [ROOT / n for n in ("_toc.yml", "_config.yml", "references.bib")]
    out += [ROOT / p.replace(".html", ".md") for p in toc_pages()]
    for folder in ("mfnet_lite", "_ext", "_static"):
        out += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    return [p for p in out if p.exists() and "__pycache__" not in p.parts]


def build_is_fresh() -> bool:
    pages = [HTML / p for p in toc_pages()]
    if not all(p.is_file() for p in pages):
        return False
    built = min(p.stat().st_mtime for p in pages)
    return built > max(p.stat().st_mtime for p in sources())


@pytest.fixture(scope="module")
def site(request) -> Path:
    if not build_is_fresh():
        proc = request.getfixturevalue("built_book")
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    if not build_is_fresh():
        # Sphinx re-reads only pages whose own source changed: after an edit to mfnet_lite
        # alone the build above is a no-op, so rebuild every page.
        build = ROOT / "tools" / "build_book.py"
        cmd = [sys.executable, str(build), str(ROOT), "--all", "-W", "-n", "--keep-going"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    assert build_is_fresh(), "the HTML is still older than its sources"
    return HTML


@pytest.fixture(scope="module")
def assets() -> Path:
    return browser_assets.ensure()


@pytest.fixture(scope="module")
def checker(site, assets):
    with browser.serve(site) as url:
        checker = browser.Checker(url, assets)
        try:
            yield checker
        finally:
            checker.close()


@pytest.mark.slow
@pytest.mark.parametrize("page", toc_pages())
def test_page_works_without_a_kernel(checker, page):
    shot = SCREENSHOTS / (page.replace("/", "__").removesuffix(".html") + ".png")
    problems = checker.check(page, screenshot=shot)
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["intro.html", "chapters/ch04_global_convergence.html"])
def test_dark_mode_passes_the_same_checks(site, checker, page):
    """The theme's dark mode (its colour-mode button): axe's contrast rules and every other
    check hold as in light mode (the home page, and a chapter with theorem blocks, an explorer
    and an animation)."""
    with browser.serve(site) as url:
        dark = browser.Checker(url, checker.assets, browser=checker.browser, mode="dark")
        problems = dark.check(page)
    assert not problems, f"{page} (dark mode):\n" + "\n".join(problems)


def test_allowed_console_errors_are_narrow():
    """The allow-list lets through the stack's own messages and nothing like a real error."""
    page = "http://127.0.0.1:1/chapters/ch01.html"
    assert browser.allowed(
        "Failed to load resource: the server responded with a status of 404 (File not found) "
        "@ http://127.0.0.1:1/chapters/@jupyter-widgets/html-manager/dist/d878b0a6.woff2"
    )
    assert not browser.allowed(
        f"Failed to load resource: the server responded with a status of 404 @ {page}"
    )
    assert not browser.allowed("Uncaught ReferenceError: anim123 is not defined @ " + page)
    assert not browser.allowed("Failed to load resource: 404 @ http://127.0.0.1:1/_images/fig.png")


# --- negative controls: a broken copy of the build must fail the same check -----------------


def _first_page_with(site: Path, needle: str) -> str:
    for page in toc_pages():
        if needle in (site / page).read_text(encoding="utf-8"):
            return page
    pytest.skip(f"no page of the book holds {needle!r}")


def _copy(site: Path, tmp_path: Path) -> Path:
    """A hard-linked copy: cheap; files are replaced (unlink, write), never edited in place."""
    dest = tmp_path / "html"
    shutil.copytree(site, dest, copy_function=os.link)
    return dest


def _rewrite(path: Path, change) -> None:
    text = path.read_text(encoding="utf-8")
    new = change(text)
    assert new != text, f"the negative control changed nothing in {path}"
    path.unlink()
    path.write_text(new, encoding="utf-8")


def _check(root: Path, page: str, checker, overrides=None) -> list[str]:
    """The same check as above, on ``root`` served anew, in the same Chromium."""
    with browser.serve(root) as url:
        other = browser.Checker(url, checker.assets, overrides=overrides, browser=checker.browser)
        return other.check(page)


@pytest.mark.slow
def test_empty_mathjax_fails(site, checker):
    page = _first_page_with(site, 'class="math')
    problems = _check(site, page, checker, overrides={r"mathjax@3/es5/tex-mml-chtml\.js": b""})
    assert any("math nodes not typeset" in p for p in problems), problems


@pytest.mark.slow
def test_missing_images_fail(site, checker, tmp_path):
    page = _first_page_with(site, "_images/")
    root = _copy(site, tmp_path)
    shutil.rmtree(root / "_images")
    problems = _check(root, page, checker)
    assert any(p.startswith("image did not load") for p in problems), problems


@pytest.mark.slow
def test_stripped_widget_state_fails(site, checker, tmp_path):
    page = _first_page_with(site, "application/vnd.jupyter.widget-state+json")
    root = _copy(site, tmp_path)
    state = re.compile(
        r'<script type="application/vnd.jupyter.widget-state\+json">.*?</script>', re.S
    )
    _rewrite(root / page, lambda t: state.sub("", t))
    problems = _check(root, page, checker)
    assert any("widget views did not render" in p for p in problems), problems


@pytest.mark.slow
def test_unexpected_external_request_and_error_output_fail(site, checker, tmp_path):
    page = toc_pages()[0]
    root = _copy(site, tmp_path)
    extra = (
        '<script src="https://example.org/tracker.js"></script>'
        '<div class="cell_output"><div class="output traceback highlight-ipythontb">'
        "ValueError: boom</div></div>"
    )
    _rewrite(root / page, lambda t: t.replace("</article>", extra + "</article>", 1))
    problems = _check(root, page, checker)
    assert "unexpected external request: https://example.org/tracker.js" in problems, problems
    assert any("cell output shows an error" in p for p in problems), problems


@pytest.mark.slow
def test_frozen_animation_fails(site, checker, tmp_path):
    page = _first_page_with(site, 'class="animation"')
    root = _copy(site, tmp_path)
    # Without its frame list the player has nothing to step through.
    _rewrite(root / page, lambda t: re.sub(r'frames\[\d+\] = "(?:[^"\\]|\\.)*"', "", t, flags=re.S))
    problems = _check(root, page, checker)
    assert any(p.startswith("animation") for p in problems), problems


@pytest.mark.slow
def test_image_without_alt_and_unlabeled_input_fail(site, checker, tmp_path):
    """A figure whose alt is its file path, an image with no alt and an input with no label
    fail the accessibility part of the check (axe-core and the alt-text check)."""
    page = _first_page_with(site, "_images/")
    root = _copy(site, tmp_path)
    extra = '<img src="../_static/logo.png"><input type="range" min="0" max="3">'
    _rewrite(
        root / page,
        lambda t: re.sub(
            r'(<img[^>]*?)alt="[^"]*"', r'\1alt="../_images/fig.png"', t, count=1
        ).replace("</article>", extra + "</article>", 1),
    )
    problems = _check(root, page, checker)
    assert any("image without a real alt text: ../_images/fig.png" in p for p in problems)
    assert any("image without a real alt text: (none)" in p for p in problems), problems
    assert any(p.startswith("axe image-alt") for p in problems), problems
    assert any(p.startswith("axe label ") for p in problems), problems


@pytest.mark.slow
def test_wide_code_fails(site, checker, tmp_path):
    """A code line that cannot wrap (one long word) runs past the column: reported."""
    page = _first_page_with(site, 'class="highlight')
    root = _copy(site, tmp_path)
    wide = '<div class="highlight"><pre>' + "x" * 400 + "</pre></div>"
    wide = wide.replace("<pre>", '<pre style="white-space: pre">')
    _rewrite(root / page, lambda t: t.replace("</article>", wide + "</article>", 1))
    problems = _check(root, page, checker)
    assert any(p.startswith("code line cut off") for p in problems), problems
