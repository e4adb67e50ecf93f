"""Grade a class: every notebook of a folder, for one assignment, into one CSV and a log.

    python -m grading grade ASSIGNMENT SUBMISSIONS [--timeout S] [--workers N] [--out DIR]
    make grade ASSIGNMENT=b_wasserstein SUBMISSIONS=folder [TIMEOUT=180] [WORKERS=N]

The assignment is built (grading/build.py) when its grading data is missing. Each notebook
runs in a throw-away folder that holds only a copy of it (grading/sandbox.py), in a session of
its own, with a time limit after which the whole session is killed; as root it runs as a user
id of its own (no other file of the machine is its to write, the autograder folder is not its
to read) and without network when `unshare --net` works. Its answers come back as plain data
and are scored by a fresh interpreter (grading/check_answers.py) against the references the
build computed. Writes OUT/grades.csv (student = the notebook's file name, score per question,
total, status, flags, seconds; default OUT: _build/grades/ASSIGNMENT) and OUT/grading.log.
An assignment built with a roster (grading/variants.py) is graded per student: each
notebook against the references of the roster student it is matched to, with a flag when it
was made from another student's notebook; a notebook matched to nobody is not graded.
Notebooks are graded WORKERS at a time (default: the number of cores); the rows are the same
whatever WORKERS is (the CSV is sorted by notebook, each run is independent).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grading import ROOT, build, lms, secret, similarity, tools_module, variants
from grading.errors import UsageError
from grading.sandbox import (
    MODULES,
    SANDBOX_MODULES,
    Limits,
    isolation,
    run_notebook,
    sandbox_runtime,
)
from grading.score import TIMED_OUT, check, status_of

__all__ = ["TIMED_OUT", "grade_class", "isolation"]
DEFAULT_TIMEOUT = 180.0
notebook_flags = tools_module("notebook_flags")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class Batch:
    """Everything one class's grading shares: what is graded, against what, and how."""

    name: str
    folder: Path  # the assignment's built folder
    grading: dict  # its grading.json, read once before any notebook ran
    submissions: Path
    notebooks: list[Path]
    timeout: float
    out: Path
    box: dict  # isolation()
    runtime: dict  # sandbox_runtime()
    runtime_line: str
    watched: list[str]
    workers: int = 1
    limits: Limits = field(default_factory=Limits)
    roster: lms.Roster | None = None
    similarity: float | None = similarity.DEFAULT_THRESHOLD  # None: no copy detection
    lms_column: str = ""
    submitted: dict = field(default_factory=dict)  # notebook -> bytes, read before the first run
    protected: dict = field(default_factory=dict)  # the assignment folder's files, restored
    owners: dict = field(default_factory=dict)  # variants: notebook -> its student's login
    own_grading: dict = field(default_factory=dict)  # variants: login -> that student's data


def grade_notebook(batch: Batch, notebook: Path) -> tuple[dict, str]:
    """One CSV row and its log entry, for `notebook` as read before the first notebook ran."""
    data, grading = batch.submitted[notebook], batch.grading
    static = notebook_flags.flags(data)
    if "variants" in grading:  # per-student variants: the matched student's own references
        login = batch.owners.get(notebook)
        if login is None:
            return _failed_row(batch, notebook, None, NO_OWNER)
        grading = batch.own_grading[login]
        static = [*static, *variants.identity_flags(data, login, grading["variants"]["seeds"])]
    answers, facts = run_notebook(
        data, grading, batch.timeout, batch.box, batch.watched, batch.runtime, batch.limits
    )
    scored = check(grading, answers)
    flags = list(static) + [f"did: {e}" for e in facts["events"] if not e.startswith("limit: ")]
    for q, result in scored.items():
        if result["package_calls"]:
            policy = grading["questions"][q]["package"]
            verdict = "scores 0" if policy == "forbidden" else "review"
            flags.append(f"{q} calls mfnet_lite ({verdict})")
    notes = [f"{q}: {r['note']}" for q, r in scored.items() if r.get("note")]
    row = {"student": notebook.relative_to(batch.submissions).as_posix()}
    row |= {q: r["score"] for q, r in scored.items()}
    row["total"] = sum(r["score"] for r in scored.values())
    row["max"] = sum(r["points"] for r in scored.values())
    row["status"] = "; ".join([status_of(facts, answers, batch.timeout), *notes])
    row["flags"] = "; ".join(flags)
    row["seconds"] = f"{facts['seconds']:.1f}"
    log = [f"== {notebook}", f"status: {row['status']}", f"score: {row['total']} / {row['max']}"]
    log += [f"  {q}: {r['score']} / {r['points']} {r['why']}" for q, r in scored.items()]
    log += [f"  flag: {f}" for f in flags]
    log += ["  output (tail):", *("    " + line for line in facts["output"].splitlines()[-20:])]
    return row, "\n".join(log)


def snapshot(folder: Path) -> dict[Path, bytes]:
    """The bytes of every file under `folder`."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def restore(saved: dict[Path, bytes], folder: Path) -> list[str]:
    """Put `folder` back as `saved` holds it; return the names of the files that had changed."""
    changed = []
    for path in sorted(folder.rglob("*")):
        if path not in saved and (path.is_file() or path.is_symlink()):
            path.unlink()
            changed.append(path.name)
    for path, data in saved.items():
        try:
            same = not path.is_symlink() and path.read_bytes() == data
        except OSError:
            same = False
        if not same:
            if path.is_symlink() or path.is_dir():
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path.name)
    return changed


def find_notebooks(submissions: Path) -> list[Path]:
    """Every .ipynb file under `submissions`, at any depth (checkpoints excepted), sorted."""
    return sorted(
        p
        for p in submissions.rglob("*.ipynb")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
    )


def check_arguments(
    name: str,
    submissions: Path,
    timeout: float,
    workers: int,
    similarity_threshold: float | None = None,
) -> list[Path]:
    """The notebooks to grade; UsageError (one line, what to do) before anything is written."""
    if name not in build.NAMES:
        raise UsageError(
            f"unknown assignment {name!r}: ASSIGNMENT must be one of {', '.join(build.NAMES)}"
        )
    if not submissions.is_dir():
        raise UsageError(
            f"no folder {submissions}: SUBMISSIONS must be the folder of the class's notebooks"
        )
    if not timeout > 0:
        raise UsageError(f"TIMEOUT must be a number of seconds > 0; got {timeout}")
    if similarity_threshold is not None and not 0 < similarity_threshold <= 1:
        raise UsageError(f"SIMILARITY must be in (0, 1]; got {similarity_threshold}")
    if workers < 1:
        raise UsageError(f"WORKERS must be a whole number >= 1; got {workers}")
    notebooks = find_notebooks(submissions)
    if not notebooks:
        raise UsageError(f"no .ipynb file under {submissions}: put the submissions there")
    return notebooks


def grade_class(
    name: str,
    submissions: Path,
    timeout: float = DEFAULT_TIMEOUT,
    out: Path | None = None,
    assignments_dir: Path | None = None,
    workers: int = 1,
    progress: bool = False,
    limits: Limits | None = None,
    roster: Path | None = None,
    lms_id: str = "",
    similarity_threshold: float | None = None,
    secret_path: Path | None = None,
) -> Path:
    """Grade every notebook under `submissions` with `workers` at a time; return the CSV's path.
    An assignment built with a roster (grading/variants.py) needs `roster`: each notebook is
    scored against its matched student's references; `secret_path`, when given, must be the
    secret it was built with."""
    submissions = Path(submissions).resolve()
    notebooks = check_arguments(name, submissions, timeout, workers, similarity_threshold)
    class_list = None if roster is None else lms.read_roster(roster)
    assignments_dir = Path(assignments_dir or build.DEFAULT_OUT).resolve()
    folder = assignments_dir / name
    if not (folder / "autograder" / "grading.json").is_file():
        build.build(assignments_dir, [name])
    grading = json.loads((folder / "autograder" / "grading.json").read_text())
    if "variants" in grading and class_list is None:
        raise UsageError(
            f"{name} was built with per-student variants: give ROSTER= (the roster it was "
            "built with) so that each notebook is graded against its own student's references"
        )
    if secret_path is not None:
        if not Path(secret_path).expanduser().is_file():
            raise UsageError(f"no secret {secret_path}: point SECRET= at the key the build made")
        fingerprint = secret.fingerprint(secret.load(secret_path, [folder]))
        if fingerprint != grading.get("secret"):
            raise UsageError(
                f"SECRET={secret_path} is not the secret {name} was built with (fingerprint "
                f"{fingerprint}, built with {grading.get('secret')}): point SECRET= at that file"
            )
    owners, own_grading = {}, {}
    if "variants" in grading:
        matched, _ = lms.match(class_list, submissions, notebooks)
        missing = [
            s.login for s in class_list.students if s.login not in grading["variants"]["seeds"]
        ]
        if missing:
            raise UsageError(
                f"{missing[0]} is in ROSTER= but has no variant of {name}: build again with this "
                "roster (make assignments SECRET=… ROSTER=…)"
            )
        owners = {nb: login for login, nb in matched.items()}
        own_grading = {login: variants.student_grading(folder, grading, login) for login in matched}
    out = Path(out or ROOT / "_build" / "grades" / name).resolve()
    box = isolation()
    # Before the first notebook: the sandbox's user must be able to import what the notebooks
    # need, or nothing is graded (an environment problem is never a row of zeros).
    modules = [*SANDBOX_MODULES, *(MODULES.get(r, r) for r in grading.get("requirements", []))]
    runtime, runtime_line = sandbox_runtime(box, list(dict.fromkeys(modules)))
    batch = Batch(
        name=name,
        folder=folder,
        grading=grading,
        submissions=submissions,
        notebooks=notebooks,
        timeout=timeout,
        out=out,
        box=box,
        runtime=runtime,
        runtime_line=runtime_line,
        watched=[str(assignments_dir), str(submissions), str(out)],
        workers=workers,
        limits=limits or Limits(),
        roster=class_list,
        lms_column=f"{name} ({lms_id})" if lms_id else name,
        similarity=similarity_threshold,
        owners=owners,
        own_grading=own_grading,
    )
    try:
        return grade_all(batch, progress)
    finally:
        if runtime["staged"]:
            shutil.rmtree(runtime["staged"], ignore_errors=True)


NO_OWNER = (
    "not graded: matched to no roster student, so it has no references of its own (per-student "
    "variants; see unmatched.csv) — needs review"
)


def _failed_row(
    batch: Batch, notebook: Path, error: Exception | None, status: str = ""
) -> tuple[dict, str]:
    questions = batch.grading["questions"]
    row = {
        "student": notebook.relative_to(batch.submissions).as_posix(),
        **{q: 0 for q in questions},
    }
    row |= {"total": 0, "max": sum(s["points"] for s in questions.values())}
    status = status or f"not graded ({type(error).__name__}: {error}) — needs review"
    row |= {"status": status}
    row |= {"flags": "", "seconds": "0.0"}
    return row, f"== {notebook}\nstatus: {row['status']}"


def grade_all(batch: Batch, progress: bool = False) -> Path:
    """Grade the batch's notebooks (`batch.workers` at a time) into grades.csv and grading.log."""
    batch.out.mkdir(parents=True, exist_ok=True)
    build.autograder_zip(batch.folder)  # exactly one zip
    # Everything a notebook could change is read before the first one runs: the submissions
    # (graded from these bytes) and every file of the assignment's folder (restored after each).
    batch.submitted = {notebook: notebook.read_bytes() for notebook in batch.notebooks}
    batch.protected = snapshot(batch.folder)
    box = batch.box
    logs = [
        f"assignment {batch.name} ({batch.folder}), {len(batch.notebooks)} notebooks from "
        f"{batch.submissions}, {batch.workers} at a time; limits per notebook: "
        f"{batch.timeout:g} s, {batch.limits.memory_mb} MB of address space, "
        f"{batch.limits.disk_mb} MB of disk, {batch.limits.processes} processes",
        f"isolation: own user id {'yes' if box['user'] else 'no (not root)'}, "
        f"no network {'yes' if box['net'] else 'no'}",
        batch.runtime_line,
    ]
    lock = threading.Lock()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(batch.notebooks), unit="notebook", file=sys.stderr, smoothing=0)

    def one(notebook: Path) -> tuple[dict, str]:
        try:
            row, log = grade_notebook(batch, notebook)
        except Exception as error:  # noqa: BLE001 -- one notebook never stops the batch
            row, log = _failed_row(batch, notebook, error)
        with lock:
            # Possible only without a user id of its own (not root): put them back, and say so.
            changed = restore(batch.protected, batch.folder)
            if changed:
                names = ", ".join(changed)
                row["flags"] = "; ".join(
                    filter(None, [row["flags"], f"changed {names} (restored)"])
                )
                log += f"\n  the grading files {names} changed while this notebook ran: restored"
            line = (
                f"{row['student']}: {row['total']} / {row['max']} {row['status']} "
                f"({row['seconds']} s){' FLAGGED' if row['flags'] else ''}"
            )
            if bar is not None:
                bar.write(line)
                bar.update(1)
            else:
                print(line, flush=True)
        return row, log

    with ThreadPoolExecutor(max_workers=batch.workers) as pool:
        results = list(pool.map(one, batch.notebooks))
    if bar is not None:
        bar.close()
    rows = [row for row, _ in results]
    logs += [log for _, log in results]
    if batch.similarity is not None:
        logs.append(add_similarity_flags(batch, rows))
    if batch.roster is not None:
        rows, roster_log = with_roster(batch, rows)
        logs.append(roster_log)
    csv_path = write_grades(batch, rows)
    log_path = batch.out / "grading.log"
    log_path.write_text("\n\n".join(logs) + f"\n\nCSV sha256 {sha256(csv_path)}\n")
    print(f"grades: {csv_path}\nlog: {log_path}")
    return csv_path


def add_similarity_flags(batch: Batch, rows: list[dict]) -> str:
    """Copy detection over the submitted code (grading/similarity.py): its flags into the rows
    (never a score), similarity.csv and similarity.html beside grades.csv; a log line."""
    folder = batch.folder
    starter = build.student_notebook(folder)
    if "variants" in batch.grading:  # everyone's starter holds an example cell: one variant's
        first = next(iter(batch.grading["variants"]["seeds"]))
        starter = folder / batch.grading["variants"]["folder"] / f"{first}.ipynb"
    solution = folder / "autograder" / f"{batch.name}.ipynb"
    code = {
        nb.relative_to(batch.submissions).as_posix(): data for nb, data in batch.submitted.items()
    }
    try:
        flags = similarity.report(
            code,
            batch.protected.get(starter, b"{}"),
            batch.protected.get(solution, b"{}"),
            batch.out,
            batch.similarity,
        )
    except Exception as error:  # noqa: BLE001 -- the grades stand without the report
        return f"similarity report not made ({type(error).__name__}: {error})"
    for row in rows:
        extra = flags.get(row["student"], [])
        row["flags"] = "; ".join(filter(None, [row["flags"], *extra]))
    flagged = sum(1 for f in flags.values() if f)
    return (
        f"similarity (copydetect, threshold {batch.similarity:.0%}, starter code removed): "
        f"{flagged} notebooks flagged; {batch.out / 'similarity.csv'}, "
        f"{batch.out / 'similarity.html'}"
    )


def with_roster(batch: Batch, rows: list[dict]) -> tuple[list[dict], str]:
    """The rows with the roster: one per roster student (in the roster's order; no submission:
    0 and a status saying so), then every notebook matched to nobody, with why; canvas.csv,
    moodle.csv and unmatched.csv written beside grades.csv. Returns (rows, a log entry)."""
    roster = batch.roster
    matched, unmatched = lms.match(roster, batch.submissions, batch.notebooks)
    by_path = {row["student"]: row for row in rows}
    rel = {login: nb.relative_to(batch.submissions).as_posix() for login, nb in matched.items()}
    questions = batch.grading["questions"]
    points = sum(s["points"] for s in questions.values())
    out_rows, totals = [], {}
    for student in roster.students:
        if student.login in rel:
            row = {"login": student.login, "name": student.name, **by_path[rel[student.login]]}
        else:
            row = {"login": student.login, "name": student.name, "student": ""}
            row |= {q: 0 for q in questions} | {"total": 0, "max": points}
            row |= {"status": "no submission (0)", "flags": "", "seconds": "0.0"}
        totals[student.login] = row["total"]
        out_rows.append(row)
    lines = [f"roster ({roster.kind}): {len(roster.students)} students, {len(matched)} matched"]
    with open(batch.out / "unmatched.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["notebook", "why"])
        for nb, why in unmatched:
            path = nb.relative_to(batch.submissions).as_posix()
            writer.writerow([path, why])
            row = dict(by_path[path]) | {"login": "", "name": ""}
            row["status"] = f"{row['status']}; not matched to a roster student: {why}"
            out_rows.append(row)
            lines.append(f"  unmatched: {path}: {why}")
    lms.write_canvas(batch.out / "canvas.csv", roster, totals, batch.lms_column, points)
    lms.write_moodle(batch.out / "moodle.csv", roster, totals, batch.lms_column)
    print(f"canvas: {batch.out / 'canvas.csv'}\nmoodle: {batch.out / 'moodle.csv'}")
    if unmatched:
        print(f"{len(unmatched)} notebooks matched no student: {batch.out / 'unmatched.csv'}")
    return out_rows, "\n".join(lines)


def write_grades(batch: Batch, rows: list[dict]) -> Path:
    """OUT/grades.csv, written whole (a temporary file replaced at once)."""
    csv_path = batch.out / "grades.csv"
    questions = list(batch.grading["questions"])
    columns = ["student", *questions, "total", "max", "status", "flags", "seconds"]
    if batch.roster is not None:
        columns = ["login", "name", *columns]
    tmp = csv_path.with_suffix(".tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, csv_path)
    return csv_path
