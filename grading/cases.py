"""The hidden checks of the assignments (the data lives in tools/assignment_cases.py, where a
new assignment adds its block): `cases(name)` and the list of assignments, `NAMES`."""

from __future__ import annotations

from grading import tools_module
from grading.errors import UsageError

data = tools_module("assignment_cases")
NAMES = sorted(data.BUILDERS)


def cases(name: str, key: bytes | None = None, student: str = "") -> dict:
    """{question: {"function", "points", "package", "cases"}} of assignment `name`; the inputs
    from the built-in seeds without `key`, else keyed by (key, name, student)."""
    if name not in data.BUILDERS:
        raise UsageError(f"unknown assignment {name!r}: choose one of {', '.join(NAMES)}")
    return data.cases(name, key, student)
