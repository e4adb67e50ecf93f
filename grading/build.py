"""Build the graded assignments (otter-grader).

    python -m grading build [OUT] [NAME ...]   # default OUT: _build/assignments (make assignments)

`build` converts each MyST source in chapters/assignments/ to .ipynb (jupytext), writes its
hidden tests from grading/cases.py (data in tools/assignment_cases.py) (inputs fixed there, reference values computed
with mfnet_lite now, embedded as numbers: grading needs no mfnet_lite), pins the requirements
its ASSIGNMENT CONFIG declares from requirements.txt, and runs `otter assign`, which executes
the solution and checks that it passes. For each assignment NAME, under OUT (a relative OUT is
taken from the working directory; every path printed is absolute and checked to exist):

    OUT/NAME/student/NAME.ipynb                 hand this out: no solutions, no hidden tests
    OUT/NAME/autograder/NAME-autograder_*.zip   for Gradescope or `otter grade` (Docker)
    OUT/NAME/autograder/NAME.ipynb              the solution notebook
    OUT/NAME/autograder/grading.json            the cases and references for `python -m grading grade`

The autograder folder is made readable by its owner only. Grade a class with grading/run.py
(`make grade`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from grading import HERE, ROOT, lms, secret, variants
from grading import cases as assignment_cases
from grading.errors import UsageError

SOURCES = sorted((ROOT / "chapters" / "assignments").glob("*.md"))
NAMES = [s.stem for s in SOURCES]
DEFAULT_OUT = ROOT / "_build" / "assignments"
BIN = Path(sys.executable).parent
FORMAT_SOURCE = (HERE / "answer_format.py").read_text()


def compact(source: str) -> str:
    """Python source without its module docstring and blank lines: otter turns each test cell
    into a doctest, where a blank line would end a function's body."""
    body = source.split('"""', 2)[2] if source.lstrip().startswith('"""') else source
    return "\n".join(line for line in body.splitlines() if line.strip())


# A kernel that never answers its first request is a start-up failure of jupyter_client's TCP
# transport, not a grading result: the client may connect to a port before the kernel has
# bound it, and on a loaded machine a reconnect occasionally lands on its own source port (a
# TCP self-connection), so the handshake waits forever. otter gives no way to choose the IPC
# transport, so an otter command whose kernel failed to start is run once more.
KERNEL_START_FAILURES = ("Kernel didn't respond in", "Kernel died before replying")


def otter(
    args: list[str],
    cwd: str | Path | None = None,
    bin_dir: Path | None = None,
    env: dict | None = None,
):
    """Run the otter command line (of `bin_dir`, default this venv's, in environment `env`);
    once more if its kernel failed to start (see above)."""
    for attempt in (1, 2):
        command = [str((bin_dir or BIN) / "otter"), *args]
        proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
        failed_to_start = any(msg in proc.stderr for msg in KERNEL_START_FAILURES)
        if proc.returncode == 0 or not failed_to_start or attempt == 2:
            break
        print(f"otter {args[0]}: the kernel did not start; trying once more", file=sys.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"otter {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc


def pinned(names: list[str]) -> list[str]:
    """The lines of requirements.txt that pin `names` (an assignment's declared requirements)."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)\s*==", line)
        if match:
            pins[match.group(1).lower()] = line.split("#")[0].strip()
    missing = [n for n in names if n.lower() not in pins]
    if missing:
        raise ValueError(f"requirements {missing} are not pinned in requirements.txt")
    return [pins[n.lower()] for n in names]


def hidden_cell(question: str, index: int, spec: dict) -> dict:
    """One hidden otter test: the student's function on one fixed input, against its reference."""
    case = spec["cases"][index]
    source = (
        f"# HIDDEN\n# {question}, case {index + 1}: inputs fixed and reference computed with the"
        " book's package when the assignment was built (tools/assignment_cases.py)\n"
        f"{compact(FORMAT_SOURCE)}\n"
        f"_af_case = {case!r}\n"
        f"_af_answer = _af_describe({spec['function']}(*_af_decode({{'items': _af_case['args']}})))\n"
        "assert not _af_check(_af_case, _af_answer), _af_check(_af_case, _af_answer)\n"
    )
    return {
        "cell_type": "code",
        "id": f"hidden-{question}-{index + 1}",
        "metadata": {},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def prepare(source: Path, notebook: Path, key: bytes | None = None) -> dict:
    """Write the otter notebook of `source` (hidden tests and pinned requirements filled in);
    return its grading data: the declared requirements and the cases of each question."""
    subprocess.run(
        [str(BIN / "jupytext"), "--quiet", "--to", "ipynb", "-o", str(notebook), str(source)],
        check=True,
    )
    nb = json.loads(notebook.read_text())
    specs = assignment_cases.cases(source.stem, key)
    cells, question = [], None
    for cell in nb["cells"]:
        text = "".join(cell["source"]).strip()
        if cell["cell_type"] == "code" and text.startswith("# HIDDEN"):
            raise ValueError(f"{source.name}: hidden tests come from tools/assignment_cases.py")
        if cell["cell_type"] == "raw" and text.startswith("# ASSIGNMENT CONFIG"):
            config = yaml.safe_load(text.removeprefix("# ASSIGNMENT CONFIG"))
            declared = config.get("requirements", [])
            config["requirements"] = pinned(declared)
            config["overwrite_requirements"] = False
            cell["source"] = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)
        if cell["cell_type"] == "raw" and text.startswith("# BEGIN QUESTION"):
            question = yaml.safe_load(text.removeprefix("# BEGIN QUESTION"))["name"]
            if specs[question]["points"] != yaml.safe_load(text.split("\n", 1)[1])["points"]:
                raise ValueError(f"{source.name} {question}: points differ from the cases")
        if cell["cell_type"] == "raw" and text == "# END TESTS":
            spec = specs[question]
            cells += [hidden_cell(question, i, spec) for i in range(len(spec["cases"]))]
        cells.append(cell)
    nb["cells"] = cells
    notebook.write_text(json.dumps(nb, indent=1))
    return {
        "name": source.stem,
        "requirements": declared,
        "questions": specs,
        "secret": secret.fingerprint(key),
    }


def build_one(source: Path, out: Path, key: bytes | None = None, roster=None) -> Path:
    """Build one assignment into out/NAME (absolute), its hidden inputs keyed by `key` (the
    built-in seeds without), with one notebook per student of `roster` (grading/variants.py);
    return that folder."""
    name = source.stem
    target = Path(out).resolve() / name
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        notebook = Path(tmp) / f"{name}.ipynb"
        grading = prepare(source, notebook, key)
        otter(["assign", str(notebook), str(target)], cwd=tmp)
    if roster is not None:
        student = json.loads(student_notebook(target).read_text())
        grading["variants"] = variants.write(
            target, name, key, roster, student, write_student_notebook
        )
    from grading import tools_module  # Colab: a first cell installs mfnet_lite where missing

    colab = tools_module("colab")
    for path in [student_notebook(target), *sorted((target / "students").glob("*.ipynb"))]:
        colab.add_setup_cell(path)
    (target / "autograder" / "grading.json").write_text(json.dumps(grading))
    (target / "autograder").chmod(0o700)
    missing = [p for p in (student_notebook(target), autograder_zip(target)) if not p.is_file()]
    if missing:
        raise RuntimeError(f"otter assign did not write {missing}")
    return target


def write_student_notebook(path: Path, nb: dict) -> None:
    """Write a student notebook handed out: every per-student variant is written here (the
    default student notebook is otter's own, left byte for byte as otter wrote it)."""
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def student_notebook(folder: Path) -> Path:
    return folder / "student" / f"{folder.name}.ipynb"


def autograder_zip(folder: Path) -> Path:
    zips = sorted((folder / "autograder").glob("*-autograder_*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"{folder / 'autograder'} holds {len(zips)} autograder zips, not 1")
    return zips[0]


def build(
    out: Path = DEFAULT_OUT,
    names: list[str] | None = None,
    secret_path: Path | None = None,
    roster_path: Path | None = None,
) -> dict[str, Path]:
    """Build the assignments `names` (default: all) under `out`, with the hidden inputs keyed by
    the secret in `secret_path` (grading/secret.py; default: the built-in seeds) and, with
    `roster_path` (a Canvas or Moodle roster), one notebook per student (grading/variants.py);
    return {name: folder}. Every argument is checked before anything is written."""
    unknown = [n for n in names or [] if n not in NAMES]
    if unknown:
        raise UsageError(f"unknown assignment {unknown[0]!r}: choose among {', '.join(NAMES)}")
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file: give a folder to build the assignments into")
    roster = None
    if roster_path is not None:
        if secret_path is None:
            raise UsageError(
                "ROSTER= needs SECRET=: without a secret every student's variant could be "
                "computed from the public repository"
            )
        roster = lms.read_roster(roster_path)
        variants.check_logins(roster)
    key = None if secret_path is None else secret.load(secret_path, [out])
    out.mkdir(parents=True, exist_ok=True)
    sources = [s for s in SOURCES if not names or s.stem in names]
    # Each build is an otter subprocess executing one solution on one core: two at a time on
    # two cores (measured: `make assignments` 113 s one at a time in a test's clean clone).
    built = {}
    with ThreadPoolExecutor(max(1, min(len(sources), os.cpu_count() or 1))) as pool:
        futures = [pool.submit(build_one, source, out, key, roster) for source in sources]
        for source, future in zip(sources, futures, strict=True):  # in order, as each is done
            built[source.stem] = target = future.result()
            print(f"{source.stem}: student notebook {student_notebook(target)}", flush=True)
            if roster is not None:
                print(f"{source.stem}: {len(roster.students)} student notebooks {target / 'students'}")
            print(f"{source.stem}: autograder {autograder_zip(target)}", flush=True)
    return built
