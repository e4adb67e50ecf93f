"""The book's logo: a small mean-field student whose neurons travel to a teacher's.

Run as ``python -m mfnet_lite.plots.logo OUTDIR`` to write ``logo.png`` and ``favicon.png``
(the Makefile does this before every book build, so the logo is drawn by the package itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..data import sphere  # noqa: E402
from ..model import Network, init_network  # noqa: E402
from ..train import gd  # noqa: E402

__all__ = ["draw_logo", "main"]


def draw_logo(size_inches: float = 2.0):
    """Directions of a d = 2 mean-field student (m = 32) converging on a 3-neuron teacher (stars)."""
    angles = np.deg2rad([90.0, 210.0, 330.0])
    teacher = Network(np.ones(3), np.column_stack([np.cos(angles), np.sin(angles)]))
    X = sphere(300, 2, rng=4)
    y = teacher.predict(X)
    run = gd(init_network(32, 2, rng=5, radius=0.05), X, y, step=4.0, steps=1500, record_every=5)
    # Direction of each b_j as the angle, training time as the radius: the paths spiral out
    # from the centre and settle on the teacher's directions (stars on the unit circle).
    angle = np.arctan2(run.B_history[..., 1], run.B_history[..., 0])  # (snapshots, m)
    radius = np.linspace(0.12, 1.0, len(run.snapshot_steps))[:, None]
    paths = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)
    fig = plt.figure(figsize=(size_inches, size_inches))
    ax = fig.add_axes([0, 0, 1, 1])
    theta = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(theta), np.sin(theta), color="0.8", lw=1.5)
    colors = plt.get_cmap("viridis")(np.linspace(0.1, 0.9, paths.shape[1]))
    for j in range(paths.shape[1]):
        ax.plot(paths[:, j, 0], paths[:, j, 1], color=colors[j], lw=1.2, alpha=0.9)
    ax.plot(teacher.B[:, 0], teacher.B[:, 1], "*", color="#d62728", ms=14 * size_inches / 2)
    ax.set(xlim=(-1.15, 1.15), ylim=(-1.15, 1.15), aspect="equal")
    ax.axis("off")
    return fig


def main(argv=None) -> None:
    out = Path((argv or sys.argv[1:] or ["_static"])[0])
    out.mkdir(parents=True, exist_ok=True)
    fig = draw_logo()
    fig.savefig(out / "logo.png", dpi=128, transparent=True)
    fig.savefig(out / "favicon.png", dpi=32, transparent=True)
    plt.close(fig)


if __name__ == "__main__":
    main()
