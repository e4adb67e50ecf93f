"""Shared test settings: no progress bars, a non-interactive matplotlib backend."""

import os

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
