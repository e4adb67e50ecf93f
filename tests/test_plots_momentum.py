"""Chapter 8 figures, animation and explorer draw the runs they are given."""

import re

import numpy as np

import mfnet_lite as mf


def small_run():
    X, y, _ = mf.data.teacher_student(30, 2, 3, 0)
    net = mf.model.init_network(10, 2, 1, radius=0.05)
    return mf.train.kinetic(net, X, y, 0.5, 20, 0.3, record_every=2)


def test_energy_plot_draws_energy_and_risk():
    run = small_run()
    fig, ax = mf.plots.plot_energy(run)
    energy, risk = ax.get_lines()[:2]
    np.testing.assert_allclose(energy.get_ydata(), run.records["energies"])
    np.testing.assert_allclose(risk.get_xdata(), 0.5 * np.arange(21))


def test_phase_plot_and_animation():
    run = small_run()
    fig, axes = mf.plots.plot_phase({"a": run, "b": run}, neurons=range(3))
    line = axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), run.a_history[:, 0])
    np.testing.assert_allclose(line.get_ydata(), run.records["velocity_a"][:, 0])
    html = mf.plots.jshtml(mf.plots.animate_phase(run, neurons=range(3))).data
    assert len(re.findall(r"frames\[\d+\] = ", html)) == len(run.snapshot_steps)


def test_explorer_redraws_on_a_change(monkeypatch):
    from mfnet_lite.widgets import momentum

    shown = []
    monkeypatch.setattr(momentum, "show", lambda fig, out, alt: shown.append(fig))
    box = mf.widgets.momentum_explorer(m=10, n=30, time=5.0)
    friction = box.children[0].children[0]
    friction.value = 1.0
    assert len(shown) == 2
    assert "β = 0.50" in shown[-1].axes[1].get_title()  # gamma h = 1.0 * 0.5
