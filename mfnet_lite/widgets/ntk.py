"""Chapter 6 explorer: width and step size → loss against the rate line, and pattern changes."""

from __future__ import annotations

import ipywidgets as widgets

from .._validation import renamed_keywords, replayable, spawn
from ..data import ntk_synthetic
from ..kernels import h_infinity, lambda_max, lambda_min
from ..ntk import init_du, train_first_layer
from ..plots.ntk import StepSweepPanel
from ._render import figure, show

__all__ = ["ntk_explorer"]


@renamed_keywords(seed="rng")
def ntk_explorer(*, n: int = 100, d: int = 100, steps: int = 60, rng=0):
    r"""Sliders for the width :math:`m` and the step as a fraction of the stable limit.

    The step is :math:`\eta = s \cdot 2/\lambda_{\max}(H^\infty)`; for :math:`s > 1` the
    kernel recursion :math:`u(k+1) - y = (I - \eta H)(u(k) - y)` amplifies the top mode: the
    network's loss spikes and many activation patterns change (a run that blows up stops and
    is marked with a cross). Left: the loss over its start, with the
    theorem's line :math:`(1 - \eta\lambda_0/2)^k`; right: the fraction of activation patterns
    changed since initialisation. Data: ``n`` points on :math:`S^{d-1}`, labels :math:`N(0, 1)`.

    Parameters
    ----------
    n, d : int
        Inputs and dimension.
    steps : int, default 60
    rng : None, int or numpy.random.Generator, default 0
        The data from one stream, the networks from a second, replayed at every change.

    Returns
    -------
    ipywidgets.VBox
    """
    data_rng, net_rng = spawn(rng, 2)
    X, y = ntk_synthetic(n, d, data_rng)
    replay = replayable(net_rng)
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
    # the panel of plot_step_sweep, one slot, artists made once and updated in place
    panel = StepSweepPanel(
        ax1, ax2, 1, colors=["C0"], rate_color="r", rate_label=r"$(1-\eta\lambda_0/2)^k$"
    )
    ax1.set(xlim=(0, steps), ylim=(1e-16, 1e3))
    ax2.set_xlim(0, steps)
    panel.loss[0].set_label("network")
    ax1.legend(loc="lower left", fontsize="small")
    text = ax1.text(0.98, 0.95, "", transform=ax1.transAxes, ha="right", va="top")
    fig.tight_layout()

    def update(*_):
        step = frac.value * 2 / lam_max
        net = init_du(width.value, d, replay())
        run = train_first_layer(net, X, y, step, steps, stop_on_divergence=True)
        panel.show({"network": run}, lam0, lam_max, steps=steps)
        ax2.set_ylim(0, max(0.02, 1.1 * run.records["pattern_change"].max()))
        status = "diverged" if run.diverged else f"final ratio {run.losses[-1] / run.losses[0]:.1e}"
        text.set_text(f"η = {step:.2f}, λ0 = {lam0:.2f}; {status}")
        alt = (
            f"At m = {width.value}, η = {step:.2f} ({frac.value:.2f} of the stable limit); "
            f"{status}. Left: the loss over its start against the iteration, with the "
            "theorem's rate as a dashed line. Right: the fraction of activation patterns "
            "changed since initialisation."
        )
        show(fig, out, alt)

    width.observe(update, "value")
    frac.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([width, frac]), out])
