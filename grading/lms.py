"""Rosters and submissions as the learning-management systems export them, and grades back.

Rosters (`read_roster`), as the instructor already has them:

- Canvas's gradebook export: columns `Student, ID, SIS User ID, SIS Login ID, Section` (then one
  per assignment; an optional `Points Possible` row is skipped). The login is `SIS Login ID`
  (else `ID`).
- Moodle's: `First name, Last name, Email address, ID number`. The login is the part of the
  email address before `@` (else the ID number).

Submissions (`match`), at any folder depth, each notebook matched by the first rule that holds:

1. Canvas's bulk download name `lastname_firstname_<user id>_<submission id>_<file>` (with
   `_LATE_` before the user id for a late one): the user id is the roster's `ID`.
2. A Gradescope export: a folder `submission_<id>` listed in `submission_metadata.yml` beside
   it, whose submitter's email or SID is the roster's.
3. One folder per student: a folder on the notebook's path named by a student's login, email,
   ID, SIS user id or ID number.
4. A notebook named by one of those (`login.ipynb`).

Every notebook that matches nobody, or a student who already has one, is listed with why.
Grades go back as `canvas.csv` (Canvas's import format: its identity columns, one column
`<Assignment> (<id>)`, a `Points Possible` row) and `moodle.csv` (the roster's identity columns
and one grade column), with every roster student present.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from grading.errors import UsageError

CANVAS = ("Student", "ID", "SIS User ID", "SIS Login ID")
MOODLE = ("First name", "Last name", "Email address", "ID number")
CANVAS_NAME = re.compile(
    r"^(?P<who>[^_]+(?:_[^_\d]+)*?)_(?P<late>LATE_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$"
)


@dataclass
class Student:
    login: str
    name: str
    identity: dict  # the roster's identity columns, as read
    keys: set = field(default_factory=set)  # what a folder or file may be named by


@dataclass
class Roster:
    kind: str  # "canvas" or "moodle"
    students: list[Student]
    columns: tuple[str, ...]


def read_roster(path: Path) -> Roster:
    """The roster in `path` (Canvas or Moodle export); UsageError when it is neither."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = tuple((h or "").strip() for h in reader.fieldnames or ())
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(
            f"cannot read the roster {path} ({error}): give ROSTER= a CSV file"
        ) from None
    rows = [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in rows]
    if all(c in header for c in CANVAS):
        kind, columns = "canvas", (*CANVAS, *(("Section",) if "Section" in header else ()))
    elif all(c in header for c in MOODLE):
        kind, columns = "moodle", MOODLE
    else:
        raise UsageError(
            f"the roster {path} has neither Canvas's columns ({', '.join(CANVAS)}) nor Moodle's "
            f"({', '.join(MOODLE)}): export it from the gradebook (columns found: "
            f"{', '.join(header) or 'none'})"
        )
    students = []
    for row in rows:
        if kind == "canvas":
            if "Points Possible" in row["Student"] or not row["ID"]:
                continue
            login = row["SIS Login ID"] or row["ID"]
            name = row["Student"]
            keys = {row["ID"], row["SIS User ID"], row["SIS Login ID"]}
        else:
            if not (row["Email address"] or row["ID number"]):
                continue
            login = row["Email address"].split("@")[0] or row["ID number"]
            name = f"{row['First name']} {row['Last name']}".strip()
            keys = {row["Email address"], row["ID number"], login}
        identity = {c: row.get(c, "") for c in columns}
        students.append(Student(login, name, identity, {k.lower() for k in keys if k}))
    logins = [s.login for s in students]
    twice = sorted({x for x in logins if logins.count(x) > 1})
    if twice:
        raise UsageError(f"the roster {path} lists {twice[0]!r} twice: remove the duplicate")
    if not students:
        raise UsageError(f"the roster {path} lists no student: export it with the students")
    return Roster(kind, students, columns)


def _gradescope(folder: Path) -> dict[str, set]:
    """{submission folder name: the submitters' emails and SIDs} of a Gradescope export."""
    found = {}
    for meta in folder.rglob("submission_metadata.yml"):
        try:
            data = yaml.safe_load(meta.read_text()) or {}
        except (OSError, yaml.YAMLError):
            continue
        for sub, info in data.items() if isinstance(data, dict) else ():
            people = (info or {}).get(":submitters") or (info or {}).get("submitters") or []
            ids = set()
            for person in people:
                for k in (":email", "email", ":sid", "sid"):
                    if person.get(k):
                        ids.add(str(person[k]).lower())
            found[str(sub)] = ids
    return found


def match(roster: Roster, submissions: Path, notebooks: list[Path]):
    """({login: notebook}, [(notebook, why)]): each roster student's notebook, and every
    notebook that could not be matched, with why (see the module docstring for the rules)."""
    by_key = {k: s for s in roster.students for k in s.keys}
    by_canvas_id = {s.identity.get("ID"): s for s in roster.students if s.identity.get("ID")}
    scope = _gradescope(submissions)
    matched, unmatched = {}, []
    for nb in notebooks:
        rel = nb.relative_to(submissions)
        student, why = None, ""
        m = CANVAS_NAME.match(nb.name)
        if m:
            student = by_canvas_id.get(m["uid"])
            why = "" if student else f"Canvas user id {m['uid']} is not in the roster"
        if student is None and not m:
            for part in rel.parts[:-1]:
                if part in scope:
                    hits = [by_key[k] for k in scope[part] if k in by_key]
                    student = hits[0] if hits else None
                    why = (
                        "" if student else f"Gradescope submitters of {part} are not in the roster"
                    )
                    break
        if student is None and not why:
            for part in [*rel.parts[:-1][::-1], nb.stem]:
                if part.lower() in by_key:
                    student = by_key[part.lower()]
                    break
            else:
                why = "no Canvas name, Gradescope folder, student folder or file name of the roster"
        if student is None:
            unmatched.append((nb, why))
        elif student.login in matched:
            unmatched.append((nb, f"{student.login} already has {matched[student.login].name}"))
        else:
            matched[student.login] = nb
    return matched, unmatched


def write_canvas(path: Path, roster: Roster, totals: dict, column: str, points: int) -> None:
    """Canvas's import file: identity columns, `column`, a Points Possible row, every student."""
    identity = [*CANVAS, "Section"]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*identity, column])
        writer.writerow(["Points Possible", "", "", "", "", points])
        for s in roster.students:
            ids = [s.identity.get(c, "") for c in identity]
            if roster.kind != "canvas":
                ids = [s.name, "", s.identity.get("ID number", ""), s.login, ""]
            writer.writerow([*ids, totals.get(s.login, 0)])


def write_moodle(path: Path, roster: Roster, totals: dict, column: str) -> None:
    """Moodle's import file: the identity columns (map `Email address` or `ID number` at import)
    and one grade column, every student."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*MOODLE, column])
        for s in roster.students:
            if roster.kind == "moodle":
                ids = [s.identity[c] for c in MOODLE]
            else:
                last, _, first = s.name.partition(", ") if ", " in s.name else ("", "", s.name)
                ids = [
                    first,
                    last,
                    s.identity.get("SIS Login ID", ""),
                    s.identity.get("SIS User ID", ""),
                ]
            writer.writerow([*ids, totals.get(s.login, 0)])
