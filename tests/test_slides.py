"""The lecture decks of `make slides` (tools/slides.py), opened offline in headless Chromium.

Each deck is opened from disk with every non-file request aborted and counted; every slide is
shown with all its fragments, and the check fails on: a request that left the machine or a file
that failed to load, math not typeset by MathJax (no SVG output, an `mjx-merror`, raw `\\(`,
`\\[` or `$` left in the text), a MyST role left as markup (`{glue:text}`, `{cite}` ...), an image
that did not load, an element outside the slide area. The handout PDF of each deck has one page
per slide (pypdf). Negative controls break a copy of a deck and require the check to fail.

The decks are built from the executed chapters: the book's `_build/jupyter_execute` when it is
current (tests/test_book.py builds it first in `make test`), else tools/slides.py executes them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
sys.path.insert(0, str(ROOT / "tools"))
import slides  # noqa: E402

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is missing: `make system-deps` (root) installs it",
)

CHECK_SLIDE = r"""() => {
  const area = document.querySelector('.reveal .slides').getBoundingClientRect();
  const slide = Reveal.getCurrentSlide();
  const problems = [];
  const clone = slide.cloneNode(true);
  clone.querySelectorAll('mjx-container, section').forEach(e => e.remove());
  const text = clone.textContent;
  for (const raw of ['\\(', '\\[', '$']) if (text.includes(raw)) problems.push('raw math ' + raw);
  const role = text.match(/\{[a-z]+(:[a-z]*)?\}`?/);
  if (role) problems.push('MyST role left as markup: ' + role[0]);
  if (slide.querySelector('mjx-merror')) problems.push('MathJax error');
  if ([...slide.querySelectorAll('mjx-container')].some(c => !c.querySelector(':scope > svg')))
    problems.push('math without SVG output');
  for (const img of slide.querySelectorAll('img'))
    if (!img.complete || img.naturalWidth === 0) problems.push('image not loaded');
  for (const el of slide.querySelectorAll('*')) {
    // MathJax's assistive MathML is clipped off-screen on purpose (read by screen readers)
    if (el.closest('section') !== slide || el.closest('mjx-assistive-mml')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < area.left - 2 || r.right > area.right + 2 || r.top < area.top - 2 || r.bottom > area.bottom + 2) {
      problems.push('overflow: <' + el.tagName.toLowerCase() + '> ' + (el.textContent || '').slice(0, 50));
      break;
    }
  }
  return problems;
}"""


def check_deck(page, deck: Path) -> tuple[list[str], int]:
    """(problems, number of slides) of one deck opened from disk."""
    problems: list[str] = []
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url[:100]}"))
    page.goto(deck.as_uri())
    page.wait_for_function("window.deckReady === true", timeout=60_000)
    indices = page.evaluate(
        "() => Reveal.getSlides().map(s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0,"
        " s.querySelectorAll('.fragment').length]; })"
    )
    if page.evaluate("document.querySelectorAll('mjx-container').length") == 0:
        problems.append("no typeset math in the deck")
    for h, v, fragments in indices:
        page.evaluate(f"Reveal.slide({h}, {v}, {fragments - 1})")
        page.wait_for_timeout(50)
        problems += [f"slide {h}.{v}: {p}" for p in page.evaluate(CHECK_SLIDE)]
    return problems, len(indices)


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "slides.py"), "build", "--out", str(out)],
                          capture_output=True, text=True, timeout=3000)  # fmt: skip
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    print(proc.stdout)
    return out


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        external: list[str] = []

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                external.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.external = external
        yield page
        browser.close()


def report(decks: Path) -> dict:
    return json.loads((decks / "slides.json").read_text())


@pytest.mark.slow
def test_every_chapter_has_a_deck(decks):
    names = set(report(decks))
    assert names == {p.stem for p in slides.chapters()}, names
    for name, r in report(decks).items():
        assert 8 <= r["slides"] <= 25, f"{name}: {r['slides']} slides"


@pytest.mark.slow
def test_decks_offline(decks, browser_page):
    problems = []
    for name, r in report(decks).items():
        found, count = check_deck(browser_page, decks / f"{name}.html")
        assert count == r["slides"]
        problems += [f"{name}: {p}" for p in found]
    problems += [f"external request: {u}" for u in browser_page.external]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_handouts_one_page_per_slide(decks):
    from pypdf import PdfReader

    # in a process of its own: the browser fixture's Playwright loop runs in this one
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "slides.py"), "pdf", "--out", str(decks)],
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    for name, r in report(decks).items():
        assert len(PdfReader(decks / f"{name}.pdf").pages) == r["slides"], name


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["empty-mathjax", "broken-image", "external-script", "overflow"])
def test_negative_controls(decks, browser_page, tmp_path, damage):
    copy = tmp_path / "slides"
    shutil.copytree(decks, copy)
    name = next(iter(report(decks)))
    deck = copy / f"{name}.html"
    text = deck.read_text()
    if damage == "empty-mathjax":  # the deck then never becomes ready: add the flag by hand
        (copy / "_assets" / "mathjax" / "tex-svg.js").write_text(
            "window.addEventListener('load', () => Reveal.initialize().then(() => window.deckReady = true));"
        )
    elif damage == "broken-image":
        text = re.sub(r'src="data:image/png;base64,[^"]+"', 'src="missing.png"', text, count=1)
    elif damage == "external-script":
        text = text.replace(
            "</head>", '<script src="https://cdn.example.org/x.js"></script></head>'
        )
    elif damage == "overflow":
        text = text.replace("<section>", '<section><div style="height:2000px">tall</div>', 1)
    deck.write_text(text)
    page = browser_page.context.browser.new_page(viewport={"width": 1280, "height": 800})
    external = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else (external.append(r.request.url), r.abort()))  # fmt: skip
    problems, _ = check_deck(page, deck)
    page.close()
    assert problems or external, f"{damage} was not detected"


def test_labels_match_the_built_book():
    """Figure, theorem and equation numbers as the book's HTML shows them (when it is built)."""
    html_dir = ROOT / "_build" / "html" / "chapters"
    if not html_dir.is_dir():
        pytest.skip("no built book")
    labels = slides.Labels()
    checked = 0
    for page in (html_dir / f"{c.stem}.html" for c in slides.chapters()):  # not stale pages
        text = page.read_text(encoding="utf-8")
        for label, shown in re.findall(
            r'href="#([\w-]+)"><span class="std std-numref">([^<]+)</span>', text
        ):
            assert labels.text.get(label) == shown.strip(), (page.name, label, shown)
            checked += 1
    assert checked > 10


def test_glue_text_formats_like_myst_nb():
    assert slides.glue_text({"text/plain": "984"}, "d", "k") == "984"
    assert slides.glue_text({"text/plain": "-0.0360082"}, ".1e", "k") == "-3.6e-02"
    with pytest.raises(ValueError):
        slides.glue_text({}, "", "k")


def test_prose_numbers_as_inline_expressions():
    """{eval}`G["key:fmt"]` (mfnet_lite.prose) shows as {glue:text}`key:fmt` does."""
    renderer = slides.Renderer(slides.Labels(), {}, {"k": {"text/plain": "0.123456"}}, "test")
    assert renderer.inline('{eval}`G["k:.2f"]` and {glue:text}`k:.2f`') == "0.12 and 0.12"
    with pytest.raises(ValueError, match="'q'"):
        renderer.inline('{eval}`G["q:.2f"]`')
