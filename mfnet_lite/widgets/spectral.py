"""Chapter 7 explorer: frequencies, width and bias → each frequency's decay under lazy training."""

from __future__ import annotations

import ipywidgets as widgets

from ..plots.spectral import draw_frequency_rates
from ..spectral import frequency_rates
from ._render import figure, show

__all__ = ["spectral_bias_explorer"]


def spectral_bias_explorer(*, n: int = 63, steps: int = 120, rng=0):
    r"""Choose the target's frequencies, the width and a bias input; watch each frequency decay.

    The target is :math:`\sum_k \cos k\theta` on ``n`` equispaced circle points, fitted by the
    first layer of chapter 6's network with :math:`\eta = 0.5/\lambda_{\max}(H^\infty)`
    (:func:`mfnet_lite.spectral.frequency_rates`). Without a bias the odd frequencies
    :math:`k \ge 3` have :math:`\mu_k = 0` and barely move; with one they are learnt.

    Parameters
    ----------
    n : int, default 63
    steps : int, default 120
    rng : None, int or numpy.random.Generator, default 0
        The network's initialisation, the same at every change.

    Returns
    -------
    ipywidgets.VBox
    """
    freqs = widgets.SelectMultiple(options=list(range(1, 9)), value=(1, 2, 3, 4), rows=4,
                                   description="frequencies k")
    width = widgets.SelectionSlider(options=[500, 1000, 2000, 5000, 10000], value=2000,
                                    description="width m")
    bias = widgets.ToggleButtons(options=[("none", False), ("constant 1", True)], value=False,
                                 description="bias input")
    out = widgets.Output()
    fig, axes = figure((10, 3.6), 2, wspace=0.35, left=0.08, right=0.98, bottom=0.16)

    def update(*_):
        ks = sorted(freqs.value) or [1]
        rates = frequency_rates(ks, n=n, m=width.value, steps=steps, bias=1.0 if bias.value else 0.0, rng=rng)
        for ax in axes:
            ax.clear()
        draw_frequency_rates(rates, axes)
        slow = [int(k) for k, f in zip(rates.degrees, rates.predicted, strict=True) if f > 0.999]
        alt = (
            f"Residual components of frequencies {', '.join(map(str, ks))} over {steps} steps at "
            f"width {width.value}, {'with' if bias.value else 'without'} a bias input. "
            + (f"Frequencies {', '.join(map(str, slow))} barely move (kernel eigenvalue near 0). "
               if slow else "Every frequency decays. ")
            + "Right: the decay per step, predicted by the kernel and measured."
        )
        show(fig, out, alt)

    for control in (freqs, width, bias):
        control.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([freqs, widgets.VBox([width, bias])]), out])
