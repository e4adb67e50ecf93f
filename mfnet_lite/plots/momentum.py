"""Figures of chapter 8: energy along second-order dynamics, loss comparisons, phase space."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._validation import check_axes, check_object
from ..train import Run
from ._style import describe

__all__ = [
    "plot_energy",
    "plot_loss_curves",
    "plot_phase",
    "animate_phase",
    "EnergyPanel",
    "PhasePanel",
]


class EnergyPanel:
    r"""Energy :math:`E`, risk :math:`G` (and the kinetic part) of a run against time, on ``ax``.

    Artists made once, updated in place by :meth:`show`; :func:`plot_energy` and
    :func:`mfnet_lite.widgets.momentum_explorer` draw through it.

    Parameters
    ----------
    ax : matplotlib Axes
    kinetic : bool, default True
        Also draw the kinetic part :math:`E - G`.
    short_labels : bool, default False
        Legend entries without formulas (an explorer redraws faster without the mathtext).
    """

    def __init__(self, ax, *, kinetic: bool = True, short_labels: bool = False):
        check_axes(ax, "ax")
        self.ax = ax
        energy_label = r"energy $E = G + \frac{1}{2m}\sum_j |v_j|^2$"
        (self.energy,) = ax.semilogy(
            [], [], lw=2, label="energy E" if short_labels else energy_label
        )
        (self.risk,) = ax.semilogy([], [], "--", label="risk G" if short_labels else r"risk $G$")
        self.kinetic = ax.semilogy([], [], ":", label="kinetic part")[0] if kinetic else None
        ax.set(xlabel="time $t = kh$", ylabel="value")
        ax.legend(fontsize="small")

    def show(self, run: Run) -> None:
        """Draw ``run.records["energies"]`` and ``run.losses`` against ``run.step_times``."""
        t, energies = run.step_times, run.records["energies"]
        self.energy.set_data(t, energies)
        self.risk.set_data(t, run.losses)
        if self.kinetic is not None:
            kinetic = energies - run.losses
            self.kinetic.set_data(t[kinetic > 0], kinetic[kinetic > 0])


class PhasePanel:
    r"""Paths of a few neurons in the phase plane :math:`(a_j, \dot a_j)` on ``ax``.

    Artists made once (one path per neuron, one set of end dots), updated in place by
    :meth:`show`; :func:`plot_phase`, :func:`animate_phase` and
    :func:`mfnet_lite.widgets.momentum_explorer` draw through it.

    Parameters
    ----------
    ax : matplotlib Axes
    neurons : iterable of int
        The neurons drawn.
    heads : bool, default True
        Mark each path's last point.
    """

    def __init__(self, ax, neurons, *, heads: bool = True):
        check_axes(ax, "ax")
        self.ax, self.neurons = ax, list(neurons)
        self.paths = [ax.plot([], [], lw=1)[0] for _ in self.neurons]
        self.heads = ax.plot([], [], "ko", ms=3)[0] if heads else None
        ax.axhline(0, color="0.45", lw=0.8)
        ax.set(xlabel="$a_j$", ylabel=r"$\dot a_j$")

    def show(self, run: Run, upto: int | None = None, tail: int | None = None) -> None:
        """The paths through the snapshots ``[upto - tail, upto]`` (default: all of them)."""
        a, v = run.a_history[:, self.neurons], run.records["velocity_a"][:, self.neurons]
        end = len(a) - 1 if upto is None else upto
        start = 0 if tail is None else max(0, end - tail)
        for j, path in enumerate(self.paths):
            path.set_data(a[start : end + 1, j], v[start : end + 1, j])
        if self.heads is not None:
            self.heads.set_data(a[end], v[end])

    def fit(self, run: Run) -> None:
        """Fix the limits to the whole run, so that an animation's frames share them."""
        a, v = run.a_history[:, self.neurons], run.records["velocity_a"][:, self.neurons]
        pad = 0.05 * (np.ptp(a) + 1e-12)
        self.ax.set(
            xlim=(a.min() - pad, a.max() + pad), ylim=(1.1 * v.min() - 1e-9, 1.1 * v.max() + 1e-9)
        )


def plot_energy(run: Run, *args, ax=None):
    r"""Energy :math:`E_k`, risk :math:`G(W_k)` and kinetic part of a :func:`~mfnet_lite.train.kinetic` run.

    Parameters
    ----------
    run : Run
        A :func:`~mfnet_lite.train.kinetic` or :func:`~mfnet_lite.train.heavy_ball` run (it
        records ``"energies"``).
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)

    Notes
    -----
    The horizontal axis is ``run.step_times``, the physical time :math:`t = k h` of a kinetic
    run. The step ``h`` that was the second argument is the run's own ``run.step``; passing it
    is deprecated.
    """
    check_object(run, "run", "run")
    _drop_h(args, "plot_energy")
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    EnergyPanel(ax).show(run)
    ax.relim()
    ax.autoscale_view()
    return fig, ax


def _drop_h(args, name: str) -> None:
    if len(args) > 1:
        raise TypeError(f"{name}() takes one positional argument after the run(s).")
    if args:
        warnings.warn(
            f"{name}(run, h): h is deprecated and ignored (the run carries its step); "
            f"call {name}(run).",
            DeprecationWarning,
            stacklevel=3,
        )


def plot_loss_curves(curves: dict, *, xlabel: str = "iteration", ax=None):
    """Relative risk :math:`G_k/G_0` on a log scale; ``curves`` maps a label to ``(x, losses)``.

    Parameters
    ----------
    curves : dict
        Label -> ``(x, losses)``.
    xlabel : str, default "iteration"
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    check_object(curves, "curves", "mapping")
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    for label, (x, losses) in curves.items():
        ax.semilogy(x, np.asarray(losses) / losses[0], label=label)
    ax.set(xlabel=xlabel, ylabel=r"$G(W_k) / G(W_0)$")
    ax.legend(fontsize="small")
    return fig, ax


def plot_phase(runs: dict, *args, neurons=range(6)):
    r"""Paths of a few neurons in the phase plane :math:`(a_j, \dot a_j)`, one panel per run.

    Parameters
    ----------
    runs : dict
        Maps a panel title to a run recording ``"velocity_a"`` (heavy ball or kinetic).
    neurons : iterable of int, default range(6)

    Returns
    -------
    (fig, axes)

    Notes
    -----
    The unused second argument ``h`` is deprecated.
    """
    check_object(runs, "runs", "mapping")
    _drop_h(args, "plot_phase")
    fig, axes = plt.subplots(1, len(runs), figsize=(4 * len(runs), 3.4), squeeze=False)
    for ax, (label, run) in zip(axes[0], runs.items(), strict=True):
        PhasePanel(ax, neurons).show(run)
        ax.relim()
        ax.autoscale_view()
        ax.set_title(label)
    fig.tight_layout()
    return fig, axes[0]


def animate_phase(run: Run, *, neurons=range(12), interval=80):
    r"""Neurons moving in the phase plane :math:`(a_j, \dot a_j)` with trailing paths; an animation.

    One frame per snapshot of ``run``, labelled with ``run.times`` (the time :math:`t = kh` for
    a :func:`~mfnet_lite.train.kinetic` run).

    Parameters
    ----------
    run : Run
        Recording ``"velocity_a"``.
    neurons : iterable of int, default range(12)
    interval : int, default 80
        Milliseconds per frame.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    check_object(run, "run", "run")
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    panel = PhasePanel(ax, neurons)
    panel.fit(run)
    label = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def draw(i):
        panel.show(run, upto=i, tail=15)
        label.set_text(f"t = {run.times[i]:g}")
        return [*panel.paths, panel.heads, label]

    fig.tight_layout()
    anim = FuncAnimation(fig, draw, frames=len(run.snapshot_steps), interval=interval, blit=False)
    return describe(
        anim,
        f"{len(panel.paths)} neurons moving in the phase plane of a_j against its velocity, each "
        "with a short trailing path, spiralling as the heavy-ball dynamics oscillates; the "
        "time is written in the corner.",
    )
