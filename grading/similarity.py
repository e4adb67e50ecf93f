"""Copy detection over a class's code (copydetect 0.5.0: winnowing of token fingerprints).

`report()` takes the code cells of every submission (read as data, never run here), removes
the starter code (the student notebook handed out is copydetect's boilerplate: what everyone
got matches nobody), and compares every pair of submissions and every submission with the
published solution (the autograder's solution notebook). Writes OUT/similarity.csv (one line per
pair above the threshold: the two notebooks, the share of each one's code that matches, the
matching lines of each) and OUT/similarity.html (copydetect's report, the matching code
highlighted), and returns {notebook: [flag, ...]} for grades.csv. A flag asks for review; it
never changes a score: short functions written from the same formula can match by themselves.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import warnings
from pathlib import Path

DEFAULT_THRESHOLD = 0.6  # share of a submission's code (starter removed) matching another's
NOISE_TOKENS = 12  # copydetect's k-gram length: shorter matches are ignored
OTTER_CELL = re.compile(r'^\s*(# Initialize Otter.*|grader\.check\("q\d+"\)\s*)$', re.S)


def code_of(data: bytes) -> str:
    """The code cells of a notebook (its bytes), otter's own cells left out; '' if unreadable."""
    try:
        nb = json.loads(data)
        cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        sources = ["".join(c.get("source", "")) for c in cells]
    except (ValueError, AttributeError, TypeError):
        return ""
    return "\n\n".join(s for s in sources if s.strip() and not OTTER_CELL.match(s))


def _lines(code: str, slices) -> str:
    """The line ranges of `code` that copydetect's character slices cover, e.g. '3-7, 12'."""
    ranges = []
    for start, end in zip(slices[0], slices[1], strict=True):
        a, b = code[: int(start)].count("\n") + 1, code[: int(end)].count("\n") + 1
        ranges.append(f"{a}" if a == b else f"{a}-{b}")
    return ", ".join(ranges)


def report(
    submitted: dict[str, bytes],
    starter: bytes,
    solution: bytes,
    out: Path,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, list[str]]:
    """Compare the submissions {name: notebook bytes}; write similarity.csv and .html under
    `out`; return the flags per name (see the module docstring)."""
    from copydetect import CopyDetector

    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1]; got {threshold}")
    flags: dict[str, list[str]] = {name: [] for name in submitted}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dirs = {k: tmp / k for k in ("students", "solution", "starter")}
        for d in dirs.values():
            d.mkdir()
        names = {}
        for i, (name, data) in enumerate(sorted(submitted.items())):
            path = dirs["students"] / f"s{i:04d}.py"
            path.write_text(code_of(data))
            names[str(path)] = name
        (dirs["solution"] / "solution.py").write_text(code_of(solution))
        names[str(dirs["solution"] / "solution.py")] = "(published solution)"
        (dirs["starter"] / "starter.py").write_text(code_of(starter))
        detector = CopyDetector(
            test_dirs=[str(dirs["students"])],
            ref_dirs=[str(dirs["students"]), str(dirs["solution"])],
            boilerplate_dirs=[str(dirs["starter"])],
            extensions=["py"],
            noise_t=NOISE_TOKENS,
            guarantee_t=NOISE_TOKENS,
            display_t=threshold,
            autoopen=False,
            silent=True,
            out_file=str(Path(out) / "similarity.html"),
        )
        detector.run()
        for test_sim, ref_sim, test_f, ref_f, *_ in detector.get_copied_code_list():
            if test_f == ref_f:
                continue
            a, b = names[test_f], names[ref_f]
            key = (test_f, ref_f) if (test_f, ref_f) in detector.slice_matrix else (ref_f, test_f)
            slices = detector.slice_matrix[key]
            if key != (test_f, ref_f):
                slices = slices[::-1]
            code_a = detector.file_data[test_f].raw_code
            code_b = detector.file_data[ref_f].raw_code
            kind = "solution" if b == "(published solution)" else "pair"
            if kind == "pair" and b < a:  # copydetect's direction varies: one order, by name
                a, b, test_sim, ref_sim = b, a, ref_sim, test_sim
                code_a, code_b, slices = code_b, code_a, slices[::-1]
            rows.append(
                {
                    "kind": kind,
                    "notebook": a,
                    "matches": b,
                    "share_of_notebook": f"{test_sim:.2f}",
                    "share_of_match": f"{ref_sim:.2f}",
                    "lines_of_notebook": _lines(code_a, slices[0]),
                    "lines_of_match": _lines(code_b, slices[1]),
                }
            )
            if kind == "solution":
                flags[a].append(f"matches the published solution ({test_sim:.0%}; review)")
            else:  # copydetect lists each pair once: both sides are flagged
                flags[a].append(f"similar to {b} ({test_sim:.0%}; review)")
                flags[b].append(f"similar to {a} ({ref_sim:.0%}; review)")
        Path(out).mkdir(parents=True, exist_ok=True)
        if rows:
            with warnings.catch_warnings():  # copydetect 0.5.0 reads its template with a
                warnings.simplefilter("ignore", DeprecationWarning)  # deprecated importlib call
                detector.generate_html_report()
        else:
            (Path(out) / "similarity.html").write_text(
                "<!doctype html><title>Similarity</title><p>No pair of submissions, and no "
                f"submission and the published solution, share more than {threshold:.0%} of "
                "their code (starter code removed).</p>\n"
            )
    with open(Path(out) / "similarity.csv", "w", newline="") as f:
        columns = ["kind", "notebook", "matches", "share_of_notebook", "share_of_match"]
        writer = csv.DictWriter(f, fieldnames=[*columns, "lines_of_notebook", "lines_of_match"])
        writer.writeheader()
        writer.writerows(rows)
    return flags
