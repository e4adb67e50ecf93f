"""Build the student edition of the book: the same pages with every solution removed.

    python tools/student_book.py [--no-execute] [--out DIR]   # default DIR: _build/student

It copies _config.yml with the local extension _ext/student_edition.py added (so the source
configuration stays single) and builds with `-W -n --keep-going`. `--no-execute` skips running
the chapters (the tests use it: removing solutions does not depend on cell outputs); it also
drops `-W`, since the figures that {numref} points at only exist in executed pages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def student_config(execute: bool = True) -> Path:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    # sphinx-exercise's hide_solutions mishandles gated solutions: see _ext/student_edition.py
    local = config.setdefault("sphinx", {}).setdefault("local_extensions", {})
    # this copy lives in _build/: the book's own local extensions' folders made absolute
    local.update({name: str(ROOT / folder) for name, folder in local.items()})
    local["student_edition"] = str(ROOT / "_ext")
    if not execute:
        config["execute"]["execute_notebooks"] = "off"
    config["title"] = config.get("title", "") + " (student edition)"
    path = ROOT / "_build" / "_config_student.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true", help="do not run the chapters")
    parser.add_argument("--out", default=str(ROOT / "_build" / "student"))
    args = parser.parse_args(argv)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--config", str(student_config(not args.no_execute))]
    cmd += ["--path-output", args.out, "-n", "--keep-going"]
    if not args.no_execute:  # unexecuted pages lack the figures their {numref}s point at
        cmd.append("-W")
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
