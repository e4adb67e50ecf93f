"""``jupyter-book build``, with the pages read (so the chapters executed) side by side.

    python tools/build_book.py [--jobs N] PATH [jupyter-book build options ...]

The same build as ``jupyter-book build PATH ...`` (same configuration, same options, same output),
but Sphinx reads ``N`` pages at a time (default: one per core). Reading a chapter is executing it
(``execute_notebooks: force``), and the chapters take 5 to 30 s each, so on two cores the book
takes about half the time. Jupyter Book 1.x passes no ``jobs`` to Sphinx from its command line;
this script calls its command with that one argument added, and gives Sphinx one page per
process (Sphinx's own split hands consecutive pages to a process, and the long chapters would
share one), the largest sources first, so a long chapter does not start last. Every extension of
the book declares itself safe for parallel reading (Sphinx reads serially, with a warning, if
one does not; ``-W`` makes that an error).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path


def one_page_per_process(root: Path):
    """A ``make_chunks`` for Sphinx: each page alone, the largest source first."""

    def size(docname: str) -> int:
        for suffix in (".md", ".ipynb", ".rst"):
            path = root / f"{docname}{suffix}"
            if path.is_file():
                return path.stat().st_size
        return 0

    def make_chunks(arguments, nproc, maxbatch=10):
        return [[name] for name in sorted(arguments, key=size, reverse=True)]

    return make_chunks


def declare_multitoc_numbering_parallel_safe() -> None:
    """sphinx-multitoc-numbering 0.1.3 (a Jupyter Book dependency) declares nothing, so Sphinx would
    read serially (and warn). It only replaces ``TocTreeCollector.assign_section_numbers``, which
    Sphinx runs in the main process once every page is read: parallel reading is safe."""
    import sphinx_multitoc_numbering as multitoc

    if getattr(multitoc.setup, "declared", False):
        return
    setup = multitoc.setup

    def declared_setup(app):
        setup(app)
        return {"parallel_read_safe": True, "parallel_write_safe": True}

    declared_setup.declared = True
    multitoc.setup = declared_setup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pages read at once")
    args, rest = parser.parse_known_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1; got {args.jobs}.")
    if not rest or rest[0].startswith("-"):
        parser.error("give the book's folder first, as to `jupyter-book build` (e.g. `.`).")

    import jupyter_book.sphinx
    import sphinx.builders
    from jupyter_book.cli import main as jb

    if args.jobs > 1:
        sphinx.builders.make_chunks = one_page_per_process(Path(rest[0]).resolve())
        declare_multitoc_numbering_parallel_safe()
    # jupyter-book's `build` imports build_sphinx from this module when it runs
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=args.jobs)
    try:
        jb.main(["build", *rest], standalone_mode=False)
    except SystemExit as exc:  # jupyter-book exits 1 on a failed build
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
