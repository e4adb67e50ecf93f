"""Shared test settings: no progress bars, a non-interactive matplotlib backend."""

import os
import subprocess
import sys
from pathlib import Path

# One BLAS thread: the training loops multiply small matrices, and on a shared 2-core machine
# OpenBLAS's worker threads spin against other jobs (measured: a d = 20, m = 100 run of chapter 4
# took 28 s with the default threads under load, 0.5 s with one). Set before NumPy loads, and
# inherited by the kernels that execute the chapters.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib  # noqa: E402
import pytest

os.environ.setdefault("MFNET_LITE_PROGRESS", "0")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_book():
    """Build the book once per session into _build/html, as `make book` does."""
    env = dict(os.environ, MFNET_LITE_PROGRESS="0")
    subprocess.run(  # what `make logo` does before `make book`
        [sys.executable, "-m", "mfnet_lite.plots.logo", str(ROOT / "_static")], check=True
    )
    proc = subprocess.run(  # `make book`'s recipe: the pages read side by side, one per core
        [
            sys.executable,
            str(ROOT / "tools" / "build_book.py"),
            str(ROOT),
            "-W",
            "-n",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1500,
    )
    return proc


@pytest.fixture(scope="session")
def plain_assignment(tmp_path_factory):
    """``copy(folder) -> folder/b_wasserstein``: assignment B built once per session without a
    secret or roster, copied into ``folder`` for each test that grades it (a build takes about
    30 s; the grading tests change what they grade, so each gets its own copy)."""
    import shutil

    sys.path.insert(0, str(ROOT))
    from grading import build

    name = "b_wasserstein"
    out = tmp_path_factory.mktemp("plain-assignment") / "assignments"
    build.build(out, [name])

    def copy(folder: Path) -> Path:
        shutil.copytree(out, folder, symlinks=True)
        return Path(folder) / name

    return copy
