"""Lecture slides from the chapters: one reveal.js deck per chapter into ``_build/slides``.

A lecturer marks cells in the MyST source with the metadata JupyterLab and RISE use,
``slideshow: {slide_type: slide | subslide | fragment | -}`` (a Markdown cell's on its
``+++ {...}`` separator, a code cell's in its option block). Only marked cells reach the deck:
Markdown cells as rendered text (MathJax), code cells by their outputs alone (figures with their
caption and alt text; no code input). Glue roles take their values from the executed notebook,
``{cite}``/``{numref}``/``{eq}``/``{ref}``/``{prf:ref}`` become the text the book shows, and
sphinx-proof blocks become titled boxes.

The executed notebook is the book's (``_build/jupyter_execute/chapters/<name>.ipynb``) when its
code cells are the chapter's; otherwise the chapter is executed here (nbclient).
reveal.js, MathJax (SVG output: no web fonts) are copied from the pinned npm packages of
tests/browser_assets.py into ``_build/slides/_assets``: a deck opened from disk asks nothing of
the network.

    python tools/slides.py build [CHAPTER ...]     # decks (every chapter of _toc.yml by default)
    python tools/slides.py pdf                     # one handout PDF per deck (Chromium, print view)
"""

from __future__ import annotations

import argparse
import ast
import base64
import html
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from mfnet_lite.prose import formatted

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "slides"
EXECUTED = ROOT / "_build" / "jupyter_execute"
NODE_MODULES = ROOT / ".venv" / "browser-assets" / "node_modules"
WIDTH, HEIGHT = 1280, 800
SLIDE_TYPES = ("slide", "subslide", "fragment", "-")
PRF_TITLES = {"theorem": "Theorem", "definition": "Definition", "proposition": "Proposition",
              "lemma": "Lemma", "remark": "Remark", "corollary": "Corollary",
              "example": "Example", "proof": "Proof", "algorithm": "Algorithm"}  # fmt: skip


def toc_sources() -> list[Path]:
    """The book's pages in _toc.yml order (the order Sphinx numbers figures and theorems in)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for p in toc.get("parts", []) for c in p["chapters"]]
    return [ROOT / f"{f}.md" for f in files if (ROOT / f"{f}.md").is_file()]


def chapters() -> list[Path]:
    return [p for p in toc_sources() if p.parent.name == "chapters"]


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    for plugin in (myst_role_plugin, myst_block_plugin, colon_fence_plugin, deflist_plugin,
                   amsmath_plugin):  # fmt: skip
        md.use(plugin)
    md.use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True)
    return md


def split_directive(token) -> tuple[str, str, dict, str]:
    """(name, argument, options, body) of a ``{name} argument`` fence."""
    m = re.fullmatch(r"\{([\w:-]+)\}\s*(.*)", token.info.strip())
    if not m:
        return "", "", {}, token.content
    lines = token.content.split("\n")
    options = {}
    while lines and (o := re.fullmatch(r":([\w-]+):\s*(.*)", lines[0].strip())):
        options[o.group(1)] = o.group(2)
        lines.pop(0)
    return m.group(1), m.group(2), options, "\n".join(lines).strip("\n")


class Labels:
    """What each label of the book reads as: numbers counted as Sphinx counts them (per kind,
    through the pages in toc order), section titles, figure captions."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        md = parser()
        for path in toc_sources():
            nb = jupytext.read(path)
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    self._scan(md.parse(cell.source), md)
                elif cell.cell_type == "code":
                    fig = cell.metadata.get("mystnb", {}).get("figure", {})
                    if fig.get("caption"):
                        n = self._next("figure")
                        if fig.get("name"):
                            self.text[fig["name"]] = f"Fig. {n}"

    def _next(self, kind: str) -> int:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]

    def _scan(self, tokens, md) -> None:
        target = None
        for i, tok in enumerate(tokens):
            if tok.type == "myst_target":
                target = tok.content
                continue
            if tok.type == "heading_open" and target:
                self.text[target] = tokens[i + 1].content
            if tok.type == "math_block_label":
                self.text[tok.info] = f"({self._next('equation')})"
            if tok.type in ("fence", "colon_fence"):
                name, _, options, body = split_directive(tok)
                if name == "math" and "label" in options:
                    self.text[options["label"]] = f"({self._next('equation')})"
                elif name == "exercise" and "nonumber" not in options:
                    n = self._next("exercise")
                    if "label" in options:
                        self.text[options["label"]] = f"Exercise {n}"
                elif name.startswith("prf:") and name != "prf:proof":
                    kind = name[4:]
                    if "nonumber" not in options:
                        n = self._next(kind)
                        if "label" in options:
                            self.text[options["label"]] = f"{PRF_TITLES.get(kind, kind)} {n}"
                if body and name not in ("math", ""):
                    self._scan(md.parse(body), md)
            target = None if tok.type != "myst_target" else target


def citations() -> dict[str, str]:
    """Author–year text per BibTeX key, as the book's author_year style shows it."""
    from pybtex.database import parse_file

    out = {}
    for key, entry in parse_file(str(ROOT / "references.bib")).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names) for p in people]
        who = (
            names[0]
            if len(names) == 1
            else " and ".join(names)
            if len(names) == 2
            else (f"{names[0]} et al." if names else entry.fields.get("title", key))
        )
        out[key] = f"{who}, {entry.fields.get('year', 'n.d.')}"
    return out


def glue_values(nb) -> dict[str, dict]:
    """The data of every ``glue`` output of an executed notebook, by name."""
    out = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = o.get("data", {})
    for name, record in nb.metadata.get("glue", {}).items():
        out.setdefault(name, record.get("data", {}))
    return out


def glue_text(data: dict, spec: str, key: str) -> str:
    """myst-nb's ``{glue:text}`key:spec```: the value's text/plain, formatted by ``spec``."""
    if "text/plain" not in data:
        raise ValueError(f"glue key {key!r} has no text/plain value")
    text = str(data["text/plain"]).strip("'")
    return formatted(ast.literal_eval(text), spec) if spec else text


class Renderer:
    """MyST Markdown of one chapter's cells to HTML for reveal.js (math left to MathJax)."""

    def __init__(self, labels: Labels, cites: dict[str, str], glue: dict[str, dict], where: str):
        self.labels, self.cites, self.glue, self.where = labels, cites, glue, where
        self.md = parser()
        rules = self.md.add_render_rule
        rules("math_inline", lambda s, tokens, i, o, e: rf"\({html.escape(tokens[i].content)}\)")
        rules("math_block", lambda s, tokens, i, o, e: self._display(tokens[i].content))
        rules(
            "math_block_label",
            lambda s, tokens, i, o, e: self._display(tokens[i].content, tokens[i].info),
        )
        rules("amsmath", lambda s, tokens, i, o, e: self._display(tokens[i].content))
        rules("myst_role", lambda s, tokens, i, o, e: self._role(tokens[i]))
        for empty in ("myst_target", "myst_line_comment", "myst_block_break"):
            rules(empty, lambda *a: "")
        rules("fence", lambda s, tokens, i, o, e: self._fence(tokens[i]))
        rules("colon_fence", lambda s, tokens, i, o, e: self._fence(tokens[i]))

    def render(self, text: str) -> str:
        return self.md.render(text)

    def inline(self, text: str) -> str:
        return self.md.renderInline(text)

    def _label(self, label: str) -> str:
        if label not in self.labels.text:
            raise ValueError(f"{self.where}: unknown label {label!r}")
        return self.labels.text[label]

    def _display(self, tex: str, label: str | None = None) -> str:
        parts = [p.strip() for p in re.split(r"\n\s*\n", tex.strip()) if p.strip()]
        parts = [rf"\begin{{split}}{p}\end{{split}}" if r"\\" in p and r"\begin" not in p else p
                 for p in parts]  # fmt: skip
        body = (
            parts[0]
            if len(parts) == 1
            else r"\begin{gathered}" + r"\\".join(parts) + r"\end{gathered}"
        )
        tag = rf"\tag*{{{self._label(label)}}}" if label else ""
        return f'<div class="math display">\\[{html.escape(body)}{tag}\\]</div>\n'

    def _role(self, token) -> str:
        name, content = token.meta["name"], token.content
        explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
        glued = re.fullmatch(r'G\["([^"]*)"\]', content.strip()) if name == "eval" else None
        if glued:  # {eval}`G["key:fmt"]` (mfnet_lite.prose) is {glue:text}`key:fmt`
            name, content = "glue:text", glued.group(1)
        if name in ("glue:text", "glue", "glue:", "glue:any"):
            key, _, spec = content.partition(":")
            if key not in self.glue:
                raise ValueError(f"{self.where}: glue key {key!r} is not in the executed notebook")
            return html.escape(glue_text(self.glue[key], spec if name == "glue:text" else "", key))
        if name == "glue:math":
            data = self.glue[content]
            return rf"\({html.escape(str(data.get('text/latex', data['text/plain'])).strip('$'))}\)"
        if name == "cite" or name.startswith("cite:"):
            keys = [k.strip() for k in content.split(",")]
            missing = [k for k in keys if k not in self.cites]
            if missing:
                raise ValueError(f"{self.where}: unknown citation {missing}")
            return html.escape("[" + "; ".join(self.cites[k] for k in keys) + "]")
        if name in ("numref", "ref", "eq", "prf:ref", "doc"):
            if explicit:
                text, label = explicit.groups()
                if name == "numref":
                    text = text.replace("%s", self._label(label).split()[-1]).replace(
                        "{number}", self._label(label).split()[-1]
                    )
                return f"<em>{self.inline(text)}</em>"
            if name == "doc":
                return html.escape(content)
            text = self._label(content)
            return text if name == "eq" else f"<em>{self.inline(text)}</em>"
        if name == "math":
            return rf"\({html.escape(content)}\)"
        return f"<code>{html.escape(content)}</code>"

    def _fence(self, token) -> str:
        name, arg, options, body = split_directive(token)
        if not name:
            return f"<pre><code>{html.escape(token.content)}</code></pre>\n"
        if name == "math":
            return self._display(body, options.get("label"))
        if name.startswith("prf:"):
            kind = name[4:]
            head = PRF_TITLES.get(kind, kind.title())
            if "label" in options:
                head = self._label(options["label"])
            title = f"<strong>{html.escape(head)}</strong>"
            if arg:
                title += f" ({self.inline(arg)})"
            return (f'<div class="prf prf-{kind}"><p class="prf-title">{title}</p>\n'
                    f"{self.render(body)}</div>\n")  # fmt: skip
        title = f'<p class="directive-title">{self.inline(arg)}</p>' if arg else ""
        return f'<div class="directive {html.escape(name.strip("{}"))}">{title}{self.render(body)}</div>\n'


def output_html(cell, labels: Labels, renderer: Renderer, where: str) -> str:
    """The outputs of a marked code cell: figures (caption, alt text), other display data and
    printed text; glue records and widget views (their static fallback is shown) are left out."""
    meta = cell.metadata.get("mystnb", {})
    alt = meta.get("image", {}).get("alt", "")
    parts = []
    for o in cell.get("outputs", []):
        if o.output_type == "error":
            raise ValueError(f"{where}: a marked cell ended in {o.ename}: {o.evalue}")
        if o.output_type == "stream":
            parts.append(f'<pre class="stream">{html.escape(o.text)}</pre>')
            continue
        if o.get("metadata", {}).get("scrapbook"):
            continue
        data = o.get("data", {})
        if "image/png" in data:
            src = "data:image/png;base64," + "".join(data["image/png"].split())
            parts.append(f'<img src="{src}" alt="{html.escape(alt)}">')
        elif "image/svg+xml" in data:
            svg = base64.b64encode(data["image/svg+xml"].encode()).decode()
            parts.append(f'<img src="data:image/svg+xml;base64,{svg}" alt="{html.escape(alt)}">')
        elif "text/html" in data:
            if re.search(r"<script|https?://", data["text/html"]):
                raise ValueError(
                    f"{where}: a marked cell shows scripted or remote HTML "
                    "(an animation or widget): mark a static figure instead"
                )
            parts.append(f'<div class="output-html">{data["text/html"]}</div>')
        elif "text/latex" in data:
            parts.append(f'<div class="math display">{html.escape(data["text/latex"])}</div>')
        elif "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data:
            parts.append(f'<pre class="stream">{html.escape(data["text/plain"])}</pre>')
    fig = meta.get("figure", {})
    if fig.get("caption") and parts:
        number = labels.text.get(fig.get("name", ""), "Fig.")
        caption = (
            f"<figcaption><strong>{number}</strong> {renderer.inline(fig['caption'])}</figcaption>"
        )
        return f"<figure>{''.join(parts)}{caption}</figure>"
    return "\n".join(parts)


def executed_notebook(path: Path) -> tuple[nbformat.NotebookNode, str]:
    """The chapter as an executed notebook, and where it came from ('reused …' or 'executed')."""
    nb = jupytext.read(path)
    book = EXECUTED / path.relative_to(ROOT).with_suffix(".ipynb")
    code = [c.source.strip() for c in nb.cells if c.cell_type == "code"]
    if book.is_file():
        done = nbformat.read(book, as_version=4)
        if [c.source.strip() for c in done.cells if c.cell_type == "code"] == code:
            outputs = iter([c for c in done.cells if c.cell_type == "code"])
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = next(outputs).get("outputs", [])
            # myst-nb keeps the glue records it collected beside the notebook (not all of
            # them stay among the saved outputs)
            glue_file = book.with_suffix(".glue.json")
            if glue_file.is_file():
                nb.metadata["glue"] = json.loads(glue_file.read_text())
            return nb, f"reused {book.relative_to(ROOT)}"
    from nbclient import NotebookClient

    env_before = dict(os.environ)
    os.environ.setdefault("MFNET_LITE_PROGRESS", "0")
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return nb, "executed"


def slide_type(cell) -> str | None:
    kind = cell.metadata.get("slideshow", {}).get("slide_type")
    return kind if kind in SLIDE_TYPES else None


def deck_sections(nb, labels: Labels, cites: dict[str, str], where: str) -> list[list[str]]:
    """The marked cells as reveal.js stacks: a list (horizontal) of lists (vertical) of slide
    HTML."""
    renderer = Renderer(labels, cites, glue_values(nb), where)
    stacks: list[list[list[str]]] = []
    for i, cell in enumerate(nb.cells):
        kind = slide_type(cell)
        if kind is None:
            continue
        where_cell = f"{where}, cell {i}"
        body = (renderer.render(cell.source) if cell.cell_type == "markdown"
                else output_html(cell, labels, renderer, where_cell))  # fmt: skip
        if kind == "slide" or not stacks:
            stacks.append([[]])
        elif kind == "subslide":
            stacks[-1].append([])
        if kind == "fragment":
            body = f'<div class="fragment">{body}</div>'
        stacks[-1][-1].append(body)
    return [["\n".join(slide) for slide in stack] for stack in stacks]


CSS = """
.reveal { font-size: 25px; }
.reveal .slides section { text-align: left; }
.reveal h1 { font-size: 1.9em; text-align: center; } .reveal h2 { font-size: 1.45em; }
.reveal h3 { font-size: 1.2em; } .reveal h1, .reveal h2, .reveal h3 { text-transform: none; }
.reveal p, .reveal li { line-height: 1.3; } .reveal ul, .reveal ol { display: block; }
.reveal p { margin: 0.35em 0; }
.reveal figure { margin: 0.3em 0; text-align: center; }
.reveal figure img, .reveal section > img { max-height: 470px; max-width: 100%; margin: 0; }
.reveal figcaption { font-size: 0.62em; text-align: left; line-height: 1.25; }
.reveal .prf { border-left: 5px solid #2a76dd; background: #f3f7fd; padding: 0.25em 0.7em;
  margin: 0.4em 0; font-size: 0.9em; }
.reveal .prf-proof { border-left-color: #999; background: #f7f7f7; }
.reveal .prf-title { margin: 0.2em 0; color: #1b4f9c; }
.reveal .directive { border-left: 5px solid #888; padding: 0.2em 0.7em; margin: 0.4em 0; }
.reveal pre.stream { font-size: 0.5em; box-shadow: none; width: 100%; }
.reveal .math.display { margin: 0.3em 0; }
.reveal mjx-container[display="true"] { margin: 0.2em 0 !important; }
/* print view: no page break after the last slide (else Chromium adds a blank page) */
.reveal .slides .pdf-page:nth-last-child(1 of .pdf-page) { page-break-after: avoid !important; break-after: avoid !important; }
/* MathJax's shared glyph cache (an <svg> after the deck) would start a blank last page */
body > svg { position: absolute; width: 0; height: 0; overflow: hidden; }
"""


def page(title: str, stacks: list[list[str]], macros: dict[str, str]) -> str:
    sections = []
    for stack in stacks:
        inner = [f"<section>\n{s}\n</section>" for s in stack]
        sections.append(
            inner[0] if len(inner) == 1 else "<section>\n" + "\n".join(inner) + "\n</section>"
        )
    mathjax = {
        "tex": {"macros": macros, "inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": False},
        "svg": {"fontCache": "global"},
    }  # fmt: skip
    reveal = {"hash": True, "width": WIDTH, "height": HEIGHT, "margin": 0.04, "transition": "none",
              "slideNumber": True, "pdfSeparateFragments": False, "pdfMaxPagesPerSlide": 1}  # fmt: skip
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} — lecture slides</title>
<link rel="stylesheet" href="_assets/reveal.js/reveal.css">
<link rel="stylesheet" href="_assets/reveal.js/theme/white.css">
<style>{CSS}</style>
<script>
window.MathJax = Object.assign({json.dumps(mathjax)}, {{startup: {{pageReady: () =>
  MathJax.startup.defaultPageReady().then(() => Reveal.initialize({json.dumps(reveal)}))
    .then(() => {{ window.deckReady = true; }})}}}});
</script>
<script src="_assets/reveal.js/reveal.js"></script>
<script src="_assets/mathjax/tex-svg.js" defer></script>
</head>
<body>
<div class="reveal"><div class="slides">
{chr(10).join(sections)}
</div></div>
</body>
</html>
"""


def copy_assets(out: Path) -> None:
    """reveal.js (script, styles, the white theme and its fonts) and MathJax's SVG component."""
    reveal = NODE_MODULES / "reveal.js" / "dist"
    mathjax = NODE_MODULES / "mathjax" / "es5" / "tex-svg.js"
    if not (reveal / "reveal.js").is_file() or not mathjax.is_file():
        raise SystemExit("reveal.js or MathJax is missing: run `make browser-assets` first")
    dest = out / "_assets"
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "reveal.js" / "theme" / "fonts").mkdir(parents=True)
    (dest / "mathjax").mkdir(parents=True)
    for name in ("reveal.js", "reveal.css", "theme/white.css"):
        shutil.copy2(reveal / name, dest / "reveal.js" / name)
    shutil.copytree(reveal / "theme" / "fonts" / "source-sans-pro",
                    dest / "reveal.js" / "theme" / "fonts" / "source-sans-pro")  # fmt: skip
    shutil.copy2(mathjax, dest / "mathjax" / "tex-svg.js")


def macros() -> dict[str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]


def build(paths: list[Path], out: Path = OUT) -> dict[str, dict]:
    """Write one deck per chapter (chapters without marks get none) and an index; return, per
    deck, its slide count, size in bytes, seconds and the source of its outputs."""
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    labels, cites, report = Labels(), citations(), {}
    for path in paths:
        start = time.perf_counter()
        source = jupytext.read(path)
        if not any(slide_type(c) for c in source.cells):
            continue
        nb, origin = executed_notebook(path)
        stacks = deck_sections(nb, labels, cites, path.name)
        title = next((c.source for c in nb.cells if c.cell_type == "markdown"), path.stem)
        title = re.search(r"^# (.+)$", title, re.M)
        deck = out / f"{path.stem}.html"
        deck.write_text(
            page(title.group(1) if title else path.stem, stacks, macros()), encoding="utf-8"
        )
        report[path.stem] = {"slides": sum(len(s) for s in stacks), "bytes": deck.stat().st_size,
                             "seconds": round(time.perf_counter() - start, 1), "outputs": origin}  # fmt: skip
    links = "\n".join(
        f'<li><a href="{n}.html">{n}</a> ({r["slides"]} slides)</li>' for n, r in report.items()
    )
    (out / "index.html").write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lecture slides</title>'
        f"</head><body><h1>Lecture slides</h1><ul>{links}</ul></body></html>\n",
        encoding="utf-8",
    )
    (out / "slides.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


def print_pdfs(out: Path = OUT) -> dict[str, Path]:
    """Chromium's print of each deck's ``?print-pdf`` view: one page per slide."""
    from playwright.sync_api import sync_playwright

    report = json.loads((out / "slides.json").read_text())
    pdfs = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        page_ = browser.new_page()
        page_.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        for name in report:
            page_.goto((out / f"{name}.html").as_uri() + "?print-pdf")
            page_.wait_for_function("window.deckReady === true", timeout=60_000)
            page_.wait_for_timeout(500)  # reveal.js lays out the print pages after 'ready'
            pdfs[name] = out / f"{name}.pdf"
            page_.pdf(path=str(pdfs[name]), prefer_css_page_size=True, print_background=True)
        browser.close()
    return pdfs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["build", "pdf"])
    ap.add_argument("chapters", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.command == "pdf":
        for name, pdf in print_pdfs(args.out).items():
            print(f"{name}: {pdf} ({pdf.stat().st_size} bytes)")
        return 0
    start = time.perf_counter()
    paths = [p.resolve() for p in args.chapters] or chapters()
    for name, r in build(paths, args.out).items():
        print(
            f"{name}: {r['slides']} slides, {r['bytes'] / 1e6:.2f} MB, {r['seconds']} s ({r['outputs']})"
        )
    print(f"decks in {args.out} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
