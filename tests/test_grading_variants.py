"""Per-student variants (issue 24): `make assignments SECRET=… ROSTER=…` and their grading.

Each roster student gets a notebook of their own whose visible examples (EXAMPLE_SEED) and hidden
inputs come from (secret, student); grading scores each submission against its matched
student's references and flags a notebook made from another student's. The attacks: a correct
notebook handed in under another student's name (flagged), and a lookup table of one student's
references handed in by another (scores 0).
"""

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lookup_attack import LOOKUP  # noqa: E402

from grading import build, cases, cli, lms, run, variants  # noqa: E402
from grading.errors import UsageError  # noqa: E402

NAME = "b_wasserstein"
ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    '"Lovelace, Ada",101,S101,ada,A\n"Noether, Emmy",102,S102,emmy,A\n'
    '"Turing, Alan",103,S103,alan,A\n'
)
KEY = b"k" * 32


def roster_file(folder: Path, text: str = ROSTER) -> Path:
    path = folder / "roster.csv"
    path.write_text(text)
    return path


def test_two_students_get_different_examples_and_hidden_inputs():
    seeds = {s: variants.example_seed(NAME, KEY, s) for s in ("ada", "emmy")}
    assert seeds["ada"] != seeds["emmy"]
    assert variants.example_seed(NAME, KEY, "ada") == seeds["ada"]  # reproducible
    assert variants.example_seed(NAME, b"j" * 32, "ada") != seeds["ada"]  # keyed
    ada, emmy = cases.cases(NAME, KEY, "ada"), cases.cases(NAME, KEY, "emmy")
    for q in ada:
        for c_ada, c_emmy in zip(ada[q]["cases"], emmy[q]["cases"], strict=True):
            assert c_ada["args"] != c_emmy["args"] and c_ada["ref"] != c_emmy["ref"], q
    # The visible examples the two notebooks draw differ as well.
    draws = [np.random.default_rng(s).standard_normal(3) for s in seeds.values()]
    assert not np.allclose(*draws)


def test_variant_notebook_carries_its_identity_and_flags_another():
    nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "import numpy as np"}]}
    seeds = {s: variants.example_seed(NAME, KEY, s) for s in ("ada", "emmy")}
    ada = variants.variant_notebook(nb, NAME, "ada", seeds["ada"])
    assert nb["cells"][0]["source"] == "import numpy as np" and len(nb["cells"]) == 1
    assert ada["cells"][0]["source"].startswith("**Notebook of `ada`**")
    assert ada["metadata"]["grading_variant"] == {"assignment": NAME, "login": "ada"}
    data = json.dumps(ada).encode()
    assert variants.identity(data) == ("ada", seeds["ada"])
    assert variants.identity_flags(data, "ada", seeds) == []
    flags = variants.identity_flags(data, "emmy", seeds)
    assert any("made from ada's notebook" in f for f in flags), flags
    assert any("examples of ada's notebook" in f for f in flags), flags
    # Identity stripped: flagged, not silently accepted.
    assert len(variants.identity_flags(json.dumps(nb).encode(), "ada", seeds)) == 2


@pytest.mark.parametrize("login", ["../x", "a b", ".hidden", "x/y"])
def test_a_login_that_is_not_a_file_name_is_refused(tmp_path, login):
    text = f"Student,ID,SIS User ID,SIS Login ID\nX,1,S1,{login}\n"
    roster = lms.read_roster(roster_file(tmp_path, text))
    with pytest.raises(UsageError, match="not a safe file name"):
        variants.check_logins(roster)


def test_roster_without_secret_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main(["build", str(out), NAME, "--roster", str(roster_file(tmp_path))])
    assert rc == 2 and "ROSTER= needs SECRET=" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture(scope="module")
def variant_build(tmp_path_factory, plain_assignment):
    tmp = tmp_path_factory.mktemp("variants")
    (tmp / "keys").mkdir()
    key_file = tmp / "keys" / "course.key"
    roster = roster_file(tmp)
    folder = build.build(tmp / "out", [NAME], key_file, roster)[NAME]
    plain = plain_assignment(tmp / "plain")
    return {"tmp": tmp, "folder": folder, "plain": plain, "roster": roster, "key": key_file}


def _cells(path: Path) -> list:
    cells = json.loads(path.read_text())["cells"]
    return [(c["cell_type"], "".join(c["source"])) for c in cells]


@pytest.mark.slow
def test_variant_build_writes_one_notebook_per_student_and_default_unchanged(variant_build):
    folder, plain = variant_build["folder"], variant_build["plain"]
    key_text = variant_build["key"].read_text().strip()
    logins = ["ada", "emmy", "alan"]
    assert sorted(p.stem for p in (folder / "students").glob("*.ipynb")) == sorted(logins)
    grading = json.loads((folder / "autograder" / "grading.json").read_text())
    assert sorted(grading["variants"]["seeds"]) == sorted(logins)
    for path in folder.rglob("*"):  # the key is in no file built
        if path.is_file():
            assert key_text.encode() not in path.read_bytes(), path
    # Without SECRET and ROSTER: no variants, the built-in seeds, and the default student
    # notebook is cell for cell the one the roster build hands out as its default.
    plain_grading = json.loads((plain / "autograder" / "grading.json").read_text())
    assert "variants" not in plain_grading and not (plain / "students").exists()
    assert plain_grading["questions"] == cases.cases(NAME)
    default = build.student_notebook(plain)
    assert _cells(default) == _cells(build.student_notebook(folder))
    # A variant is the default notebook plus its two cells, nothing else changed.
    ada = _cells(folder / "students" / "ada.ipynb")
    assert [c for c in ada if not c[1].startswith(("**Notebook of", "# Your examples"))] == (
        _cells(default)
    )
    seeds = {
        variants.identity((folder / "students" / f"{s}.ipynb").read_bytes())[1] for s in logins
    }
    assert len(seeds) == 3


def with_cell(source_nb: Path, path: Path, code: str) -> Path:
    nb = json.loads(source_nb.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "source": code,
            "outputs": [],
            "execution_count": None,
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))
    return path




def lookup_code(questions: dict) -> str:
    """A cell whose functions look their inputs up in a table of `questions`' references."""
    table = {}
    for spec in questions.values():
        entries = table.setdefault(spec["function"], {})
        for case in spec["cases"]:
            args = [np.asarray(a["array"] if isinstance(a, dict) else a) for a in case["args"]]
            entries[repr([round(float(np.sum(a.astype(float))), 6) for a in args])] = case["ref"]
    return LOOKUP.format(table=json.dumps(table))


def solution_code(folder: Path) -> str:
    cells = json.loads((folder / "autograder" / f"{NAME}.ipynb").read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return "\n\n".join(s for s in sources if s.startswith(("import", "from", "def ")))


def grade(variant_build, subs: Path, label: str, similarity=None) -> dict:
    csv_path = run.grade_class(
        NAME,
        subs,
        120,
        variant_build["tmp"] / f"grades-{label}",
        variant_build["folder"].parent,
        workers=2,
        roster=variant_build["roster"],
        secret_path=variant_build["key"],
        similarity_threshold=similarity,
    )
    with open(csv_path, newline="") as f:
        return {r["login"] or r["student"]: r for r in csv.DictReader(f)}


@pytest.mark.slow
def test_each_submission_is_graded_against_its_own_student(variant_build):
    folder, tmp = variant_build["folder"], variant_build["tmp"]
    own = {s: folder / "students" / f"{s}.ipynb" for s in ("ada", "emmy", "alan")}
    ada_refs = json.loads((folder / "autograder" / "students" / "ada.json").read_text())
    subs = tmp / "subs"
    with_cell(own["ada"], subs / "ada" / "hw.ipynb", solution_code(folder))
    with_cell(own["ada"], subs / "emmy" / "hw.ipynb", solution_code(folder))  # Ada's, as Emmy
    with_cell(own["alan"], subs / "alan" / "hw.ipynb", lookup_code(ada_refs["questions"]))
    with_cell(own["alan"], subs / "stray.ipynb", solution_code(folder))  # nobody's
    rows = grade(variant_build, subs, "one", similarity=0.6)
    assert rows["ada"]["total"] == "5" and "notebook" not in rows["ada"]["flags"], rows["ada"]
    # Ada's correct notebook under Emmy's name: flagged (metadata and examples), graded (correct
    # code is correct on Emmy's inputs too): a flag, never a score change by itself.
    assert "made from ada's notebook" in rows["emmy"]["flags"], rows["emmy"]
    assert "examples of ada's notebook" in rows["emmy"]["flags"], rows["emmy"]
    assert rows["emmy"]["total"] == "5"
    # A table of Ada's references is worth nothing to Alan.
    assert rows["alan"]["total"] == "0" and "made from" not in rows["alan"]["flags"]
    # Copy detection still sees the copy; the example cells (starter code) match nobody.
    assert "similar to ada/hw.ipynb" in rows["emmy"]["flags"], rows["emmy"]
    assert "similar" not in rows["alan"]["flags"], rows["alan"]
    stray = rows["stray.ipynb"]
    assert stray["total"] == "0" and "no references of its own" in stray["status"]
    with open(tmp / "grades-one" / "unmatched.csv", newline="") as f:
        assert [r["notebook"] for r in csv.DictReader(f)] == ["stray.ipynb"]
    # The same table scores full marks for Ada (so the attack is real and the test can fail),
    # and 0 in Ada's notebook handed in as Emmy's: scored against Emmy's references, flagged.
    subs2 = tmp / "subs2"
    with_cell(own["ada"], subs2 / "ada" / "hw.ipynb", lookup_code(ada_refs["questions"]))
    with_cell(own["ada"], subs2 / "emmy" / "hw.ipynb", lookup_code(ada_refs["questions"]))
    rows = grade(variant_build, subs2, "two")
    assert rows["ada"]["total"] == "5", rows["ada"]
    assert rows["emmy"]["total"] == "0" and "made from ada's" in rows["emmy"]["flags"]
    assert rows["alan"]["status"] == "no submission (0)"


@pytest.mark.slow
def test_grading_variants_needs_the_roster_and_the_right_secret(variant_build, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.ipynb").write_bytes(
        (variant_build["folder"] / "students" / "ada.ipynb").read_bytes()
    )
    args = [NAME, subs, 60, tmp_path / "g", variant_build["folder"].parent]
    with pytest.raises(UsageError, match="give ROSTER="):
        run.grade_class(*args)
    other = tmp_path / "other.key"
    other.write_text("ab" * 32)
    with pytest.raises(UsageError, match="is not the secret"):
        run.grade_class(*args, roster=variant_build["roster"], secret_path=other)
    assert not (tmp_path / "g").exists()
