"""The grading sandbox and the environment it runs in (issue 24, item 5).

Run as root, `make grade` runs each notebook as a user id of its own. A repository and venv
inside a folder only its owner can enter (`/root`, mode 0700 on Debian) are unreadable to that
user: before the check, every notebook, the solution included, scored "0 / 5 could not be run"
(`ModuleNotFoundError: No module named 'numpy'`). Simulated here by a 0700 folder holding a
copy of the grading code and a venv whose interpreter is a symlink and whose site-packages are
this venv's: the grader must check the sandbox's imports before the first notebook, run a
readable copy, and when even that cannot be read, refuse in one line with exit status 2.
"""

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grading import build as assignments  # noqa: E402
from grading import sandbox as grade  # noqa: E402

NAME = "b_wasserstein"
BOX = grade.isolation()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BOX["user"], reason="needs root and setpriv (a user id per notebook)"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory, plain_assignment):
    return plain_assignment(tmp_path_factory.mktemp("built") / "assignments").parent


def private_checkout(base: Path) -> tuple[Path, Path]:
    """(python, repository) inside `base`/private, a folder only its owner (root) can enter: a
    venv whose interpreter is a symlink to this one's and whose site-packages are this venv's,
    and a copy of the grading code and mfnet_lite."""
    private = base / "private"
    venv = private / "venv"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (venv / "bin").mkdir(parents=True)
    (venv / "lib" / version).mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(os.path.realpath(sys.executable))
    shutil.copy(Path(sys.prefix) / "pyvenv.cfg", venv / "pyvenv.cfg")
    purelib = Path(sysconfig.get_paths()["purelib"])
    (venv / "lib" / version / "site-packages").symlink_to(purelib)
    repo = private / "repo"
    for part in ("grading", "tools", "mfnet_lite", "chapters/assignments"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "requirements.txt", repo / "requirements.txt")
    private.chmod(0o700)
    return venv / "bin" / "python", repo


def class_folder(built: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(built / NAME / "autograder" / f"{NAME}.ipynb", folder / "solution.ipynb")
    shutil.copy(assignments.student_notebook(built / NAME), folder / "student.ipynb")
    return folder


def run_grade(python: Path, repo: Path, args: list, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run(
        [str(python), "-m", "grading", "grade", NAME, *map(str, args)],
        capture_output=True,
        text=True,
        env=clean | env,
        cwd=repo,
        timeout=600,
    )


def test_the_simulation_is_faithful(tmp_path):
    """Root imports numpy through the private venv; the sandbox's user cannot (the bug's cause)."""
    python, _ = private_checkout(tmp_path)
    probe = [str(python), "-c", "import numpy, sys; print(sys.prefix)"]
    assert subprocess.run(probe, capture_output=True).returncode == 0
    uid = grade.fresh_uid(*BOX["uids"])
    proc = subprocess.run(
        grade.sandbox_command(probe, {"net": False}, uid), capture_output=True, text=True, cwd="/"
    )
    assert proc.returncode != 0 and "numpy" in proc.stderr


def test_a_venv_the_sandbox_cannot_read_still_grades(built, tmp_path):
    python, repo = private_checkout(tmp_path)
    folder = class_folder(built, tmp_path / "submissions")
    out = tmp_path / "grades"
    proc = run_grade(python, repo, [folder, "--assignments", built, "--out", out, "--timeout", 120])
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert rows["solution.ipynb"]["total"] == rows["solution.ipynb"]["max"] == "5", rows
    assert rows["solution.ipynb"]["status"] == "graded"
    assert rows["student.ipynb"]["total"] == "0"
    log = (out / "grading.log").read_text()
    line = next(x for x in log.splitlines() if x.startswith("sandbox interpreter"))
    assert "readable copy in" in line and "numpy" in line, line
    staged = Path(line.split("readable copy in ")[1].split()[0])
    assert not staged.exists()  # removed after the batch


def test_refuses_in_one_line_when_no_copy_is_readable(built, tmp_path):
    """The staged copy goes under TMPDIR; a 0700 TMPDIR makes it unreadable too: exit status 2,
    one line that says what to change, no traceback, nothing written."""
    python, repo = private_checkout(tmp_path)
    folder = class_folder(built, tmp_path / "submissions")
    closed = tmp_path / "closed-tmp"
    closed.mkdir(mode=0o700)
    out = tmp_path / "grades"
    proc = run_grade(python, repo, [folder, "--assignments", built, "--out", out], TMPDIR=closed)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("grade: "), proc.stderr
    assert "numpy" in lines[0] and "every user can enter" in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not out.exists()
    assert not list(closed.iterdir())  # the unreadable copy was removed
