"""The print edition: Chromium prints the single-page build of the book to one PDF.

    python tools/pdf.py [--html _build/singlehtml] [--out _build/pdf/wide-two-layer-networks.pdf]

``make pdf`` first builds the single-page HTML (``jupyter-book build . --builder singlehtml``,
every chapter executed as in ``make book``; after ``make book`` Sphinx reuses the executed
pages), then runs this script. It serves the page on 127.0.0.1, answers the pages' CDN requests
from the pinned npm copies of tests/browser_assets.py (offline, as the browser test does), waits
for MathJax, puts a title page and a table of contents in front, starts each chapter on a new
page, and prints with Debian's Chromium through Playwright: A4, page numbers, PDF bookmarks from
the headings (``outline``) and a tagged PDF (``tagged``). The print style (_static/print.css)
shows each animation as a strip of frames with its caption and each live explorer as its static
companion. Anything wrong on the page (math not typeset, raw TeX, a broken image, an error in a
cell output, an external request) stops the script with exit status 1 and no PDF.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402  (tests/browser.py: the offline server and routing)
import browser_assets  # noqa: E402

OUT = ROOT / "_build" / "pdf" / "wide-two-layer-networks.pdf"

# Title page, contents and chapter breaks, made from the single page itself. Returns the
# chapter titles in order (tests/test_pdf.py checks them against the PDF).
_FRONT = r"""
(meta) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const title = h => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.textContent.replace(/\s+/g, ' ').trim();
  };
  // The root page's section, then each page of the table of contents (Sphinx's single page
  // marks where each starts with a <span id="document-NAME">).
  const chapters = [article.querySelector('section')].concat(
    [...article.querySelectorAll('span[id^="document-"]')]
      .map(s => s.nextElementSibling).filter(s => s && s.tagName === 'SECTION'));
  // Sphinx nests the pages under the root page: their titles are <h2>, and in the PDF's
  // bookmarks the chapters come under the book's title.
  chapters.forEach((s, i) => { if (i) s.classList.add('print-chapter-break'); });
  const front = document.createElement('div');
  front.className = 'print-front';
  const heading = s => s.querySelector(':scope > h1, :scope > h2');
  const items = chapters.map(s => `<li><a href="#${s.id}">${title(heading(s))}</a></li>`).join('');
  front.innerHTML =
    `<div class="print-title-page"><p class="print-title-page-title" role="heading" aria-level="1"`
    + ` style="font-size:2.6em;font-weight:700">${meta.title}</p>`
    + `<p>${meta.author}</p><p>Print edition, ${meta.date}${meta.commit ? ', ' + meta.commit : ''}</p>`
    + `<p>The online book, with its animations and live explorers: ${meta.url}</p></div>`
    + `<nav class="print-contents"><p style="font-size:1.6em;font-weight:700">Contents</p>`
    + `<ol>${items}</ol></nav>`;
  article.prepend(front);
  return chapters.map(s => title(heading(s)));
}
"""


# Every heading of the page in document order, as its bookmark should read: the permalink
# removed, each typeset formula replaced by its TeX source (MathJax keeps it on the math item),
# whitespace collapsed. Chromium builds the PDF's outline from the laid-out line boxes of each
# heading: a heading that wraps, or that ends in a permalink, can come out with a line twice
# ("NotationNotation"), words glued at the line break and its formulas dropped. tools/pdf.py
# rewrites each bookmark's title from this list (_retitle_outline).
_HEADINGS = r"""
() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const tex = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) {
      if (item.typesetRoot) tex.set(item.typesetRoot, item.math.trim());
    }
  }
  const text = h => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    const orig = [...h.querySelectorAll('mjx-container')];
    [...c.querySelectorAll('mjx-container')].forEach((m, i) =>
      m.replaceWith(document.createTextNode(tex.has(orig[i]) ? tex.get(orig[i]) : '')));
    c.querySelectorAll('mjx-assistive-mml').forEach(a => a.remove());
    return {
      title: c.textContent.replace(/\s+/g, ' ').trim(),
      plain: (() => { const d = h.cloneNode(true);
        d.querySelectorAll('.headerlink, mjx-container').forEach(a => a.remove());
        return d.textContent.replace(/\s+/g, ''); })(),
    };
  };
  return [...article.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
    .filter(h => h.getClientRects().length).map(text);
}
"""


def _outline_key(title: str) -> str:
    return "".join(title.split())


def _matches(chromium_title: str, plain: str) -> bool:
    """Whether Chromium's bookmark title is its mangled form of a heading (``plain``: the
    heading's text without permalink, formulas or whitespace): the same text, or with its first
    lines repeated in front of it (``"NotationNotation"``)."""
    c = _outline_key(chromium_title)
    if c == plain:
        return True
    return bool(plain) and c.endswith(plain) and plain.startswith(c[: len(c) - len(plain)])


def _retitle_outline(pdf: Path, headings: list[dict]) -> int:
    """Rewrite each bookmark's title in ``pdf`` as its heading reads (``headings`` from
    ``_HEADINGS``, in document order). Returns the number of bookmarks. Raises SystemExit when a
    bookmark matches no heading (the outline would be wrong)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    outlines = writer._root_object.get("/Outlines")
    if outlines is None:
        raise SystemExit(f"{pdf} has no bookmarks: Chromium printed without an outline")
    items = []

    def walk(node):
        while node is not None:
            node = node.get_object()
            items.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    walk(outlines.get_object().get("/First"))
    j = 0
    for item in items:
        old = str(item["/Title"])
        while j < len(headings) and not _matches(old, headings[j]["plain"]):
            j += 1
        if j == len(headings):
            raise SystemExit(f"the PDF bookmark {old!r} matches no heading of the page")
        item[NameObject("/Title")] = TextStringObject(headings[j]["title"])
        j += 1
    with open(pdf, "wb") as f:
        writer.write(f)
    return len(items)


def _meta() -> dict:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    repo = config.get("repository", {}).get("url", "")
    return {
        "title": config["title"],
        "author": config.get("author", ""),
        "date": time.strftime("%Y-%m-%d"),
        "commit": f"commit {commit}" if commit else "",
        "url": repo,
    }


def _page_problems(page) -> list[str]:
    r = page.evaluate(browser._INSPECT)
    problems = []
    if r.get("mathjaxError"):
        problems.append(f"MathJax failed: {r['mathjaxError']}")
    if r["untypeset"]:
        problems.append(f"{len(r['untypeset'])} math nodes not typeset: {r['untypeset'][0]!r}")
    problems += [f"MathJax error in {t!r}" for t in r["merrors"]]
    problems += [f"raw TeX left in the text: {t!r}" for t in r["rawTex"]]
    problems += [f"image did not load: {s!r}" for s in r["brokenImages"]]
    problems += [f"cell output shows an error: {t!r}" for t in r["errorOutputs"]]
    if r["tracebackText"]:
        problems.append("a cell output shows a Python traceback")
    return problems


def print_pdf(html: Path, out: Path) -> list[str]:
    """Print ``html``/index.html to ``out``; returns the chapter titles. Raises on a problem."""
    from playwright.sync_api import sync_playwright

    root_page = yaml.safe_load((ROOT / "_toc.yml").read_text())["root"] + ".html"
    if not (html / root_page).is_file():
        raise SystemExit(f"{html}/{root_page} is missing: build it with `make pdf`")
    assets = browser_assets.ensure()
    external: list[str] = []
    with browser.serve(html) as url, sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=browser.CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            checker = browser.Checker(url, assets, browser=chromium, accessibility=False)
            context = chromium.new_context(viewport={"width": 1100, "height": 1400})
            context.route("**/*", lambda route: checker._route(route, external))
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url + root_page, wait_until="load", timeout=180_000)
            page.evaluate("document.fonts.ready")
            problems = _page_problems(page)
            problems += [f"unexpected external request: {u}" for u in external]
            if problems:
                raise SystemExit("the single page is not fit to print:\n" + "\n".join(problems))
            chapters = page.evaluate(_FRONT, _meta())
            headings = page.evaluate(_HEADINGS)
            page.emulate_media(media="print")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                outline=True,
                tagged=True,
                display_header_footer=True,
                header_template="<div></div>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;text-align:center;color:#444">'
                    '<span class="pageNumber"></span></div>'
                ),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            )
            context.close()
        finally:
            chromium.close()
    _retitle_outline(out, headings)
    return chapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "singlehtml")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    chapters = print_pdf(args.html, args.out)
    took = time.perf_counter() - start
    print(f"{args.out}: {len(chapters)} chapters, printed in {took:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
