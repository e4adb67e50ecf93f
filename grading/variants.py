"""Per-student variants: one notebook per roster student, keyed by (secret, student).

`make assignments SECRET=path ROSTER=roster.csv` (`python -m grading build --secret --roster`)
writes, besides the assignment built as without a roster, for each student of the roster (the
login is what grading/lms.py's Roster gives: Canvas's SIS Login ID, Moodle's email before `@`):

    OUT/NAME/students/<login>.ipynb              hand this to <login>
    OUT/NAME/autograder/students/<login>.json    <login>'s cases and references

Each variant notebook is the student notebook with three additions: its first cell, a markdown
line "Notebook of <login>"; notebook metadata `grading_variant: {assignment, login}`; and after
the first code cell an example cell `EXAMPLE_SEED = <n>` with `example_rng`, the generator of
the data the student plays with. Both the seed (stream EXAMPLE_STREAM) and every hidden input
come from `Streams(name, key, login)` (tools/assignment_cases.py), so no two students share
them and neither can be computed without the secret. grading.json records the roster's logins
and their example seeds (HMAC outputs, which reveal nothing of the key), never the key.

`make grade … ROSTER=…` scores each submission against the references of the student it is
matched to (grading/lms.py) and flags (never a score change by itself) a submission made from
another student's notebook: its metadata names another login, or its example seed is another
student's; a submission whose identity was removed is flagged as well.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from grading import cases as assignment_cases
from grading import lms
from grading.errors import UsageError

EXAMPLE_STREAM = 2000  # the hidden inputs use streams 0..99 and 1000 + i
SAFE_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+@-]{0,99}$")
SEED_LINE = re.compile(r"^EXAMPLE_SEED = (\d+)\s*$", re.MULTILINE)
METADATA = "grading_variant"


def check_logins(roster: lms.Roster) -> None:
    """UsageError (one line) for a login that is not a safe file name."""
    for student in roster.students:
        login = student.login
        if not SAFE_LOGIN.match(login) or login in (".", ".."):
            raise UsageError(
                f"the login {login!r} of {student.name or 'a student'} is not a safe file name "
                "(letters, digits, . _ + @ -, at most 100): fix it in the roster"
            )


def example_seed(name: str, key: bytes, login: str) -> int:
    """The seed of `login`'s visible examples: stream EXAMPLE_STREAM of Streams(name, key, login)."""
    streams = assignment_cases.data.Streams(name, key, login)
    return int(streams.seed(EXAMPLE_STREAM)[0])


def _cell(kind: str, cell_id: str, source: str) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if kind == "code":
        cell |= {"outputs": [], "execution_count": None}
    return cell


def example_source(login: str, seed: int) -> str:
    return (
        f"# Your examples (notebook of {login}): try your functions on data drawn from\n"
        "# example_rng, e.g. P = example_rng.standard_normal((30, 3)). The hidden tests use\n"
        "# other inputs of the same kind, also made for you alone.\n"
        "import numpy as np\n"
        f"EXAMPLE_SEED = {seed}\n"
        "example_rng = np.random.default_rng(EXAMPLE_SEED)\n"
    )


def variant_notebook(nb: dict, name: str, login: str, seed: int) -> dict:
    """The student notebook `nb` made `login`'s (module docstring); `nb` is not changed."""
    nb = copy.deepcopy(nb)
    nb.setdefault("metadata", {})[METADATA] = {"assignment": name, "login": login}
    cells = nb["cells"]
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), -1)
    cells.insert(first_code + 1, _cell("code", "variant-examples", example_source(login, seed)))
    cells.insert(
        0,
        _cell(
            "markdown",
            "variant-owner",
            f"**Notebook of `{login}`** — your examples and hidden tests are yours alone; hand "
            "in this notebook.",
        ),
    )
    return nb


def identity(data: bytes) -> tuple[str | None, int | None]:
    """(the login in the notebook's metadata, its example seed), each None when absent."""
    try:
        nb = json.loads(data)
        meta = nb.get("metadata", {}).get(METADATA, {})
        login = meta.get("login") if isinstance(meta, dict) else None
        seeds = []
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else str(source)
                seeds += [int(s) for s in SEED_LINE.findall(source)]
    except (ValueError, TypeError, AttributeError):
        return None, None
    return (login if isinstance(login, str) else None), (seeds[0] if seeds else None)


def identity_flags(data: bytes, login: str, seeds: dict[str, int]) -> list[str]:
    """Review flags of a submission matched to `login`, given every student's example seed."""
    owner, seed = identity(data)
    flags = []
    if owner is None:
        flags.append("no variant identity in its metadata (removed?) — review")
    elif owner != login:
        flags.append(f"made from {owner}'s notebook (metadata) — review")
    others = [who for who, s in seeds.items() if s == seed and who != login]
    if seed is None:
        flags.append("no EXAMPLE_SEED line (the example cell was removed?) — review")
    elif others:
        flags.append(f"examples of {others[0]}'s notebook (EXAMPLE_SEED) — review")
    elif seed != seeds.get(login):
        flags.append("EXAMPLE_SEED is nobody's (changed?) — review")
    return flags


def write(target: Path, name: str, key: bytes, roster: lms.Roster, student_nb: dict, write_nb):
    """Write every roster student's notebook (with `write_nb(path, nb)`) and grading data under
    the built assignment `target`; return what grading.json records of the variants."""
    (target / "students").mkdir(exist_ok=True)
    data = target / "autograder" / "students"
    data.mkdir(exist_ok=True)
    seeds = {}
    for student in roster.students:
        login = student.login
        seeds[login] = seed = example_seed(name, key, login)
        write_nb(
            target / "students" / f"{login}.ipynb", variant_notebook(student_nb, name, login, seed)
        )
        own = {"login": login, "questions": assignment_cases.cases(name, key, login)}
        (data / f"{login}.json").write_text(json.dumps(own))
    return {"roster_kind": roster.kind, "seeds": seeds, "folder": "students"}


def student_grading(folder: Path, grading: dict, login: str) -> dict:
    """The grading data of `login` (grading.json with that student's questions)."""
    own = json.loads(
        (folder / "autograder" / grading["variants"]["folder"] / f"{login}.json").read_text()
    )
    return grading | {"questions": own["questions"], "student": login}
