"""Build the graded assignments and grade notebooks locally (otter-grader, no Docker).

    python tools/assignments.py build [OUT]          # default OUT: _build/assignments
    python tools/assignments.py grade ZIP NOTEBOOK   # prints the score table

`build` converts every MyST source in chapters/assignments/ to .ipynb (jupytext) and runs
`otter assign`, which executes the solutions and checks that they pass, writing for each
assignment NAME:

    OUT/NAME/student/NAME.ipynb        hand this out: no solutions, no hidden tests
    OUT/NAME/autograder/NAME-autograder_*.zip   grade with it (`otter run -a ZIP NOTEBOOK`)
    OUT/NAME/autograder/NAME.ipynb     the solution notebook
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "chapters" / "assignments").glob("*.md"))
BIN = Path(sys.executable).parent

# A kernel that never answers its first request is a start-up failure of jupyter_client's TCP
# transport, not a grading result: the client may connect to a port before the kernel has
# bound it, and on a loaded machine a reconnect occasionally lands on its own source port (a
# TCP self-connection), so the handshake waits forever. otter gives no way to choose the IPC
# transport, so a grading or an assignment build whose kernel failed to start is run once more.
KERNEL_START_FAILURES = ("Kernel didn't respond in", "Kernel died before replying")


def otter(args: list[str], cwd: str | Path | None = None) -> subprocess.CompletedProcess:
    """Run the otter command line; once more if its kernel failed to start (see above)."""
    for attempt in (1, 2):
        proc = subprocess.run([str(BIN / "otter"), *args], cwd=cwd, capture_output=True, text=True)
        failed_to_start = any(msg in proc.stderr for msg in KERNEL_START_FAILURES)
        if proc.returncode == 0 or not failed_to_start or attempt == 2:
            break
        print(f"otter {args[0]}: the kernel did not start; trying once more", file=sys.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"otter {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc


def build_one(source: Path, out: Path) -> Path:
    """Convert one MyST source and run `otter assign` on it; return its output folder."""
    name = source.stem
    target = out / name
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        notebook = Path(tmp) / f"{name}.ipynb"
        jupytext = [str(BIN / "jupytext"), "--quiet", "--to", "ipynb", "-o", str(notebook)]
        subprocess.run([*jupytext, str(source)], check=True)
        otter(["assign", str(notebook), str(target)], cwd=tmp)
    return target


def build(out: Path = ROOT / "_build" / "assignments") -> dict[str, Path]:
    """Run `otter assign` on every assignment; return {name: its output folder}."""
    out.mkdir(parents=True, exist_ok=True)
    built = {}
    for source in SOURCES:
        built[source.stem] = target = build_one(source, out)
        print(f"{source.stem}: student notebook {target / 'student' / (source.stem + '.ipynb')}")
    return built


def autograder_zip(folder: Path) -> Path:
    (zip_path,) = sorted((folder / "autograder").glob("*-autograder_*.zip"))
    return zip_path


def run(zip_path: Path, notebook: Path) -> dict:
    """Grade one notebook with `otter run`; return otter's results.json as a dict."""
    with tempfile.TemporaryDirectory() as tmp:
        otter(["run", "-a", str(zip_path), str(notebook), "-o", tmp])
        return json.loads((Path(tmp) / "results.json").read_text())


def grade(zip_path: Path, notebook: Path) -> dict[str, tuple[float, float]]:
    """Grade one notebook with `otter run`; return {question: (score, max_score)}."""
    results = run(zip_path, notebook)
    # The "Public Tests" summary entry has a status but no score.
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        build(Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "assignments")
        return 0
    if argv[:1] == ["grade"] and len(argv) == 3:
        scores = grade(Path(argv[1]), Path(argv[2]))
        for name, (score, top) in scores.items():
            print(f"{name}: {score:g} / {top:g}")
        total = sum(s for s, _ in scores.values()), sum(t for _, t in scores.values())
        print(f"total: {total[0]:g} / {total[1]:g}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
