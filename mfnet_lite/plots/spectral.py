"""Figures of chapter 7: the NTK's spectrum on the sphere, spectral bias, generalization."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._validation import check_axes, check_instance, check_object
from ..spectral import FrequencyRates, harmonic_eigenvalues
from ._style import describe

__all__ = [
    "plot_harmonic_spectrum",
    "draw_frequency_rates",
    "plot_frequency_rates",
    "animate_residual_spectrum",
    "plot_cos3",
    "plot_label_noise",
    "plot_parity",
]

_MARKERS = "osD^v<>p*h"


def _check_rates(rates):
    return check_instance(rates, "rates", FrequencyRates, "a FrequencyRates (mf.spectral.frequency_rates)")


def _check_study(study, name: str, keys, source: str) -> dict:
    """A study dict with its keys, each a non-empty array (a TypeError/ValueError naming ``name``)."""
    check_object(study, name, "mapping")
    missing = [k for k in keys if k not in study]
    if missing:
        raise ValueError(f"{name} must be the output of {source}; it lacks {missing}.")
    for k in keys:
        if np.size(study[k]) == 0:
            raise ValueError(f"{name}[{k!r}] is empty: run {source} with at least one seed.")
    return study


def plot_harmonic_spectrum(dims=(2, 3, 5), k_max: int = 40, *, kernel: str = "h_infinity", ax=None):
    r"""Funk–Hecke eigenvalues :math:`\mu_k` against the degree, log–log, one line per dimension.

    Even degrees as markers joined by a line, with a dotted guide of slope :math:`-d` through
    the last one; the odd degrees :math:`k \ge 3`, whose :math:`\mu_k` vanish, as crosses on the
    lower edge (a log axis has no zero).

    Parameters
    ----------
    dims : sequence of int, default (2, 3, 5)
    k_max : int, default 40
    kernel : str, default "h_infinity"
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    ks = np.arange(k_max + 1)
    floor = np.inf
    for i, d in enumerate(dims):
        mu = harmonic_eigenvalues(d, ks, kernel)
        even = (ks % 2 == 0) & (ks > 0)
        color = f"C{i}"
        ax.loglog(ks[even], mu[even], marker=_MARKERS[i], ms=4, color=color, label=f"d = {d}, even k")
        ax.loglog([1], [mu[1]], marker=_MARKERS[i], ms=7, color=color, mfc="none")
        guide = mu[even][-1] * (ks[even] / ks[even][-1]) ** (-float(d))
        ax.loglog(ks[even], guide, ":", color=color, lw=1)
        floor = min(floor, mu[even].min())
    odd = ks[(ks % 2 == 1) & (ks >= 3)]
    ax.plot(odd, np.full(odd.size, floor / 5), "x", color="0.3", label=r"odd $k \geq 3$: $\mu_k = 0$")
    ax.set(xlabel="degree $k$", ylabel=r"$\mu_k$", ylim=(floor / 10, None))
    ax.legend(fontsize="small")
    return ax.figure, ax


def draw_frequency_rates(rates, axes) -> None:
    """Draw :func:`plot_frequency_rates` on two given axes (the explorer reuses it)."""
    _check_rates(rates)
    ax1, ax2 = axes
    steps = np.arange(rates.components.shape[0])
    for j, k in enumerate(rates.degrees):
        color = f"C{j}"
        start = abs(rates.components[0, j])
        ax1.semilogy(steps, np.abs(rates.components[:, j]), color=color, marker=_MARKERS[j % 10],
                     markevery=max(1, len(steps) // 8), ms=4, label=f"k = {k}")
        ax1.semilogy(steps, start * np.abs(rates.predicted[j]) ** steps, "--", color=color, lw=1)
    ax1.set(xlabel="step", ylabel=r"$|c_k|$ of the residual", ylim=(1e-4, None))
    ax1.legend(fontsize="small", loc="lower left")
    x = np.arange(len(rates.degrees))
    ax2.bar(x - 0.2, 1 - rates.predicted, width=0.4, color="0.45", label=r"$\eta\, n\, \mu_k$ (kernel)")
    ax2.bar(x + 0.2, 1 - rates.measured, width=0.4, color="C0", hatch="//", label="measured")
    ax2.set_xticks(x, [str(k) for k in rates.degrees])
    ax2.set(xlabel="frequency $k$", ylabel="decay per step, $1 -$ factor")
    ax2.set_yscale("symlog", linthresh=1e-3)
    ax2.legend(fontsize="small")


def plot_frequency_rates(rates):
    r"""Left: each frequency's residual component against the step, with the kernel regime's
    :math:`(1 - \eta n\mu_k)^t` (dashed). Right: the decay per step, predicted and measured.

    Parameters
    ----------
    rates : FrequencyRates

    Returns
    -------
    (fig, axes)
    """
    _check_rates(rates)
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.8))
    draw_frequency_rates(rates, axes)
    fig.tight_layout()
    return fig, axes


def animate_residual_spectrum(rates, *, frames: int = 30, interval: int = 200):
    """The residual's frequency components as bars, falling step by step (low frequencies first).

    Parameters
    ----------
    rates : FrequencyRates
    frames : int, default 30
    interval : int, default 200
        Milliseconds per frame.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    _check_rates(rates)
    comps = np.abs(rates.components)
    times = np.unique(np.linspace(0, comps.shape[0] - 1, frames).astype(int))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    x = np.arange(len(rates.degrees))
    bars = ax.bar(x, comps[0], color=[f"C{j}" for j in range(len(x))])
    for bar, hatch in zip(bars, ["", "//", "..", "xx", "\\\\", "oo", "--", "++"], strict=False):
        bar.set_hatch(hatch)
    ax.set_xticks(x, [f"k = {k}" for k in rates.degrees])
    ax.set(ylabel=r"$|c_k|$ of the residual", ylim=(0, 1.1 * comps.max()))
    label = ax.text(0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top")
    fig.tight_layout()

    def draw(i):
        for bar, h in zip(bars, comps[times[i]], strict=True):
            bar.set_height(h)
        label.set_text(f"step {times[i]}")
        return [*bars, label]

    draw(0)
    anim = FuncAnimation(fig, draw, frames=len(times), interval=interval, blit=False)
    return describe(
        anim,
        f"Bars of the residual's cosine components at frequencies "
        f"{', '.join(str(k) for k in rates.degrees)}, falling over {comps.shape[0] - 1} steps of "
        "lazy training: the lowest frequency vanishes first, the higher ones slowly, and the "
        "frequency whose kernel eigenvalue is zero does not move.",
    )


def plot_cos3(without_bias: dict, with_bias: dict, ax=None):
    """Test error over the target's variance for y = cos 3θ: one dot per seed, lazy and mean-field,
    without and with a bias input.

    Parameters
    ----------
    without_bias, with_bias : dict
        Outputs of :func:`mfnet_lite.spectral.cos3_study`.
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    for name, study in (("without_bias", without_bias), ("with_bias", with_bias)):
        _check_study(study, name, ("lazy_test", "meanfield_test"), "mf.spectral.cos3_study")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.8))
    check_axes(ax)
    groups = [("lazy, no bias", without_bias["lazy_test"], "o"),
              ("mean-field, no bias", without_bias["meanfield_test"], "s"),
              ("lazy, bias", with_bias["lazy_test"], "D"),
              ("mean-field, bias", with_bias["meanfield_test"], "^")]
    for i, (_name, values, marker) in enumerate(groups):
        jitter = np.linspace(-0.12, 0.12, len(values))
        ax.plot(i + jitter, np.maximum(values, 1e-5), marker, color=f"C{i}", ms=6, ls="none")
        ax.plot([i - 0.2, i + 0.2], [np.median(np.maximum(values, 1e-5))] * 2, color="0.2", lw=2)
    ax.axhline(1.0, color="0.4", ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_xticks(range(4), [g[0] for g in groups])
    ax.set(ylabel="test error / variance of the target")
    return ax.figure, ax


def _over_seeds(ax, x, values, spread: str, **style):
    """Means over seeds (axis 1 of ``values``) with bars: the range or one standard deviation."""
    mean = values.mean(axis=1)
    if spread == "range":
        yerr = [mean - values.min(axis=1), values.max(axis=1) - mean]
    else:
        yerr = values.std(axis=1)
    ax.errorbar(x, mean, yerr=yerr, capsize=3, **style)


def plot_label_noise(levels, study: dict):
    """Complexity, training time and test error against the fraction of random labels: means
    over seeds with the range (bars).

    Parameters
    ----------
    levels : array_like
        The noise fractions.
    study : dict
        Output of :func:`mfnet_lite.spectral.label_noise_study`.

    Returns
    -------
    (fig, axes)
    """
    levels = np.asarray(check_object(levels, "levels", "sequence"), dtype=float)
    _check_study(study, "study", ("complexity", "steps", "test_error"), "mf.spectral.label_noise_study")
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    labels = {"complexity": r"$\sqrt{2 y^\top (H^\infty)^{-1} y / n}$",
              "steps": "steps to $10^{-2}$ of $\\|y\\|^2$", "test_error": "test error (clean labels)"}
    for ax, (key, label), marker in zip(axes, labels.items(), "osD", strict=True):
        _over_seeds(ax, levels, study[key], "range", marker=marker, color="C0")
        ax.set(xlabel="fraction of random labels", ylabel=label)
    fig.tight_layout()
    return fig, axes


def plot_parity(ns, study: dict, ax=None):
    """Test error against the number of samples for y = x1 x2: the NTK predictor against the
    trained network, means over seeds with one standard deviation.

    Parameters
    ----------
    ns : array_like
    study : dict
        Output of :func:`mfnet_lite.spectral.parity_study`.
    ax : matplotlib Axes, optional

    Returns
    -------
    (fig, ax)
    """
    check_object(ns, "ns", "sequence")
    _check_study(study, "study", ("kernel", "network"), "mf.spectral.parity_study")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 3.8))
    check_axes(ax)
    for key, label, marker, style in [("kernel", "NTK predictor (lazy limit)", "o", "-"),
                                      ("network", "mean-field network", "s", "--")]:
        _over_seeds(ax, ns, np.maximum(study[key], 1e-6), "std", marker=marker, ls=style, label=label)
    ax.set(xscale="log", yscale="log", xlabel="training samples $n$", ylabel="test mean square error")
    ax.legend(fontsize="small")
    return ax.figure, ax
