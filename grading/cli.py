"""The command line of grading (`python -m grading`, `make assignments`, `make grade`).

    python -m grading build [OUT] [NAME ...] [--secret PATH [--roster CSV]]
    python -m grading grade ASSIGNMENT SUBMISSIONS [--timeout S] [--workers N] [--out DIR]
                            [--assignments DIR]

A user's mistake or an environment that cannot run the notebooks (grading.errors) prints one
line that says what to do and exits with status 2, before anything is built or written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grading import build, run, similarity
from grading.errors import UsageError
from grading.sandbox import Limits


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 2, as argparse does, without the usage
        raise UsageError(f"{message} (see python -m grading {self.prog.split()[-1]} --help)")


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="python -m grading", description="Build and grade the assignments.")
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = commands.add_parser("build", help="build the assignments (make assignments)")
    b.add_argument("out", nargs="?", type=Path, default=build.DEFAULT_OUT)
    b.add_argument("names", nargs="*")
    b.add_argument(
        "--secret",
        type=Path,
        default=None,
        help="the instructor's key file (created when missing): keyed hidden inputs",
    )
    b.add_argument(
        "--roster",
        type=Path,
        default=None,
        help="Canvas or Moodle roster CSV: one notebook per student (needs --secret)",
    )
    g = commands.add_parser("grade", help="grade a class folder (make grade)")
    g.add_argument("assignment")
    g.add_argument("submissions", type=Path)
    g.add_argument(
        "--timeout",
        type=float,
        default=run.DEFAULT_TIMEOUT,
        help=f"seconds per notebook (default {run.DEFAULT_TIMEOUT:g})",
    )
    g.add_argument(
        "--workers",
        type=_positive_int,
        default=os.cpu_count() or 1,
        help="notebooks graded at a time (default: the number of cores)",
    )
    defaults = Limits()
    g.add_argument(
        "--memory",
        type=_positive_int,
        default=defaults.memory_mb,
        help=f"MB of address space per notebook (default {defaults.memory_mb})",
    )
    g.add_argument(
        "--disk",
        type=_positive_int,
        default=defaults.disk_mb,
        help=f"MB a notebook may write (default {defaults.disk_mb})",
    )
    g.add_argument(
        "--processes",
        type=_positive_int,
        default=defaults.processes,
        help=f"processes per notebook, as root (default {defaults.processes})",
    )
    g.add_argument("--roster", type=Path, default=None, help="Canvas or Moodle roster CSV")
    g.add_argument("--secret", type=Path, default=None, help="checked to be the key the build used")
    g.add_argument(
        "--lms-id", default="", help="Canvas's assignment id: the column '<ASSIGNMENT> (<id>)'"
    )
    g.add_argument(
        "--similarity",
        type=float,
        default=similarity.DEFAULT_THRESHOLD,
        help="share of code above which a pair is flagged (default "
        f"{similarity.DEFAULT_THRESHOLD}; 0 turns copy detection off)",
    )
    g.add_argument("--out", type=Path, default=None)
    g.add_argument("--assignments", type=Path, default=None)
    g.add_argument("--no-progress", action="store_true", help="a line per notebook, no bar")
    return top


def main(argv: list[str]) -> int:
    try:
        args = parser().parse_args(argv)
        if args.command == "build":
            build.build(args.out, args.names, args.secret, args.roster)
        else:
            run.grade_class(
                args.assignment,
                args.submissions,
                args.timeout,
                args.out,
                args.assignments,
                workers=args.workers,
                progress=not args.no_progress and sys.stderr.isatty(),
                limits=Limits(args.memory, args.disk, args.processes),
                roster=args.roster,
                lms_id=args.lms_id,
                similarity_threshold=args.similarity or None,
                secret_path=args.secret,
            )
    except UsageError as problem:
        command = argv[0] if argv[:1] in (["build"], ["grade"]) else "grading"
        print(f"{command}: {problem}", file=sys.stderr)
        return 2
    return 0
