"""Figures of chapter 6: Du et al.'s synthetic study, the rate bound and the kernel predictor."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._validation import check_axes, check_object
from ..ntk import fit_slope, rate_bound
from ._style import describe

__all__ = [
    "plot_du_study",
    "plot_power_law",
    "plot_rate_bound",
    "plot_kernel_predictor",
    "plot_step_sweep",
    "plot_seed_losses",
    "StepSweepPanel",
    "animate_du_widths",
]


def _colors(k: int):
    return plt.cm.viridis(np.linspace(0.0, 0.85, max(k, 1)))


def _draw_study_panels(axes, runs, colors):
    for run, color in zip(runs, colors, strict=True):
        steps = np.arange(run.steps_taken + 1)
        label = f"m = {run.m}"
        axes[0].semilogy(steps, run.losses, color=color, label=label)
        axes[1].plot(steps, run.records["pattern_change"], color=color, label=label)
        axes[2].plot(steps, run.records["max_distance"], color=color, label=label)
    axes[0].set(xlabel="iteration $k$", ylabel=r"loss $\frac{1}{2}\Vert u(k) - y\Vert^2$")
    axes[1].set(xlabel="iteration $k$", ylabel="fraction of patterns changed")
    axes[2].set(xlabel="iteration $k$", ylabel=r"$\max_r \|w_r(k) - w_r(0)\|$")


def plot_du_study(study):
    """Du et al.'s three panels, one curve per width: loss (log scale), pattern changes, distance.

    ``study`` is a :class:`mfnet_lite.ntk.DuStudy`.

    Parameters
    ----------
    study : DuStudy

    Returns
    -------
    (fig, axes)
    """
    check_object(study, "study", "study")
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    _draw_study_panels(axes, study.runs, _colors(len(study.runs)))
    axes[2].legend(fontsize="small")
    fig.tight_layout()
    return fig, axes


def plot_power_law(widths, values, *, ylabel: str, ax=None, marker="o", label=None):
    r"""``values`` against the width on log–log axes with the fitted line :math:`\propto m^s`.

    ``values`` has shape (len(widths),) or (len(widths), seeds); with seeds, the dots are the
    geometric means and the bars the range over seeds.

    Parameters
    ----------
    widths : array_like of shape (k,)
    values : array_like of shape (k,) or (k, seeds)
        Positive.
    ylabel : str
    ax : matplotlib Axes, optional
    marker : str, default "o"
    label : str, optional

    Returns
    -------
    (fig, ax)

    Raises
    ------
    ValueError
        If a value is not positive (see :func:`mfnet_lite.ntk.fit_slope`).
    """
    widths = np.asarray(widths, float)
    values = np.asarray(values, float)
    slope, const = fit_slope(widths, values)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.8, 3.4))
    fig = ax.figure
    centre = np.exp(np.log(values).mean(axis=1)) if values.ndim == 2 else values
    if values.ndim == 2:
        err = np.vstack([centre - values.min(axis=1), values.max(axis=1) - centre])
        ax.errorbar(widths, centre, yerr=err, fmt=marker, ms=5, capsize=3, label=label)
    else:
        ax.plot(widths, centre, marker, ms=5, label=label)
    grid = np.geomspace(widths.min(), widths.max(), 50)
    ax.plot(grid, const * grid**slope, "k--", lw=1, label=f"fit: slope {slope:.2f}")
    ax.set(xscale="log", yscale="log", xlabel="width $m$", ylabel=ylabel)
    ax.legend(fontsize="small")
    return fig, ax


def plot_rate_bound(study):
    r"""Measured :math:`\|u(k) - y\|^2 / \|u(0) - y\|^2` per width against :math:`(1 - \eta\lambda_0/2)^k`.

    Parameters
    ----------
    study : DuStudy

    Returns
    -------
    (fig, ax)
    """
    check_object(study, "study", "study")
    fig, ax = plt.subplots()
    for run, color in zip(study.runs, _colors(len(study.runs)), strict=True):
        ax.semilogy(run.losses / run.losses[0], color=color, label=f"m = {run.m}")
    steps = study.runs[0].steps_taken
    ax.semilogy(
        rate_bound(1.0, study.lambda0, study.step, steps),
        "r--",
        lw=2,
        label=r"bound $(1 - \eta\lambda_0/2)^k$",
    )
    ax.semilogy(
        (1.0 - study.step * study.lambda0) ** (2 * np.arange(steps + 1)),
        "k:",
        lw=1.5,
        label=r"slowest kernel mode $(1 - \eta\lambda_0)^{2k}$",
    )
    ax.set(xlabel="iteration $k$", ylabel=r"$\|u(k) - y\|^2 / \|u(0) - y\|^2$")
    ax.legend(fontsize="small")
    return fig, ax


def plot_kernel_predictor(study, predictions: dict, *, k: int = 10):
    r"""Network against kernel predictor :math:`y + (I - \eta H^\infty)^k (u(0) - y)`.

    Left: the relative gap :math:`\|u(k) - u^{\text{ker}}(k)\| / \|u(0) - y\|` against
    :math:`k`, one curve per width. Right: :math:`u_i(k)` against :math:`u^{\text{ker}}_i(k)`
    at iteration ``k`` for the smallest and the largest width. ``predictions`` maps a width to
    the array returned by :func:`mfnet_lite.ntk.kernel_predictions` for that run.

    Parameters
    ----------
    study : DuStudy
    predictions : dict
        Width -> kernel predictions of shape (steps + 1, n).
    k : int, default 10

    Returns
    -------
    (fig, (ax1, ax2))
    """
    check_object(study, "study", "study")
    check_object(predictions, "predictions", "mapping")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    colors = _colors(len(study.runs))
    for run, color in zip(study.runs, colors, strict=True):
        scale = np.linalg.norm(run.records["outputs"][0] - study.y)
        gap = (
            np.linalg.norm(
                run.records["outputs"] - predictions[run.m][: len(run.records["outputs"])], axis=1
            )
            / scale
        )
        ax1.semilogy(gap[1:], color=color, label=f"m = {run.m}")
    ax1.set(xlabel="iteration $k$", ylabel=r"$\|u(k) - u^{\mathrm{ker}}(k)\| / \|u(0) - y\|$")
    ax1.legend(fontsize="small")
    for run, color in ((study.runs[0], colors[0]), (study.runs[-1], colors[-1])):
        ax2.plot(
            predictions[run.m][k],
            run.records["outputs"][k],
            ".",
            color=color,
            ms=4,
            label=f"m = {run.m}",
        )
    lim = np.abs(np.concatenate([predictions[r.m][k] for r in study.runs])).max() * 1.05
    ax2.plot([-lim, lim], [-lim, lim], "k--", lw=1)
    ax2.set(xlabel=f"kernel predictor at $k = {k}$", ylabel=f"network output $u_i({k})$")
    ax2.legend(fontsize="small")
    fig.tight_layout()
    return fig, (ax1, ax2)


class StepSweepPanel:
    r"""Loss against the rate line, and pattern changes, of first-layer runs (chapter 6).

    Left axes: :math:`L(k)/L(0)` per run, the theorem's line :math:`(1 - \eta\lambda_0/2)^k`
    (dashed, only below the stable limit :math:`\eta < 2/\lambda_{\max}`) and a cross where a
    run diverged; right axes: the fraction of activation patterns changed. One slot of artists
    per run, made once and updated in place by :meth:`show`; :func:`plot_step_sweep` and
    :func:`mfnet_lite.widgets.ntk_explorer` draw through it.

    Parameters
    ----------
    ax_loss, ax_pattern : matplotlib Axes
    n_runs : int
        The number of slots.
    colors : sequence of colors, optional
        One per slot (default: viridis); ``rate_color`` overrides the rate lines' colour.
    rate_label : str, optional
        Legend entry of the first slot's rate line.
    """

    def __init__(
        self, ax_loss, ax_pattern, n_runs: int, *, colors=None, rate_color=None, rate_label=None
    ):
        check_axes(ax_loss, "ax_loss")
        check_axes(ax_pattern, "ax_pattern")
        colors = _colors(n_runs) if colors is None else colors
        self.ax_loss, self.ax_pattern = ax_loss, ax_pattern
        self.loss = [ax_loss.semilogy([], [], color=c)[0] for c in colors]
        self.rate = [
            ax_loss.semilogy(
                [], [], "--", color=rate_color or c, lw=1, label=rate_label if i == 0 else None
            )[0]
            for i, c in enumerate(colors)
        ]
        self.cross = [ax_loss.semilogy([], [], "x", color=c, ms=9, mew=2)[0] for c in colors]
        self.pattern = [ax_pattern.plot([], [], color=c)[0] for c in colors]
        ax_loss.set(xlabel="iteration $k$", ylabel="loss / initial loss")
        ax_pattern.set(xlabel="iteration $k$", ylabel="fraction of patterns changed")

    def show(self, runs: dict, lambda0: float, lambda_max: float, *, steps: int | None = None):
        """Draw ``runs`` (label -> run of :func:`~mfnet_lite.ntk.train_first_layer`) in the slots.

        ``steps``: the length of the rate lines (default: each run's own).
        """
        if len(runs) > len(self.loss):
            raise ValueError(f"the panel has {len(self.loss)} slots; got {len(runs)} runs.")
        for i, (label, run) in enumerate(runs.items()):
            k = np.arange(run.steps_taken + 1)
            ratio = np.maximum(run.losses / run.losses[0], 1e-300)
            self.loss[i].set_data(k, ratio)
            self.loss[i].set_label(label)
            self.pattern[i].set_data(k, run.records["pattern_change"])
            self.pattern[i].set_label(label)
            stable = run.step < 2 / lambda_max  # the rate line means nothing beyond the limit
            n = run.steps_taken if steps is None else steps
            self.rate[i].set_data(np.arange(n + 1), rate_bound(1.0, lambda0, run.step, n))
            self.rate[i].set_visible(stable)
            self.cross[i].set_data(k[-1:], ratio[-1:])
            self.cross[i].set_visible(bool(run.diverged))


def plot_step_sweep(runs: dict, lambda0: float, lambda_max: float):
    r"""Loss against the rate line, and pattern changes, for several steps at one width.

    Parameters
    ----------
    runs : dict
        Maps a fraction ``s`` of the stable limit (step ``s * 2 / lambda_max``) to a
        :class:`mfnet_lite.Run` of :func:`mfnet_lite.ntk.train_first_layer`; a run that
        diverged ends with a cross. The rate line (dashed) is drawn for the steps below the
        stable limit only.
    lambda0, lambda_max : float
        The extreme eigenvalues of :math:`H^\infty`.

    Returns
    -------
    (fig, (ax1, ax2))
    """
    check_object(runs, "runs", "mapping")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    panel = StepSweepPanel(ax1, ax2, len(runs))
    panel.show(
        {rf"$\eta = {frac:g} \cdot 2/\lambda_{{\max}}$": run for frac, run in runs.items()},
        lambda0,
        lambda_max,
    )
    for ax in (ax1, ax2):
        ax.relim(visible_only=True)
        ax.autoscale_view()
    ax2.legend(fontsize="small")
    fig.tight_layout()
    return fig, (ax1, ax2)


def plot_seed_losses(runs: dict, *, ax=None):
    """Loss over its start against the iteration, one line per initialisation.

    ``runs`` maps a seed to a run of :func:`mfnet_lite.ntk.train_first_layer` (same data, same
    step); chapter 6 uses it beyond the stable limit, where the outcome depends on the seed.

    Parameters
    ----------
    runs : dict
        Seed -> :class:`~mfnet_lite.Run`.
    ax : matplotlib Axes, optional
        Drawn on a new figure when omitted.

    Returns
    -------
    (fig, ax)
    """
    check_object(runs, "runs", "mapping")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.4))
    else:
        fig = ax.figure
    for (seed, run), color in zip(runs.items(), _colors(len(runs)), strict=True):
        k = np.arange(run.steps_taken + 1)
        ax.semilogy(k, run.losses / run.losses[0], color=color, label=f"seed {seed}")
    ax.axhline(1.0, color="0.45", lw=0.8, ls=":")
    ax.set(xlabel="iteration $k$", ylabel="loss / initial loss")
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    return fig, ax


def animate_du_widths(study, *, interval: int = 900):
    """The three panels of :func:`plot_du_study`, the widths appearing one by one.

    Returns a matplotlib ``FuncAnimation`` (show it with :func:`mfnet_lite.plots.jshtml`).

    Parameters
    ----------
    study : DuStudy
    interval : int, default 900
        Milliseconds per frame.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    check_object(study, "study", "study")
    runs = study.runs
    colors = _colors(len(runs))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    limits = [
        (
            min(r.losses[r.losses > 0].min() for r in runs) / 2,
            max(r.losses.max() for r in runs) * 2,
        ),
        (0, max(r.records["pattern_change"].max() for r in runs) * 1.05),
        (0, max(r.records["max_distance"].max() for r in runs) * 1.05),
    ]

    def draw(i):
        for ax in axes:
            ax.clear()
        _draw_study_panels(axes, runs[: i + 1], colors[: i + 1])
        for ax, lim in zip(axes, limits, strict=True):
            ax.set_ylim(*lim)
        axes[2].legend(fontsize="small", loc="upper right")
        return []

    draw(0)
    fig.tight_layout()
    anim = FuncAnimation(fig, draw, frames=len(runs), interval=interval, blit=False)
    return describe(
        anim,
        f"Three panels filled in one width at a time ({len(runs)} widths): the training "
        "loss, the fraction of activation patterns changed, and the largest distance a "
        "neuron moved, each against the step; wider networks move less.",
    )
