"""Sphinx extension for the student edition: remove every exercise solution from the pages.

sphinx-exercise's own `hide_solutions` (1.2.1) handles `{solution}` but not the gated
`{solution-start}` ... `{solution-end}` pair the book uses: it drops the start marker, keeps the
solution's content on the page and leaves an end node that no writer can render. This transform
runs after sphinx-exercise has merged each gated pair into one solution node (its
MergeGatedSolutions transform, priority 10) and removes those nodes with all their content.
Enabled only by tools/student_book.py.
"""

from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    default_priority = 900  # after sphinx-exercise's merge of gated solutions (priority 10)

    def apply(self) -> None:
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app):
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
