"""Chapter 7 explorer: friction, step and temperature → energy, risk and phase-space paths."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..data import teacher_student
from ..model import init_network
from ..train import kinetic
from ._render import figure, show

__all__ = ["momentum_explorer"]


def momentum_explorer(*, m: int = 50, n: int = 100, time: float = 60.0, seed: int = 0):
    """Sliders for the friction γ, the step h and the temperature T of :func:`~mfnet_lite.train.kinetic`.

    Left: energy and risk against time; right: the paths of six neurons in the plane
    :math:`(a_j, \\dot a_j)`. The teacher–student problem is chapter 4's in d = 2 (m0 = 5).
    """
    X, y, _ = teacher_student(n, 2, 5, seed)
    net = init_network(m, 2, seed + 1, radius=0.05)
    friction = widgets.FloatLogSlider(value=0.3, base=10, min=-2, max=0.5, description="γ")
    h = widgets.FloatSlider(value=0.5, min=0.1, max=1.5, step=0.1, description="h")
    temperature = widgets.FloatLogSlider(value=1e-9, base=10, min=-9, max=-4, description="T")
    out = widgets.Output()
    fig, (ax_e, ax_p) = figure(
        (9, 3.4), 2, left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.28
    )

    # Artists made once and updated in place: the axes are never cleared.
    (energy,) = ax_e.semilogy([], [], label="energy E")
    (risk,) = ax_e.semilogy([], [], "--", label="risk G")
    ax_e.set(xlabel="time", xlim=(0, time), ylim=(1e-6, 0.05))
    ax_e.legend(fontsize="small")
    paths = [ax_p.plot([], [], lw=1)[0] for _ in range(6)]
    ax_p.set(xlabel="$a_j$", ylabel=r"$\dot a_j$")

    def update(*_):
        step = min(h.value, 1.0 / friction.value)
        steps = int(time / step)
        temp = 0.0 if temperature.value <= 1.001e-9 else temperature.value
        run = kinetic(
            net, X, y, step, steps, friction.value, temperature=temp, rng=seed, record_every=2
        )
        t = np.arange(len(run.losses)) * step
        energy.set_data(t, run.records["energies"])
        risk.set_data(t, run.losses)
        for j, path in enumerate(paths):
            path.set_data(run.a_history[:, j], run.records["velocity_a"][:, j])
        ax_p.relim()
        ax_p.autoscale_view()
        ax_p.set_title(f"γh = {friction.value * step:.2f}, β = {1 - friction.value * step:.2f}")
        show(fig, out)

    for control in (friction, h, temperature):
        control.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([friction, h, temperature]), out])
