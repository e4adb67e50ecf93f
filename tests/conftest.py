"""Shared test settings: no progress bars, a non-interactive matplotlib backend."""

import os

import matplotlib
import pytest

os.environ.setdefault("MFNET_LITE_PROGRESS", "0")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
