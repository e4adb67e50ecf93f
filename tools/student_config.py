"""Write the configuration of the student book: ``_config.yml`` with the solutions removed.

Usage::

    python tools/student_config.py OUT.yml [--no-execute]

The student book is the instructor book with sphinx-exercise's ``hide_solutions: true`` and the
extension ``tools/hide_gated_solutions.py``: every ``{solution}`` and every ``{solution-start}``
… ``{solution-end}`` block (its code cells included) is dropped from the HTML. The file is generated from ``_config.yml`` at each build, so the two
books never drift apart. ``--no-execute`` skips running the chapters (``execute_notebooks:
off``): the pages keep their text but lose their outputs; the tests use it to check the removal
quickly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def student_config(execute: bool = True, hide_solutions: bool = True) -> dict:
    """The book's configuration with ``sphinx.config.hide_solutions`` set to true.

    ``hide_solutions=False`` gives the instructor book under the same settings otherwise (the
    tests' control: the same pages with the solutions present).
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    if not execute:
        config.setdefault("execute", {})["execute_notebooks"] = "off"
    if not hide_solutions:
        return config
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("config", {})["hide_solutions"] = True
    # sphinx-exercise 1.2.1 cannot hide gated solutions by itself (see hide_gated_solutions.py).
    sphinx.setdefault("local_extensions", {})["hide_gated_solutions"] = str(ROOT / "tools")
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write the configuration")
    parser.add_argument("--no-execute", action="store_true", help="do not run the chapters")
    parser.add_argument(
        "--show-solutions", action="store_true", help="keep the solutions (a control build)"
    )
    args = parser.parse_args(argv)
    config = student_config(not args.no_execute, not args.show_solutions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(yaml.safe_dump(config, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
