"""Sphinx extension: each chapter page with slide marks links its lecture deck.

`make slides` (tools/slides.py) writes one reveal.js deck per chapter into ``_build/slides``
and copies the folder beside the HTML book as ``slides/``. This extension puts a line at the top
of every page whose notebook has cells marked ``slideshow.slide_type`` (slide, subslide,
fragment), linking ``slides/<chapter>.html``, so no chapter's prose carries the link.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

SLIDE_TYPES = {"slide", "subslide", "fragment"}


def _has_marks(source: Path) -> bool:
    if source.suffix != ".md" or not source.is_file():
        return False
    import jupytext

    cells = jupytext.read(source).cells
    return any(c.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES for c in cells)


def _add_link(app, doctree) -> None:
    docname = app.env.docname
    if not docname.startswith("chapters/") or docname.count("/") != 1:
        return
    source = Path(app.env.doc2path(docname))
    if not _has_marks(source):
        return
    stem = docname.split("/", 1)[1]
    para = nodes.paragraph(classes=["slides-link"])
    para += nodes.Text("Lecture slides of this chapter: ")
    para += nodes.reference("", f"{stem}.html (reveal.js)", refuri=f"../slides/{stem}.html")
    para += nodes.Text(" and its handout PDF (")
    para += nodes.reference("", "PDF", refuri=f"../slides/{stem}.pdf")
    para += nodes.Text("), built by make slides.")
    # after the chapter's title, before its first section
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, para)
        return
    title = next(iter(section.findall(nodes.title)), None)
    section.insert(section.index(title) + 1 if title is not None else 0, para)


def setup(app):
    app.connect("doctree-read", _add_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
