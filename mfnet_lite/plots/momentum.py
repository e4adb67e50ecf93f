"""Figures of chapter 7: energy along second-order dynamics, loss comparisons, phase space."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from ..train import Run

__all__ = ["plot_energy", "plot_loss_curves", "plot_phase", "animate_phase"]


def plot_energy(run: Run, h: float, *, ax=None):
    r"""Energy :math:`E_k`, risk :math:`G(W_k)` and kinetic part of a :func:`~mfnet_lite.train.kinetic` run.

    The horizontal axis is the physical time :math:`t = k h`.
    """
    energies = run.records["energies"]
    t = np.arange(len(energies)) * h
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    ax.semilogy(t, energies, lw=2, label=r"energy $E = G + \frac{1}{2m}\sum_j |v_j|^2$")
    ax.semilogy(t, run.losses, "--", label=r"risk $G$")
    kinetic = energies - run.losses
    ax.semilogy(t[kinetic > 0], kinetic[kinetic > 0], ":", label="kinetic part")
    ax.set(xlabel="time $t = kh$", ylabel="value")
    ax.legend(fontsize="small")
    return fig, ax


def plot_loss_curves(curves: dict, *, xlabel: str = "iteration", ax=None):
    """Relative risk :math:`G_k/G_0` on a log scale; ``curves`` maps a label to ``(x, losses)``."""
    fig, ax = plt.subplots() if ax is None else (ax.figure, ax)
    for label, (x, losses) in curves.items():
        ax.semilogy(x, np.asarray(losses) / losses[0], label=label)
    ax.set(xlabel=xlabel, ylabel=r"$G(W_k) / G(W_0)$")
    ax.legend(fontsize="small")
    return fig, ax


def plot_phase(runs: dict, h: float, *, neurons=range(6)):
    r"""Paths of a few neurons in the phase plane :math:`(a_j, \dot a_j)`, one panel per run."""
    fig, axes = plt.subplots(1, len(runs), figsize=(4 * len(runs), 3.4), squeeze=False)
    for ax, (label, run) in zip(axes[0], runs.items(), strict=True):
        a, v = run.a_history, run.records["velocity_a"]
        for j in neurons:
            ax.plot(a[:, j], v[:, j], lw=1)
            ax.plot(a[-1, j], v[-1, j], "ko", ms=3)
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set(xlabel="$a_j$", ylabel=r"$\dot a_j$")
        ax.set_title(label)
    fig.tight_layout()
    return fig, axes[0]


def animate_phase(run: Run, *, neurons=range(12), interval=80):
    r"""Neurons moving in the phase plane :math:`(a_j, \dot a_j)` with trailing paths; an animation.

    One frame per snapshot of ``run``, labelled with ``run.times`` (the time :math:`t = kh` for
    a :func:`~mfnet_lite.train.kinetic` run). Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    a, v = run.a_history[:, list(neurons)], run.records["velocity_a"][:, list(neurons)]
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    pad = 0.05 * (np.ptp(a) + 1e-12)
    ax.set(xlim=(a.min() - pad, a.max() + pad), ylim=(1.1 * v.min() - 1e-9, 1.1 * v.max() + 1e-9))
    ax.set(xlabel="$a_j$", ylabel=r"$\dot a_j$")
    ax.axhline(0, color="0.6", lw=0.8)
    tails = [ax.plot([], [], lw=1)[0] for _ in range(a.shape[1])]
    heads = ax.plot([], [], "ko", ms=3)[0]
    label = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def draw(i):
        start = max(0, i - 15)
        for j, tail in enumerate(tails):
            tail.set_data(a[start : i + 1, j], v[start : i + 1, j])
        heads.set_data(a[i], v[i])
        label.set_text(f"t = {run.times[i]:g}")
        return [*tails, heads, label]

    fig.tight_layout()
    return FuncAnimation(fig, draw, frames=len(a), interval=interval, blit=False)
