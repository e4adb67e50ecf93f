"""Former entry point of `make grade`: the code is the package `grading` now.

    python tools/grade.py ASSIGNMENT SUBMISSIONS [options]  ==  python -m grading grade ...

Importing this module gives grading.run's names (for older scripts).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from grading.run import *  # noqa: E402,F403
from grading.run import DEFAULT_TIMEOUT, TIMED_OUT, grade_class, isolation  # noqa: E402,F401

if __name__ == "__main__":
    from grading.cli import main

    sys.exit(main(["grade", *sys.argv[1:]]))
