"""Grading of the book's assignments: build them, grade a class, export the grades.

    python -m grading build [OUT] [NAME ...] [--secret K [--roster CSV]]  (make assignments)
    python -m grading grade ASSIGNMENT SUBMISSIONS [options]  (make grade)

Modules, one concern each (instructors.md tells the workflow):

- `cases`: the hidden checks of each assignment (tools/assignment_cases.py holds the data);
- `build`: the otter notebooks, the student notebook and the grading data (`make assignments`);
- `answer_format`: how answers leave the student's process and how they are compared;
- `sandbox` (+ `sandbox_run`, the student's process): the isolation a notebook runs in;
- `score` (+ `check_answers`, a fresh interpreter): a run's answers against the references;
- `run`: a class folder graded into grades.csv and grading.log;
- `variants`: one notebook per roster student, keyed by (secret, student), and the flags of a
  notebook made from another student's (`make assignments SECRET=… ROSTER=…`);
- `errors`: the user's mistakes that stop a command with one line and exit status 2;
- `cli`: the command line.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = ROOT / "tools"
if str(ROOT) not in sys.path:  # this checkout's mfnet_lite, whatever the venv has installed
    sys.path.insert(0, str(ROOT))


def tools_module(name: str):
    """The module tools/NAME.py of this checkout (the book's tools that grading shares)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
