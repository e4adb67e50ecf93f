"""Figures of chapter 5: lazy against active training."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._validation import check_object
from ..ntk import fit_slope
from ._style import describe
from .meanfield import particle_positions

__all__ = ["plot_alpha_sweep", "plot_fixed_time", "plot_width_movement", "animate_lazy_active"]


def _slope(x, y) -> float:
    """The slope of the package's one log–log fit, :func:`mfnet_lite.ntk.fit_slope`."""
    return fit_slope(x, y)[0]


def plot_alpha_sweep(alphas, sweep: dict, *, fit_from: int = 2):
    r"""Three panels against :math:`\alpha`: weight movement, linearisation gap, test error.

    ``sweep`` is the output of :func:`mfnet_lite.lazy.alpha_sweep` (one column per seed); thin
    lines are seeds, thick lines their mean; slopes are fitted on ``alphas[fit_from:]``.

    Parameters
    ----------
    alphas : array_like of shape (k,)
    sweep : dict
        Tables of shape (k, seeds).
    fit_from : int, default 2

    Returns
    -------
    (fig, axes)
    """
    check_object(alphas, "alphas", "sequence")
    check_object(sweep, "sweep", "mapping")
    alphas = np.asarray(alphas, float)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    panels = [
        ("movement", r"$\|W_T - W_0\| / \|W_0\|$", True),
        ("gap", r"$\|\alpha h - \alpha\bar h\| / \|y\|$ (test)", True),
        ("test_error", "relative test error", False),
    ]
    for ax, (key, label, fit) in zip(axes, panels, strict=True):
        values = sweep[key]
        ax.loglog(alphas, values, color="0.45", lw=0.8)
        mean = values.mean(axis=1)
        text = ""
        if fit:
            text = f", slope {_slope(alphas[fit_from:], mean[fit_from:]):.2f}"
        ax.loglog(alphas, mean, "o-", lw=2, label="mean over seeds" + text)
        ax.set(xlabel=r"scale $\alpha$", ylabel=label)
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig, axes


def plot_fixed_time(alphas, sweep: dict, *, bound=None, fit_from: int = 2):
    r"""Against :math:`\alpha`, after the same training time: what shrinks, and how fast.

    Lines (means over the seeds of ``sweep``, an :func:`mfnet_lite.lazy.alpha_sweep` run with
    ``rtol=None``): relative weight movement, relative change of the two Jacobian blocks,
    fraction of flipped activation patterns, and the gap to the linearised model; slopes fitted
    on ``alphas[fit_from:]``. ``bound`` (one value per :math:`\alpha`) is drawn dashed.

    Parameters
    ----------
    alphas : array_like of shape (k,)
    sweep : dict
        Tables of shape (k, seeds).
    bound : array_like of shape (k,), optional
    fit_from : int, default 2

    Returns
    -------
    (fig, ax)
    """
    check_object(alphas, "alphas", "sequence")
    check_object(sweep, "sweep", "mapping")
    alphas = np.asarray(alphas, float)
    fig, ax = plt.subplots(figsize=(9.5, 3.8))
    lines = [
        ("movement", r"weights $\|W_T - W_0\|/\|W_0\|$", "o-"),
        ("jacobian_a", r"Jacobian, $a$-block", "s-"),
        ("jacobian_B", r"Jacobian, $B$-block", "D-"),
        ("flips", "flipped activation patterns", "v-"),
        ("gap", r"gap to the linearised model", "^-"),
    ]
    for key, label, style in lines:
        mean = sweep[key].mean(axis=1)
        slope = _slope(alphas[fit_from:], mean[fit_from:])
        ax.loglog(alphas, mean, style, ms=4, label=f"{label} (slope {slope:.2f})")
    if bound is not None:
        ax.loglog(alphas, bound, "k--", lw=1, label="movement bound of the flow")
    ax.set(xlabel=r"scale $\alpha$", ylabel="relative size")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    return fig, ax


def plot_width_movement(widths, movement: dict, *, ylabel: str = r"$\|W_T - W_0\| / \|W_0\|$"):
    """Relative weight movement against the width, one line per scaling (``movement[label]``).

    Any other quantity measured per width can be drawn the same way, with its ``ylabel``.

    Parameters
    ----------
    widths : array_like of shape (k,)
    movement : dict
        Label -> values of shape (k,).
    ylabel : str, optional
        The quantity drawn (default: the relative weight movement).

    Returns
    -------
    (fig, ax)
    """
    check_object(widths, "widths", "sequence")
    check_object(movement, "movement", "mapping")
    widths = np.asarray(widths, float)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    for label, values in movement.items():
        values = np.asarray(values)
        ax.loglog(widths, values, "o-", label=f"{label} (slope {_slope(widths, values):.2f})")
    ax.set(xlabel="width $m$", ylabel=ylabel)
    # the widths themselves as ticks (the default minor labels collide on a short decade)
    ax.set_xticks(widths, [f"{w:g}" for w in widths])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    return fig, ax


def animate_lazy_active(runs: dict, *, interval: int = 120):
    r"""Neurons :math:`|a_j|\,b_j` of d = 2 networks moving during training, one panel per run.

    ``runs`` maps a title to a :class:`~mfnet_lite.train.Run` recorded with ``record_every``; grey
    crosses mark the start. Every panel uses the same axes, so frozen neurons look frozen.

    Parameters
    ----------
    runs : dict
        Title -> run (d = 2) recorded with ``record_every``.
    interval : int, default 120
        Milliseconds per frame.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    check_object(runs, "runs", "mapping")
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 4), squeeze=False)
    axes = axes[0]
    paths = {t: particle_positions(r.a_history, r.B_history) for t, r in runs.items()}
    lim = 1.1 * max(np.abs(p).max() for p in paths.values())
    dots = []
    for ax, (title, p) in zip(axes, paths.items(), strict=True):
        ax.plot(p[0, :, 0], p[0, :, 1], "x", color="0.45", ms=4)
        dots.append(ax.plot(p[0, :, 0], p[0, :, 1], "o", ms=3)[0])
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", title=title)
        ax.set(xlabel=r"$|a_j| b_{j,1}$", ylabel=r"$|a_j| b_{j,2}$")
    frames = min(len(p) for p in paths.values())

    def draw(i):
        for dot, p in zip(dots, paths.values(), strict=True):
            dot.set_data(p[i, :, 0], p[i, :, 1])
        return dots

    fig.tight_layout()
    anim = FuncAnimation(fig, draw, frames=frames, interval=interval, blit=False)
    return describe(
        anim,
        f"{len(runs)} panels ("
        + ", ".join(map(str, runs))
        + "): the neurons |a_j| b_j of a d = 2 network moving during training, grey crosses "
        "at their starting points; in a lazy run the dots stay on their crosses.",
    )
