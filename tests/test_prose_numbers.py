"""Every number in a chapter's prose is glued from a cell or justified on the page's allow-list.

The test reads each built page (`_build/html/intro.html` and `_build/html/chapters/ch*.html`,
built by the `built_book` fixture of conftest.py when stale, as tests/test_book_html.py does) and
keeps its *prose*: paragraphs, list items, admonitions, theorem and exercise bodies, figure
captions, headings' text. It drops what is not prose or not typed by hand: MathJax (`.math`),
code (`pre`, `code`, cell inputs and outputs other than figure captions), citations
(sphinxcontrib-bibtex), internal cross-references ("Fig. 3", "(2)", "Theorem 1": numref, eq,
ref and prf:ref links), the numbers that Sphinx puts before section, figure and theorem titles,
and glued values (myst-nb renders `{glue:text}` as `<span class="pasted-text">`, and an inline
expression `{eval}`G["key:fmt"]` as `<span class="output text_plain">`). Any number
left must appear on the page's allow-list `tests/prose_numbers/<page-stem>.yml`, a mapping from
the number as written (normalised, see `normalise`) to a one-line justification: a set-up value
(width, seed, dimension) or a number quoted from a paper with its source. An allow-listed number
that no longer occurs also fails, so the lists stay short.

One page without the whole book (a single-page build, `jupyter-book build chapters/X.md`)::

    .venv/bin/python tests/test_prose_numbers.py _build/_page/chapters-X/html/X.html

prints each offending number with its context (the allow-list is chosen by the file's stem;
`--allow FILE.yml` picks another) and exits 1 if there is any.

Glue Python numbers, `glue("ch3_x", float(x), display=False)`: myst-nb formats the text/plain
repr, and NumPy 2's `np.float64(0.5)` repr fails to format (a build warning, so `-W` fails).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, NavigableString, Tag
from test_browser import site, toc_pages  # noqa: F401 - `site` builds or reuses _build/html

ROOT = Path(__file__).resolve().parents[1]
ALLOW_DIR = Path(__file__).resolve().parent / "prose_numbers"

_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# One number as a reader sees it: an integer (1,000 with thousands commas), a decimal, with an
# optional exponent written in text (1e-3, 10^-3, 10^{-3}, 10⁻³, 3 × 10^4), then an optional
# percent sign or a multiplier sign (20×). Not a number: digits glued to a word or a decimal
# point before them (W2, x1, ch4, m0: names, not quantities).
NUMBER = re.compile(
    r"(?<![\w.])"
    r"(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
    r"(?:[eE][-+]?\d+"
    r"|\s*×\s*10(?:\^\{?[-+]?\d+\}?|⁻?[" + _SUP + r"]+)"
    r"|\^\{?[-+]?\d+\}?"
    r"|⁻?[" + _SUP + r"]+)?"
    r"(?:\s?%|×(?!\s*10))?"
)

# Removed before reading: not prose, or not typed by hand.
_DROP = (
    "script, style, pre, code, img, svg, .cell_input, div.animation"  # code and its machinery
    ", .math, .pasted-math"  # MathJax
    ", .pasted-text, .pasted-inline"  # glued values ({glue:text}, {glue:})
    ", span.output.text_plain"  # inline expressions ({eval}`G["key:fmt"]`, mfnet_lite.prose)
    ", .caption-number, .section-number, .eqno, .headerlink"  # Sphinx's own numbering
    ", a.reference.internal, .xref"  # numref / eq / ref / prf:ref links, resolved or not
    ", .bibtex-citation"  # a citation left unresolved (single-page build)
    ", .prev-next-area, .toctree-wrapper"
).split(", ")
_BLOCKS = set(
    "p li dt dd figcaption td th caption h1 h2 h3 h4 h5 h6 blockquote div section".split()
)


def normalise(token: str) -> str:
    """The allow-list key of a matched number: no spaces, ASCII minus, exponents as `^k`.

    >>> [normalise(t) for t in ("7 %", "10⁻³", "3 × 10^{4}", "2.0e−3")]
    ['7%', '10^-3', '3×10^4', '2.0e-3']
    """
    token = re.sub(r"\s+", "", token.replace("−", "-"))
    token = re.sub(r"\^\{([-+]?\d+)\}", r"^\1", token)
    sup = re.search("⁻?[" + _SUP + "]+", token)
    if sup:
        digits = "".join(str(_SUP.index(c)) for c in sup.group() if c in _SUP)
        minus = "-" if sup.group().startswith("⁻") else ""
        token = token[: sup.start()] + "^" + minus + digits + token[sup.end() :]
    return token


def numbers(text: str) -> list[tuple[str, int, int]]:
    """The numbers in a piece of prose: (normalised token, start, end) for each match."""
    text = text.replace("−", "-")
    return [(normalise(m.group()), m.start(), m.end()) for m in NUMBER.finditer(text)]


def _article(soup: BeautifulSoup) -> Tag:
    return soup.find("article") or soup.find("main") or soup.body or soup


def prose_blocks(html: str) -> list[str]:
    """The prose of a built page, one string per run of text in the same block element.

    What `_DROP` names is replaced by a space (so that the text on either side of a formula
    never fuses into one number); of a cell's output only its figure captions are kept.
    """
    article = _article(BeautifulSoup(html, "html.parser"))
    # An animation's print strip: frame numbers and the animation's generated description (its
    # alt text, mfnet_lite.plots.jshtml), not prose that a reader could find wrong.
    for strip in article.select(".anim-print-strip"):
        strip.decompose()
    for output in article.select(".cell_output"):
        captions = output.find_all("figcaption")
        output.clear()
        for caption in captions:
            output.append(caption)
    for link in article.select('a[href*="bibliography"]'):
        # A resolved citation: the wrapper span (with an id) holds the authors and the years.
        node = link.find_parent("span", id=True) or link
        if node.parent is not None:  # a citation of several works left with its first link
            node.replace_with(" ")
    for selector in _DROP:
        for node in article.select(selector):
            if node.parent is not None:
                node.replace_with(" ")
    runs: list[tuple[int, list[str]]] = []
    for string in article.find_all(string=True):
        if type(string) is not NavigableString:  # comments, CDATA, doctype
            continue
        block = next((p for p in string.parents if p.name in _BLOCKS or p is article), article)
        if runs and runs[-1][0] == id(block):
            runs[-1][1].append(str(string))
        else:
            runs.append((id(block), [str(string)]))
    blocks = [re.sub(r"\s+", " ", "".join(parts)).strip() for _, parts in runs]
    return [b for b in blocks if b]


def load_allow_list(path: Path) -> dict[str, str]:
    """Read an allow-list: number (as `normalise` writes it) -> one-line justification.

    Read with YAML's base loader, so that every key stays the string written (`0.50`, `1e-3`).
    A missing file is an empty list.
    """
    if not path.is_file():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must be a mapping number -> justification; got {type(data)}")
    return {str(k): str(v) for k, v in data.items()}


def allow_list_path(html_path: Path | str) -> Path:
    return ALLOW_DIR / f"{Path(html_path).stem}.yml"


def found_numbers(html: str) -> list[tuple[str, str]]:
    """Every number of the page's prose with its context (about 50 characters each side)."""
    out = []
    for block in prose_blocks(html):
        for token, start, end in numbers(block):
            context = block[max(0, start - 50) : end + 50]
            out.append((token, context))
    return out


def offending(html: str, allow: dict[str, str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(numbers not on the allow-list with their context, allow-listed numbers never found)."""
    found = found_numbers(html)
    bad = [(token, context) for token, context in found if token not in allow]
    seen = {token for token, _ in found}
    return bad, sorted(k for k in allow if k not in seen)


def check_page(html_path: Path | str, allow_path: Path | str | None = None) -> list[str]:
    """Messages for one built page (empty when it passes): the helper for single-page builds."""
    html_path = Path(html_path)
    allow_path = Path(allow_path) if allow_path else allow_list_path(html_path)
    bad, stale = offending(html_path.read_text(encoding="utf-8"), load_allow_list(allow_path))
    messages = [
        f"{token!r} not glued and not in {allow_path.name}: ...{context}..."
        for token, context in bad
    ]
    messages += [
        f"{token!r} is in {allow_path.name} but no longer in the prose: remove it"
        for token in stale
    ]
    return messages


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("width 100 and seed 3.", ["100", "3"]),
        ("a step of 0.105, a 7 % gap, 12% more", ["0.105", "7%", "12%"]),
        (
            "1e-3 and 2.0e−3 and 10^-3 and 10^{-3} and 10⁻³",
            ["1e-3", "2.0e-3", "10^-3", "10^-3", "10^-3"],
        ),
        ("3 × 10^4 steps, a 20× speed-up, 50,000 projections", ["3×10^4", "20×", "50,000"]),
        ("W2, x1, m0, ch4 and L²", []),
        ("a 5-neuron teacher, 2nd run, range 0.21–0.99", ["5", "2", "0.21", "0.99"]),
    ],
)
def test_number_regex_known_answers(text, expected):
    assert [token for token, _, _ in numbers(text)] == expected


_PAGE = """<html><body><article class="bd-article">
<h2><span class="section-number">3.2. </span>Runs<a class="headerlink" href="#r">#</a></h2>
<p>We train for {steps} steps with <span class="math notranslate nohighlight">\\(m = 50\\)</span>
(see <a class="reference internal" href="#fig-x"><span class="std std-numref">Fig. 3</span></a>
and <a class="reference internal" href="#equation-e"><span class="eqno">(2)</span></a>)
<span id="id1">(<a class="reference internal" href="../bibliography.html#id4">Chizat, 2018</a>)</span>.</p>
<div class="proof theorem admonition"><p class="admonition-title"><span class="caption-number">
Theorem 1 </span></p><p>It holds.</p></div>
<div class="cell docutils container"><div class="cell_input"><pre>gd(net, 0.5, 400)</pre></div>
<div class="cell_output"><pre>loss 0.0123</pre><figure><figcaption><p>
<span class="caption-number">Fig. 3 </span>Width 100.</p></figcaption></figure></div></div>
<p>Use <code>n=17</code>.</p>
</article></body></html>"""


def test_negative_control_an_unglued_number_fails():
    html = _PAGE.format(steps="400")
    bad, stale = offending(html, {"100": "the width"})
    assert [token for token, _ in bad] == ["400"] and stale == []
    assert "We train for 400 steps" in bad[0][1]


def test_negative_control_a_glued_number_passes():
    html = _PAGE.format(steps='<span class="pasted-text">400</span>')
    assert offending(html, {"100": "the width"}) == ([], [])


def test_an_inline_expression_number_passes():
    """myst-nb (execution mode inline) renders {eval}`G["key:fmt"]` as this span."""
    html = _PAGE.format(steps='<span class="output text_plain">400</span>')
    assert offending(html, {"100": "the width"}) == ([], [])


def test_negative_control_a_caption_number_and_a_stale_entry_fail():
    html = _PAGE.format(steps='<span class="pasted-text">400</span>')
    bad, stale = offending(html, {"7": "no longer used"})
    assert [token for token, _ in bad] == ["100"] and stale == ["7"]


def test_the_cli_reports_offending_numbers(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(_PAGE.format(steps="400"), encoding="utf-8")
    allow = tmp_path / "allow.yml"
    allow.write_text('"100": the width\n', encoding="utf-8")
    assert main([str(page), "--allow", str(allow)]) == 1
    assert "'400' not glued" in capsys.readouterr().out
    page.write_text(_PAGE.format(steps='<span class="pasted-text">400</span>'), encoding="utf-8")
    assert main([str(page), "--allow", str(allow)]) == 0


@pytest.mark.parametrize("path", sorted(ALLOW_DIR.glob("*.yml")), ids=lambda p: p.name)
def test_allow_lists_are_numbers_with_one_line_justifications(path):
    for key, why in load_allow_list(path).items():
        assert [t for t, s, e in numbers(key) if (s, e) == (0, len(key))] == [key], (
            f"{path.name}: key {key!r} is not one number as `normalise` writes it"
        )
        assert why.strip() and "\n" not in why.strip(), f"{path.name}: {key!r} needs a reason"


def _pages() -> list[str]:
    return [p for p in toc_pages() if p.startswith("chapters/ch") or p == "intro.html"]


@pytest.mark.book  # reads the built pages, building the book when they are stale
@pytest.mark.parametrize("page", _pages())
def test_prose_numbers_are_glued_or_allowed(site, page):  # noqa: F811 - `site` is a fixture
    messages = check_page(site / page)
    assert not messages, f"{page}:\n" + "\n".join(messages)


def main(argv: list[str] | None = None) -> int:
    """`python tests/test_prose_numbers.py PAGE.html [--allow FILE.yml]`: print offenders."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("html", type=Path, help="a built page, e.g. from a single-page build")
    parser.add_argument("--allow", type=Path, help="allow-list (default: by the page's stem)")
    args = parser.parse_args(argv)
    messages = check_page(args.html, args.allow)
    for message in messages:
        print(message)
    print(f"{len(messages)} problem(s) in {args.html}")
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
