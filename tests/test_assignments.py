"""Graded assignments (otter-grader): solutions score full marks, unchanged student notebooks
score zero, each common mistake loses the points of its question, and the student notebooks
hold neither solution code nor hidden tests."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

NAMES = [p.stem for p in assignments.SOURCES]

# (assignment, question, what the solution says, the mistake a student makes)
MISTAKES = [
    (
        "a_homogeneity",
        "q1",
        "return np.maximum(X @ B.T, 0.0) @ a / m",
        "return np.maximum(X @ B.T, 0.0) @ a / np.sqrt(m)",
    ),  # 1/sqrt(m) where 1/m was asked
    ("b_wasserstein", "q1", "return np.sqrt(C[rows, cols].mean())", "return C[rows, cols].mean()"),
    ("b_wasserstein", "q2", "return float(np.sqrt(cost))", "return float(cost)"),  # W2^2
    ("c_ntk", "q1", "np.arccos(np.clip(G, -1.0, 1.0))", "np.arccos(G)"),  # no clip
    ("d_heavy_ball", "q1", "+ beta * (theta - theta_prev)", "- beta * (theta - theta_prev)"),
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return assignments.build(tmp_path_factory.mktemp("assignments"))


def scores(built, name, notebook):
    return assignments.grade(assignments.autograder_zip(built[name]), notebook)


def questions(result):
    return {q: s for q, s in result.items() if q.startswith("q")}


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks(built, name):
    result = questions(scores(built, name, built[name] / "autograder" / f"{name}.ipynb"))
    assert result and all(score == top for score, top in result.values()), result


@pytest.mark.parametrize("name", NAMES)
def test_unchanged_student_notebook_scores_zero(built, name):
    result = questions(scores(built, name, built[name] / "student" / f"{name}.ipynb"))
    assert result and all(score == 0 for score, _ in result.values()), result


@pytest.mark.parametrize(
    "name, question, right, wrong", MISTAKES, ids=[f"{m[0]}-{m[1]}" for m in MISTAKES]
)
def test_common_mistake_loses_its_points(built, tmp_path, name, question, right, wrong):
    nb = json.loads((built[name] / "autograder" / f"{name}.ipynb").read_text())
    edits = 0
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and right in source:
            cell["source"] = source.replace(right, wrong)
            edits += 1
    assert edits == 1, f"the solution of {name} no longer contains {right!r}"
    mistaken = tmp_path / f"{name}.ipynb"
    mistaken.write_text(json.dumps(nb))
    result = questions(scores(built, name, mistaken))
    assert result[question][0] < result[question][1], result
    others = {q: s for q, s in result.items() if q != question}
    assert all(score == top for score, top in others.values()), f"the mistake leaked: {result}"


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_and_no_hidden_test(built, name):
    student = json.loads((built[name] / "student" / f"{name}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in student["cells"])
    source = (ROOT / "chapters" / "assignments" / f"{name}.md").read_text()
    solution_lines = []
    # the in-code markers (indented), not the raw cells that open and close a solution block
    for block in re.findall(
        r"^ +# BEGIN SOLUTION\n(.*?)^ +# END SOLUTION", source, flags=re.S | re.M
    ):
        solution_lines += [line.strip() for line in block.splitlines() if line.strip()]
    assert solution_lines, "no solution found in the source"
    leaked = [line for line in solution_lines if line in text]
    assert not leaked, f"solution code in the student notebook: {leaked}"
    assert "# HIDDEN" not in text and "mfnet_lite" not in text  # hidden tests import mfnet_lite
    assert "..." in text  # the prompts students fill in
