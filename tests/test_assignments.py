"""Graded assignments (otter-grader, tools/assignments.py, `make assignments`), graded with
`otter run` as an instructor would: each solution scores full marks; each unchanged student
notebook scores zero; a notebook with one of the classic mistakes (W2² for W2, 1/sqrt(m) for
1/m, no clip before arccos, a sign error in the heavy-ball step) passes the public tests but
loses the question it affects, and only that one; the student notebooks hold neither solution
code nor hidden tests.

The thirteen gradings run in one fixture, one after the other (each starts a kernel, ~5 s):
kernels started side by side made the TCP start-up failure of tools/assignments.py likelier."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

NAMES = [p.stem for p in assignments.SOURCES]
POINTS = {
    "a_homogeneity": {"q1": 2, "q2": 3, "q3": 2},
    "b_wasserstein": {"q1": 2, "q2": 2, "q3": 1},
    "c_ntk": {"q1": 2, "q2": 2, "q3": 1},
    "d_heavy_ball": {"q1": 2, "q2": 2, "q3": 1},
}

# mistake: (assignment, [(what the solution says, the mistake)], questions that must score 0,
# questions whose code the mistake does not touch, which keep full marks). The edits are made
# to the solution notebook otter writes, as a student's slip would be.
MISTAKES = {
    "W2 squared": (
        "b_wasserstein",
        [
            ("return np.sqrt(C[rows, cols].mean())", "return C[rows, cols].mean()"),
            ("return float(np.sqrt(cost))", "return float(cost)"),  # ot.emd2 returns W2²
        ],
        {"q1", "q2"},
        {"q3"},
    ),
    "1/sqrt(m) for 1/m": (
        "a_homogeneity",
        [("0.0) @ a / m\n", "0.0) @ a / np.sqrt(m)\n")],
        {"q1"},
        {"q2", "q3"},
    ),
    "no clip before arccos": (
        "c_ntk",
        [("np.arccos(np.clip(G, -1.0, 1.0))", "np.arccos(G)")],
        {"q1"},
        {"q2", "q3"},
    ),
    "heavy-ball gradient sign": (
        "d_heavy_ball",
        [("theta - eta * grad + beta", "theta + eta * grad + beta")],
        {"q1"},
        {"q2", "q3"},
    ),
    "heavy-ball momentum sign": (
        "d_heavy_ball",
        [("+ beta * (theta - theta_prev)", "- beta * (theta - theta_prev)")],
        {"q1"},
        {"q2", "q3"},
    ),
}

pytestmark = pytest.mark.slow


def solution(folder: Path) -> Path:
    return folder / "autograder" / f"{folder.name}.ipynb"


def student(folder: Path) -> Path:
    return folder / "student" / f"{folder.name}.ipynb"


def with_mistake(folder: Path, edits, out: Path) -> Path:
    nb = json.loads(solution(folder).read_text())
    for right, wrong in edits:
        cells = [
            c for c in nb["cells"] if c["cell_type"] == "code" and right in "".join(c["source"])
        ]
        assert len(cells) == 1, (
            f"the solution of {folder.name} has {len(cells)} cells with {right!r}"
        )
        cells[0]["source"] = "".join(cells[0]["source"]).replace(right, wrong, 1)
    out.mkdir(parents=True)
    path = out / f"{folder.name}.ipynb"
    path.write_text(json.dumps(nb))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return {source.stem: assignments.build_one(source, out) for source in assignments.SOURCES}


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    """{(kind, key): otter's results.json} for every solution, student and mistaken notebook."""
    jobs = {("solution", n): (n, solution(built[n])) for n in NAMES}
    jobs |= {("student", n): (n, student(built[n])) for n in NAMES}
    tmp = tmp_path_factory.mktemp("mistakes")
    for i, (key, (name, edits, _, _)) in enumerate(MISTAKES.items()):
        jobs[("mistake", key)] = (name, with_mistake(built[name], edits, tmp / str(i)))
    return {
        key: assignments.run(assignments.autograder_zip(built[name]), notebook)
        for key, (name, notebook) in jobs.items()
    }


def scores(results: dict) -> dict:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks(graded, name):
    assert scores(graded["solution", name]) == {q: (p, p) for q, p in POINTS[name].items()}


@pytest.mark.parametrize("name", NAMES)
def test_unchanged_student_notebook_scores_zero(graded, name):
    assert scores(graded["student", name]) == {q: (0, p) for q, p in POINTS[name].items()}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_common_mistake_loses_its_question(graded, mistake):
    name, _, lost, kept = MISTAKES[mistake]
    result = scores(graded["mistake", mistake])
    assert {q: result[q] for q in lost} == {q: (0, POINTS[name][q]) for q in lost}, result
    assert {q: result[q] for q in kept} == {q: (POINTS[name][q],) * 2 for q in kept}, result
    # The public tests a student runs still pass: only the hidden tests catch the mistake.
    (public,) = [t for t in graded["mistake", mistake]["tests"] if t["name"] == "Public Tests"]
    assert public["status"] == "passed", public["output"]


def _source_cells(name: str) -> tuple[list[str], list[str]]:
    """(solution cells, hidden test cells) of an assignment's source, read as otter reads it."""
    import jupytext

    nb = jupytext.read(ROOT / "chapters" / "assignments" / f"{name}.md")
    solutions, hidden, inside = [], [], False
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw":
            inside = {"# BEGIN SOLUTION": True, "# END SOLUTION": False}.get(text, inside)
        elif cell.cell_type == "code" and inside:
            solutions.append(text)
        elif cell.cell_type == "code" and text.startswith("# HIDDEN"):
            hidden.append(text)
    return solutions, hidden


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_and_no_hidden_test(built, name):
    raw = student(built[name]).read_text()
    nb = json.loads(raw)
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    solutions, hidden = _source_cells(name)
    assert len(solutions) == len(POINTS[name]) and hidden
    # Every line of each solution body (below its `def` line), every assertion of a hidden test.
    secret = [s.strip() for cell in solutions for s in cell.splitlines()[1:] if s.strip()]
    secret = [s for s in secret if not s.startswith("#")]
    secret += [
        s.strip() for cell in hidden for s in cell.splitlines() if s.strip().startswith("assert")
    ]
    leaked = [s for s in secret if any(s in c for c in code) or json.dumps(s)[1:-1] in raw]
    assert not leaked, f"{name}: the student notebook contains {leaked[:3]}"
    assert "BEGIN SOLUTION" not in raw and "# HIDDEN" not in raw and "mfnet_lite" not in raw
    # The public tests travel in the metadata, and only they.
    cases = [
        case
        for test in nb["metadata"]["otter"]["tests"].values()
        for suite in test["suites"]
        for case in suite["cases"]
    ]
    assert cases and not any(case["hidden"] for case in cases)
    # Each solution became `...` under its signature.
    prompts = [c for c in code if c.startswith("def ")]
    assert len(prompts) == len(POINTS[name])
    assert all(p.splitlines()[1:] == ["    ..."] for p in prompts), prompts


def _fake_otter(tmp_path, monkeypatch, failures: int, message: str) -> Path:
    """An `otter` that fails `failures` times with `message` on stderr, then succeeds."""
    count = tmp_path / "calls"
    script = tmp_path / "otter"
    script.write_text(
        "#!/usr/bin/env bash\n"
        f'echo x >> "{count}"\n'
        f'if [ "$(wc -l < "{count}")" -le {failures} ]; then echo "{message}" >&2; exit 1; fi\n'
    )
    script.chmod(0o755)
    monkeypatch.setattr(assignments, "BIN", tmp_path)
    return count


@pytest.mark.parametrize("message", assignments.KERNEL_START_FAILURES)
def test_a_kernel_that_failed_to_start_is_started_once_more(tmp_path, monkeypatch, message):
    calls = _fake_otter(tmp_path, monkeypatch, failures=1, message=f"RuntimeError: {message} 60")
    assert assignments.otter(["run"]).returncode == 0
    assert len(calls.read_text().splitlines()) == 2


def test_only_once_more(tmp_path, monkeypatch):
    calls = _fake_otter(tmp_path, monkeypatch, failures=5, message="Kernel didn't respond in 60")
    with pytest.raises(RuntimeError, match="Kernel didn't respond"):
        assignments.otter(["run"])
    assert len(calls.read_text().splitlines()) == 2


def test_a_grading_error_is_not_retried(tmp_path, monkeypatch):
    calls = _fake_otter(tmp_path, monkeypatch, failures=1, message="NameError: name 'w2'")
    with pytest.raises(RuntimeError, match="NameError"):
        assignments.otter(["run"])
    assert len(calls.read_text().splitlines()) == 1
