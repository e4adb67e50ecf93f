"""Chapter 4 explorer: width, teacher size, step, initial scale, seed → particles and loss (d = 2)."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from ..meanfield import experiment
from ..plots.meanfield import plot_particles, plot_relative_losses
from ._render import show

__all__ = ["global_convergence_explorer"]


def global_convergence_explorer(*, n: int = 100, steps: int = 1500, record_every: int = 25):
    """Sliders for m, m0, the step η, the initial radius r and the seed; a d = 2 run is redrawn.

    Each change trains a fresh student (mean-field GD, at most ``steps`` steps, stopping at
    1e-3 of the initial loss) on ``n`` points labelled by a teacher of ``m0`` neurons.
    """
    m = widgets.SelectionSlider(
        options=[3, 5, 6, 8, 10, 20, 50, 100, 200], value=50, description="m"
    )
    m0 = widgets.IntSlider(value=5, min=1, max=8, description="m0")
    step = widgets.SelectionSlider(options=[0.25, 0.5, 1, 2, 4, 8], value=4, description="step η")
    radius = widgets.SelectionSlider(
        options=[0.01, 0.05, 0.1, 0.5, 1.0], value=0.05, description="radius r"
    )
    seed = widgets.IntSlider(value=0, min=0, max=20, description="seed")
    out = widgets.Output()

    def update(*_):
        ex = experiment(
            m.value,
            2,
            n=n,
            m0=m0.value,
            step=step.value,
            steps=steps,
            radius=radius.value,
            seed=seed.value,
            record_every=record_every,
        )
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 4.0))
        plot_particles(ex.run, ex.teacher, ax=ax1)
        plot_relative_losses([ex.run], [f"m = {m.value}"], ax=ax2)
        ax2.set_title(f"{ex.run.steps_taken} steps, loss ratio {ex.relative_loss:.2e}")
        fig.subplots_adjust(
            left=0.07, right=0.98, bottom=0.3, top=0.9, wspace=0.3
        )  # tight_layout: 0.3 s
        plt.close(fig)
        show(fig, out)

    for w in (m, m0, step, radius, seed):
        w.observe(update, "value")
    update()
    controls = widgets.VBox([widgets.HBox([m, m0, step]), widgets.HBox([radius, seed])])
    return widgets.VBox([controls, out])
