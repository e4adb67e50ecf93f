"""Explorers of chapters 2 and 3: mixtures of measures, and distances between particle clouds."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..data import circle
from ..model import Network, loss
from ..plots.measures import plot_matching
from ..transport import TransportError, mixture, optimal_plan, sinkhorn_w2, sliced_w2, w2
from ._render import figure, show

__all__ = ["mixture_explorer", "distance_explorer"]


def mixture_explorer(net0: Network, net1: Network, X, y):
    """A slider for t: h of the mixture (1-t)μ0 + tμ1 against h of (1-t)W0 + tW1, and both risks."""
    theta, C = circle()
    t = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="t")
    out = widgets.Output()
    fig, ax = figure((5.5, 3.2), left=0.12, right=0.97, bottom=0.16, top=0.96)
    (l1,) = ax.plot(theta, net0.predict(C), lw=2, label="mixture of measures")
    (l2,) = ax.plot(theta, net0.predict(C), "--", lw=2, label="segment of parameters")
    top = max(np.abs(net0.predict(C)).max(), np.abs(net1.predict(C)).max())
    ax.set(xlabel=r"angle $\theta$ of $x$", ylabel="$h(x)$", ylim=(-1.6 * top, 1.6 * top))
    ax.legend(fontsize="small", loc="lower left")
    text = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def update(*_):
        mix = mixture(net0, net1, t.value)
        seg = net0.replace(
            a=(1 - t.value) * net0.a + t.value * net1.a, B=(1 - t.value) * net0.B + t.value * net1.B
        )
        l1.set_ydata(mix.predict(C))
        l2.set_ydata(seg.predict(C))
        text.set_text(f"F = {loss(mix, X, y):.4f}   G = {loss(seg, X, y):.4f}")
        show(fig, out)

    t.observe(update, "value")
    update()
    return widgets.VBox([t, out])


def distance_explorer(P, Q, *, seed: int = 0):
    """A slider shifting the cloud Q to the right: W2, sliced W2, Sinkhorn and the matching.

    ``P`` and ``Q`` are (n, 2) uniform clouds of the same size, so the exact plan is a matching.
    """
    P, Q = np.asarray(P, float), np.asarray(Q, float)
    shift = widgets.FloatSlider(value=1.0, min=-3.0, max=3.0, step=0.25, description="shift")
    out = widgets.Output()
    fig, ax = figure((4.6, 4.0), left=0.1, right=0.97, bottom=0.08, top=0.97)

    def update(*_):
        Qs = Q + [shift.value, 0.0]
        try:
            sinkhorn = f"{sinkhorn_w2(P, Qs):.3f}"
        except TransportError:  # far-apart small clouds: Sinkhorn crawls, say so on screen
            sinkhorn = "no convergence"
        ax.clear()  # the matching's segments change in number: drawn afresh
        plot_matching(P, Qs, optimal_plan(P, Qs), ax=ax)
        ax.set(xlim=(-4, 6), ylim=(-3.5, 3.5))
        ax.text(
            0.02,
            0.02,
            f"W2 = {w2(P, Qs):.3f}\n√2·sliced = {np.sqrt(2) * sliced_w2(P, Qs, rng=seed):.3f}\n"
            f"Sinkhorn = {sinkhorn}",
            transform=ax.transAxes,
            family="monospace",
        )
        show(fig, out)

    shift.observe(update, "value")
    update()
    return widgets.VBox([shift, out])
