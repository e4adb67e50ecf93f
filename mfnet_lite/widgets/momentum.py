"""Chapter 8 explorer: friction, step and temperature → energy, risk and phase-space paths."""

from __future__ import annotations

import ipywidgets as widgets

from .._validation import check_scalar, renamed_keywords, replayable, spawn
from ..momentum import setup
from ..plots.momentum import EnergyPanel, PhasePanel
from ..train import kinetic
from ._render import figure, show

__all__ = ["momentum_explorer"]


@renamed_keywords(seed="rng")
def momentum_explorer(*, m: int = 50, n: int = 100, time: float = 60.0, rng=0):
    """Sliders for the friction γ, the step h and the temperature T of :func:`~mfnet_lite.train.kinetic`.

    Left: energy and risk against time; right: the paths of six neurons in the plane
    :math:`(a_j, \\dot a_j)`. The teacher–student problem is chapter 4's in d = 2 (m0 = 5).

    Parameters
    ----------
    m, n : int
        Student width and number of inputs.
    time : float, default 60
        The time :math:`t = kh` each run covers.
    rng : None, int or numpy.random.Generator, default 0
        Task and student (:func:`mfnet_lite.momentum.setup`) from one stream, the velocity
        noise from a second one, replayed from the same state at every change.

    Returns
    -------
    ipywidgets.VBox
    """
    check_scalar(time, "time", low=0.0, include_low=False)
    task_rng, noise_rng = spawn(rng, 2)
    X, y, _, net = setup(n, 2, m, rng=task_rng)
    replay = replayable(noise_rng)
    friction = widgets.FloatLogSlider(value=0.3, base=10, min=-2, max=0.5, description="γ")
    h = widgets.FloatSlider(value=0.5, min=0.1, max=1.5, step=0.1, description="h")
    temperature = widgets.FloatLogSlider(value=1e-9, base=10, min=-9, max=-4, description="T")
    out = widgets.Output()
    fig, (ax_e, ax_p) = figure(
        (9, 3.4), 2, left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.28
    )

    # The chapter's panels (plot_energy, plot_phase), artists made once and updated in place.
    energy = EnergyPanel(ax_e, kinetic=False, short_labels=True)
    ax_e.set(xlim=(0, time), ylim=(1e-6, 0.05))
    phase = PhasePanel(ax_p, range(6), heads=False)

    def update(*_):
        step = min(h.value, 1.0 / friction.value)
        steps = int(time / step)
        temp = 0.0 if temperature.value <= 1.001e-9 else temperature.value
        run = kinetic(
            net, X, y, step, steps, friction.value, temperature=temp, rng=replay(), record_every=2
        )
        energy.show(run)
        phase.show(run)
        ax_p.relim()
        ax_p.autoscale_view()
        ax_p.set_title(f"γh = {friction.value * step:.2f}, β = {1 - friction.value * step:.2f}")
        alt = (
            f"At γ = {friction.value:.3g}, h = {step:.2f}, T = {temp:.1e}. Left: the energy E "
            "(solid) and the risk G (dashed) against time, log scale. Right: the paths of six "
            "neurons in the plane of a_j against its velocity."
        )
        show(fig, out, alt)

    for control in (friction, h, temperature):
        control.observe(update, "value")
    update()
    return widgets.VBox([widgets.HBox([friction, h, temperature]), out])
