"""Keep the chapter and assignment sources fixed points of jupytext's round trip.

JupyterLab (with jupytext) opens a MyST-Markdown chapter as a notebook and, on save, writes it
back through jupytext: Markdown -> notebook -> Markdown. A source that is not a fixed point of
that trip is rewritten by the first autosave with no edit made (a renamed kernelspec, block
captions turned into quoted strings, blank lines added). This tool runs the same trip, with the
notebook passing through the .ipynb format as JupyterLab's documents do, and the kernelspec that
JupyterLab's running kernel writes (``python3``, as ipykernel installs it).

    python tools/roundtrip.py check [FILE ...]    # exit 1 and a diff for each file that moves
    python tools/roundtrip.py format [FILE ...]   # rewrite each file as its round trip

Without files: every chapter (``chapters/*.md``) and assignment (``chapters/assignments/*.md``).
``make format-chapters`` runs ``format``; tests/test_roundtrip.py runs ``check``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
# The kernelspec ipykernel installs (`python -m ipykernel install`), which JupyterLab writes into
# a notebook's metadata when it starts that kernel.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
FORMAT = "md:myst"


def sources() -> list[Path]:
    """Every chapter and assignment source, sorted."""
    chapters = ROOT / "chapters"
    return sorted(chapters.glob("*.md")) + sorted((chapters / "assignments").glob("*.md"))


def round_trip(text: str) -> str:
    """``text`` after JupyterLab's open and save: MyST -> notebook (.ipynb JSON) -> MyST."""
    notebook = jupytext.reads(text, fmt=FORMAT)
    notebook = nbformat.reads(nbformat.writes(notebook), as_version=4)
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    return jupytext.writes(notebook, fmt=FORMAT)


def _one_line(value):
    """Metadata strings with line breaks (``caption: |`` blocks) as one line: jupytext would dump
    them as quoted strings with a blank line per break; Markdown reads a break as a space."""
    if isinstance(value, dict):
        return {k: _one_line(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    if isinstance(value, str) and "\n" in value.strip() and "\n\n" not in value.strip():
        return " ".join(value.split())
    return value


def normalise(text: str) -> str:
    """The fixed point reached from ``text``: block strings of cell metadata made one line, then
    the round trip applied until nothing moves."""
    notebook = jupytext.reads(text, fmt=FORMAT)
    for cell in notebook.cells:
        cell.metadata = _one_line(dict(cell.metadata))
    text = jupytext.writes(notebook, fmt=FORMAT)
    for _ in range(5):
        new = round_trip(text)
        if new == text:
            return text
        text = new
    raise RuntimeError("the round trip did not settle in five passes")


def diff(path: Path) -> str:
    """The unified diff a round trip makes to ``path`` (empty when it is a fixed point)."""
    text = path.read_text(encoding="utf-8")
    after = round_trip(text)
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{rel}",
            f"{rel} (after the round trip)",
        )
    )


def check_or_write(argv, description: str, rewrite, stale: str) -> int:
    """The ``check|write [FILE ...]`` command of a tool that keeps part of each chapter in step.

    ``rewrite(text) -> text`` gives a chapter as it should be. ``check`` prints ``stale`` after each
    chapter that differs and exits 1; ``write`` rewrites them. No files: every chapter.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("action", choices=["check", "write"])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or sorted((ROOT / "chapters").glob("ch*.md"))
    differ = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            differ += 1
            if args.action == "write":
                path.write_text(new, encoding="utf-8")
                print(f"wrote {path}")
            else:
                print(f"{path}: {stale}")
    return 1 if differ and args.action == "check" else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "format"])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = [f.resolve() for f in args.files] or sources()
    moved = 0
    for path in files:
        if args.command == "format":
            text = path.read_text(encoding="utf-8")
            new = normalise(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"normalised {path.name}")
                moved += 1
        elif d := diff(path):
            sys.stdout.write(d)
            moved += 1
    if args.command == "check" and moved:
        print(
            f"{moved} of {len(files)} files are not fixed points of the round trip", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
