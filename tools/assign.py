"""Build the graded assignments of chapters/assignments/ with otter-grader.

Usage::

    python tools/assign.py [--out _build/assignments] [NAME ...]

For each source ``chapters/assignments/NAME.md`` (jupytext MyST in otter's notebook format):

1. jupytext converts it to ``OUT/source/NAME.ipynb`` (solutions and hidden tests: instructor only);
2. ``otter assign`` runs that notebook once, checks that the solution passes every test, and
   writes ``OUT/NAME/student/NAME.ipynb`` and ``OUT/NAME/autograder/`` (with the zip);
3. the hand-outs are gathered as ``OUT/student/NAME.ipynb`` and the autograder archives as
   ``OUT/autograder/NAME-autograder.zip`` (a name without otter's time stamp).

Grade one submission locally (no Docker)::

    mkdir -p results && otter run -a OUT/autograder/NAME-autograder.zip SUB.ipynb -o results
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "chapters" / "assignments"


def _tool(name: str) -> str:
    """The console script installed beside this Python (the venv's), else the one on PATH."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def build(name: str, out: Path) -> tuple[Path, Path]:
    """Convert and assign one notebook; return (student notebook, autograder zip)."""
    source = SOURCES / f"{name}.md"
    if not source.is_file():
        raise FileNotFoundError(f"no assignment source {source}")
    notebook = out / "source" / f"{name}.ipynb"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [_tool("jupytext"), "--quiet", "--to", "ipynb", "--output", str(notebook), str(source)],
        check=True,
    )
    dist = out / name
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run(
        [_tool("otter"), "assign", str(notebook), str(dist)],
        check=True,
        cwd=notebook.parent,
    )
    zips = sorted((dist / "autograder").glob(f"{name}-autograder_*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign wrote {len(zips)} autograder zips for {name}")
    student = out / "student" / f"{name}.ipynb"
    grader = out / "autograder" / f"{name}-autograder.zip"
    for path in (student, grader):
        path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dist / "student" / f"{name}.ipynb", student)
    shutil.copyfile(zips[0], grader)
    return student, grader


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="assignment names (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "assignments")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in SOURCES.glob("*.md"))
    out = args.out.resolve()
    for name in names:
        student, grader = build(name, out)
        print(f"{name}: hand out {student.relative_to(out)}, grade with {grader.relative_to(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
