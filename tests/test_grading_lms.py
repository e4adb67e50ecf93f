"""Rosters, submission layouts and grade files of the LMSs (issue 24): Canvas and Moodle
rosters, Canvas's bulk-download names (late ones too), a Gradescope export, one folder per
student at any depth; canvas.csv and moodle.csv read back with a CSV reader."""

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grading import build, lms, run  # noqa: E402
from grading.errors import UsageError  # noqa: E402

CANVAS_ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Old quiz (11)\n"
    "    Points Possible,,,,,10\n"
    '"Lovelace, Ada",101,S1,ada,A,7\n'
    '"Babbage, Charles",102,S2,cbabbage,A,8\n'
    '"Hopper, Grace",103,S3,ghopper,B,9\n'
    '"Turing, Alan",104,S4,aturing,B,\n'
)
MOODLE_ROSTER = (
    "First name,Last name,Email address,ID number\n"
    "Ada,Lovelace,ada@uni.edu,1001\n"
    "Grace,Hopper,ghopper@uni.edu,1003\n"
)


def write(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_canvas_roster_skips_points_possible(tmp_path):
    roster = lms.read_roster(write(tmp_path / "r.csv", CANVAS_ROSTER))
    assert roster.kind == "canvas"
    assert [s.login for s in roster.students] == ["ada", "cbabbage", "ghopper", "aturing"]
    assert roster.students[0].identity["ID"] == "101"


def test_moodle_roster(tmp_path):
    roster = lms.read_roster(write(tmp_path / "r.csv", MOODLE_ROSTER))
    assert roster.kind == "moodle" and [s.login for s in roster.students] == ["ada", "ghopper"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,email\nA,a@b\n", "neither Canvas's columns"),
        ("Student,ID,SIS User ID,SIS Login ID\n", "no student"),
        ("Student,ID,SIS User ID,SIS Login ID\nA,1,s,x\nB,2,t,x\n", "twice"),
    ],
)
def test_a_bad_roster_is_a_usage_error(tmp_path, text, message):
    with pytest.raises(UsageError, match=message):
        lms.read_roster(write(tmp_path / "r.csv", text))


def test_every_layout_at_any_depth(tmp_path):
    roster = lms.read_roster(write(tmp_path / "r.csv", CANVAS_ROSTER))
    subs = tmp_path / "subs"
    canvas = write(subs / "dl" / "lovelace_ada_101_5001_b_wasserstein.ipynb")
    late = write(subs / "babbage_charles_LATE_102_5002_b_wasserstein-1.ipynb")
    write(
        subs / "gs" / "submission_metadata.yml",
        "submission_77:\n  :submitters:\n  - :name: Grace Hopper\n    :sid: S3\n"
        "    :email: ghopper@uni.edu\n",
    )
    gradescope = write(subs / "gs" / "submission_77" / "notebook.ipynb")
    folder = write(subs / "a" / "b" / "aturing" / "work" / "b_wasserstein.ipynb")
    stranger = write(subs / "nobody_999_1_x.ipynb")
    second = write(subs / "more" / "ada.ipynb")
    loose = write(subs / "untitled.ipynb")
    notebooks = run.find_notebooks(subs)
    matched, unmatched = lms.match(roster, subs, notebooks)
    assert matched == {"ada": canvas, "cbabbage": late, "ghopper": gradescope, "aturing": folder}
    why = {nb: w for nb, w in unmatched}
    assert set(why) == {stranger, second, loose}
    assert "999" in why[stranger] and "already has" in why[second] and "no Canvas" in why[loose]


@pytest.mark.slow
def test_grades_go_back_to_canvas_and_moodle(tmp_path, plain_assignment):
    name = "b_wasserstein"
    built = plain_assignment(tmp_path / "assignments")
    solution = (built / "autograder" / f"{name}.ipynb").read_text()
    student = build.student_notebook(built).read_text()
    subs = tmp_path / "subs"
    write(subs / f"lovelace_ada_101_5001_{name}.ipynb", solution)
    write(subs / f"babbage_charles_LATE_102_5002_{name}.ipynb", student)
    write(subs / "x" / "aturing" / f"{name}.ipynb", solution)
    write(subs / f"nobody_999_1_{name}.ipynb", solution)
    roster = write(tmp_path / "roster.csv", CANVAS_ROSTER)
    out = tmp_path / "grades"
    run.grade_class(
        name,
        subs,
        120,
        out,
        built.parent,
        workers=2,
        roster=roster,
        lms_id="42",
        similarity_threshold=0.6,
    )
    with open(out / "canvas.csv", newline="") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{name} (42)"]
    assert canvas[1][0] == "Points Possible" and canvas[1][-1] == "5"
    scores = {r[3]: r[-1] for r in canvas[2:]}
    assert scores == {"ada": "5", "cbabbage": "0", "ghopper": "0", "aturing": "5"}
    with open(out / "moodle.csv", newline="") as f:
        moodle = list(csv.DictReader(f))
    assert [r["Email address"] for r in moodle] == ["ada", "cbabbage", "ghopper", "aturing"]
    assert [r[f"{name} (42)"] for r in moodle] == ["5", "0", "0", "5"]
    with open(out / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    by_login = {r["login"]: r for r in rows}
    assert by_login["ghopper"]["status"] == "no submission (0)"
    # The solution handed in twice: both copies flagged (never a score), the untouched one not.
    assert "published solution" in by_login["ada"]["flags"], by_login["ada"]
    assert "similar to x/aturing" in by_login["ada"]["flags"]
    assert "similar to" not in by_login["cbabbage"]["flags"]
    assert (out / "similarity.csv").is_file() and (out / "similarity.html").is_file()
    assert "not matched" in by_login[""]["status"] and by_login[""]["total"] == "5"
    with open(out / "unmatched.csv", newline="") as f:
        assert [r["notebook"] for r in csv.DictReader(f)] == [f"nobody_999_1_{name}.ipynb"]
