"""Chapter 4 explorer: width, teacher size, step, initial scale, seed → particles and loss (d = 2)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from ..meanfield import experiment
from ..plots.meanfield import NEGATIVE, POSITIVE, _positions, _reach
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
    teacher_lines = LineCollection([], colors="0.6", linewidths=0.7, linestyles=":", zorder=0)
    paths = LineCollection([], linewidths=0.6, alpha=0.45)
    ax_p.add_collection(teacher_lines)
    ax_p.add_collection(paths)
    ends = ax_p.scatter(np.zeros(0), np.zeros(0), s=10, zorder=4)
    stars = ax_p.scatter(
        np.zeros(0), np.zeros(0), marker="*", s=256, edgecolors="k", linewidths=1, zorder=5
    )
    ax_p.scatter([], [], c=POSITIVE, s=10, label="student, $a_j > 0$")
    ax_p.scatter([], [], c=NEGATIVE, s=10, label="student, $a_j < 0$")
    ax_p.plot([], [], "*", ms=12, mec="k", mfc="w", label=r"teacher $|a^*_k|\,b^*_k$")
    ax_p.plot([], [], ":", color="0.6", label=r"teacher lines $\pm b^*_k$")
    ax_p.set(aspect="equal", xlabel=r"$|a|\,b_1$", ylabel=r"$|a|\,b_2$")
    ax_p.legend(loc="upper center", fontsize="x-small", bbox_to_anchor=(0.5, -0.14), ncol=2)
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
            seed=seed.value,
            rtol=RTOL,
            record_every=record_every,
        )
        run, teacher = ex.run, ex.teacher
        pts = _positions(run.a_history, run.B_history)  # (snapshots, m, 2)
        colors = np.where(run.a_history[-1] > 0, POSITIVE, NEGATIVE)
        paths.set_segments(pts.transpose(1, 0, 2))
        paths.set_color(colors)
        ends.set_offsets(pts[-1])
        ends.set_facecolor(colors)
        reach = _reach(run, teacher)
        u = teacher.B / np.linalg.norm(teacher.B, axis=1, keepdims=True)
        teacher_lines.set_segments(np.stack([-reach * u, reach * u], axis=1))
        stars.set_offsets(_positions(teacher.a, teacher.B))
        stars.set_facecolor(np.where(teacher.a > 0, POSITIVE, NEGATIVE))
        ax_p.set(xlim=(-reach, reach), ylim=(-reach, reach))
        t = np.arange(len(run.losses)) * run.step
        loss.set_data(t[1:], run.losses[1:] / run.losses[0])
        ax_l.set_title(f"m = {m.value}: {run.steps_taken} steps, loss ratio {ex.relative_loss:.2e}")
        show(fig, out)

    for w in (m, m0, step, radius, seed):
        w.observe(update, "value")
    update()
    controls = widgets.VBox([widgets.HBox([m, m0, step]), widgets.HBox([radius, seed])])
    return widgets.VBox([controls, out])
