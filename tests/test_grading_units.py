"""Unit tests of the grading package, one group per module (no notebook is run here; the
whole pipeline is tests/test_assignments.py and tests/test_grading_environment.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grading import answer_format, build, cases, check_answers, cli, run, sandbox, score  # noqa: E402
from grading.errors import EnvironmentProblem, UsageError  # noqa: E402

# ---------------------------------------------------------------------------------- cases


def test_cases_unknown_assignment_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown assignment 'zz'.*b_wasserstein"):
        cases.cases("zz")


def test_cases_are_plain_json_and_match_the_sources():
    assert cases.NAMES == build.NAMES
    specs = cases.cases("b_wasserstein")
    assert json.loads(json.dumps(specs)) == specs
    assert {s["package"] for s in specs.values()} <= {"forbidden", "flagged"}


# ---------------------------------------------------------------------------------- answer_format

REF = {"ref": 0.5, "rtol": 1e-5, "atol": 1e-8, "args": []}


@pytest.mark.parametrize(
    "answer",
    [
        0.5,
        np.float64(0.5),
        np.float32(0.5),
        np.float16(0.5),
        np.asarray(0.5),
        np.asarray(0.5, dtype=np.float32),
        np.longdouble(0.5),
    ],
)
def test_every_real_scalar_form_is_a_number(answer):
    described = answer_format._af_describe(answer)
    assert described["kind"] == "number" and described["value"] == 0.5
    assert answer_format._af_check(REF, described) == ""


def test_lowered_precision_is_named():
    assert answer_format._af_lowered(answer_format._af_describe(np.float32(0.5))) == ["float32"]
    assert answer_format._af_lowered(answer_format._af_describe(np.asarray(0.5))) == []
    pair = answer_format._af_describe((np.float16(1.0), np.ones(2, dtype=np.float32)))
    assert answer_format._af_lowered(pair) == ["float16", "float32"]


def test_a_wrong_scalar_still_fails_and_non_numbers_are_not_numbers():
    assert (
        answer_format._af_check(REF, answer_format._af_describe(np.asarray(0.6))) == "wrong value"
    )
    for odd in (True, "0.5", np.asarray([0.5]), None):
        assert answer_format._af_check(REF, answer_format._af_describe(odd)) != ""


# ---------------------------------------------------------------------------------- check_answers


def test_checker_notes_a_float32_answer_and_scores_it():
    questions = {"q1": {"function": "f", "points": 2, "package": "forbidden", "cases": [REF]}}
    answers = {"q1": {"cases": [answer_format._af_describe(np.float32(0.5))]}}
    scored = check_answers.score(questions, answers)["q1"]
    assert scored["score"] == 2 and "float32" in scored["note"]
    answers = {"q1": {"cases": [answer_format._af_describe(0.5)]}}
    assert check_answers.score(questions, answers)["q1"]["note"] == ""


# ---------------------------------------------------------------------------------- score


def test_status_of_each_outcome():
    done = json.dumps({"_progress": {"finished": True}})
    facts = {"timed_out": False, "returncode": 0, "progress": 3}
    assert score.status_of(facts, done, 10) == "graded"
    assert score.status_of(facts | {"timed_out": True}, None, 10).startswith(score.TIMED_OUT)
    assert "could not be run" in score.status_of(
        facts | {"returncode": 1, "progress": None}, None, 1
    )
    assert "kernel died in cell 3" in score.status_of(facts | {"returncode": -9}, None, 1)


# ---------------------------------------------------------------------------------- sandbox


def test_sandbox_command_drops_privileges_only_with_a_uid():
    assert sandbox.sandbox_command(["true"], {"net": True}, None) == ["true"]
    command = sandbox.sandbox_command(["true"], {"net": False}, 123456)
    assert command[0] == "setpriv" and "--reuid=123456" in command and command[-1] == "true"


def test_sandbox_env_holds_nothing_of_ours(monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "x")
    env = sandbox.sandbox_env(Path("/tmp/h"), sandbox.default_runtime(), "A=b")
    assert "SECRET_TOKEN" not in env and env["A"] == "b" and env["HOME"] == "/tmp/h"


def test_environment_problem_is_a_usage_error():
    assert issubclass(EnvironmentProblem, UsageError)


# ---------------------------------------------------------------------------------- run


def test_notebooks_are_found_at_any_depth(tmp_path):
    for name in ("a.ipynb", "x/b.ipynb", "x/y/z/c.ipynb", "x/.ipynb_checkpoints/b.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in run.find_notebooks(tmp_path)]
    assert found == ["a.ipynb", "x/b.ipynb", "x/y/z/c.ipynb"]


def test_restore_puts_a_folder_back(tmp_path):
    (tmp_path / "keep").write_text("1")
    saved = run.snapshot(tmp_path)
    (tmp_path / "keep").write_text("2")
    (tmp_path / "new").write_text("3")
    assert sorted(run.restore(saved, tmp_path)) == ["keep", "new"]
    assert (tmp_path / "keep").read_text() == "1" and not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    "name, folder, timeout, workers, message",
    [
        ("zz", "ok", 1, 1, "unknown assignment"),
        ("b_wasserstein", "missing", 1, 1, "no folder"),
        ("b_wasserstein", "empty", 1, 1, "no .ipynb file"),
        ("b_wasserstein", "ok", 0, 1, "TIMEOUT"),
        ("b_wasserstein", "ok", 1, 0, "WORKERS"),
    ],
)
def test_arguments_are_checked_first(tmp_path, name, folder, timeout, workers, message):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "s.ipynb").write_text("{}")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match=message):
        run.check_arguments(name, tmp_path / folder, timeout, workers)


# ---------------------------------------------------------------------------------- cli


@pytest.mark.parametrize(
    "args",
    [
        ["grade", "zz", "{tmp}/subs"],
        ["grade", "b_wasserstein", "{tmp}/missing"],
        ["grade", "b_wasserstein", "{tmp}/subs", "--workers", "two"],
        ["grade", "b_wasserstein", "{tmp}/subs", "--timeout", "-1"],
        ["grade", "b_wasserstein", "{tmp}/subs", "--roster", "{tmp}/subs/s.ipynb"],
        ["grade", "b_wasserstein", "{tmp}/subs", "--roster", "{tmp}/no-roster.csv"],
        ["build", "{tmp}/built", "zz"],
        ["build", "{tmp}/built", "--secret", "{tmp}/subs"],
        ["frobnicate"],
    ],
)
def test_a_users_mistake_is_one_line_exit_2_nothing_written(tmp_path, args):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "s.ipynb").write_text("{}")
    args = [a.format(tmp=tmp_path) for a in args]
    out = tmp_path / "out"
    extra = ["--out", str(out), "--assignments", str(tmp_path / "built")]
    extra = extra if args[0] == "grade" else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, *extra], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not out.exists() and not (tmp_path / "built").exists()


def test_cli_parses_workers_default_to_cores():
    args = cli.parser().parse_args(["grade", "b_wasserstein", "x"])
    assert args.workers == (os.cpu_count() or 1) and args.timeout == run.DEFAULT_TIMEOUT
