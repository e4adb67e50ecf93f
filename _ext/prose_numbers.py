"""Sphinx extension: the book reads a prose number ``{eval}`G["key:fmt"]``` from the page's glue.

The chapters quote the numbers their cells computed as ``{eval}`G["key:fmt"]``` (see
``mfnet_lite/prose.py``), the form jupyterlab-myst evaluates in a live kernel. myst-nb evaluates
``{eval}`` only in its ``inline`` execution mode; the book executes its pages in ``force`` mode
(so that they can be executed before Sphinx reads them, and in any order). This extension
replaces myst-nb's ``eval`` role: an expression of exactly that form becomes myst-nb's own
``{glue:text}`key:fmt``` -- the same node, the same formatting, the same warning when the page
glued no such key; any other expression goes to myst-nb's role (which evaluates it in ``inline``
mode and warns in the others).

It also checks, on each page as it is executed, that every paragraph quotes only numbers computed
by a cell above it (``mfnet_lite.prose.forward_quotes``): the built book would show the number
either way, but JupyterLab's Run All evaluates a paragraph when it reaches it. Each paragraph that
does not is a warning, so ``-W`` fails the build.
"""

from __future__ import annotations

import re

import myst_nb.core.execute.base as execute_base
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


def _checked(extract):
    """myst-nb's ``extract_glue_data``, first warning of each paragraph that quotes too early."""

    def extract_glue_data(notebook, source_map, logger):
        from mfnet_lite.prose import forward_quotes

        for index, _, keys in forward_quotes(notebook):
            logger.warning(
                f"this paragraph quotes {', '.join(keys)}, computed only further down: "
                "JupyterLab's Run All would show an error there; move the paragraph below the "
                "cell that computes it (tools/prose_order.py lists them)",
                subtype="glue",
                line=source_map[index],
            )
        return extract(notebook, source_map, logger)

    extract_glue_data.checked = True
    return extract_glue_data


def _override(app) -> None:
    app.add_role("eval", GluedEvalRole(), override=True)


def setup(app):
    # after every extension's setup, myst-nb's included (it registers its own eval role)
    app.connect("builder-inited", _override)
    if not getattr(execute_base.extract_glue_data, "checked", False):
        execute_base.extract_glue_data = _checked(execute_base.extract_glue_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
