"""Copy detection (grading/similarity.py, copydetect): a copied pair and a copy of the published
solution are flagged with their matching lines, the starter code matches nobody, an
independent submission is not flagged."""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from grading import similarity  # noqa: E402

STARTER = [
    '# Initialize Otter\nimport otter\ngrader = otter.Notebook("x.ipynb")',
    "import numpy as np\n\ndef helper_given_to_everyone(values, weights):\n"
    "    total = 0.0\n    for v, w in zip(values, weights):\n        total += v * w\n"
    "    return total / max(len(values), 1)",
    "def w2_uniform(P, Q):\n    ...",
]
SOLUTION = (
    "def w2_uniform(P, Q):\n    import ot\n    M = ot.dist(P, Q)\n"
    "    a = np.full(len(P), 1 / len(P))\n    b = np.full(len(Q), 1 / len(Q))\n"
    "    return float(np.sqrt(ot.emd2(a, b, M)))"
)
OWN = (
    "def w2_uniform(P, Q):\n    from scipy.optimize import linear_sum_assignment\n"
    "    cost = ((P[:, None, :] - Q[None, :, :]) ** 2).sum(axis=2)\n"
    "    rows, cols = linear_sum_assignment(cost)\n"
    "    spread = [cost[r, c] for r, c in zip(rows, cols)]\n"
    "    return float(np.sqrt(np.mean(spread)))"
)
OTHER = (
    "def w2_uniform(P, Q):\n    n = len(P)\n    best = None\n    import itertools\n"
    "    for perm in itertools.permutations(range(n)):\n"
    "        s = sum(((P[i] - Q[j]) ** 2).sum() for i, j in enumerate(perm))\n"
    "        best = s if best is None or s < best else best\n"
    "    return (best / n) ** 0.5"
)


def nb(*cells):
    return json.dumps(
        {"cells": [{"cell_type": "code", "source": c, "metadata": {}} for c in cells]}
    ).encode()


def test_copies_are_flagged_and_starter_code_is_not(tmp_path):
    submitted = {
        "a.ipynb": nb(*STARTER[:2], OWN),
        "b.ipynb": nb(*STARTER[:2], "# my own work\n" + OWN),
        "c.ipynb": nb(*STARTER[:2], SOLUTION),
        "d.ipynb": nb(*STARTER[:2], OTHER),
    }
    flags = similarity.report(submitted, nb(*STARTER), nb(*STARTER[:2], SOLUTION), tmp_path)
    assert any("similar to b.ipynb" in f for f in flags["a.ipynb"]), flags
    assert any("similar to a.ipynb" in f for f in flags["b.ipynb"]), flags
    assert any("published solution" in f for f in flags["c.ipynb"]), flags
    assert flags["d.ipynb"] == [], flags  # shares only the starter code with the others
    with open(tmp_path / "similarity.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    pair = next(r for r in rows if r["notebook"] == "a.ipynb" and r["matches"] == "b.ipynb")
    assert pair["kind"] == "pair" and float(pair["share_of_notebook"]) > 0.6
    assert pair["lines_of_notebook"] and pair["lines_of_match"]
    assert "highlight" in (tmp_path / "similarity.html").read_text()


def test_code_of_leaves_out_otter_cells_and_survives_garbage():
    assert "otter" not in similarity.code_of(nb(STARTER[0], "x = 1"))
    assert similarity.code_of(b"not json") == ""
