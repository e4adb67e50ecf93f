"""Scoring: the answers of one run against the references, and the status line of a row."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from grading import HERE
from grading.sandbox import DISK_LIMIT, MEMORY_LIMIT

TIMED_OUT = "timed out — needs review"


def check(grading: dict, answers: str | None) -> dict:
    """Score the answers in a fresh interpreter (grading/check_answers.py, `python -I`), given the
    references from this process's memory (read once, before any notebook ran)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_text(answers or "{}")
        proc = subprocess.run(
            [sys.executable, "-I", str(HERE / "check_answers.py"), str(path)],
            input=json.dumps(grading),
            capture_output=True,
            text=True,
            cwd=tmp,
            check=True,
        )
    return json.loads(proc.stdout)


def status_of(facts: dict, answers: str | None, timeout: float) -> str:
    finished = False
    try:
        finished = json.loads(answers)["_progress"]["finished"] is True
    except (TypeError, ValueError, KeyError):
        pass
    if facts.get("memory"):
        return f"{MEMORY_LIMIT} (a MemoryError: see the log); graded on the answers it exported"
    if facts.get("disk_full"):
        return f"{DISK_LIMIT} (its folder outgrew the limit in cell {facts['progress']})"
    if facts["timed_out"]:
        return f"{TIMED_OUT} (limit {timeout:g} s, stopped in cell {facts['progress']})"
    if finished and facts["returncode"] == 0:
        return "graded"
    if facts["returncode"] == 0:
        return (
            "ended without its final answers (the answers file was changed or unreadable) — "
            "needs review"
        )
    if facts["progress"] is None:
        return f"could not be run (exit status {facts['returncode']}; see the log) — needs review"
    return (
        f"the kernel died in cell {facts['progress']} (exit status {facts['returncode']}): "
        "graded on the answers exported before it"
    )
