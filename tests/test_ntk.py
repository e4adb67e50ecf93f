"""mfnet_lite.ntk: first-layer gradient descent of the Du et al. model and its records.

Oracles: mf.train.gd with the same conventions (losses and weights), recomputation of the
pattern changes and distances from gd's recorded weights, the exact piecewise-linear step on
the outputs, an eigendecomposition for the kernel predictor, and the theorem's rate bound.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.ntk import (
    fit_slope,
    init_du,
    kernel_predictions,
    rate_bound,
    train_first_layer,
)


@pytest.fixture
def small():
    X, y = mf.data.ntk_synthetic(30, 8, 0)
    return X, y, init_du(200, 8, 1)


def test_train_first_layer_matches_gd(small):
    X, y, net = small
    run = train_first_layer(net, X, y, 0.5, 30)
    ref = mf.train.gd(
        net, X, y, 0.5, 30, reduction="sum", trainable="B", time_scaling="plain", record_every=1
    )
    # same arithmetic in a different order: agreement to rounding, amplified a little by 30 steps
    assert_allclose(run.losses, ref.losses, rtol=1e-10, atol=1e-13)
    assert_allclose(run.net.B, ref.net.B, rtol=0, atol=1e-10)
    assert_allclose(run.net.a, net.a, rtol=0, atol=0)  # the second layer never moves
    # records recomputed from gd's weight history
    signs0 = X @ net.B.T > 0
    changed = [np.mean((X @ B.T > 0) != signs0) for B in ref.B_history]
    distance = [np.linalg.norm(B - net.B, axis=1).max() for B in ref.B_history]
    assert_allclose(run.records["pattern_change"], changed, rtol=0, atol=0)
    assert_allclose(run.records["max_distance"], distance, rtol=1e-9, atol=1e-12)
    assert_allclose(
        run.records["outputs"], [ref.snapshot(i).predict(X) for i in range(31)], atol=1e-10
    )


def test_output_step_is_i_minus_eta_h_to_first_order(small):
    X, y, net = small
    residual = net.predict(X) - y
    H = mf.kernels.ntk_gram(net, X)
    errors = []
    for eta in (1e-1, 1e-2, 1e-3, 1e-5):
        run = train_first_layer(net, X, y, eta, 1)
        predicted = -eta * H @ residual
        error = np.linalg.norm(run.records["outputs"][1] - run.records["outputs"][0] - predicted)
        errors.append(error / np.linalg.norm(predicted))
        if run.records["pattern_change"][1] == 0:
            # no sign changed: u is linear in W on this step, so the formula is exact (rounding)
            assert errors[-1] < 1e-9
    # the relative error vanishes with the step (first order): it is O(eta), from the signs
    # that flip, and at the smallest step no sign flips at all
    assert errors[-1] < 1e-9
    assert errors[0] > errors[1] > errors[-1]
    assert errors[0] < 0.1


def test_theorem_bound_holds_on_a_wide_network():
    # n = 20, m = 10^4, and eta = lambda_0 / n^2, i.e. the theorem's step with constant 1
    X, y = mf.data.ntk_synthetic(20, 20, 7)
    lam0 = mf.kernels.lambda_min(mf.kernels.h_infinity(X))
    eta = lam0 / 20**2
    run = train_first_layer(init_du(10_000, 20, 8), X, y, eta, 300)
    bound = rate_bound(run.losses[0], lam0, eta, 300)
    assert np.all(run.losses[1:] <= bound[1:])
    # and the test is not vacuous: the loss did decrease by more than the bound's 1 %
    assert run.losses[-1] < 0.98 * run.losses[0] and bound[-1] > 0.98 * bound[0]


def test_pattern_changes_and_distance_shrink_with_width():
    X, y = mf.data.ntk_synthetic(50, 50, 9)
    H = mf.kernels.h_infinity(X)
    step = 1 / mf.kernels.lambda_max(H)
    widths, seeds = (100, 400, 1600), 4
    changed = np.zeros((len(widths), seeds))
    distance = np.zeros((len(widths), seeds))
    for i, m in enumerate(widths):
        for s in range(seeds):
            run = train_first_layer(init_du(m, 50, 100 * i + s), X, y, step, 50)
            changed[i, s], distance[i, s] = (
                run.records["pattern_change"][-1],
                run.records["max_distance"][-1],
            )
    assert np.all(np.diff(changed.mean(axis=1)) < 0)
    assert np.all(np.diff(distance.mean(axis=1)) < 0)


def test_kernel_predictions_match_the_matrix_power():
    X, y = mf.data.ntk_synthetic(15, 6, 10)
    H = mf.kernels.h_infinity(X)
    u0 = np.random.default_rng(11).standard_normal(15)
    eta, k = 0.7, 25
    lam, V = np.linalg.eigh(H)
    expected = y + V @ ((1 - eta * lam) ** k * (V.T @ (u0 - y)))
    out = kernel_predictions(H, u0, y, eta, k)
    assert out.shape == (k + 1, 15)
    assert_allclose(out[0], u0, atol=1e-15)
    assert_allclose(out[k], expected, rtol=0, atol=1e-12)


def test_rate_bound_and_fit_slope_known_answers():
    assert_allclose(rate_bound(4.0, 0.5, 0.2, 3), 4.0 * 0.95 ** np.arange(4))
    widths = np.array([10.0, 100.0, 1000.0])
    slope, const = fit_slope(widths, 3.0 * widths**-0.5)
    assert_allclose([slope, const], [-0.5, 3.0], rtol=1e-12)
    seeds = np.column_stack([2 * widths**-1.0, 8 * widths**-1.0])  # geometric mean 4 m^-1
    assert_allclose(fit_slope(widths, seeds), (-1.0, 4.0), rtol=1e-12)


def test_gram_deviation_decays_like_inverse_sqrt_width():
    X, _ = mf.data.ntk_synthetic(60, 30, 12)
    widths = [100, 400, 1600, 6400]
    slope, _ = fit_slope(widths, mf.ntk.gram_deviation(X, widths, draws=3, rng=13))
    # Monte Carlo rate m^-1/2; three seeds at four widths pin the slope to about +-0.1
    assert -0.6 < slope < -0.4


def test_study_runs_every_width_on_the_same_data():
    st = mf.ntk.study(40, 20, (50, 200), steps=5, rng=14)
    assert st.widths == [50, 200]
    assert st.step == pytest.approx(1 / st.lambda_max)
    assert st.lambda0 == pytest.approx(np.linalg.eigvalsh(st.H_inf)[0], abs=1e-12)
    for run in st.runs:
        assert run.losses.shape == (6,) and run.records["outputs"].shape == (6, 40)
        assert_allclose(run.records["outputs"][0], run.net0.predict(st.X), atol=1e-12)
    assert st.final("losses").shape == (2,)


def test_divergence_raises_or_stops(small):
    X, y, net = small
    with pytest.raises(mf.train.DivergenceError, match="step"):
        train_first_layer(net, X, y, 50.0, 50)
    run = train_first_layer(net, X, y, 50.0, 50, stop_on_divergence=True)
    assert run.diverged and run.steps_taken < 50
    assert np.all(np.isfinite(run.losses))


def test_bad_arguments_raise(small):
    X, y, net = small
    with pytest.raises(ValueError, match="X must have unit-norm rows"):
        train_first_layer(net, 2 * X, y, 0.1, 1)
    with pytest.raises(ValueError, match="step"):
        train_first_layer(net, X, y, 0.0, 1)
    with pytest.raises(ValueError, match="steps"):
        train_first_layer(net, X, y, 0.1, -1)
    with pytest.raises(ValueError, match="y must have shape"):
        train_first_layer(net, X, y[:-1], 0.1, 1)
    with pytest.raises(ValueError, match="X must have shape"):
        train_first_layer(net, mf.data.sphere(5, 3, 0), y[:5], 0.1, 1)
    with pytest.raises(TypeError, match="net"):
        train_first_layer("net", X, y, 0.1, 1)
    with pytest.raises(ValueError, match="values must be positive"):
        fit_slope([1.0, 2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="u0 must have shape"):
        kernel_predictions(np.eye(3), np.ones(2), np.ones(3), 0.1, 2)


def test_float32_study_follows_float64():
    st64 = mf.ntk.study(40, 20, (50, 200), steps=20, rng=15)
    st32 = mf.ntk.study(40, 20, (50, 200), steps=20, rng=15, dtype=np.float32)
    for r64, r32 in zip(st64.runs, st32.runs, strict=True):
        assert r32.net.B.dtype == np.float32
        # same initial weights (drawn in float64, then cast); float32 rounding (~1e-7 relative)
        # grows over 20 steps but stays far below the O(1) scale of the records
        np.testing.assert_allclose(
            r32.records["max_distance"], r64.records["max_distance"], rtol=1e-4, atol=1e-5
        )
        np.testing.assert_allclose(
            r32.losses / r64.losses[0], r64.losses / r64.losses[0], atol=1e-5
        )
        assert np.abs(r32.records["pattern_change"] - r64.records["pattern_change"]).max() <= 2 / (
            40 * r64.m
        )
