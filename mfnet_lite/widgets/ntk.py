"""Chapter 6 explorer: width and step size → loss against the rate line, and pattern changes."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..data import ntk_synthetic
from ..kernels import h_infinity, lambda_min
from ..ntk import init_du, lambda_max, rate_bound, train_first_layer
from ._render import figure, show

__all__ = ["ntk_explorer"]


def ntk_explorer(*, n: int = 100, d: int = 100, steps: int = 60, seed: int = 0):
    r"""Sliders for the width :math:`m` and the step as a fraction of the stable limit.

    The step is :math:`\eta = s \cdot 2/\lambda_{\max}(H^\infty)`; for :math:`s > 1` the
    kernel recursion :math:`u(k+1) - y = (I - \eta H)(u(k) - y)` amplifies the top mode: the
    network's loss spikes and many activation patterns change (a run that blows up stops and
    is marked with a cross). Left: the loss over its start, with the
    theorem's line :math:`(1 - \eta\lambda_0/2)^k`; right: the fraction of activation patterns
    changed since initialisation. Data: ``n`` points on :math:`S^{d-1}`, labels :math:`N(0, 1)`.
    """
    X, y = ntk_synthetic(n, d, seed)
    H = h_infinity(X)
    lam0, lam_max = lambda_min(H), lambda_max(H)
    width = widgets.SelectionSlider(
        options=[25, 50, 100, 200, 400, 800, 1600, 3200, 6400], value=400, description="m"
    )
    frac = widgets.FloatSlider(
        value=0.5, min=0.05, max=2.0, step=0.05, description="η · λmax/2", readout_format=".2f"
    )
    out = widgets.Output()
    fig, (ax1, ax2) = figure((9, 3.3), 2)
    k = np.arange(steps + 1)
    (loss_line,) = ax1.semilogy(k, np.ones_like(k, float), "C0", label="network")
    (bound_line,) = ax1.semilogy(k, np.ones_like(k, float), "r--", label=r"$(1-\eta\lambda_0/2)^k$")
    (cross,) = ax1.semilogy([], [], "x", color="C3", ms=10, mew=2)
    (pattern_line,) = ax2.plot(k, np.zeros_like(k, float), "C1")
    ax1.set(xlabel="iteration $k$", ylabel="loss / initial loss", ylim=(1e-16, 1e3))
    ax2.set(xlabel="iteration $k$", ylabel="fraction of patterns changed")
    ax1.legend(loc="lower left", fontsize="small")
    text = ax1.text(0.98, 0.95, "", transform=ax1.transAxes, ha="right", va="top")
    fig.tight_layout()

    def update(*_):
        step = frac.value * 2 / lam_max
        net = init_du(width.value, d, seed + 1)
        run = train_first_layer(net, X, y, step, steps, stop_on_divergence=True)
        kk = np.arange(run.steps_taken + 1)
        loss_line.set_data(kk, np.maximum(run.losses / run.losses[0], 1e-300))
        stable = step < 2 / lam_max  # beyond the stable limit the rate line means nothing
        bound = rate_bound(1.0, lam0, step, steps) if stable else np.full(steps + 1, np.nan)
        bound_line.set_data(k, bound)
        cross.set_data(
            kk[-1:] if run.diverged else [],
            (run.losses[-1:] / run.losses[0]) if run.diverged else [],
        )
        pattern_line.set_data(kk, run.records["pattern_change"])
        ax2.set_ylim(0, max(0.02, 1.1 * run.records["pattern_change"].max()))
        status = "diverged" if run.diverged else f"final ratio {run.losses[-1] / run.losses[0]:.1e}"
        text.set_text(f"η = {step:.2f}, λ0 = {lam0:.2f}; {status}")
        show(fig, out)

    width.observe(update, "value")
    frac.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([width, frac]), out])
