"""Chapter 1 explorer: width and output scaling → the law of h(x) at initialisation."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._validation import renamed_keywords, replayable
from ..model import sample_outputs
from ._render import figure, show

__all__ = ["output_scaling_explorer"]


@renamed_keywords(seed="rng")
def output_scaling_explorer(*, n_networks: int = 2000, rng=0):
    """Sliders for the width m and the scaling; the histogram of h(x) over random networks.

    The histogram is one ``stairs`` artist updated in place (``benchmarks/widgets.py`` times a
    change).

    Parameters
    ----------
    n_networks : int, default 2000
        Random networks per histogram.
    rng : None, int or numpy.random.Generator, default 0
        Every setting redraws from the same state, so a slider moved back shows the same picture.

    Returns
    -------
    ipywidgets.VBox
    """
    replay = replayable(rng)
    x = np.array([1.0, 0.0])
    edges = np.linspace(-2.5, 2.5, 61)
    width = widgets.SelectionSlider(
        options=[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000], value=10, description="m"
    )
    scale = widgets.ToggleButtons(
        options=[("1/m (mean field)", "mean-field"), ("1/√m (NTK)", "ntk")], description="scale"
    )
    out = widgets.Output()
    fig, ax = figure((5.5, 3.2), left=0.12, right=0.97, bottom=0.16, top=0.96)
    bars = ax.stairs(np.zeros(len(edges) - 1), edges, fill=True, alpha=0.8)
    grid = np.linspace(-2.5, 2.5, 200)
    ax.plot(grid, np.exp(-(grid**2)) / np.sqrt(np.pi), "k--", lw=1, label="N(0, 1/2)")
    ax.set(xlabel="$h(x)$ at initialisation", ylabel="density", xlim=(-2.5, 2.5))
    ax.legend(loc="upper right")
    text = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def update(*_):
        values = sample_outputs(x, width.value, n_networks, replay(), scale=scale.value)
        density, _ = np.histogram(values, bins=edges, density=True)
        bars.set_data(values=density)
        ax.set_ylim(0, max(0.8, 1.05 * density.max()))
        text.set_text(f"std over networks: {values.std():.3f}")
        alt = (
            f"Histogram of the output h(x) at one input over {n_networks} random networks of "
            f"width {width.value}, {scale.label} scaling, beside the dashed Gaussian density "
            "N(0, 1/2)."
        )
        show(fig, out, alt)

    width.observe(update, "value")
    scale.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([width, scale]), out])
