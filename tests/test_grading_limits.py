"""Limits per notebook and parallel grading (issue 24): a memory bomb, a disk filler and a
crash each get their own row and the batch goes on; WORKERS=2 gives the rows of WORKERS=1."""

import csv
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grading import build, run  # noqa: E402
from grading.errors import UsageError  # noqa: E402
from grading.sandbox import DISK_LIMIT, MEMORY_LIMIT, Limits  # noqa: E402

NAME = "b_wasserstein"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory, plain_assignment):
    return plain_assignment(tmp_path_factory.mktemp("built") / "assignments")


def with_cell(source: Path, path: Path, cell: str) -> Path:
    nb = json.loads(source.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "source": cell,
            "outputs": [],
            "execution_count": None,
        }
    )
    path.write_text(json.dumps(nb))
    return path


@pytest.fixture(scope="module")
def class_folder(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    solution = built / "autograder" / f"{NAME}.ipynb"
    (folder / "solution.ipynb").write_bytes(solution.read_bytes())
    (folder / "student.ipynb").write_bytes(build.student_notebook(built).read_bytes())
    # 40 GB at once, after the solution's functions are defined: they keep their points.
    with_cell(solution, folder / "memory_bomb.ipynb", "import numpy as np\nx = np.ones(5 * 10**9)")
    filler = (
        "for i in range(12):\n"
        "    with open(f'fill{i}', 'wb') as f:\n"
        "        f.write(b'0' * 2**26)\n"
        "import time\ntime.sleep(30)"
    )
    with_cell(solution, folder / "disk_filler.ipynb", filler)
    with_cell(solution, folder / "crash.ipynb", "import os\nos._exit(3)")
    return folder


def grade(built, folder, out, workers, limits=None):
    path = run.grade_class(NAME, folder, 60, out, built.parent, workers=workers, limits=limits)
    with open(path, newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def serial(built, class_folder, tmp_path_factory):
    return grade(built, class_folder, tmp_path_factory.mktemp("grades1"), 1)


def test_a_memory_bomb_is_its_own_row_and_the_batch_goes_on(serial):
    row = serial["memory_bomb.ipynb"]
    assert row["status"].startswith(MEMORY_LIMIT), row
    assert row["total"] == "5"  # graded on what it exported before
    assert (
        serial["solution.ipynb"]["status"] == "graded" and serial["solution.ipynb"]["total"] == "5"
    )


def test_disk_beyond_the_limit_stops_the_notebook(serial):
    row = serial["disk_filler.ipynb"]
    assert row["status"].startswith(DISK_LIMIT), row
    assert float(row["seconds"]) < 30  # killed, not waited for


def test_a_crash_is_its_own_row(serial):
    assert "kernel died" in serial["crash.ipynb"]["status"]
    assert serial["student.ipynb"]["total"] == "0"


def test_two_workers_give_the_rows_of_one(built, class_folder, serial, tmp_path):
    parallel = grade(built, class_folder, tmp_path / "grades2", 2)

    def strip(rows):
        return {k: {c: v for c, v in r.items() if c != "seconds"} for k, r in rows.items()}

    assert strip(parallel) == strip(serial)
    assert list(parallel) == sorted(parallel)


def test_a_lower_memory_limit_catches_less(built, class_folder, tmp_path):
    (tmp_path / "one").mkdir()
    source = class_folder / "solution.ipynb"
    with_cell(source, tmp_path / "one" / "mid.ipynb", "import numpy as np\nx = np.ones(3 * 10**8)")
    default = grade(built, tmp_path / "one", tmp_path / "g1", 1)["mid.ipynb"]  # 2.4 GB: fits
    assert default["status"] == "graded", default
    low = grade(built, tmp_path / "one", tmp_path / "g2", 1, Limits(memory_mb=2048))["mid.ipynb"]
    assert low["status"].startswith(MEMORY_LIMIT), low


def test_limits_are_checked():
    with pytest.raises(UsageError, match="memory_mb"):
        Limits(memory_mb=0)
