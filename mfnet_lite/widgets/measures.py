"""Explorers of chapters 2 and 3: mixtures of measures, and distances between particle clouds."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._validation import check_object, renamed_keywords, replayable
from ..model import Network
from ..plots.measures import MixturePanel, plot_matching
from ..transport import TransportError, optimal_plan, sinkhorn_w2, sliced_w2, w2
from ._render import figure, show

__all__ = ["mixture_explorer", "distance_explorer"]


def mixture_explorer(net0: Network, net1: Network, X, y):
    """A slider for t: h of the mixture (1-t)μ0 + tμ1 against h of (1-t)W0 + tW1, and both risks.

    Draws through :class:`mfnet_lite.plots.MixturePanel`, the panel of
    :func:`~mfnet_lite.plots.animate_mixture`.

    Parameters
    ----------
    net0, net1 : Network
        Mean-field networks of the same width, d = 2.
    X, y : arrays
        The data of the risks.

    Returns
    -------
    ipywidgets.VBox
    """
    check_object(net0, "net0", "network")
    check_object(net1, "net1", "network")
    t = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="t")
    out = widgets.Output()
    fig, ax = figure((5.5, 3.2), left=0.12, right=0.97, bottom=0.16, top=0.96)
    panel = MixturePanel(ax, net0, net1, X, y)
    text = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def update(*_):
        F, G = panel.show(t.value)
        text.set_text(f"F = {F:.4f}   G = {G:.4f}")
        alt = (
            f"At t = {t.value:.2f}: the function h on the unit circle for the mixture of the "
            "two measures (solid) and for the segment of parameters (dashed); their risks are "
            f"F = {F:.4f} and G = {G:.4f}."
        )
        show(fig, out, alt)

    t.observe(update, "value")
    update()
    return widgets.VBox([t, out])


@renamed_keywords(seed="rng")
def distance_explorer(P, Q, *, rng=0):
    r"""A slider shifting the cloud Q to the right: W2, sliced W2, Sinkhorn and the matching.

    ``P`` and ``Q`` are (n, 2) uniform clouds of the same size, so the exact plan is a matching.
    A translation never changes the optimal plan (chapter 3): the panel says whether the plan
    is the one at shift 0, and prints the exact value that the translation identity
    :math:`W_2^2(P, Q + s) = W_2^2(P, Q) + |s|^2 - 2\langle s, m_P - m_Q\rangle` predicts.

    Parameters
    ----------
    P, Q : array_like of shape (n, 2)
    rng : None, int or numpy.random.Generator, default 0
        The directions of the sliced distance, the same at every shift.

    Returns
    -------
    ipywidgets.VBox
    """
    replay = replayable(rng)
    P, Q = np.asarray(P, float), np.asarray(Q, float)
    shift = widgets.FloatSlider(value=1.0, min=-3.0, max=3.0, step=0.25, description="shift")
    out = widgets.Output()
    fig, ax = figure((4.6, 4.0), left=0.1, right=0.97, bottom=0.08, top=0.97)
    plan0, w2sq0 = optimal_plan(P, Q), w2(P, Q) ** 2
    mean_gap = P.mean(axis=0) - Q.mean(axis=0)

    def update(*_):
        s = np.array([shift.value, 0.0])
        Qs = Q + s
        try:
            sinkhorn = f"{sinkhorn_w2(P, Qs):.3f}"
        except TransportError:  # far-apart small clouds: Sinkhorn crawls, say so on screen
            sinkhorn = "no convergence"
        plan = optimal_plan(P, Qs)
        predicted = w2sq0 + s @ s - 2 * s @ mean_gap
        ax.clear()  # the matching's segments change in number: drawn afresh
        plot_matching(P, Qs, plan, ax=ax)
        ax.set(xlim=(-4, 6), ylim=(-3.5, 3.5))
        ax.text(
            0.02,
            0.02,
            f"W2² = {w2(P, Qs) ** 2:.3f} (identity: {predicted:.3f})\n"
            f"plan as at shift 0: {'yes' if np.allclose(plan, plan0) else 'no'}\n"
            f"√2·sliced = {np.sqrt(2) * sliced_w2(P, Qs, rng=replay()):.3f}\n"
            f"Sinkhorn = {sinkhorn}",
            transform=ax.transAxes,
            family="monospace",
        )
        alt = (
            f"Two clouds of {len(P)} points, the second shifted by {shift.value:.2f} to the "
            f"right, each point joined to its partner in the optimal matching; W2 = "
            f"{w2(P, Qs):.3f}, Sinkhorn {sinkhorn}."
        )
        show(fig, out, alt)

    shift.observe(update, "value")
    update()
    return widgets.VBox([shift, out])
