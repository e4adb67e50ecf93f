"""Run one student notebook and export its answers as plain data (the student's process).

grading/run.py starts this file with `python -I -c SOURCE` in a throw-away folder holding only a
copy of the notebook, in a session of its own, with a time limit, and (as root) as a user of its
own without network. The orders come on stdin as JSON:

    {"notebook": "submission.ipynb", "format": source of grading/answer_format.py,
     "questions": {q: {"function": name, "args": [[value, ...] per case]}},
     "package_dir": the folder of mfnet_lite, "watched": [path prefixes], "audit_fd": fd,
     "imports": [the modules of the assignment's declared requirements]}

The code cells run one by one in an IPython shell (magics work; an error in a cell does not stop
the next, as in Jupyter). After each cell, the questions whose function was (re)defined are
exported; after the last cell, all of them. An export calls each function on the fixed inputs
and writes `answers.json` (replaced whole, so a crash keeps the last complete export):
{q: {"cases": [description, ...], "package_calls": [names]}, "_progress": {...}}.
Everything here runs in the process the student's code controls, so nothing it writes is
trusted beyond being the student's answer: the comparison with the references happens in
another interpreter (grading/check_answers.py), and the references never enter this folder.
The audit hook streams what the code does (processes, files under the watched folders,
network) to the grader through `audit_fd` as it happens; an audit hook cannot be removed.
"""

import json
import os
import re
import sys

orders = json.loads(sys.stdin.read())
sys.stdin.close()
namespace_format = {}
exec(orders["format"], namespace_format)  # noqa: S102 -- the grader's own code
_decode, _describe = namespace_format["_af_decode"], namespace_format["_af_describe"]

import importlib  # noqa: E402

import IPython.core.interactiveshell as _shell  # noqa: E402

# The assignment's declared requirements are imported before the audit hook, as the notebook's
# first cell would: what they open and load at import is theirs, not the student's.
for _module in orders["imports"]:
    try:
        importlib.import_module(_module)
    except ImportError:
        pass

AUDIT_FD = orders["audit_fd"]
WATCHED = tuple(orders["watched"])
PROCESS_EVENTS = {
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
    "os.kill",
    "os.killpg",
}
_seen = set()


def _audit(event, args):
    try:
        if event in PROCESS_EVENTS:
            what = f"starts or signals a process ({event} {str(args[0])[:80]})"
        elif event == "open" and isinstance(args[0], str | bytes):
            path = os.fsdecode(args[0])
            if not (path.startswith("/proc") or path.startswith(WATCHED)):
                return
            what = f"opens {path[:120]}"
        elif event in ("socket.connect", "socket.bind", "socket.getaddrinfo"):
            what = f"uses the network ({event})"
        elif event == "import" and str(args[0]).split(".")[0] in ("mfnet_lite", "otter"):
            what = f"imports {str(args[0]).split('.')[0]}"
        elif event == "ctypes.dlopen":
            what = f"loads a C library ({str(args[0])[:80]})"
        else:
            return
        if what not in _seen and len(_seen) < 50:
            _seen.add(what)
            os.write(AUDIT_FD, (json.dumps(what) + "\n").encode())
    except Exception:  # an audit hook must not break the code it watches
        pass


sys.addaudithook(_audit)


def _limit(what: str) -> None:
    """Tell the grader a limit was hit (the row's status says so)."""
    try:
        os.write(AUDIT_FD, (json.dumps(f"limit: {what}") + "\n").encode())
    except OSError:
        pass


shell = _shell.InteractiveShell.instance()
nb = json.loads(open(orders["notebook"], encoding="utf-8").read())
cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
questions = orders["questions"]
package_dir = orders["package_dir"]
exported = {}  # question -> id of the function object last exported
answers = {"_progress": {"cells": len(cells), "done": 0, "finished": False}}


def _call(function, args):
    """The description of function(*args), and the mfnet_lite functions it called."""
    called = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(package_dir):
            called.add(frame.f_code.co_qualname)

    sys.setprofile(profile)
    try:
        answer = _describe(function(*[_decode(a) for a in args]))
    except BaseException as error:  # noqa: BLE001 -- SystemExit, KeyboardInterrupt included
        answer = {"kind": "error", "error": f"{type(error).__name__}: {error}"[:300]}
        if isinstance(error, MemoryError):
            _limit(f"memory ({function.__name__}: {str(error)[:100]})")
    finally:
        sys.setprofile(None)
    return answer, called


def export(every: bool) -> None:
    changed = False
    for q, spec in questions.items():
        function = shell.user_ns.get(spec["function"])
        if not callable(function) or (not every and exported.get(q) == id(function)):
            continue
        exported[q], changed = id(function), True
        described, calls = [], set()
        for args in spec["args"]:
            answer, called = _call(function, args)
            described.append(answer)
            calls |= called
        answers[q] = {"cases": described, "package_calls": sorted(calls)}
    if changed or every:
        text = json.dumps(answers)
        with open("answers.json.tmp", "w") as f:
            f.write(text)
        os.replace("answers.json.tmp", "answers.json")


def skipped(source: str) -> bool:
    """otter's own cells: the init cell and `grader.check("qN")` need the tests, absent here."""
    text = source.strip()
    return bool(
        re.fullmatch(
            r'# Initialize Otter\nimport otter\ngrader = otter\.Notebook\("[\w.-]+"\)', text
        )
        or re.fullmatch(r'grader\.check\("q\d+"\)', text)
    )


for i, source in enumerate(cells):
    answers["_progress"]["done"] = i
    with open("progress", "w") as f:
        f.write(str(i + 1))
    if not skipped(source):
        result = shell.run_cell(source, store_history=False)
        if isinstance(result.error_in_exec, MemoryError):
            _limit(f"memory (cell {i + 1}: {str(result.error_in_exec)[:100]})")
    export(every=False)
answers["_progress"] |= {"done": len(cells), "finished": True}
export(every=True)
