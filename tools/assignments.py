"""Former entry point of `make assignments`: the code is the package `grading` now.

    python tools/assignments.py build [OUT] [NAME ...]   ==   python -m grading build [OUT] [NAME ...]

Importing this module gives grading.build's names (for older scripts).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from grading.build import *  # noqa: E402,F403
from grading.build import DEFAULT_OUT, NAMES, SOURCES  # noqa: E402,F401

if __name__ == "__main__":
    from grading.cli import main

    sys.exit(main(sys.argv[1:]))
