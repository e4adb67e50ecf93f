"""Sphinx extension of the student edition: remove gated solutions when ``hide_solutions`` is on.

sphinx-exercise 1.2.1 hides a ``{solution}`` directive under ``hide_solutions: true``, but not a
gated ``{solution-start}`` … ``{solution-end}`` block (the form the chapters use, because it can
hold code cells): the start directive vanishes, the content between the two markers stays in
the page, and the leftover end marker crashes the HTML writer (``departing unknown node type:
solution_end_node``; upstream issue executablebooks/sphinx-exercise#89). This extension makes
``{solution-start}`` leave a marker instead, and a transform then deletes everything from that
marker through its ``{solution-end}``: text, equations and code cells with their outputs.

Loaded only by the student configuration that ``tools/student_config.py`` writes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node


class hidden_solution_start(nodes.Element):
    """Where a hidden gated solution began; removed with the block before writing."""


class HiddenSolutionStart(SolutionStartDirective):
    """``{solution-start}`` that leaves a marker when solutions are hidden."""

    def run(self):
        result = super().run()  # keeps sphinx-exercise's registry of gated directives complete
        if self.env.app.config.hide_solutions:
            return [hidden_solution_start()]
        return result


class RemoveHiddenSolutions(SphinxTransform):
    """Delete each hidden gated solution, from its start marker through its end marker."""

    # Before sphinx-exercise's MergeGatedSolutions (priority 10), which would skip them.
    default_priority = 5

    def apply(self, **kwargs) -> None:
        for start in list(self.document.findall(hidden_solution_start)):
            parent = start.parent
            first = parent.index(start)
            last = first
            while last < len(parent) and not isinstance(parent[last], solution_end_node):
                last += 1
            if last == len(parent):
                raise ExtensionError(
                    f"{self.env.docname}: a hidden solution-start has no solution-end after it "
                    "at the same level; close every solution with ```{solution-end}```."
                )
            for child in list(parent.children[first : last + 1]):
                parent.remove(child)


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_node(hidden_solution_start)
    app.add_directive("solution-start", HiddenSolutionStart, override=True)
    app.add_transform(RemoveHiddenSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
