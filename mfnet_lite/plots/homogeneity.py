"""Figures of chapter 1: separability, homogeneity, the conserved balance, output scalings."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._validation import check_array, check_object
from ..data import circle
from ..model import Network, phi
from ._style import describe

__all__ = [
    "plot_neuron_sum",
    "plot_homogeneity",
    "plot_balance_drift",
    "plot_output_distribution",
    "animate_output_distribution",
]


def plot_neuron_sum(net: Network, *, n_angles: int = 361, ax=None):
    """A d = 2 network on the unit circle: each term c·Φ(w_j)(x) (thin) and their sum h (thick).

    Parameters
    ----------
    net : Network
        d = 2.
    n_angles : int, default 361
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)

    Raises
    ------
    ValueError
        If a network does not have d = 2.
    """
    check_object(net, "net", "network")
    if net.d != 2:
        raise ValueError(f"plot_neuron_sum draws d = 2 networks on the circle; got d = {net.d}.")
    theta, X = circle(n_angles)
    terms = net.factor * phi(net.a, net.B, X)
    fig, ax = _fig_ax(ax)
    ax.plot(theta, terms.T, lw=0.8, alpha=0.6)
    ax.plot(theta, terms.sum(axis=0), color="k", lw=2.5, label="$h(x)$, the sum")
    ax.set(xlabel=r"angle $\theta$ of $x = (\cos\theta, \sin\theta)$", ylabel="output")
    ax.legend(loc="upper right")
    return fig, ax


def plot_homogeneity(a: float, b, X, lambdas, cs):
    """Two panels: Φ(λw)(x)/Φ(w)(x) against λ (it is λ²), and Φ(a/c, c·b)(x) against c (flat).

    ``X`` holds a few inputs where the neuron is active.

    Parameters
    ----------
    a : float
    b : array_like of shape (d,)
        One neuron (a, b).
    X : array_like of shape (k, d)
    lambdas, cs : array_like
        The factors of the two panels.

    Returns
    -------
    (fig, axes)
    """
    lambdas, cs = np.asarray(lambdas, float), np.asarray(cs, float)
    base = phi(a, b, X)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.4))
    ratios = np.array([phi(lam * a, lam * np.asarray(b), X) / base for lam in lambdas])
    ax1.plot(lambdas, ratios, "o", ms=4, alpha=0.7)
    ax1.plot(lambdas, lambdas**2, "k-", lw=1, label=r"$\lambda^2$")
    ax1.set(xlabel=r"$\lambda$", ylabel=r"$\Phi(\lambda w)(x)\,/\,\Phi(w)(x)$")
    ax1.legend()
    values = np.array([phi(a / c, c * np.asarray(b), X) for c in cs])
    ax2.semilogx(cs, values, "-o", ms=3)
    ax2.set(xlabel="$c$", ylabel=r"$\Phi(a/c,\ c\,b)(x)$")
    fig.tight_layout()
    return fig, (ax1, ax2)


def plot_balance_drift(step_sizes, per_step, over_time, *, T=None):
    r"""Drift of :math:`a_j^2 - \|b_j\|^2` against the step size, on log–log axes.

    Parameters
    ----------
    step_sizes : array_like
        The step sizes :math:`\eta` (formerly ``steps``: in the package ``steps`` is a count).
    per_step : array_like
        The largest change in one step from a fixed state (slope 2).
    over_time : array_like
        The largest change accumulated over a fixed training time ``T`` (slope 1).
    T : float, optional
        That time, for the legend.

    Returns
    -------
    (fig, ax)
    """
    step_sizes = check_array(step_sizes, "step_sizes", ndim=1)
    per_step = check_array(per_step, "per_step", shape=step_sizes.shape)
    over_time = check_array(over_time, "over_time", shape=step_sizes.shape)
    if step_sizes.size == 0:
        raise ValueError("step_sizes must hold at least one step size.")
    fig, ax = plt.subplots()
    ax.loglog(step_sizes, per_step, "o-", label="one step from the same state")
    ax.loglog(
        step_sizes,
        over_time,
        "s-",
        label="over the time $T$" if T is None else f"over the time T = {T:g}",
    )
    for values, power, style in ((per_step, 2, ":"), (over_time, 1, "--")):
        ref = values[-1] * (step_sizes / step_sizes[-1]) ** power
        ax.loglog(
            step_sizes, ref, "k" + style, lw=1, label=rf"slope {power} ($\propto \eta^{power}$)"
        )
    ax.set(xlabel=r"step size $\eta$", ylabel=r"$\max_j |\Delta(a_j^2 - \|b_j\|^2)|$")
    ax.set_xticks(step_sizes, [f"{s:g}" for s in step_sizes])
    ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.legend(fontsize="small")
    return fig, ax


def _histogram(ax, samples: dict, scale: str, bins):
    for m, values in samples.items():
        ax.hist(values, bins=bins, density=True, histtype="step", lw=1.5, label=f"m = {m}")
    ax.set(xlabel="$h(x)$ at initialisation", ylabel="density")
    ax.set_title(r"scale $1/m$" if scale == "mean-field" else r"scale $1/\sqrt{m}$")


def plot_output_distribution(samples_mf: dict, samples_ntk: dict, *, bins=60):
    """Histograms of h(x) over random networks, one curve per width, for both scalings.

    ``samples_*`` map a width m to the sampled outputs (:func:`mfnet_lite.model.sample_outputs`).

    Parameters
    ----------
    samples_mf, samples_ntk : dict
        Width -> sampled outputs, for each scaling.
    bins : int, default 60

    Returns
    -------
    (fig, axes)
    """
    check_object(samples_mf, "samples_mf", "mapping")
    check_object(samples_ntk, "samples_ntk", "mapping")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.4), sharey=False)
    edges = np.linspace(-2.5, 2.5, bins + 1)
    _histogram(ax1, samples_mf, "mean-field", edges)
    _histogram(ax2, samples_ntk, "ntk", edges)
    grid = np.linspace(-2.5, 2.5, 400)
    ax2.plot(grid, np.exp(-(grid**2)) / np.sqrt(np.pi), "k--", lw=1, label=r"$N(0, 1/2)$")
    ax2.set_ylim(0, 0.9)  # an atom at 0 for tiny m (inactive neurons) would squash the rest
    ax1.legend(fontsize="small")
    ax2.legend(fontsize="small")
    fig.tight_layout()
    return fig, (ax1, ax2)


def animate_output_distribution(widths, sample, *, bins=60, interval=600):
    """An animation over the widths: the two histograms of :func:`plot_output_distribution`.

    ``sample(m, scale)`` returns the outputs for width ``m``; returns a matplotlib
    ``FuncAnimation`` (show it with :func:`mfnet_lite.plots.jshtml`).

    Parameters
    ----------
    widths : iterable of int
    sample : callable
        ``sample(m, scale)`` -> outputs.
    bins : int, default 60
    interval : int, default 600
        Milliseconds per frame.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    widths = list(widths)
    data = {m: (sample(m, "mean-field"), sample(m, "ntk")) for m in widths}
    edges = np.linspace(-2.5, 2.5, bins + 1)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.4))
    grid = np.linspace(-2.5, 2.5, 400)
    height = 1.05 * max(np.histogram(v[0], edges, density=True)[0].max() for v in data.values())

    def draw(i):
        m = widths[i]
        for ax, values, scale in zip(axes, data[m], ("mean-field", "ntk"), strict=True):
            ax.clear()
            ax.hist(values, bins=edges, density=True, color="C0" if ax is axes[0] else "C1")
            _histogram_labels(ax, scale, m)
        axes[0].set_ylim(0, height)
        axes[1].set_ylim(0, 0.75)
        axes[1].plot(grid, np.exp(-(grid**2)) / np.sqrt(np.pi), "k--", lw=1)
        return []

    fig.tight_layout()
    anim = FuncAnimation(fig, draw, frames=len(widths), interval=interval, blit=False)
    return describe(
        anim,
        "Histograms of the output of random networks at one input, width by width ("
        + ", ".join(map(str, widths))
        + "): with the mean-field scaling (left) it concentrates at a point, with the NTK "
        "scaling (right) it approaches the dashed Gaussian curve.",
    )


def _histogram_labels(ax, scale, m):
    ax.set(xlabel="$h(x)$ at initialisation", ylabel="density", xlim=(-2.5, 2.5))
    name = r"$1/m$" if scale == "mean-field" else r"$1/\sqrt{m}$"
    ax.set_title(f"scale {name}, m = {m}")


def _fig_ax(ax):
    if ax is None:
        return plt.subplots()
    return ax.figure, ax
