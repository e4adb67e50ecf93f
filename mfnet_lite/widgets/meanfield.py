"""Chapter 4 explorer: width, teacher size, step, initial scale, seed → particles and loss (d = 2)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..meanfield import experiment
from ..plots.meanfield import ParticlePanel
from ._render import figure, show

__all__ = ["global_convergence_explorer"]

RTOL = 1e-3


def global_convergence_explorer(*, n: int = 100, steps: int = 1500, record_every: int = 25):
    """Sliders for m, m0, the step η, the initial radius r and the seed; a d = 2 run is redrawn.

    Each change trains a fresh student (mean-field GD, at most ``steps`` steps, stopping at
    1e-3 of the initial loss) on ``n`` points labelled by a teacher of ``m0`` neurons. Left: the
    neurons at :math:`|a_j|\\,b_j` with their paths, and the teacher (stars, dotted lines);
    right: the loss over its start against mean-field time (the picture of
    :func:`~mfnet_lite.plots.plot_particles` and :func:`~mfnet_lite.plots.plot_relative_losses`).

    Parameters
    ----------
    n : int, default 100
        Training inputs.
    steps : int, default 1500
    record_every : int, default 25

    Returns
    -------
    ipywidgets.VBox
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

    # One figure for the explorer's life: each change updates its artists in place, so the
    # axes, ticks and legends are not rebuilt (rebuilding was two thirds of a redraw).
    fig, (ax_p, ax_l) = figure(
        (9.5, 4.0), 2, left=0.07, right=0.98, bottom=0.3, top=0.9, wspace=0.3
    )
    particles = ParticlePanel(ax_p)
    # Fixed log axes whatever the step: t runs over [η, steps·η] ⊂ [0.25, 12000].
    (loss,) = ax_l.loglog([], [], label="student")
    ax_l.axhline(RTOL, color="k", ls="--", lw=0.8, label=f"success: {RTOL:g} of the start")
    ax_l.set(xlim=(0.1, 2e4), ylim=(1e-4, 2.0))
    ax_l.set(xlabel=r"mean-field time $t = k\eta$", ylabel=r"$G(W_k)\,/\,G(W_0)$")
    ax_l.legend(fontsize="small", loc="lower left")

    def update(*_):
        ex = experiment(
            m.value,
            2,
            n=n,
            m0=m0.value,
            step=step.value,
            steps=steps,
            radius=radius.value,
            rng=seed.value,
            rtol=RTOL,
            record_every=record_every,
        )
        run = ex.run
        particles.show_run(run, ex.teacher)
        t = np.arange(len(run.losses)) * run.step
        loss.set_data(t[1:], run.losses[1:] / run.losses[0])
        ax_l.set_title(f"m = {m.value}: {run.steps_taken} steps, loss ratio {ex.relative_loss:.2e}")
        alt = (
            f"Left: the {m.value} student neurons |a_j| b_j (circles for a_j > 0, triangles "
            f"for a_j < 0) with their paths, and the {m0.value} teacher neurons as stars. "
            f"Right: the loss over its start against mean-field time at step {step.value}; "
            f"{run.steps_taken} steps, final ratio {ex.relative_loss:.2e}."
        )
        show(fig, out, alt)

    for w in (m, m0, step, radius, seed):
        w.observe(update, "value")
    update()
    controls = widgets.VBox([widgets.HBox([m, m0, step]), widgets.HBox([radius, seed])])
    return widgets.VBox([controls, out])
