"""Sphinx extension: the book reads a prose number ``{eval}`G["key:fmt"]``` from the page's glue.

The chapters quote the numbers their cells computed as ``{eval}`G["key:fmt"]``` (see
``mfnet_lite/prose.py``), the form jupyterlab-myst evaluates in a live kernel. myst-nb evaluates
``{eval}`` only in its ``inline`` execution mode; the book executes its pages in ``force`` mode
(so that they can be executed before Sphinx reads them, and in any order). This extension
replaces myst-nb's ``eval`` role: an expression of exactly that form becomes myst-nb's own
``{glue:text}`key:fmt``` -- the same node, the same formatting, the same warning when the page
glued no such key; any other expression goes to myst-nb's role (which evaluates it in ``inline``
mode and warns in the others).
"""

from __future__ import annotations

import re

from myst_nb.ext.eval import EvalRoleAny
from myst_nb.ext.glue.roles import PasteTextRole

EXPRESSION = re.compile(r'G\["([A-Za-z0-9_]+(?::[^"]*)?)"\]')


class GluedEvalRole(PasteTextRole):
    """``{eval}`G["key:fmt"]``` as ``{glue:text}`key:fmt```; other expressions as myst-nb's."""

    def __init__(self):
        self._kernel = EvalRoleAny()

    def __call__(self, name, rawtext, text, lineno, inliner, options=None, content=()):
        match = EXPRESSION.fullmatch(text.strip())
        if match is None:
            return self._kernel(name, rawtext, text, lineno, inliner, options, content)
        return super().__call__(name, rawtext, match.group(1), lineno, inliner, options, content)


def _override(app) -> None:
    app.add_role("eval", GluedEvalRole(), override=True)


def setup(app):
    # after every extension's setup, myst-nb's included (it registers its own eval role)
    app.connect("builder-inited", _override)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
