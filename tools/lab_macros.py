"""Give each chapter the book's TeX macros in a form jupyterlab-myst's KaTeX reads.

    python tools/lab_macros.py check [FILE ...]   # exit 1 for each chapter whose cell is stale
    python tools/lab_macros.py write [FILE ...]   # insert or refresh the cell

The macros (``\\E``, ``\\ind``, ``\\R``, ...) have one source of truth: ``_config.yml``'s
``sphinx: config: mathjax3_config: tex: macros``, which the book's MathJax reads. jupyterlab-myst
2.7.0 takes math macros only from the MyST frontmatter of a notebook's *first Markdown cell*
(a YAML block ``---\\nmath:\\n  '\\E': '\\mathbb{E}'\\n---``; it does not read the notebook's
metadata). So each chapter that uses a macro starts with a Markdown cell holding that YAML
block, generated here from ``_config.yml``, and tagged ``remove-cell`` so that myst-nb (which
skips cells with that tag, and would read the YAML as a rule and a heading) leaves it out of the
book. tests/test_lab_numbers.py runs ``check``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import roundtrip  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MARKER = '+++ {"tags": ["remove-cell"]}'
HEADER_END = re.compile(r"\A---\n.*?\n---\n", re.S)


def macros() -> dict[str, str]:
    """The book's MathJax macros from ``_config.yml``, name (no backslash) -> expansion."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    found = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    if not isinstance(found, dict) or not found:
        raise ValueError("_config.yml: mathjax3_config.tex.macros must be a non-empty mapping")
    for name, value in found.items():
        if not isinstance(value, str):
            raise ValueError(
                f"_config.yml: macro {name!r} takes arguments ({value!r}); "
                "give it as a plain string so KaTeX and MathJax read the same text"
            )
    return found


def cell(found: dict[str, str]) -> str:
    """The first Markdown cell (its jupytext separator included) for ``found``."""
    lines = [MARKER, "", "---", "math:"]
    for name, value in found.items():
        lines.append(f"  '\\{name}': '{value}'")
    # A bare separator ends the cell: without it the chapter's opening prose would join it.
    lines += ["---", "", "+++", "", ""]
    return "\n".join(lines)


def uses(text: str, found: dict[str, str]) -> bool:
    """Whether ``text`` uses one of the macros (as ``\\name`` not followed by a letter)."""
    return any(re.search(rf"\\{re.escape(name)}(?![A-Za-z])", text) for name in found)


def with_cell(text: str, found: dict[str, str]) -> str:
    """``text`` with its macro cell inserted after the jupytext header, or refreshed."""
    header = HEADER_END.match(text)
    if header is None:
        raise ValueError("the file does not start with a jupytext YAML header")
    head, body = text[: header.end()], text[header.end() :].lstrip("\n")
    if body.startswith(MARKER + "\n\n---\nmath:\n"):
        end = body.index("\n---\n", len(MARKER) + 6) + len("\n---\n")
        body = body[end:].lstrip("\n")
        if body.startswith("+++\n"):
            body = body[len("+++\n") :].lstrip("\n")
    if not uses(body, found):
        return head + "\n" + body
    new = cell(found)
    if body.startswith("+++ {"):  # the next cell's own separator (a slide mark) ends the cell
        new = new[: new.rindex("+++")]
    return head + "\n" + new + body


def main(argv: list[str] | None = None) -> int:
    found = macros()
    return roundtrip.check_or_write(
        argv, __doc__.split("\n\n")[0], lambda text: with_cell(text, found),
        "its macro cell differs from _config.yml (tools/lab_macros.py write)",
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
