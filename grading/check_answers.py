"""Score exported answers against the references: a fresh interpreter that never ran student code.

    python -I grading/check_answers.py ANSWERS_JSON < GRADING_JSON

GRADING_JSON (on stdin, from the grader's memory) is an assignment's `autograder/grading.json`
(grading/build.py), ANSWERS_JSON the `answers.json` the student's process wrote
(grading/sandbox_run.py), read as data only and capped in size. Prints {question: {"score", "points", "why", "package_calls", "note"}} as JSON (the
note says when an answer came in a float dtype narrower than float64). Each
question is all or nothing (as in otter): its points when every case matches its reference,
0 otherwise; a question whose package policy is `forbidden` scores 0 when the function called
into mfnet_lite.
"""

import json
import sys
from pathlib import Path

MAX_BYTES = 64 * 2**20  # an answers file above this is not read (the answers hold ~10^4 numbers)

format_namespace = {}
exec((Path(__file__).resolve().parent / "answer_format.py").read_text(), format_namespace)
_check = format_namespace["_af_check"]
_lowered = format_namespace["_af_lowered"]


def check(case: dict, answer) -> str:
    """'' when the answer passes the case, else why; a malformed answer fails, never raises."""
    try:
        return _check(case, answer)
    except Exception as error:  # noqa: BLE001 -- the answer is untrusted data
        return f"malformed answer ({type(error).__name__})"


def score(questions: dict, answers: dict) -> dict:
    """{question: {"score", "points", "why", "package_calls", "note"}} (module docstring)."""
    scored = {}
    for q, spec in questions.items():
        answer = answers.get(q) if isinstance(answers.get(q), dict) else None
        cases = answer.get("cases") if answer else None
        calls = answer.get("package_calls", []) if answer else []
        calls = [str(c)[:80] for c in calls][:10] if isinstance(calls, list) else ["?"]
        if not isinstance(cases, list) or len(cases) != len(spec["cases"]):
            why = f"no answer: `{spec['function']}` was not defined"
        else:
            whys = [check(case, got) for case, got in zip(spec["cases"], cases, strict=True)]
            why = next((f"case {i + 1}: {w}" for i, w in enumerate(whys) if w), "")
        if not why and calls and spec["package"] == "forbidden":
            why = f"calls mfnet_lite ({', '.join(calls)}): this question must be implemented"
        lowered = set()
        for got in cases if isinstance(cases, list) else []:
            try:
                lowered |= set(_lowered(got))
            except Exception:  # noqa: BLE001 -- a malformed answer has failed above
                pass
        note = ""
        if lowered:
            note = f"returned {', '.join(sorted(lowered))}: compared at that lower precision"
        scored[q] = {
            "score": 0 if why else spec["points"],
            "points": spec["points"],
            "why": why,
            "package_calls": calls,
            "note": note,
        }
    return scored


def main(answers_path: str) -> int:
    questions = json.loads(sys.stdin.read())["questions"]
    path = Path(answers_path)
    answers = {}
    if path.is_file() and path.stat().st_size <= MAX_BYTES:
        try:
            answers = json.loads(path.read_text())
        except ValueError:
            answers = {}
    if not isinstance(answers, dict):
        answers = {}
    print(json.dumps(score(questions, answers)))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
