"""Shared test settings: no progress bars, a non-interactive matplotlib backend."""

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
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
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1500,
    )
    return proc
