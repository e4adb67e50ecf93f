"""Turn a chapter's glued prose numbers into inline expressions that JupyterLab shows too.

    python tools/eval_numbers.py FILE [FILE ...]

In Markdown lines (not code cells, not their option blocks), each ``{glue:text}`key:fmt``` becomes
``{eval}`G["key:fmt"]``` (mfnet_lite.prose), and the chapter's ``from myst_nb import glue``
becomes ``from mfnet_lite.prose import G, glue``. jupyterlab-myst evaluates the expression in the
kernel when the Markdown cell runs; the built book reads it from the page's glue
(_ext/prose_numbers.py): both show the formatted number. JupyterLab evaluates it when Run All
reaches the paragraph, so a paragraph must follow the cell that computes its numbers
(tools/prose_order.py lists those that do not). Prints, per file, how many roles it converted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROLE = re.compile(r"\{glue:text\}`([^`]+)`")
IMPORT = re.compile(r"^from myst_nb import glue\b", re.M)


def convert(text: str) -> tuple[str, int]:
    """``text`` with its prose ``{glue:text}`` roles turned into ``{eval}``; and their count."""
    out, count, in_code = [], 0, False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_code:  # a code cell, its option block included, is left as it is
            in_code = stripped != "```"
        elif stripped.startswith("```{code-cell}"):
            in_code = True
        else:
            line, n = ROLE.subn(lambda m: '{eval}`G["' + m.group(1) + '"]`', line)
            count += n
        out.append(line)
    text = "\n".join(out)
    text = IMPORT.sub("from mfnet_lite.prose import G, glue", text, count=1)
    return text, count


def main(argv: list[str] | None = None) -> int:
    files = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    if not files:
        print(__doc__)
        return 2
    for path in files:
        new, count = convert(path.read_text())
        path.write_text(new)
        print(f"{path}: {count} roles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
