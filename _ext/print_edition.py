"""Sphinx extension: the single-page builder (``singlehtml``, the print edition) renders every
node the ``html`` builder renders.

Sphinx looks up a node's visitors under the builder's name and, only when that name has none at
all, under its format ("html"). sphinx-exercise registers visitors under "singlehtml", so the
visitors that sphinx-proof registers under "html" alone (theorem, definition, proof ...) are not
found there and the single-page build stops ("departing unknown node type: definition_node").
This extension copies the missing "html" visitors to the builder's own name at builder-inited,
before any page is written. It changes nothing for the ``html`` builder.
"""

from __future__ import annotations


def _share_html_visitors(app) -> None:
    builder = app.builder
    handlers = app.registry.translation_handlers
    if builder.format != "html" or builder.name == "html" or builder.name not in handlers:
        return
    own = handlers[builder.name]
    for node, visitors in handlers.get("html", {}).items():
        own.setdefault(node, visitors)


def setup(app):
    app.connect("builder-inited", _share_html_visitors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
