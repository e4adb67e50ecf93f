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
one does not; ``-W`` makes that an error); for two that declare nothing and sphinx-proof's
domain, which lacks the merge Sphinx calls, see ``UNDECLARED`` and ``give_proof_domain_a_merge``.

Compared with the serial build on the same pages: the same HTML up to the widgets' random model
ids and the two figures that plot wall-clock times (ch03's solver times, ch08's risk against
seconds). Every build through this script also waits for kernel messages in short slices
(``poll_kernel_replies_in_slices``): side by side, a chapter otherwise sometimes lost a reply's
wake-up and sat idle for the whole 180 s cell timeout before finding it.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path


def one_page_per_process(root: Path):
    """A ``make_chunks`` for Sphinx: each page alone, the largest source started first.

    Sphinx's ``ParallelTasks`` starts the first ``nproc`` tasks as they are added and the
    rest, once a process is free, last in first out (``dict.popitem``): the list is ordered so
    that the pages *start* largest first (measured: in source order the longest chapter
    started last and ran alone at the end of the build).
    """

    def size(docname: str) -> int:
        for suffix in (".md", ".ipynb", ".rst"):
            path = root / f"{docname}{suffix}"
            if path.is_file():
                return path.stat().st_size
        return 0

    def make_chunks(arguments, nproc, maxbatch=10):
        pages = [[name] for name in sorted(arguments, key=size, reverse=True)]
        return pages[:nproc] + pages[nproc:][::-1]

    return make_chunks


# Extensions that Jupyter Book loads and that declare nothing about parallel reading (Sphinx then
# reads serially, with a warning that -W turns into an error), with why reading side by side is
# safe for them in an HTML build.
UNDECLARED = {
    "sphinx_multitoc_numbering": "it replaces TocTreeCollector.assign_section_numbers, which "
    "Sphinx runs in the main process once every page is read",
    "sphinx_jupyterbook_latex": "its transforms and handlers act only for the LaTeX builder",
}


def declare_parallel_safe(module_name: str) -> None:
    """Make the extension's ``setup`` declare parallel reading and writing safe."""
    import importlib

    module = importlib.import_module(module_name)
    if getattr(module.setup, "declared", False):
        return
    setup = module.setup

    def declared_setup(app):
        metadata = setup(app) or {}
        return {**metadata, "parallel_read_safe": True, "parallel_write_safe": True}

    declared_setup.declared = True
    module.setup = declared_setup


def give_proof_domain_a_merge() -> None:
    """sphinx-proof 0.4.0 declares parallel reading safe, but its ``prf`` domain has no
    ``merge_domaindata`` and Sphinx raises NotImplementedError when it merges a process's pages.
    The domain keeps no data of its own (the proofs live in ``env.proof_list``, which sphinx-proof
    merges in its ``env-merge-info`` handler), so there is nothing to merge."""
    from sphinx_proof.domain import ProofDomain

    if "merge_domaindata" not in ProofDomain.__dict__:
        ProofDomain.merge_domaindata = lambda self, docnames, otherdata: None


HTML_BUILDERS = ("html", "singlehtml", "dirhtml")


def poll_kernel_replies_in_slices(slice_s: float = 0.25) -> None:
    """Make nbclient's waits for a kernel message look again every ``slice_s`` seconds.

    With two chapters executing side by side, a build sometimes sat idle for minutes: both the
    kernel and nbclient waiting in their event loops (py-spy), every kernel thread idle, until
    something else woke the socket -- the lost-wake-up pattern of ipykernel issue #1554, seen
    here with ipykernel 6.31. jupyter_client's asyncio channel waits for a message with one
    ``socket.poll(timeout)``, where ``timeout`` is the whole cell timeout (180 s), and a wake-up
    the event loop misses is never looked for again. Each slice here ends in a real
    ``zmq_poll``, so a message that is waiting is found within ``slice_s`` seconds; the overall
    deadline (and nbclient's timeout error) stays what it was.
    """
    import time
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel

    if getattr(AsyncZMQSocketChannel.get_msg, "sliced", False):
        return

    async def get_msg(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_s if deadline is None else max(0.0, deadline - time.monotonic())
            if await self.socket.poll(int(1000 * min(slice_s, left))):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty

    get_msg.sliced = True
    AsyncZMQSocketChannel.get_msg = get_msg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--jobs", type=int, help="pages read at once (default: one per core for the HTML builders)"
    )
    args, rest = parser.parse_known_args(argv)
    if not rest or rest[0].startswith("-"):
        parser.error("give the book's folder first, as to `jupyter-book build` (e.g. `.`).")
    builder = rest[rest.index("--builder") + 1] if "--builder" in rest[:-1] else "html"
    if args.jobs is None:
        args.jobs = len(os.sched_getaffinity(0)) if builder in HTML_BUILDERS else 1
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1; got {args.jobs}.")
    if args.jobs > 1 and builder not in HTML_BUILDERS:
        parser.error(f"--jobs above 1 is for the HTML builders; got --builder {builder}.")

    import jupyter_book.sphinx
    import sphinx.builders
    from jupyter_book.cli import main as jb

    if args.jobs > 1:
        sphinx.builders.make_chunks = one_page_per_process(Path(rest[0]).resolve())
        for name in UNDECLARED:
            declare_parallel_safe(name)
        give_proof_domain_a_merge()
    poll_kernel_replies_in_slices()
    # jupyter-book's `build` imports build_sphinx from this module when it runs
    jupyter_book.sphinx.build_sphinx = functools.partial(
        jupyter_book.sphinx.build_sphinx, jobs=args.jobs
    )
    try:
        jb.main(["build", *rest], standalone_mode=False)
    except SystemExit as exc:  # jupyter-book exits 1 on a failed build
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
