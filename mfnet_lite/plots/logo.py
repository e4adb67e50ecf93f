"""The book's logo and favicon: the neurons of a mean-field student gathering on the circle.

``python -m mfnet_lite.plots.logo OUTDIR`` writes ``OUTDIR/logo.png`` and ``OUTDIR/favicon.png``;
``make logo`` (a prerequisite of ``make book``) runs it before every build, so the picture is
drawn by the package itself and no binary is committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from .._validation import check_int, check_scalar
from ..data import sphere
from ..model import Network, init_network
from ..train import gd

__all__ = ["draw_logo", "main"]


def draw_logo(*, m: int = 32, steps: int = 1500, size_inches: float = 2.0, rng=5):
    r"""Draw the training paths of a d = 2 mean-field student's neurons on the unit circle.

    A student of ``m`` neurons without bias, started small (``radius=0.05``), is trained by
    mean-field gradient descent (step 4) on 300 points of the circle labelled by the teacher
    :math:`f^*(x) = \sum_{k=1}^{3} \sigma(\theta_k \cdot x)` with :math:`\theta_k` at 90°, 210°
    and 330°. Each neuron is drawn at polar coordinates

    .. math:: (r, \varphi) = \bigl(0.12 + 0.88\, t / T,\ \arg b_j(t)\bigr),

    i.e. its direction as the angle and training time as the radius, so the paths run from the
    centre to the rim; the line's opacity and the dot on the rim grow with the neuron's final
    mass :math:`|a_j|\,\lVert b_j \rVert` (the weight it carries in the measure of chapter 2).
    The paths gather into clumps at the teacher's directions and at their opposites: in d = 2
    without bias :math:`\sigma(u) - \sigma(-u) = u`, so opposite neurons add up to a linear
    part and the zero-loss measure is not unique.

    Parameters
    ----------
    m : int, default 32
        Number of student neurons (at least 1).
    steps : int, default 1500
        Gradient-descent steps (at least 1).
    size_inches : float, default 2.0
        Side of the square figure, > 0.
    rng : None, int or Generator, default 5
        Seed of the student's initialisation.

    Returns
    -------
    fig : matplotlib.figure.Figure
        A figure not attached to pyplot (no backend state is touched).
    ax : matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        For a non-integer or non-positive ``m`` or ``steps``, or a non-positive ``size_inches``.
    """
    m = check_int(m, "m", low=1)
    steps = check_int(steps, "steps", low=1)
    size_inches = check_scalar(size_inches, "size_inches", low=0.0, include_low=False)
    angles = np.deg2rad([90.0, 210.0, 330.0])
    teacher = Network(np.ones(3), np.column_stack([np.cos(angles), np.sin(angles)]))
    X = sphere(300, 2, rng=4)
    run = gd(
        init_network(m, 2, rng=rng, radius=0.05),
        X,
        teacher.predict(X),
        step=4.0,
        steps=steps,
        record_every=max(1, steps // 300),
    )
    phi = np.arctan2(run.B_history[..., 1], run.B_history[..., 0])  # (snapshots, m)
    radius = np.linspace(0.12, 1.0, phi.shape[0])
    mass = np.abs(run.net.a) * np.linalg.norm(run.net.B, axis=1)
    share = mass / mass.max() if mass.max() > 0 else np.ones_like(mass)

    fig = Figure(figsize=(size_inches, size_inches))
    ax = fig.add_axes((0, 0, 1, 1))
    theta = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(theta), np.sin(theta), color="0.75", lw=1.5)
    colors = colormaps["viridis"](np.linspace(0.1, 0.9, m))
    for j in np.argsort(share):  # heavy neurons drawn last, on top
        alpha = 0.25 + 0.75 * share[j]
        ax.plot(radius * np.cos(phi[:, j]), radius * np.sin(phi[:, j]), color=colors[j],
                lw=0.6 + 1.2 * share[j], alpha=alpha)  # fmt: skip
    end = phi[-1]
    ax.scatter(np.cos(end), np.sin(end), s=8 + 70 * share * size_inches / 2, color="#d62728",
               zorder=3)  # fmt: skip
    ax.set(xlim=(-1.15, 1.15), ylim=(-1.15, 1.15), aspect="equal")
    ax.axis("off")
    return fig, ax


def main(argv: list[str] | None = None) -> None:
    """Write ``logo.png`` (256 px) and ``favicon.png`` (64 px) into the folder ``argv[0]``."""
    out = Path((argv if argv is not None else sys.argv[1:] or ["_static"])[0])
    out.mkdir(parents=True, exist_ok=True)
    fig, _ = draw_logo()
    fig.savefig(out / "logo.png", dpi=128, transparent=True)
    fig.savefig(out / "favicon.png", dpi=32, transparent=True)


if __name__ == "__main__":
    main()
