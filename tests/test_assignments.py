"""Graded assignments, tried as an instructor and as a student who wants marks without the work.

- `make assignments` itself, in a clean clone of the last commit (the clone borrows the running
  venv through `VENV=`, which installs nothing into it), writes 4 student notebooks and 4 zips
  where it says; no student notebook holds a solution or a hidden test, no zip's tests import
  mfnet_lite, and each zip declares exactly its assignment's pinned requirements.
- Each solution scores full marks with `otter run` in a venv holding only what the zip declares
  (created once from PyPI and kept under _build/test-venvs, keyed by the declared list).
- `make grade`'s code (grading/run.py) on one class folder per assignment: the solution scores
  full marks, the unchanged student notebook 0, each classic mistake loses its question only.
  Assignment B's class also holds one notebook per attack of issue 14 (numpy's comparisons
  patched, the package's function replaced, the tests rewritten, a detached process writing the
  results, the grading files rewritten, `while True: pass`, `sys.stdout = None`, `os._exit(1)`
  after a passed question) with correct and all-wrong controls, and a notebook that calls the
  package where the assignment forbids it and where it allows it with a flag.
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tools"))
import notebook_flags  # noqa: E402

from grading import build as assignments  # noqa: E402
from grading import cases as assignment_cases  # noqa: E402
from grading import check_answers  # noqa: E402
from grading import run as grade  # noqa: E402

NAMES = [p.stem for p in assignments.SOURCES]
POINTS = {
    "a_homogeneity": {"q1": 2, "q2": 3, "q3": 2},
    "b_wasserstein": {"q1": 2, "q2": 2, "q3": 1},
    "c_ntk": {"q1": 2, "q2": 2, "q3": 1},
    "d_heavy_ball": {"q1": 2, "q2": 2, "q3": 1},
    "e_kernel_spectrum": {"q1": 2, "q2": 2, "q3": 1},
}
# The time limit per notebook in the attack class: an honest notebook takes 2-5 s here, so the
# two that never end cost 20 s each, and a slow machine still grades the others in time.
ATTACK_TIMEOUT = 20.0

# mistake: (assignment, [(what the solution says, the mistake)], questions that must score 0,
# questions whose code the mistake does not touch, which keep full marks). The edits are made
# to the solution notebook otter writes, as a student's slip would be.
MISTAKES = {
    "w2_squared": (
        "b_wasserstein",
        [
            ("return np.sqrt(C[rows, cols].mean())", "return C[rows, cols].mean()"),
            ("return float(np.sqrt(cost))", "return float(cost)"),  # ot.emd2 returns W2²
        ],
        {"q1", "q2"},
        {"q3"},
    ),
    "sqrt_m_scaling": (
        "a_homogeneity",
        [("0.0) @ a / m\n", "0.0) @ a / np.sqrt(m)\n")],
        {"q1"},
        {"q2", "q3"},
    ),
    "no_clip": (
        "c_ntk",
        [("np.arccos(np.clip(G, -1.0, 1.0))", "np.arccos(G)")],
        {"q1"},
        {"q2", "q3"},
    ),
    "gradient_sign": (
        "d_heavy_ball",
        [("theta - eta * grad + beta", "theta + eta * grad + beta")],
        {"q1"},
        {"q2", "q3"},
    ),
    "missing_half": (
        "e_kernel_spectrum",
        [("return float(0.5 * np.sum(w * f * P * np.sin(t)))", "return float(np.sum(w * f * P * np.sin(t)))")],
        {"q1"},
        {"q2", "q3"},
    ),
    "momentum_sign": (
        "d_heavy_ball",
        [("+ beta * (theta - theta_prev)", "- beta * (theta - theta_prev)")],
        {"q1"},
        {"q2", "q3"},
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clean_env() -> dict:
    """This process's environment without the variables that point Python at this checkout."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


def solution(folder: Path) -> Path:
    return folder / "autograder" / f"{folder.name}.ipynb"


def code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def write_notebook(path: Path, cells: list[str]) -> Path:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": s,
                "outputs": [],
                "execution_count": None,
            }
            for s in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
    return path


def with_mistake(folder: Path, edits, path: Path) -> Path:
    cells = code_cells(solution(folder))
    for right, wrong in edits:
        hits = [i for i, c in enumerate(cells) if right in c]
        assert len(hits) == 1, f"the solution of {folder.name} has {len(hits)} cells with {right!r}"
        cells[hits[0]] = cells[hits[0]].replace(right, wrong, 1)
    return write_notebook(path, cells)


# ---------------------------------------------------------------------------------------------
# make assignments in a clean clone


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clean clone of the last commit, with `make assignments` run in it: (folder, stdout)."""
    folder = tmp_path_factory.mktemp("clone") / "repo"
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", head], check=True)
    stamp = Path(sys.prefix) / ".installed"
    before = stamp.stat().st_mtime if stamp.exists() else None
    proc = subprocess.run(
        ["make", "--no-print-directory", "-C", str(folder), "assignments", f"VENV={sys.prefix}"],
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=tmp_path_factory.mktemp("elsewhere"),  # any working directory
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # VENV= from the command line: the borrowed venv is used as it is, never reinstalled.
    assert "pip install" not in proc.stdout
    assert (stamp.stat().st_mtime if stamp.exists() else None) == before
    return folder, proc.stdout


@pytest.fixture(scope="module")
def built(clone):
    folder, _ = clone
    return {name: folder / "_build" / "assignments" / name for name in NAMES}


@pytest.mark.slow
def test_make_assignments_writes_what_it_prints(clone):
    folder, stdout = clone
    out = folder / "_build" / "assignments"
    printed = [Path(line.rsplit(" ", 1)[1]) for line in stdout.splitlines() if ": " in line]
    printed = [p for p in printed if p.suffix in (".ipynb", ".zip")]
    assert len(printed) == 2 * len(NAMES) and all(p.is_absolute() and p.is_file() for p in printed), stdout
    assert sorted(out.glob("*/student/*.ipynb")) == sorted(
        p for p in printed if p.suffix == ".ipynb"
    )
    assert sorted(out.glob("*/autograder/*-autograder_*.zip")) == sorted(
        p for p in printed if p.suffix == ".zip"
    )
    assert len(list(out.glob("*/student/*.ipynb"))) == len(NAMES) == 5
    # The autograder folder (solution, zip, references) is for the instructor's eyes only.
    assert all((out / n / "autograder").stat().st_mode & 0o777 == 0o700 for n in NAMES)


def _source_cells(name: str) -> list[str]:
    """The solution cells of an assignment's source, read as otter reads them."""
    import jupytext

    nb = jupytext.read(ROOT / "chapters" / "assignments" / f"{name}.md")
    solutions, inside = [], False
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw":
            inside = {"# BEGIN SOLUTION": True, "# END SOLUTION": False}.get(text, inside)
        elif cell.cell_type == "code" and inside:
            solutions.append(text)
    return solutions


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_and_no_hidden_test(built, name):
    raw = assignments.student_notebook(built[name]).read_text()
    nb = json.loads(raw)
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    solutions = _source_cells(name)
    assert len(solutions) == len(POINTS[name])
    # Every line of each solution body (below its `def` line), every hidden assertion.
    secret = [s.strip() for cell in solutions for s in cell.splitlines()[1:] if s.strip()]
    secret = [s for s in secret if not s.startswith("#")]
    hidden = [c for c in code_cells(solution(built[name])) if c.startswith("# HIDDEN")]
    assert not hidden  # otter keeps the hidden tests in the zip, not in the solution notebook
    secret += ["_af_case", "_af_check"]  # the hidden tests' code
    leaked = [s for s in secret if any(s in c for c in code) or json.dumps(s)[1:-1] in raw]
    assert not leaked, f"{name}: the student notebook contains {leaked[:3]}"
    assert "BEGIN SOLUTION" not in raw and "# HIDDEN" not in raw
    # only the text names the package (and the unchanged Colab set-up cell, which installs it)
    assert not any("mfnet_lite" in c for c in code if not notebook_flags.setup_cell(c))
    cases = [
        case
        for test in nb["metadata"]["otter"]["tests"].values()
        for suite in test["suites"]
        for case in suite["cases"]
    ]
    assert cases and not any(case["hidden"] for case in cases)
    prompts = [c for c in code if c.startswith("def ")]
    assert len(prompts) == len(POINTS[name])
    assert all(p.splitlines()[1:] == ["    ..."] for p in prompts), prompts


def _zip_text(zip_path: Path) -> dict[str, str]:
    import zipfile

    with zipfile.ZipFile(zip_path) as zf:
        return {n: zf.read(n).decode() for n in zf.namelist()}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_zip_declares_its_requirements_and_its_tests_need_no_mfnet_lite(built, name):
    files = _zip_text(assignments.autograder_zip(built[name]))
    tests = {n: t for n, t in files.items() if n.startswith("tests/")}
    assert sorted(tests) == [f"tests/{q}.py" for q in POINTS[name]]
    assert not any("mfnet_lite" in t or "import mf" in t for t in tests.values())
    pip = yaml.safe_load(files["environment.yml"])["dependencies"][-1]["pip"]
    declared = {"b_wasserstein": ["numpy", "scipy", "pot"]}.get(name, ["numpy"])
    assert pip == ["otter-grader[grading,plugins]==7.0.0", *assignments.pinned(declared)]
    grading = json.loads((built[name] / "autograder" / "grading.json").read_text())
    assert grading["requirements"] == declared


# ---------------------------------------------------------------------------------------------
# Each solution in a venv holding only what the zip declares


@pytest.fixture(scope="module")
def declared_venv(built):
    """A venv with exactly the pip list of the zips' environment.yml (the same for all four up
    to scipy and pot, so one venv with B's list, the longest, serves; each test checks that its
    zip's list is part of it). Created once from PyPI, reused while the list is the same."""
    lists = {
        n: yaml.safe_load(_zip_text(assignments.autograder_zip(f))["environment.yml"])[
            "dependencies"
        ][-1]["pip"]
        for n, f in built.items()
    }
    widest = max(lists.values(), key=len)
    assert all(set(v) <= set(widest) for v in lists.values())
    key = hashlib.sha256("\n".join(widest).encode()).hexdigest()[:12]
    venv = ROOT / "_build" / "test-venvs" / f"otter-{key}"
    if not (venv / ".complete").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *widest],
            check=True,
            env=clean_env(),
            timeout=900,
        )
        (venv / ".complete").write_text("\n".join(widest))
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import mfnet_lite"],
        capture_output=True,
        env=clean_env(),
        cwd=venv,
    )
    assert probe.returncode != 0, "the declared-requirements venv must not see mfnet_lite"
    return venv, lists


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks_with_only_the_declared_requirements(
    built, declared_venv, name, tmp_path
):
    venv, lists = declared_venv
    zip_path = assignments.autograder_zip(built[name])
    notebook = tmp_path / f"{name}.ipynb"
    notebook.write_bytes(solution(built[name]).read_bytes())
    (tmp_path / "out").mkdir()
    args = ["run", "-a", str(zip_path), str(notebook), "-o", str(tmp_path / "out")]
    # Nothing of this checkout reaches the venv: no PYTHONPATH, a working directory elsewhere.
    assignments.otter(args, cwd=tmp_path, bin_dir=venv / "bin", env=clean_env())
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    scores = {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}
    assert scores == {q: (p, p) for q, p in POINTS[name].items()}


# ---------------------------------------------------------------------------------------------
# Grading classes with grading/run.py


def b_cells(built) -> dict:
    """Assignment B's right and wrong answers and its imports, as a student writes them."""
    right = {}
    for cell in code_cells(solution(built["b_wasserstein"])):
        for q, spec in assignment_cases.cases("b_wasserstein").items():
            if cell.startswith(f"def {spec['function']}("):
                right[q] = cell
    wrong = {  # W2² for W2 twice, |v|² for |v|: every question wrong, every public test passing
        "q1": "def w2_uniform(P, Q):\n    C = ((P[:, None, :] - Q[None, :, :]) ** 2).sum(-1)\n"
        "    r, c = linear_sum_assignment(C)\n    return C[r, c].mean()",
        "q2": "def w2_weighted(P, Q, p, q):\n    return float(ot.emd2(p, q, ot.dist(P, Q)))",
        "q3": "def w2_shift(P, v):\n    return float(np.linalg.norm(v)) ** 2",
    }
    imports = "import numpy as np\nimport ot\nfrom scipy.optimize import linear_sum_assignment"
    return {"right": right, "wrong": wrong, "imports": imports}


FORGER = "FORGERY-MARKER-{n}"


def attack_class(built, folder: Path, out: Path) -> dict[str, tuple[int, set]]:
    """Write B's attack class; return {notebook: (its honest score, flags it must raise)}."""
    b = b_cells(built)
    right, wrong, imports = b["right"], b["wrong"], b["imports"]
    init = code_cells(assignments.student_notebook(built["b_wasserstein"]))[0]
    all_wrong = [init, imports, wrong["q1"], wrong["q2"], wrong["q3"]]
    autograder = built["b_wasserstein"] / "autograder"
    forged_row = "attack_detached.ipynb,2,2,1,5,5,graded,,1.0"
    detached = (
        "import subprocess, sys\n"
        f"code = '''# {FORGER.format(n=1)}\n"
        "import os, time\n"
        "for _ in range(300):\n"
        f"    for path in ({str(out / 'grades.csv')!r}, {str(out / 'grading.log')!r}, 'answers.json'):\n"
        "        try:\n"
        "            with open(path, 'w') as f:\n"
        f"                f.write({forged_row!r})\n"
        "        except OSError:\n"
        "            pass\n"
        "    time.sleep(0.05)\n'''\n"
        "subprocess.Popen([sys.executable, '-c', code], start_new_session=True,\n"
        "                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    )
    rewrite_tests = (
        "import glob, os\n"
        "os.makedirs('tests', exist_ok=True)\n"
        "for q in ('q1', 'q2', 'q3'):\n"
        "    with open(f'tests/{q}.py', 'w') as f:\n"
        '        f.write(\'test = {"name": q, "points": 1, "suites": []}\')\n'
        f"for path in glob.glob({str(autograder / '*')!r}) + [{str(autograder / 'grading.json')!r}]:\n"
        "    try:\n"
        "        print(open(path).read()[:200])\n"
        "        with open(path, 'w') as f:\n"
        "            f.write('assert True')\n"
        "    except OSError as error:\n"
        "        print('refused:', error)"
    )
    rewrite_zip = (
        "import json, zipfile\n"
        f"for path in [{str(assignments.autograder_zip(built['b_wasserstein']))!r}]:\n"
        "    try:\n"
        "        with zipfile.ZipFile(path, 'a') as zf:\n"
        "            zf.writestr('tests/q1.py', 'OK_FORMAT = False\\ntest = {}')\n"
        "    except OSError as error:\n"
        "        print('refused:', error)\n"
        "try:\n"
        f"    with open({str(autograder / 'grading.json')!r}, 'w') as f:\n"
        "        json.dump({'questions': {}}, f)\n"
        "except OSError as error:\n"
        "    print('refused:', error)"
    )
    correct = [init, imports, right["q1"], right["q2"], right["q3"]]
    neighbour = json.dumps({"cells": [{"cell_type": "code", "source": c} for c in correct]})
    rewrite_neighbour = (  # a friend's notebook, graded later, replaced by a correct one
        "try:\n"
        f"    with open({str(folder / 'control_all_wrong.ipynb')!r}, 'w') as f:\n"
        f"        f.write({neighbour!r})\n"
        "except OSError as error:\n"
        "    print('refused:', error)"
    )
    notebooks = {
        "control_correct": (correct, 5, set()),
        "attack_neighbour": (
            [*all_wrong, rewrite_neighbour],
            0,
            {"opens or changes a file (open)"},
        ),
        "control_all_wrong": (all_wrong, 0, set()),
        "attack_numpy": (
            [
                *all_wrong,
                "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                "np.all = lambda *a, **k: True",
            ],
            0,
            {"patches np.allclose", "patches np.isclose", "patches np.all"},
        ),
        "attack_package": (
            [
                *all_wrong,
                "import mfnet_lite as mf\nmf.transport.w2 = lambda P, Q, p=None, q=None:"
                " w2_uniform(P, Q) if p is None else w2_weighted(P, Q, p, q)",
            ],
            0,
            {"imports mfnet_lite", "patches mf.transport.w2"},
        ),
        "attack_tests": (
            [
                init,
                imports,
                *code_cells(assignments.student_notebook(built["b_wasserstein"]))[2::2],
                rewrite_tests,
            ],
            0,
            {"opens or changes a file (open)", "opens or changes a file (os.makedirs)"},
        ),
        "attack_detached": (
            [*all_wrong, detached],
            0,
            {
                "imports subprocess (starts processes)",
                "starts or signals processes (subprocess.Popen)",
            },
        ),
        "attack_zip": ([*all_wrong, rewrite_zip], 0, {"opens or changes a file (open)"}),
        "attack_loop": (
            [init, imports, right["q1"], "while True:\n    pass", right["q2"], right["q3"]],
            2,
            set(),
        ),
        "attack_stdout": (
            [*all_wrong, "import sys\nsys.stdout = None\nsys.stderr = None"],
            0,
            {"reassigns sys.stdout", "reassigns sys.stderr"},
        ),
        "attack_exit": (
            [init, imports, right["q1"], "import os\nos._exit(1)", right["q2"], right["q3"]],
            2,
            {"ends its own process (os._exit)"},
        ),
        # Implementing W2 with linear_sum_assignment is q1's point (policy `forbidden`: 0);
        # q3 may be checked against the package (policy `flagged`: scored, flagged).
        "policy_package": (
            [
                init,
                imports,
                "import mfnet_lite as mf",
                "def w2_uniform(P, Q):\n    return mf.transport.w2(P, Q)",
                right["q2"],
                "def w2_shift(P, v):\n    return mf.transport.w2(P, P + v)",
            ],
            3,
            {
                "imports mfnet_lite",
                "q1 calls mfnet_lite (scores 0)",
                "q3 calls mfnet_lite (review)",
            },
        ),
    }
    folder.mkdir(parents=True)
    for name, (cells, _, _) in notebooks.items():
        write_notebook(folder / f"{name}.ipynb", cells)
    return {f"{name}.ipynb": (honest, flags) for name, (_, honest, flags) in notebooks.items()}


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    """{assignment: (rows by student, log, expectations, hashes before and after)} for one class
    per assignment: solution, unchanged student notebook, the mistakes; B's with the attacks."""
    results = {}
    for name in NAMES:
        base = tmp_path_factory.mktemp(f"class-{name}")
        folder, out = base / "submissions", base / "grades"
        expect = attack_class(built, folder, out) if name == "b_wasserstein" else {}
        folder.mkdir(exist_ok=True)
        (folder / "solution.ipynb").write_bytes(solution(built[name]).read_bytes())
        student = assignments.student_notebook(built[name])
        (folder / "student_unchanged.ipynb").write_bytes(student.read_bytes())
        for key, (assignment, edits, _, _) in MISTAKES.items():
            if assignment == name:
                with_mistake(built[name], edits, folder / f"mistake_{key}.ipynb")
        autograder = built[name] / "autograder"
        protected = [assignments.autograder_zip(built[name]), autograder / "grading.json"]
        before = {p.name: sha256(p) for p in protected}
        timeout = ATTACK_TIMEOUT if expect else 120.0
        start = time.monotonic()
        # two notebooks at a time (tests/test_grading_limits.py: the same rows as one); the
        # attacked class one at a time, so that its forger races a single grading run
        workers = 1 if expect else 2
        csv_path = grade.grade_class(name, folder, timeout, out, built[name].parent, workers=workers)
        seconds = time.monotonic() - start
        csv_hash = sha256(csv_path)
        time.sleep(2.0 if expect else 0.0)  # time for a surviving forger to strike
        after = {p.name: sha256(p) for p in protected}
        with open(csv_path, newline="") as f:
            rows = {row["student"]: row for row in csv.DictReader(f)}
        log = (out / "grading.log").read_text()
        results[name] = {
            "rows": rows,
            "log": log,
            "expect": expect,
            "before": before,
            "after": after,
            "csv_hash": csv_hash,
            "csv_after": sha256(csv_path),
            "seconds": seconds,
        }
    return results


def scores(row: dict, name: str) -> dict:
    return {q: int(row[q]) for q in POINTS[name]}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_solution_full_marks_and_student_notebook_zero(graded, name):
    rows = graded[name]["rows"]
    assert scores(rows["solution.ipynb"], name) == POINTS[name]
    assert rows["solution.ipynb"]["flags"] == "" and rows["solution.ipynb"]["status"] == "graded"
    assert scores(rows["student_unchanged.ipynb"], name) == {q: 0 for q in POINTS[name]}
    assert int(rows["solution.ipynb"]["total"]) == sum(POINTS[name].values())


@pytest.mark.slow
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_common_mistake_loses_its_question(graded, mistake):
    name, _, lost, kept = MISTAKES[mistake]
    row = scores(graded[name]["rows"][f"mistake_{mistake}.ipynb"], name)
    assert {q: row[q] for q in lost} == {q: 0 for q in lost}, row
    assert {q: row[q] for q in kept} == {q: POINTS[name][q] for q in kept}, row


@pytest.mark.slow
def test_attack_class(graded):
    result = graded["b_wasserstein"]
    rows, expect = result["rows"], result["expect"]
    # The batch completed: one row per notebook, in a CSV that nothing rewrote afterwards.
    assert set(expect) <= set(rows) and len(rows) == len(expect) + 3
    assert result["csv_after"] == result["csv_hash"]
    assert f"CSV sha256 {result['csv_hash']}" in result["log"]
    assert result["after"] == result["before"], "the zip or the references changed"
    for student, (honest, flags) in expect.items():
        row = rows[student]
        assert int(row["total"]) == honest, (student, row)
        raised = set(row["flags"].split("; ")) if row["flags"] else set()
        assert flags <= raised, (student, raised)
    assert rows["control_correct.ipynb"]["flags"] == ""
    assert rows["control_all_wrong.ipynb"]["flags"] == ""
    # The loop and the silenced output: stopped at the time limit, marked for review, and the
    # question passed before the loop is kept; the crash keeps its earlier question too.
    assert rows["attack_loop.ipynb"]["status"].startswith(grade.TIMED_OUT)
    assert scores(rows["attack_loop.ipynb"], "b_wasserstein") == {"q1": 2, "q2": 0, "q3": 0}
    assert float(rows["attack_loop.ipynb"]["seconds"]) < ATTACK_TIMEOUT + 10
    assert rows["attack_exit.ipynb"]["status"].startswith("the kernel died in cell 4")
    assert scores(rows["attack_exit.ipynb"], "b_wasserstein") == {"q1": 2, "q2": 0, "q3": 0}
    assert scores(rows["policy_package.ipynb"], "b_wasserstein") == {"q1": 0, "q2": 2, "q3": 1}
    # Silenced output does not stop our runner (it reads nothing from the student's stdout):
    # graded, and flagged.
    assert rows["attack_stdout.ipynb"]["status"] == "graded"
    # No forger outlived its grading.
    alive = [
        p
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _cmdline_has(p, FORGER.format(n=1))
    ]
    assert not alive


def _cmdline_has(proc: Path, marker: str) -> bool:
    try:
        return marker.encode() in (proc / "cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.slow
def test_isolation_is_what_the_log_says(graded):
    box = grade.isolation()
    log = graded["b_wasserstein"]["log"]
    assert f"own user id {'yes' if box['user'] else 'no (not root)'}" in log
    if os.geteuid() == 0:  # CI runs as root: the strong path must be the one taken there
        assert box["user"]


# ---------------------------------------------------------------------------------------------
# Fast checks of the parts


def test_each_question_states_its_package_policy():
    text = {"forbidden": "*Package: implement*", "flagged": "*Package: review*"}
    for source in assignments.SOURCES:
        body = source.read_text()
        questions = body.split("# BEGIN QUESTION")[1:]
        specs = assignment_cases.cases(source.stem)
        assert len(questions) == len(specs)
        for q, chunk in zip(specs, questions, strict=True):
            assert f"name: {q}" in chunk
            assert text[specs[q]["package"]] in chunk, (source.name, q)
            other = text["flagged" if specs[q]["package"] == "forbidden" else "forbidden"]
            assert other not in chunk


@pytest.mark.parametrize(
    ("source", "flag"),
    [
        ("import numpy as np\nnp.allclose = lambda *a, **k: True", "patches np.allclose"),
        ("import numpy\nsetattr(numpy, 'isclose', print)", "patches numpy through setattr"),
        ("import builtins\nbuiltins.abs = len", "patches builtins.abs"),
        ("__builtins__.max = min", "patches __builtins__.max"),
        ("import numpy as np\nnp.__dict__['all'] = any", "patches np.__dict__['all']"),
        ("import sys\nsys.stdout = None", "reassigns sys.stdout"),
        ("import os\nos.system('ls')", "starts or signals processes (os.system)"),
        ("!ls /", "starts processes (a shell command: ! or %%bash)"),
        ("open('/proc/1/environ')", "refers to the path '/proc/1/environ'"),
        ("x = '../tests/q1.py'", "refers to the path '../tests/q1.py'"),
        (
            "from pathlib import Path\nPath('a').write_text('b')",
            "opens or changes a file (Path('a').write_text)",
        ),
        ("exec('1')", "runs code built at run time (exec)"),
        ("import mfnet_lite as mf", "imports mfnet_lite"),
        ("def f(:", "cell 1 does not parse"),
    ],
)
def test_static_flags(tmp_path, source, flag):
    assert flag in notebook_flags.flags(write_notebook(tmp_path / "x.ipynb", [source]))


def test_honest_code_raises_no_static_flag(tmp_path):
    cells = [
        '# Initialize Otter\nimport otter\ngrader = otter.Notebook("b_wasserstein.ipynb")',
        "import numpy as np\nfrom scipy.optimize import linear_sum_assignment",
        "def w2(P, Q):\n    C = ((P[:, None] - Q[None]) ** 2).sum(-1)\n"
        "    r, c = linear_sum_assignment(C)\n    out = C.copy()\n    out[0] = 1\n"
        "    s = 'a b'.replace(' ', '')\n    return np.sqrt(C[r, c].mean())",
        'grader.check("q1")',
        "%matplotlib inline",
    ]
    assert notebook_flags.flags(write_notebook(tmp_path / "x.ipynb", cells)) == []


def test_checker_scores_data_only():
    questions = assignment_cases.cases("c_ntk")
    right = {
        q: {"cases": [_describe_value(c["ref"]) for c in spec["cases"]], "package_calls": []}
        for q, spec in questions.items()
    }
    assert {q: r["score"] for q, r in check_answers.score(questions, right).items()} == {
        "q1": 2,
        "q2": 2,
        "q3": 1,
    }
    # Malformed, missing or lying answers score 0 and never raise.
    odd = {"q1": {"cases": [{"kind": "array", "shape": "x"}] * 2}, "q2": "nonsense", "q3": None}
    assert all(r["score"] == 0 for r in check_answers.score(questions, odd).values())
    called = dict(right, q1=dict(right["q1"], package_calls=["h_infinity"]))
    called["q3"] = dict(right["q3"], package_calls=["rate_bound"])
    scored = check_answers.score(questions, called)
    assert scored["q1"]["score"] == 0 and "must be implemented" in scored["q1"]["why"]
    assert scored["q3"]["score"] == 1  # flagged, not zeroed


def _describe_value(value):
    """The description a correct answer would export for a reference value."""
    if isinstance(value, dict) and "items" in value:
        return {"kind": "items", "items": [_describe_value(v) for v in value["items"]]}
    if isinstance(value, dict):
        import numpy as np

        array = np.array(value["array"], dtype=float)
        return {"kind": "array", "shape": list(array.shape), "data": array.ravel().tolist()}
    return {"kind": "number", "value": value}


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


@pytest.mark.slow
def test_without_a_user_id_of_its_own_the_grading_files_are_restored(built, tmp_path, monkeypatch):
    """The path of a grader that is not root, taken on purpose: the notebook runs as the grader,
    so it can rewrite the zip and the references; the grader puts them back and flags the row,
    scores from the references it read first, and kills the detached forger by its marker."""
    assign = tmp_path / "assignments"
    shutil.copytree(built["b_wasserstein"], assign / "b_wasserstein")
    folder, out = tmp_path / "submissions", tmp_path / "grades"
    expect = attack_class({"b_wasserstein": assign / "b_wasserstein"}, folder, out)
    keep = {"attack_zip.ipynb", "attack_detached.ipynb", "attack_neighbour.ipynb"}
    keep.add("control_all_wrong.ipynb")
    for path in folder.iterdir():
        if path.name not in keep:
            path.unlink()
    protected = [assignments.autograder_zip(assign / "b_wasserstein")]
    protected.append(assign / "b_wasserstein" / "autograder" / "grading.json")
    before = [sha256(p) for p in protected]
    monkeypatch.setattr(grade, "isolation", lambda: {"user": False, "net": False})
    csv_path = grade.grade_class("b_wasserstein", folder, ATTACK_TIMEOUT, out, assign)
    csv_hash = sha256(csv_path)
    time.sleep(2.0)
    assert sha256(csv_path) == csv_hash and [sha256(p) for p in protected] == before
    with open(csv_path, newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert {s: int(r["total"]) for s, r in rows.items()} == {s: expect[s][0] for s in keep}
    assert "(restored)" in rows["attack_zip.ipynb"]["flags"]
    assert "restored" not in rows["control_all_wrong.ipynb"]["flags"]
    # The neighbour's notebook was replaced on disk by a correct one (the forged file has no
    # "nbformat" key), after the grader had read it: its row is still its own work, 0.
    assert '"nbformat"' not in (folder / "control_all_wrong.ipynb").read_text()
    assert not [
        p
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _cmdline_has(p, FORGER.format(n=1))
    ]
