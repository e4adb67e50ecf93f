"""Chapter 5 explorer: the scale α → weight movement, linearisation gap and test error."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._validation import renamed_keywords, replayable, spawn
from ..data import sphere, teacher_student
from ..lazy import Linearization, lazy_gd, linearized_gd, relative_movement, symmetric_init
from ..plots.meanfield import particle_positions
from ._render import figure, show

__all__ = ["lazy_explorer"]


@renamed_keywords(seed="rng")
def lazy_explorer(*, n: int = 40, d: int = 2, m0: int = 3, steps: int = 600, rng=0):
    """Sliders for α and the width m: risks of the network and of its linearisation (left) and
    the neurons |a_j| b_j at the start (grey) and the end (right).

    Parameters
    ----------
    n, d, m0 : int
        Training inputs, dimension, teacher width.
    steps : int, default 600
    rng : None, int or numpy.random.Generator, default 0
        Teacher and data, then 500 test inputs, from one stream; the students from a second
        one, redrawn from the same state at every change.

    Returns
    -------
    ipywidgets.VBox
    """
    data_rng, student_rng = spawn(rng, 2)
    X, y, teacher = teacher_student(n, d, m0, data_rng)
    X_test = sphere(500, d, data_rng)
    replay = replayable(student_rng)
    y_test = teacher.predict(X_test)
    alpha = widgets.FloatLogSlider(value=1.0, base=10, min=-0.5, max=2, description="α")
    width = widgets.SelectionSlider(options=[20, 50, 100, 200], value=100, description="m")
    out = widgets.Output()
    fig, (ax_l, ax_n) = figure(
        (9, 3.6), 2, left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.28
    )

    # Artists made once and updated in place: the axes are never cleared.
    (risk,) = ax_l.semilogy([], [], label="network")
    (risk_lin,) = ax_l.semilogy([], [], "--", label="linearised")
    ax_l.set(xlabel="step", ylabel="relative training risk", xlim=(0, steps), ylim=(1e-5, 1.5))
    ax_l.legend(fontsize="small")
    (start,) = ax_n.plot([], [], "x", ms=3, color="0.45", label="start")
    (end,) = ax_n.plot([], [], "o", ms=3, color="C0", label="end")
    ax_n.set(aspect="equal", xlabel=r"$|a_j|b_{j,1}$", ylabel=r"$|a_j|b_{j,2}$")

    def update(*_):
        net0 = symmetric_init(width.value, d, replay(), alpha=alpha.value)
        run = lazy_gd(net0, X, y, 2.0, steps, record_every=steps)
        lin = linearized_gd(net0, X, y, 2.0, steps)
        gap = np.linalg.norm(run.net.predict(X_test) - Linearization(net0).predict(X_test, lin.net))
        test = np.mean((run.net.predict(X_test) - y_test) ** 2) / np.mean(y_test**2)
        risk.set_data(np.arange(len(run.losses)), run.losses / run.losses[0])
        risk_lin.set_data(np.arange(len(lin.losses)), lin.losses / lin.losses[0])
        for line, i in ((start, 0), (end, -1)):
            p = particle_positions(run.a_history[i], run.B_history[i])
            line.set_data(p[:, 0], p[:, 1])
        ax_n.relim()
        ax_n.autoscale_view()
        ax_n.set_title(
            f"movement {relative_movement(run):.3f}, gap {gap / np.linalg.norm(y_test):.3f},"
            f" test {test:.3f}",
            fontsize="small",
        )
        alt = (
            f"At α = {alpha.value:.3g}, m = {width.value}. Left: the relative training risk "
            "of the network (solid) and of its linearisation (dashed) against the step. Right: "
            "the neurons |a_j| b_j at the start (grey crosses) and at the end (dots)."
        )
        show(fig, out, alt)

    alpha.observe(update, "value")
    width.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([alpha, width]), out])
