"""Chapter 1 figures, animation and explorer: they draw what they are given and respond to
their controls."""

import base64
import re

import numpy as np
import pytest

import mfnet_lite as mf


def test_neuron_sum_draws_every_term_and_the_sum():
    net = mf.model.init_network(6, 2, 0)
    fig, ax = mf.plots.plot_neuron_sum(net, n_angles=50)
    lines = ax.get_lines()
    assert len(lines) == 7
    X = np.column_stack([np.cos(lines[-1].get_xdata()), np.sin(lines[-1].get_xdata())])
    np.testing.assert_allclose(lines[-1].get_ydata(), net.predict(X), rtol=1e-12)
    with pytest.raises(ValueError, match="d = 2"):
        mf.plots.plot_neuron_sum(mf.model.init_network(3, 3, 0))


def test_balance_drift_reference_slopes():
    steps = np.array([0.4, 0.2, 0.1])
    fig, ax = mf.plots.plot_balance_drift(steps, [4e-3, 1e-3, 2.5e-4], [2e-2, 1e-2, 5e-3])
    slope2 = ax.get_lines()[2].get_ydata()
    np.testing.assert_allclose(slope2[0] / slope2[1], 4.0)


def test_animation_has_one_frame_per_width():
    anim = mf.plots.animate_output_distribution(
        [1, 10], lambda m, s: mf.model.sample_outputs(np.ones(2), m, 200, 0, scale=s)
    )
    html = mf.plots.jshtml(anim).data
    assert len(re.findall(r"frames\[\d+\] = ", html)) == 2


def test_explorer_redraws_the_histogram_of_the_chosen_settings(monkeypatch):
    from mfnet_lite.widgets import _render, homogeneity

    shown, figures = [], []
    figure = homogeneity.figure
    monkeypatch.setattr(_render, "display", lambda bundle, raw=False: shown.append(bundle))
    monkeypatch.setattr(
        homogeneity, "figure", lambda *a, **k: figures.append(figure(*a, **k)) or figures[-1]
    )
    box = mf.widgets.output_scaling_explorer(n_networks=300, rng=3)
    width, scale = box.children[0].children
    width.value, scale.value = 1000, "ntk"
    _, ax = figures[-1]
    heights = ax.patches[0].get_data().values  # the histogram is one StepPatch
    frames = [base64.b64decode(bundle["image/png"]) for bundle in shown]
    assert all(frame.startswith(b"\x89PNG") for frame in frames)  # rendered frames
    assert "width 1000, 1/√m (NTK) scaling" in shown[-1]["text/plain"]  # its alt text
    values = mf.model.sample_outputs(np.array([1.0, 0.0]), 1000, 300, 3, scale="ntk")
    expected, _ = np.histogram(values, bins=np.linspace(-2.5, 2.5, 61), density=True)
    np.testing.assert_allclose(heights, expected)
    assert len(shown) == 3  # the first draw and one per control change
