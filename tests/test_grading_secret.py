"""The instructor's secret (issue 24): hidden inputs keyed by a key file outside the repository.

The attack: with the repository public, a student computes every hidden case's reference at
home from tools/assignment_cases.py's built-in seeds and hands in functions that look their
input up in that table. Built without a secret, the table scores full marks (the attack is
real); built with one, it must score no more than the untouched student notebook.
"""

import csv
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lookup_attack import LOOKUP  # noqa: E402

from grading import build, cases, run, secret  # noqa: E402
from grading.errors import UsageError  # noqa: E402

NAME = "b_wasserstein"


def test_secret_file_is_created_private_and_read_back(tmp_path):
    path = tmp_path / "course.key"
    key = secret.load(path)
    assert len(key) == secret.KEY_BYTES and path.stat().st_mode & 0o777 == 0o600
    assert secret.load(path) == key and secret.fingerprint(key) != secret.fingerprint(b"x" * 32)
    assert secret.load(tmp_path / "other.key") != key  # random, not derived


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda t: ROOT / "course.key", "outside the repository"),
        (lambda t: t / "out" / "k.key", "outside the repository and the assignments folder"),
        (lambda t: t, "cannot read the secret"),  # a folder
        (lambda t: (t / "bad.key").write_text("not hex") and t / "bad.key", "does not hold"),
        (lambda t: t / "missing" / "k.key", "create it first"),
    ],
)
def test_a_bad_secret_is_one_line_and_writes_nothing(tmp_path, make, message):
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match=message):
        secret.load(make(tmp_path), [tmp_path / "out"])
    assert not (ROOT / "course.key").exists()


def test_keyed_inputs_differ_by_key_and_student_and_default_stays():
    default = json.dumps(cases.cases(NAME))
    assert json.dumps(cases.cases(NAME)) == default  # the built-in seeds, reproducible
    k1, k2 = json.dumps(cases.cases(NAME, b"a" * 32)), json.dumps(cases.cases(NAME, b"b" * 32))
    assert len({default, k1, k2, json.dumps(cases.cases(NAME, b"a" * 32, "s1"))}) == 4
    assert json.dumps(cases.cases(NAME, b"a" * 32)) == k1
    for name in cases.NAMES:  # every question's every input changes with a key
        plain, keyed = cases.cases(name), cases.cases(name, b"a" * 32)
        for q in plain:
            for c_plain, c_keyed in zip(plain[q]["cases"], keyed[q]["cases"], strict=True):
                assert c_plain["args"] != c_keyed["args"], (name, q)




def lookup_notebook(student: Path, path: Path) -> Path:
    """The student notebook plus a last cell: every function a lookup in the table of the
    public repository's references (built-in seeds)."""
    import numpy as np

    table = {}
    for spec in cases.cases(NAME).values():
        entries = table.setdefault(spec["function"], {})
        for case in spec["cases"]:
            args = [np.asarray(a["array"] if isinstance(a, dict) else a) for a in case["args"]]
            key = repr([round(float(np.sum(a.astype(float))), 6) for a in args])
            entries[key] = case["ref"]
    nb = json.loads(student.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "source": LOOKUP.format(table=json.dumps(table)),
            "outputs": [],
            "execution_count": None,
        }
    )
    path.write_text(json.dumps(nb))
    return path


@pytest.mark.slow
def test_a_lookup_table_scores_no_more_than_an_untouched_notebook(tmp_path, plain_assignment):
    key_file = tmp_path / "keys" / "course.key"
    key_file.parent.mkdir()
    plain = plain_assignment(tmp_path / "plain")
    keyed = build.build(tmp_path / "keyed", [NAME], key_file)[NAME]
    assert key_file.is_file()
    key_text = key_file.read_text().strip()
    for folder in (keyed,):  # the key itself is in no file handed out or built
        for path in folder.rglob("*"):
            if path.is_file():
                assert key_text.encode() not in path.read_bytes(), path
    grading = json.loads((keyed / "autograder" / "grading.json").read_text())
    assert grading["secret"] == secret.fingerprint(bytes.fromhex(key_text))
    totals = {}
    for label, folder in (("plain", plain), ("keyed", keyed)):
        subs = tmp_path / f"subs-{label}"
        subs.mkdir()
        student = build.student_notebook(folder)
        (subs / "student.ipynb").write_bytes(student.read_bytes())
        lookup_notebook(student, subs / "lookup.ipynb")
        csv_path = run.grade_class(
            NAME, subs, 120, tmp_path / f"grades-{label}", folder.parent, workers=2
        )
        with open(csv_path, newline="") as f:
            totals[label] = {r["student"]: int(r["total"]) for r in csv.DictReader(f)}
    # Without a secret the attack works (so this test can fail) ...
    assert totals["plain"]["lookup.ipynb"] == 5, totals
    # ... with one it scores no more than doing nothing.
    assert totals["keyed"]["lookup.ipynb"] <= totals["keyed"]["student.ipynb"] == 0, totals
    assert os.environ.get("MFNET_SECRET") is None
