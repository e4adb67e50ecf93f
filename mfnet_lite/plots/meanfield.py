r"""Figures of chapter 4: particles of a d = 2 student, losses, success rates, distances.

A d = 2 neuron :math:`w = (a, b)` is drawn at the point :math:`|a|\,b \in \mathbb{R}^2`: its
direction is that of b (the normal of its kink), its length :math:`|a|\|b\|` is its weight in the
function. Red circles mean :math:`a > 0`, blue downward triangles :math:`a < 0`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.collections import LineCollection
from matplotlib.markers import MarkerStyle

from .._validation import check_axes, check_object
from ..model import Network
from ..train import Run
from ._style import describe

__all__ = [
    "plot_particles",
    "plot_relative_losses",
    "plot_success_rates",
    "plot_distances",
    "plot_line_masses",
    "animate_particles",
    "ParticlePanel",
    "particle_positions",
]

POSITIVE, NEGATIVE = "tab:red", "tab:blue"


def particle_positions(a, B) -> np.ndarray:
    r"""Where the pictures draw neuron :math:`j`: the point :math:`|a_j|\,b_j`.

    Its direction is that of :math:`b_j` (the normal of the neuron's kink), its length
    :math:`|a_j|\|b_j\|` the neuron's weight in the function. The one implementation of this
    formula in the package (every particle picture, animation and explorer calls it).

    Parameters
    ----------
    a : array_like of shape (..., m)
        Output weights (one row per snapshot, or a single network's).
    B : array_like of shape (..., m, d)

    Returns
    -------
    ndarray of shape (..., m, d)

    Examples
    --------
    >>> particle_positions(np.array([-2.0, 0.5]), np.array([[1.0, 0.0], [0.0, 2.0]]))
    array([[2., 0.],
           [0., 1.]])
    """
    return np.abs(np.asarray(a))[..., None] * np.asarray(B)


def _check_2d(run: Run, teacher: Network):
    if run.B_history.shape[-1] != 2 or teacher.d != 2:
        raise ValueError(
            f"particle pictures need d = 2; got student d = {run.B_history.shape[-1]}, "
            f"teacher d = {teacher.d}."
        )


def _reach(run: Run, teacher: Network) -> float:
    pts = particle_positions(run.a_history, run.B_history)
    r = max(np.abs(pts).max(), np.abs(particle_positions(teacher.a, teacher.B)).max())
    return 1.1 * r


def sign_colors(a) -> np.ndarray:
    """The colour of each neuron's output sign: ``POSITIVE`` where ``a > 0``, else ``NEGATIVE``."""
    return np.where(a > 0, POSITIVE, NEGATIVE)


# Signs told apart by shape as well as colour: circles for a > 0, downward triangles for a < 0.
POSITIVE_MARKER, NEGATIVE_MARKER = "o", "v"


def _marker_path(marker: str):
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def sign_markers(a) -> list:
    """One marker path per neuron for a scatter's ``set_paths``: its sign's shape."""
    up, down = _marker_path(POSITIVE_MARKER), _marker_path(NEGATIVE_MARKER)
    return [up if x > 0 else down for x in np.ravel(a)]


class ParticlePanel:
    """The particle picture of a d = 2 run on ``ax``: artists made once, updated in place.

    :func:`plot_particles` draws it once, :func:`animate_particles` moves its dots frame by
    frame, and the chapter 4 explorer redraws it for every setting: updating artists costs a
    fraction of clearing and rebuilding the axes.

    Parameters
    ----------
    ax : matplotlib Axes
    trajectories : bool, default True
        Draw each neuron's path.
    legend : bool, default True
    """

    def __init__(self, ax, *, trajectories: bool = True, legend: bool = True):
        check_axes(ax, "ax")
        self.ax = ax
        self.teacher_lines = LineCollection(
            [], colors="0.45", linewidths=0.7, linestyles=":", zorder=0
        )
        self.paths = LineCollection([], linewidths=0.6, alpha=0.45) if trajectories else None
        ax.add_collection(self.teacher_lines)
        if self.paths is not None:
            ax.add_collection(self.paths)
        self.dots = ax.scatter(np.zeros(0), np.zeros(0), s=10, zorder=4)
        self.stars = ax.scatter(
            np.zeros(0), np.zeros(0), marker="*", s=16**2, edgecolors="k", linewidths=1, zorder=5
        )
        ax.set(aspect="equal", xlabel=r"$|a|\,b_1$", ylabel=r"$|a|\,b_2$")
        if legend:
            ax.scatter([], [], c=POSITIVE, s=10, marker=POSITIVE_MARKER, label="student, $a_j > 0$")
            ax.scatter([], [], c=NEGATIVE, s=10, marker=NEGATIVE_MARKER, label="student, $a_j < 0$")
            ax.plot([], [], "*", ms=12, mec="k", mfc="w", label=r"teacher $|a^*_k|\,b^*_k$")
            ax.plot([], [], ":", color="0.45", label=r"teacher lines $\pm b^*_k$")
            ax.legend(loc="upper center", fontsize="x-small", bbox_to_anchor=(0.5, -0.14), ncol=2)

    def show_teacher(self, teacher: Network, reach: float) -> None:
        r"""Stars at :math:`|a^*_k|\,b^*_k`, dotted lines along :math:`\pm b^*_k`; limits ±reach."""
        u = teacher.B / np.linalg.norm(teacher.B, axis=1, keepdims=True)
        self.teacher_lines.set_segments(np.stack([-reach * u, reach * u], axis=1))
        self.stars.set_offsets(particle_positions(teacher.a, teacher.B))
        self.stars.set_facecolor(sign_colors(teacher.a))
        self.ax.set(xlim=(-reach, reach), ylim=(-reach, reach))

    def show_student(self, a, B, a_history=None, B_history=None) -> None:
        r"""Dots at :math:`|a_j|\,b_j`, and each neuron's path through the given snapshots."""
        self.dots.set_offsets(particle_positions(a, B))
        self.dots.set_color(sign_colors(a))
        self.dots.set_paths(sign_markers(a))
        if self.paths is not None and a_history is not None:
            self.paths.set_segments(particle_positions(a_history, B_history).transpose(1, 0, 2))
            self.paths.set_color(sign_colors(a))

    def show_run(self, run: Run, teacher: Network) -> None:
        """The teacher and the run's last snapshot with the paths that led there."""
        _check_2d(run, teacher)
        self.show_teacher(teacher, _reach(run, teacher))
        self.show_student(run.a_history[-1], run.B_history[-1], run.a_history, run.B_history)


def plot_particles(run: Run, teacher: Network, *, ax=None, trajectories: bool = True):
    r"""Each student neuron at :math:`|a_j|\,b_j` (dot: end, line: its path) and the teacher (stars).

    Needs ``run`` recorded with ``record_every`` for the paths; d = 2 only.

    Parameters
    ----------
    run : Run
    teacher : Network
    ax : matplotlib Axes, optional
    trajectories : bool, default True

    Returns
    -------
    (fig, ax)

    Raises
    ------
    ValueError
        If the student or the teacher does not have d = 2.
    """
    check_object(run, "run", "run")
    check_object(teacher, "teacher", "network")
    _check_2d(run, teacher)
    fig, ax = plt.subplots(figsize=(4.6, 4.6)) if ax is None else (ax.figure, ax)
    ParticlePanel(ax, trajectories=trajectories).show_run(run, teacher)
    return fig, ax


def plot_relative_losses(runs, labels, *, ax=None, rtol: float | None = 1e-3):
    """Loss over initial loss against mean-field time :math:`k\\eta`, one curve per run.

    Parameters
    ----------
    runs : sequence of Run
    labels : sequence of str
    ax : matplotlib Axes, optional
    rtol : float or None, default 1e-3
        The success line.

    Returns
    -------
    (fig, ax)
    """
    check_object(runs, "runs", "sequence")
    check_object(labels, "labels", "sequence")
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    for run, label in zip(runs, labels, strict=True):
        t = np.arange(len(run.losses)) * run.step
        ax.loglog(t[1:], run.losses[1:] / run.losses[0], label=label)
    if rtol is not None:
        ax.axhline(rtol, color="k", ls="--", lw=0.8, label=f"success: {rtol:g} of the start")
    ax.set(xlabel=r"mean-field time $t = k\eta$", ylabel=r"$G(W_k)\,/\,G(W_0)$")
    ax.legend(fontsize="small")
    return fig, ax


def plot_success_rates(outcomes: dict, *, m0: int = 5, ax=None):
    """Fraction of successful seeds against the width, one line per setting.

    ``outcomes`` maps a label to ``(ms, table)``: the widths and a boolean table of shape
    ``(len(ms), n_seeds)`` (as returned by :func:`mfnet_lite.meanfield.sweep`).

    Parameters
    ----------
    outcomes : dict
        Label -> ``(ms, table)``.
    m0 : int, default 5
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    check_object(outcomes, "outcomes", "mapping")
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    for label, (ms, table) in outcomes.items():
        table = np.asarray(table, dtype=float)
        ax.semilogx(ms, table.mean(axis=1), "o-", label=f"{label} ({table.shape[1]} seeds)")
    ax.axvline(m0, color="k", ls=":", lw=0.8, label=f"$m = m_0 = {m0}$")
    ax.set(xlabel="student width $m$", ylabel="success rate", ylim=(-0.05, 1.05))
    ax.legend(fontsize="small")
    return fig, ax


def plot_distances(ms, distances: dict, *, ax=None):
    """Distance to the teacher's sphere measure against the width, one line per label.

    ``distances`` maps a label to an array of shape ``(len(ms), n_seeds)`` (NaN for failed
    runs); the line is the median, the dots the single runs.

    Parameters
    ----------
    ms : sequence of int
    distances : dict
        Label -> table of shape (len(ms), n_seeds).
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    check_object(ms, "ms", "sequence")
    check_object(distances, "distances", "mapping")
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    for label, table in distances.items():
        table = np.asarray(table, dtype=float)
        line = ax.semilogx(ms, np.nanmedian(table, axis=1), "o-", label=label)[0]
        for i, m in enumerate(ms):
            ax.scatter(np.full(table.shape[1], m), table[i], s=8, color=line.get_color(), alpha=0.4)
    ax.set(xlabel="student width $m$", ylabel=r"$W_2$ to the teacher (sphere measures)")
    ax.legend(fontsize="small")
    return fig, ax


def plot_line_masses(student_masses, teacher_masses, *, ax=None):
    """Bars: signed mass of student and teacher on each teacher line.

    Parameters
    ----------
    student_masses, teacher_masses : array_like of shape (k,)
        As from :func:`mfnet_lite.meanfield.line_masses`.
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.0)) if ax is None else (ax.figure, ax)
    k = np.arange(len(teacher_masses))
    ax.bar(k - 0.18, teacher_masses, width=0.36, color="0.5", label="teacher $a^*_k/m_0$")
    ax.bar(k + 0.18, student_masses, width=0.36, color="tab:green", label="student")
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xticks=k, xlabel="teacher line $k$", ylabel="signed mass on the line")
    ax.legend(fontsize="small")
    return fig, ax


def animate_particles(run: Run, teacher: Network, *, max_frames: int = 20, interval: int = 200):
    """The particles of a d = 2 run moving, beside the loss; at most ``max_frames`` snapshots.

    Frames are evenly spaced snapshots (the first and the last included): rendering for the
    static book costs about a tenth of a second per frame.

    Parameters
    ----------
    run : Run
    teacher : Network
    max_frames : int, default 20
    interval : int, default 200
        Milliseconds per frame.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.

    Raises
    ------
    ValueError
        If the student or the teacher does not have d = 2.
    """
    check_object(run, "run", "run")
    check_object(teacher, "teacher", "network")
    _check_2d(run, teacher)
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(8.4, 3.8), width_ratios=(1, 1.2), dpi=80)
    panel = ParticlePanel(ax, trajectories=False, legend=False)
    panel.show_teacher(teacher, _reach(run, teacher))
    t = np.arange(len(run.losses)) * run.step
    # log10 on a linear axis: log-scale tick labels (mathtext) dominated the cost of a frame
    rel = np.log10(run.losses / run.losses[0])
    ax_loss.plot(t, rel, color="0.45")
    marker = ax_loss.plot([], [], "o", color="k")[0]
    ax_loss.set(xlabel=r"mean-field time $t$", ylabel=r"$\log_{10}\, G(W)/G(W_0)$")
    fig.tight_layout()
    steps = run.snapshot_steps
    chosen = np.unique(np.linspace(0, len(steps) - 1, max(2, max_frames)).round().astype(int))

    def frame(i):
        panel.show_student(run.a_history[i], run.B_history[i])
        k = int(steps[i])
        marker.set_data([t[k]], [rel[k]])
        return panel.dots, marker

    anim = FuncAnimation(fig, frame, frames=chosen, interval=interval, blit=False)
    return describe(
        anim,
        f"Left: the {run.a_history.shape[1]} neurons of the student drawn at |a_j| b_j "
        f"moving towards the {teacher.m} teacher neurons (stars). Right: the logarithm of the "
        "loss relative to its start against the mean-field time, a dot at the current frame.",
    )
