"""Reader features of the built HTML, read from the files (no browser): each chapter shows its
dynamics without a kernel (a jshtml animation, or a cell tagged `gallery`); every widget view
carries saved state; each chapter offers its executed notebook (.ipynb) for download, and that
notebook is the chapter's own code run top to bottom; Binder launch buttons point at
`repository.url`, Colab buttons at the chapters' notebooks on the branch `notebooks`; the search
page; numbered figures and equations that cross-reference; the bibliography page and the
citations that link to it.

Uses `_build/html` as tests/test_browser.py does (reused when fresh, built otherwise).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from test_browser import HTML, ROOT, site, toc_pages  # noqa: F401 - `site` is a fixture

CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/ch")]


def read(page: str) -> str:
    return (HTML / page).read_text(encoding="utf-8")


def source(page: str) -> str:
    return (ROOT / page.replace(".html", ".md")).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_shows_its_dynamics_without_a_kernel(site, page):  # noqa: F811
    html = read(page)
    animations = html.count('<div class="animation">')
    galleries = len(re.findall(r'class="cell[^"]*\btag_gallery\b', html))
    assert animations + galleries >= 1, (
        f"{page} has no jshtml animation (mf.plots.jshtml) and no cell tagged 'gallery'"
    )


@pytest.mark.parametrize("page", toc_pages())
def test_every_widget_view_has_saved_state(site, page):  # noqa: F811
    html = read(page)
    views = re.findall(
        r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', html, re.S
    )
    if not views:
        return
    state = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S
    )
    assert state, f"{page} shows {len(views)} widget(s) but saved no widget state"
    models = json.loads(state.group(1))["state"]
    for view in views:
        model_id = json.loads(view)["model_id"]
        assert model_id in models, f"{page}: widget {model_id} has no saved state"


def _notebook(page: str) -> Path:
    return HTML / "_sources" / page.replace(".html", ".ipynb")


@pytest.mark.parametrize("page", CHAPTERS)
def test_download_menu_offers_the_notebook(site, page):  # noqa: F811
    href = "../_sources/" + page.replace(".html", ".ipynb")
    assert f'href="{href}"' in read(page), f"{page} offers no .ipynb download"
    assert _notebook(page).is_file()


@pytest.mark.parametrize("page", CHAPTERS)
def test_downloaded_notebook_is_the_chapter_executed(site, page):  # noqa: F811
    """The download is the notebook the build executed in a fresh kernel (allow_errors: false,
    stderr fails the build): same code cells as the chapter, every one run in order, no error.
    Re-running it would repeat the build's own execution (about a minute a chapter), so the
    test checks that this file is that execution's record."""
    nb = nbformat.read(_notebook(page), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    expected = [c.source for c in jupytext.reads(source(page), fmt="md:myst").cells
                if c.cell_type == "code"]  # fmt: skip
    assert [c.source for c in code] == expected, f"{page}: notebook differs from the chapter"
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{page}: cells not run in order: {counts}"
    for c in code:
        for out in c.outputs:
            assert out.output_type != "error", f"{page}: {out.ename}: {out.evalue}"
            assert not (out.output_type == "stream" and out.name == "stderr"), out.text[:300]


def test_launch_buttons_point_at_the_repository(site):  # noqa: F811
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    org, repo = url.split("github.com/")[1].split("/")[:2]
    branch = config["repository"].get("branch", "main")
    for page in CHAPTERS:
        md = page.replace(".html", ".md")
        html = read(page).replace("&amp;", "&")
        binder = f"https://mybinder.org/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{md}"
        assert binder in html, f"{page}: no Binder button to {binder}"
        # Colab opens only .ipynb files: its button opens the chapter's published notebook on the
        # branch `notebooks` (_ext/colab_button.py), never the .md on `branch`.
        colab = f"https://colab.research.google.com/github/{org}/{repo}/blob/notebooks/{md}"
        assert colab.replace(".md", ".ipynb") in html, f"{page}: no Colab button to the notebook"
        assert f"/blob/{branch}/{md}" not in html, f"{page}: a Colab button to the .md"
    assert (ROOT / "binder" / "postBuild").is_file()


def test_search_box_and_index(site):  # noqa: F811
    assert (HTML / "search.html").is_file() and (HTML / "searchindex.js").is_file()
    index = (HTML / "searchindex.js").read_text(encoding="utf-8")
    for page in toc_pages():
        assert "search-button" in read(page), f"{page} has no search button"
        assert page.removesuffix(".html") in index, f"{page} is not in the search index"


@pytest.mark.parametrize("page", CHAPTERS)
def test_figures_and_equations_are_numbered_and_referenced(site, page):  # noqa: F811
    src, html = source(page), read(page)
    for name in re.findall(r"^\s*name:\s*(fig-[\w-]+)", src, re.M):
        m = re.search(rf'id="{name}".*?</figure>', html, re.S)
        assert m and 'class="caption-number"' in m.group(0), f"{page}: {name} is not numbered"
    for label in re.findall(r"^:label:\s*(eq-[\w-]+)", src, re.M):
        # Sphinx lower-cases ids.
        m = re.search(rf'id="equation-{label}".{{0,400}}class="eqno"', html, re.S | re.I)
        assert m, f"{page}: equation {label} has no number"
    for target in re.findall(r"\{numref\}`(?:[^`<]*<)?(fig-[\w-]+)>?`", src):
        assert re.search(rf'href="[^"]*#{target}"', html, re.I), f"{page}: numref {target} no link"
    for target in re.findall(r"\{eq\}`(eq-[\w-]+)`", src):
        assert re.search(rf'href="[^"]*#equation-{target}"', html, re.I), f"{page}: eq {target}"


def test_bibliography_page_and_citations(site):  # noqa: F811
    bib = read("bibliography.html")
    assert bib.count('role="doc-biblioentry"') + bib.count('class="citation"') >= 1
    cited = [p for p in CHAPTERS if "{cite" in source(p)]
    assert cited, "no chapter cites anything"
    for page in cited:
        assert "bibliography.html#id" in read(page), f"{page}: citations do not link"
