"""Chapter 6 figures, animation and explorer: they draw the runs they are given and respond to
their controls."""

import numpy as np
import pytest

import mfnet_lite as mf


@pytest.fixture(scope="module")
def study():
    return mf.ntk.study(30, 10, (20, 80), steps=8, rng=0)


def test_du_study_panels_draw_every_run(study):
    fig, axes = mf.plots.plot_du_study(study)
    for ax, name in zip(axes, ("losses", "pattern_change", "max_distance"), strict=True):
        lines = ax.get_lines()
        assert len(lines) == 2
        for line, run in zip(lines, study.runs, strict=True):
            np.testing.assert_allclose(
                line.get_ydata(), run.losses if name == "losses" else run.records[name]
            )


def test_power_law_fit_line_has_the_fitted_slope():
    widths = np.array([10.0, 100.0, 1000.0])
    values = np.column_stack([widths**-0.5, 2 * widths**-0.5])
    fig, ax = mf.plots.plot_power_law(widths, values, ylabel="v")
    fit = ax.get_lines()[-1]
    x, y = fit.get_xdata(), fit.get_ydata()
    np.testing.assert_allclose(np.log(y[-1] / y[0]) / np.log(x[-1] / x[0]), -0.5, rtol=1e-10)
    assert "slope -0.50" in ax.get_legend().get_texts()[-1].get_text()


def test_rate_bound_figure_draws_the_bound(study):
    fig, ax = mf.plots.plot_rate_bound(study)
    bound = ax.get_lines()[len(study.runs)].get_ydata()
    np.testing.assert_allclose(bound, (1 - study.step * study.lambda0 / 2) ** np.arange(9))


def test_kernel_predictor_figure(study):
    ker = {
        r.m: mf.ntk.kernel_predictions(study.H_inf, r.records["outputs"][0], study.y, study.step, 8)
        for r in study.runs
    }
    fig, (ax1, ax2) = mf.plots.plot_kernel_predictor(study, ker, k=3)
    x, y = ax2.get_lines()[0].get_data()
    np.testing.assert_allclose(x, ker[20][3])
    np.testing.assert_allclose(y, study.runs[0].records["outputs"][3])


def test_step_sweep_skips_the_rate_line_beyond_the_limit(study):
    X, y, net = study.X, study.y, study.runs[0].net0
    runs = {s: mf.ntk.train_first_layer(net, X, y, s * 2 / study.lambda_max, 5) for s in (0.5, 1.5)}
    fig, (ax1, ax2) = mf.plots.plot_step_sweep(runs, study.lambda0, study.lambda_max)
    drawn = [line for line in ax1.get_lines() if line.get_visible()]
    assert len(drawn) == 3  # two loss curves, one rate line (below the limit only), no cross


def test_seed_losses_draw_each_run_over_its_start(study):
    X, y = study.X, study.y
    runs = {s: mf.ntk.train_first_layer(mf.ntk.init_du(40, 10, s), X, y, 0.5, 4) for s in (3, 7)}
    fig, ax = mf.plots.plot_seed_losses(runs)
    lines = ax.get_lines()[:2]
    for line, run in zip(lines, runs.values(), strict=True):
        np.testing.assert_allclose(line.get_ydata(), run.losses / run.losses[0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["seed 3", "seed 7"]


def test_animation_has_one_frame_per_width(study):
    html = mf.plots.jshtml(mf.plots.animate_du_widths(study)).data
    assert html.count("frames[") >= 2 and "anim" in html


def test_explorer_trains_the_chosen_width_and_step(monkeypatch):
    from mfnet_lite.widgets import ntk

    shown = []
    monkeypatch.setattr(ntk, "show", lambda fig, out, alt: shown.append(fig))
    box = mf.widgets.ntk_explorer(n=20, d=10, steps=10, rng=1)
    width, frac = box.children[0].children
    width.value = 100
    frac.value = 0.75
    fig = shown[-1]
    loss_line = fig.axes[0].get_lines()[0]
    data_rng, net_rng = np.random.default_rng(1).spawn(2)  # the explorer's two streams
    X, y = mf.data.ntk_synthetic(20, 10, data_rng)
    H = mf.kernels.h_infinity(X)
    run = mf.ntk.train_first_layer(
        mf.ntk.init_du(100, 10, net_rng), X, y, 0.75 * 2 / mf.kernels.lambda_max(H), 10
    )
    np.testing.assert_allclose(loss_line.get_ydata(), run.losses / run.losses[0])
    assert len(shown) == 3  # the first draw and one per control change
