"""Figures, animations and explorers of chapters 2 and 3: they draw what they are given (checked
against the data behind them), reject inputs they cannot draw, and respond to their controls."""

import re

import numpy as np
import pytest

import mfnet_lite as mf


@pytest.fixture(scope="module")
def setup():
    X, y, teacher = mf.data.teacher_student(50, 2, 5, 0)
    return X, y, teacher


def test_convexity_plot_draws_both_curves_per_pair():
    ts = np.linspace(0, 1, 5)
    F, G = np.vstack([ts**2, ts]), np.vstack([ts, ts**3])
    fig, axes = mf.plots.plot_convexity(ts, F, G)
    assert len(axes) == 2
    np.testing.assert_allclose(axes[1].get_lines()[1].get_ydata(), ts**3)


def test_sphere_picture_sticks_are_the_masses():
    net = mf.Network([1.0, -2.0, 0.5], [[1.0], [0.5], [-3.0]])
    fig, (ax1, ax2) = mf.plots.plot_sphere_picture(net)
    segs = ax2.collections[0].get_segments()
    heights = sorted(s[1, 1] for s in segs)
    np.testing.assert_allclose(heights, sorted(np.sum(net.W**2, axis=1) / 3), rtol=1e-12)
    with pytest.raises(ValueError, match="d = 1"):
        mf.plots.plot_sphere_picture(mf.model.init_network(3, 2, 0))


def test_matching_draws_one_segment_per_matched_pair():
    rng = np.random.default_rng(1)
    P, Q = rng.standard_normal((8, 2)), rng.standard_normal((8, 2))
    fig, ax = mf.plots.plot_matching(P, Q, mf.transport.optimal_plan(P, Q))
    assert len(ax.get_lines()) == 8
    fig, axes = mf.plots.plot_matchings(P, Q, [0.0, 2.0])
    assert "W2" in axes[1].get_xlabel()


def test_metric_speed_and_comparison_plots():
    times = np.array([0.0, 1.0, 2.0])
    fig, (ax1, ax2) = mf.plots.plot_metric_speed(times, [0.5, 0.25], [0, 0.5, 0.7], [0.6, 0.3, 0.1])
    np.testing.assert_allclose(ax2.get_lines()[1].get_ydata(), [0, 0.5, 0.75])
    vals = {"a": [1, 2], "b": [3, 4]}
    fig, axes = mf.plots.plot_distance_comparison([10, 20], vals, vals)
    assert len(axes[0].get_lines()) == 2


def test_minimizing_movement_plot():
    f = lambda x: 0.5 * np.sum(x**2, axis=-1)  # noqa: E731
    fig, ax = mf.plots.plot_minimizing_movement(f, {"a": np.zeros((3, 2))})
    assert ax.get_legend() is not None


def test_animations_play_in_static_html(setup):
    X, y, teacher = setup
    other = mf.model.init_network(5, 2, 1)
    html = mf.plots.jshtml(mf.plots.animate_mixture(teacher, other, X, y, frames=3)).data
    assert html.count("frames[") >= 3
    run = mf.train.gd(mf.model.init_network(10, 2, 2, radius=0.1), X, y, 2.0, 10, record_every=2)
    _, to_start = mf.transport.snapshot_distances(run)
    html = mf.plots.jshtml(mf.plots.animate_particle_flow(run, teacher, to_start=to_start)).data
    assert html.count("frames[") >= len(run.snapshot_steps)
    with pytest.raises(ValueError, match="d = 2"):
        mf.plots.animate_particle_flow(
            mf.train.gd(mf.model.init_network(3, 3, 0), X[:, :1].repeat(3, 1), y, 1.0, 1)
        )


def test_explorers_respond_to_their_sliders(setup, monkeypatch):
    from mfnet_lite.widgets import measures

    shown = []
    monkeypatch.setattr(measures, "show", lambda fig, out, alt: shown.append(fig))
    X, y, teacher = setup
    box = mf.widgets.mixture_explorer(teacher, mf.model.init_network(5, 2, 1), X, y)
    slider = box.children[0]
    slider.value = 1.0
    assert len(shown) == 2
    rng = np.random.default_rng(3)
    P, Q = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    box = mf.widgets.distance_explorer(P, Q)
    box.children[0].value = 2.0
    assert len(shown) == 4
    text = shown[-1].axes[0].texts[0].get_text()
    assert text.startswith("W2² = ")
    # a translation keeps the plan; the printed identity is the exact W2² (independent:
    # scipy's assignment solver on the shifted clouds)
    from scipy.optimize import linear_sum_assignment

    C = ((P[:, None, :] - Q[None, :, :] - [2.0, 0.0]) ** 2).sum(axis=-1)
    rows, cols = linear_sum_assignment(C)
    exact = C[rows, cols].mean()
    shown_values = [float(v) for v in re.findall(r"[-\d.]+(?=\))|(?<== )[-\d.]+(?= \()", text)]
    np.testing.assert_allclose(shown_values, [exact, exact], atol=1e-3)  # printed to 3 decimals
    assert "plan as at shift 0: yes" in text


def test_function_animation_draws_each_run_and_checks_times(setup):
    X, y, teacher = setup
    runs = {
        m: mf.train.gd(mf.model.init_network(m, 2, m, radius=0.5), X, y, 1.0, 4, record_every=2)
        for m in (3, 30)
    }
    anim = mf.plots.animate_functions(runs, teacher)
    anim._func(1)  # draw the second snapshot and compare with the network itself
    theta = anim._fig.axes[0].get_lines()[0].get_xdata()
    C = np.column_stack([np.cos(theta), np.sin(theta)])
    np.testing.assert_allclose(
        anim._fig.axes[0].get_lines()[1].get_ydata(), runs[30].snapshot(1).predict(C)
    )
    html = mf.plots.jshtml(anim).data
    assert html.count("frames[") >= 3
    runs[30] = mf.train.gd(mf.model.init_network(30, 2, 0), X, y, 1.0, 4, record_every=1)
    with pytest.raises(ValueError, match="other steps"):
        mf.plots.animate_functions(runs)


def test_chaos_plot_draws_the_gaps_and_their_scaled_curves():
    X, y, _ = mf.data.teacher_student(30, 2, 3, 0)
    res = mf.chaos.coupled_gaps(X, y, [5, 10, 20], reference=200, steps=20, rng=0)
    fig, (ax1, ax2) = mf.plots.plot_chaos(res, times=[10, 20])
    measured = ax1.get_lines()[::2]  # each time: the measured line, then its dotted guide
    np.testing.assert_allclose(measured[1].get_ydata(), res.gaps[-1])
    np.testing.assert_allclose(ax2.get_lines()[2].get_ydata(), res.gaps[:, 2] * np.sqrt(20))
    assert [t.get_text() for t in ax1.get_xticklabels()] == ["5", "10", "20"]
