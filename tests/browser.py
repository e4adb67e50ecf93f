"""Check built HTML pages in headless Chromium, offline: the machinery of tests/test_browser.py.

:func:`serve` serves a built book on 127.0.0.1 (a free port, a thread); :class:`Checker` opens
pages in Debian's ``/usr/bin/chromium`` through Playwright, answers every request for another
host from the npm copies of :mod:`browser_assets` (and aborts and records any other one), and
returns the list of problems it found on each page. See tests/test_browser.py for the checks.
"""

from __future__ import annotations

import contextlib
import functools
import json
import mimetypes
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import browser_assets

CHROMIUM = "/usr/bin/chromium"

# Console errors the stack produces on a correct page, each with the reason it is harmless.
# A message is allowed when one of these patterns matches "text @ url".
ALLOWED_CONSOLE_ERRORS = {
    # pydata-sphinx-theme and sphinx-book-theme both declare the Thebe URL constant; the second
    # declaration throws, but Thebe (live code) is not switched on in this book.
    r"THEBE_JS_URL.*already been declared": "theme declares THEBE_JS_URL twice; Thebe is off",
    # @jupyter-widgets/html-manager 1.0.6 typesets widget labels with MathJax 2's Hub API; the
    # page runs MathJax 3, so that call throws. Labels here carry no TeX.
    r"MathJax\.Hub|Cannot read properties of undefined \(reading 'Queue'\)": (
        "html-manager 1.0.6 calls the MathJax 2 API for widget labels; no label holds TeX"
    ),
    # html-manager's CSS asks for Font Awesome 5 fonts relative to the page; no widget of the
    # book shows an icon.
    r"Failed to load resource.*404.*@ \S*/@jupyter-widgets/html-manager/dist/\w+\.(?:woff2?|ttf)$": (
        "html-manager's Font Awesome 5 fonts 404 relative to the page; no widget uses an icon"
    ),
    # pydata-sphinx-theme logs this when localStorage holds no theme choice yet.
    r"invalid theme mode": "the theme's first-visit message about an unset light/dark mode",
}

# Anything printed into a cell's output that means the code failed.
ERROR_OUTPUT_SELECTOR = ".cell_output .traceback, .cell_output .output.error, .cell_output .stderr"


class _Handler(SimpleHTTPRequestHandler):
    """Serves the book; drops the ``integrity`` hash of the cdnjs require.js ``<script>``.

    That hash is cdnjs's minified file's; the npm package ships the unminified file, which the
    browser would refuse. Nothing else on the page is changed.
    """

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        html = _strip_require_integrity(path.read_text(encoding="utf-8")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.end_headers()
        import io

        return io.BytesIO(html)


def _strip_require_integrity(html: str) -> str:
    def fix(m: re.Match) -> str:
        return re.sub(r'\s+integrity="[^"]*"', "", m.group(0))

    return re.sub(r"<script[^>]*require(?:\.min)?\.js[^>]*>", fix, html)


@contextlib.contextmanager
def serve(root: Path):
    """Serve ``root`` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_Handler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Runs in the page once it has loaded: every check that reads the DOM, as plain data.
_INSPECT = r"""
async () => {
  const out = {};
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try { await MathJax.startup.promise; } catch (e) { out.mathjaxError = String(e); }
  }
  const maths = [...document.querySelectorAll('.math')];
  out.mathNodes = maths.length;
  out.untypeset = maths.filter(m => !m.querySelector('mjx-container'))
                       .map(m => m.textContent.trim().slice(0, 80));
  out.merrors = [...document.querySelectorAll('mjx-merror')]
                   .map(m => m.textContent.trim().slice(0, 80));
  const article = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest(
        'pre, code, script, style, textarea, mjx-container, .highlight, .cell_input, .cell_output')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  out.rawTex = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent;
    if (/\\\(|\\\[|\$\$/.test(t)) out.rawTex.push(t.trim().slice(0, 80));
  }
  const imgs = [...document.querySelectorAll('img')].filter(i => !i.closest('.animation'));
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  out.images = imgs.length;
  out.brokenImages = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                         .map(i => (i.getAttribute('src') || '').slice(0, 80));
  out.errorOutputs = [...document.querySelectorAll(__ERRORS__)]
                         .map(e => e.textContent.trim().slice(0, 120));
  out.tracebackText = [...document.querySelectorAll('.cell_output')]
                         .some(e => e.textContent.includes('Traceback (most recent call last)'));
  const views = [...document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')];
  out.widgetViews = views.length;
  out.blankWidgets = views.filter(s => {
    const box = s.parentElement.querySelector('.jupyter-widgets, .widget-box, .lm-Widget');
    return !box || box.getBoundingClientRect().height < 5;
  }).length;
  out.explorerOutputs = new Set(views.map(s => s.closest('.cell_output') || s.parentElement)).size;
  out.widgetNotes = document.querySelectorAll('.offline-widget-note').length;
  out.animations = document.querySelectorAll('.animation').length;
  return out;
}
""".replace("__ERRORS__", json.dumps(ERROR_OUTPUT_SELECTOR))

# Clicks "Next frame" and "Play" on animation number i; reports the frame before and after.
_ANIMATE = r"""
async (i) => {
  const a = document.querySelectorAll('.animation')[i];
  const img = a.querySelector('img'), slider = a.querySelector('input.anim-slider');
  const frame = () => ({value: slider ? +slider.value : null, src: img ? img.src : ''});
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const button = t => a.querySelector(`button[title="${t}"]`);
  const res = {hasImg: !!img, hasSlider: !!slider, max: slider ? +slider.max : null};
  if (!img || !slider || !button('Next frame') || !button('Play')) return res;
  button('First frame') && button('First frame').click();
  await sleep(50);
  const f0 = frame();
  button('Next frame').click();
  await sleep(100);
  const f1 = frame();
  res.nextAdvances = f1.value === f0.value + 1 && f1.src !== f0.src && img.naturalWidth > 0;
  button('First frame').click();
  await sleep(50);
  button('Play').click();
  // One frame lasts the animation's interval (up to a second or so): poll for up to 5 s.
  for (let t = 0; t < 50 && frame().value === 0; t++) await sleep(100);
  const f2 = frame();
  button('Pause').click();
  res.playAdvances = f2.value > 0 && img.naturalWidth > 0;
  return res;
}
"""


# axe-core's rule sets for WCAG 2.1 levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules of those sets that the theme cannot meet, each with the reason. Content (figures,
# animations, explorers, the book's own CSS/JS) is never exempt. Empty: the theme's violations
# are fixed in _static/ and _templates/.
AXE_EXEMPT_RULES: dict[str, str] = {}

_AXE = r"""
async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' : ' + n.html.slice(0, 160))}));
}
"""

# Alternative text, names of controls, keyboard reach and code that fits, read from the DOM.
_ACCESS = r"""
() => {
  const out = {};
  // An alt that is empty, a file name or a path is no description ("../_images/069c….png").
  const badAlt = a => !a || /\.(png|jpe?g|gif|svg|webp)$/i.test(a)
                      || (!/\s/.test(a) && /[\/\\]/.test(a)) || /^[0-9a-f]{12,}$/i.test(a);
  out.badAlts = [...document.querySelectorAll('img')]
    .filter(i => badAlt((i.getAttribute('alt') || '').trim()))
    .map(i => (i.getAttribute('alt') || '(none)').slice(0, 60) + ' on '
              + (i.getAttribute('src') || '').slice(0, 60));
  // Every control of a saved explorer: a name that contains the label it shows, and a place in
  // the tab order.
  const controls = [...document.querySelectorAll(
      '.jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets button, '
      + '.jupyter-widgets textarea, .jupyter-widgets [role="slider"]')]
    .filter(c => c.getClientRects().length && c.type !== 'hidden');
  out.controls = controls.length;
  const nameOf = c => {
    const ids = (c.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const byIds = ids.map(i => (document.getElementById(i) || {}).textContent || '').join(' ');
    const labels = c.labels ? [...c.labels].map(l => l.textContent).join(' ') : '';
    return [c.getAttribute('aria-label') || '', byIds, labels, c.title || '',
            c.tagName === 'BUTTON' ? c.textContent : ''].join(' ').replace(/\s+/g, ' ').trim();
  };
  out.unnamedControls = [];
  out.unreachableControls = [];
  for (const c of controls) {
    const box = c.closest('.widget-inline-hbox, .widget-inline-vbox, .widget-hbox') || c.parentElement;
    const shown = [...box.querySelectorAll('.widget-label')].map(l => l.textContent.trim())
                    .filter(Boolean);
    // A button shows its own text (a toggle button's option); other controls show the label
    // (ipywidgets description) of their widget.
    if (c.tagName === 'BUTTON') shown.splice(0, shown.length, c.textContent.trim());
    const name = nameOf(c);
    const describe = `${c.tagName.toLowerCase()} "${name}" (label "${shown.join(' ')}")`;
    if (!name || shown.some(t => !name.toLowerCase().includes(t.toLowerCase())))
      out.unnamedControls.push(describe);
    if (c.tabIndex < 0 || c.disabled) out.unreachableControls.push(describe);
  }
  // Code blocks wider than the column are cut off (or scroll): none may be.
  out.wideCode = [...document.querySelectorAll('article div.highlight pre')]
    .filter(p => p.getClientRects().length && p.scrollWidth > p.clientWidth + 1)
    .map(p => {
      const lines = p.textContent.split('\n');
      const long = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
      return `${p.scrollWidth}px in ${p.clientWidth}px: ${long.trim().slice(0, 100)}`;
    });
  return out;
}
"""


class Checker:
    """One headless Chromium; :meth:`check` opens a page and returns its problems."""

    def __init__(
        self,
        base_url: str,
        assets: Path = browser_assets.ASSETS,
        overrides: dict[str, bytes] | None = None,
        browser=None,
        accessibility: bool = True,
        mode: str | None = None,
    ):
        """``overrides`` maps a URL regex to the bytes served instead (negative controls);
        ``browser`` shares another Checker's Chromium (Playwright runs one per thread);
        ``accessibility`` runs axe-core and the checks of alt text, controls and code width."""
        self.base_url = base_url
        self.accessibility = accessibility
        self.mode = mode  # the theme's colour mode ("light", "dark"); None: its default
        self.axe_violations: dict[str, int] = {}  # rule id -> nodes, over every page checked
        self.assets = assets
        self.overrides = overrides or {}
        self.allowed_seen: list[str] = []  # allow-listed console errors met, for the report
        self._pw = None
        if browser is None:
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
            browser = self._pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
        self.browser = browser

    def close(self):
        if self._pw is not None:  # only the Checker that launched Chromium closes it
            self.browser.close()
            self._pw.stop()

    def _route(self, route, external: list[str]):
        url = route.request.url
        for pattern, body in self.overrides.items():
            if re.search(pattern, url):
                headers = {"Access-Control-Allow-Origin": "*"}
                return route.fulfill(body=body, content_type="text/javascript", headers=headers)
        if url.startswith(self.base_url) or url.startswith("data:"):
            return route.continue_()
        path = browser_assets.local_file(url, self.assets)
        if path is None:
            external.append(url)
            return route.abort("blockedbyclient")
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Access-Control-Allow-Origin": "*"}
        return route.fulfill(path=str(path), content_type=ctype, headers=headers)

    def check(self, page_path: str, screenshot: Path | None = None) -> list[str]:
        """Open ``page_path`` (relative to the site root); every problem found, as text."""
        external: list[str] = []
        console: list[str] = []
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: self._route(route, external))
        if self.mode is not None:  # what the theme's colour-mode button stores
            context.add_init_script(f"localStorage.setItem('mode', '{self.mode}');")
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                m.type == "error" and console.append(f"{m.text} @ {m.location.get('url', '')}")
            ),
        )
        page.on("pageerror", lambda e: console.append(f"uncaught: {e} @ {page_path}"))
        problems: list[str] = []
        try:
            response = page.goto(self.base_url + page_path, wait_until="load", timeout=60_000)
            if response is None or response.status != 200:
                return [f"{page_path} answered {response and response.status}"]
            problems += self._dom_checks(page)
            if self.accessibility:
                problems += self._access_checks(page)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                # The top of the page by default; BROWSER_FULL_PAGE=1 for the whole page (slow:
                # about 10 s for a long chapter).
                full = os.environ.get("BROWSER_FULL_PAGE") == "1"
                page.screenshot(path=str(screenshot), full_page=full)
        finally:
            context.close()
        problems += [f"unexpected external request: {u}" for u in external]
        problems += [f"console error: {c}" for c in console if not allowed(c)]
        self.allowed_seen += [f"{page_path}: {c}" for c in console if allowed(c)]
        return problems

    def _dom_checks(self, page) -> list[str]:
        problems = []
        # html-manager renders the saved widget views after load; give it a few seconds.
        try:
            page.wait_for_function(
                """() => [...document.querySelectorAll(
                     'script[type="application/vnd.jupyter.widget-view+json"]')]
                   .every(s => s.parentElement.querySelector('.jupyter-widgets, .lm-Widget'))""",
                timeout=8_000,
            )
        except Exception:  # reported by the blank-widget check below
            pass
        r = page.evaluate(_INSPECT)
        if r.get("mathjaxError"):
            problems.append(f"MathJax failed: {r['mathjaxError']}")
        if r["untypeset"]:
            problems.append(
                f"{len(r['untypeset'])} of {r['mathNodes']} math nodes not typeset, "
                f"e.g. {r['untypeset'][0]!r}"
            )
        problems += [f"MathJax error in {t!r}" for t in r["merrors"]]
        problems += [f"raw TeX left in the text: {t!r}" for t in r["rawTex"]]
        problems += [f"image did not load: {s!r}" for s in r["brokenImages"]]
        problems += [f"cell output shows an error: {t!r}" for t in r["errorOutputs"]]
        if r["tracebackText"]:
            problems.append("a cell output shows a Python traceback")
        if r["blankWidgets"]:
            problems.append(
                f"{r['blankWidgets']} of {r['widgetViews']} widget views did not render "
                "(saved widget state missing?)"
            )
        if r["widgetNotes"] != r["explorerOutputs"]:
            problems.append(
                f"{r['explorerOutputs']} explorers but {r['widgetNotes']} no-kernel notes "
                "(_static/offline-widgets.js)"
            )
        for i in range(r["animations"]):
            a = page.evaluate(_ANIMATE, i)
            if not (a["hasImg"] and a["hasSlider"]):
                problems.append(f"animation {i} has no frame image or slider")
            elif a["max"] < 1:
                problems.append(f"animation {i} has a single frame")
            else:
                if not a.get("nextAdvances"):
                    problems.append(f"animation {i}: 'Next frame' does not advance it")
                if not a.get("playAdvances"):
                    problems.append(f"animation {i}: 'Play' does not advance it")
        return problems

    def _access_checks(self, page) -> list[str]:
        problems = []
        page.add_script_tag(content=browser_assets.axe_script(self.assets))
        for v in page.evaluate(_AXE, AXE_TAGS):
            if v["id"] in AXE_EXEMPT_RULES:
                continue
            self.axe_violations[v["id"]] = self.axe_violations.get(v["id"], 0) + len(v["nodes"])
            where = "; ".join(v["nodes"][:3])
            problems.append(
                f"axe {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']} - {where}"
            )
        r = page.evaluate(_ACCESS)
        problems += [f"image without a real alt text: {a}" for a in r["badAlts"]]
        problems += [f"control whose name lacks its label: {c}" for c in r["unnamedControls"]]
        problems += [f"control out of the tab order: {c}" for c in r["unreachableControls"]]
        problems += [f"code line cut off: {c}" for c in r["wideCode"]]
        return problems


def allowed(message: str) -> bool:
    return any(re.search(p, message) for p in ALLOWED_CONSOLE_ERRORS)
