"""The claims chapter 5 makes, re-measured with the chapter's settings (teacher m0 = 3, d = 10,
n = 60, width 200; alphas 1..100, seeds 0-2, each run stopped at 1e-3 of its initial risk; and
alphas 3..300, seeds 0-1, the same training time t = 2000 at every scale)."""

import numpy as np
import pytest

import mfnet_lite as mf

ALPHAS = [1, 3, 10, 30, 100]


@pytest.fixture(scope="module")
def sweep():
    return mf.lazy.alpha_sweep(ALPHAS, seeds=[0, 1, 2])


def slope(x, y):
    return np.polyfit(np.log(x), np.log(y), 1)[0]


@pytest.mark.slow
def test_every_run_fits_the_data(sweep):
    assert sweep["reached"].all()


@pytest.mark.slow
def test_weights_move_like_one_over_alpha(sweep):
    s = slope(ALPHAS[2:], sweep["movement"].mean(1)[2:])
    assert (
        -1.1 < s < -0.85
    )  # the chapter reports "close to -1" (measured -0.95; -0.94 before lazy.draw)


@pytest.mark.slow
def test_gap_to_linearisation_shrinks_more_slowly_than_one_over_alpha(sweep):
    assert np.all(np.diff(sweep["gap"].mean(1)) < 0)
    s = slope(ALPHAS[2:], sweep["gap"].mean(1)[2:])
    assert (
        -0.8 < s < -0.4
    )  # the chapter reports "about -0.6" (measured -0.52; -0.58 before lazy.draw)


@pytest.mark.slow
def test_test_error_grows_with_alpha_on_every_seed(sweep):
    assert np.all(np.diff(sweep["test_error"], axis=0) > 0)


def test_ntk_scaling_is_lazy_and_mean_field_is_not():
    X, y, _ = mf.data.teacher_student(60, 10, m0=3, rng=0)
    widths = [50, 200, 800]
    moves = {
        s: [
            mf.lazy.relative_movement(
                mf.lazy.lazy_gd(
                    mf.lazy.symmetric_init(m, 10, 0, alpha=1.0 if s == "mf" else np.sqrt(m)),
                    X,
                    y,
                    2.0,
                    1000,
                )
            )
            for m in widths
        ]
        for s in ("mf", "ntk")
    }
    assert abs(slope(widths, moves["mf"])) < 0.1  # "stays of order one"
    assert -0.6 < slope(widths, moves["ntk"]) < -0.4  # "falls like m^(-1/2)"


FIXED_ALPHAS = [3, 10, 30, 100, 300]


@pytest.fixture(scope="module")
def fixed():
    return mf.lazy.alpha_sweep(FIXED_ALPHAS, seeds=[0, 1], rtol=None, max_steps=1000)


def fixed_slope(fixed, key):
    """The slope the chapter's figure fig-ch5-fixed-time prints: means over seeds, alpha >= 30."""
    return slope(FIXED_ALPHAS[2:], fixed[key].mean(1)[2:])


@pytest.mark.slow
def test_weights_use_about_half_of_the_movement_bound(fixed):
    X, y, _, _, start = mf.lazy.draw(0)  # seed 0 of the sweep
    bound = [
        mf.lazy.movement_bound(mf.lazy.with_alpha(start, a), X, y, 2000.0) for a in FIXED_ALPHAS
    ]
    ratio = fixed["movement"][:, 0] / bound
    assert np.all(ratio < 1)  # the theorem (for the flow; GD here, within its sqrt 2)
    assert np.all(
        (0.4 < ratio) & (ratio < 0.6)
    )  # "about half of the bound" (measured 0.44-0.53; 0.45-0.54 before lazy.draw)


@pytest.mark.slow
def test_lipschitz_parts_move_like_one_over_alpha(fixed):
    # "slopes close to -1" (measured -1.00, -0.99, -0.97; -1.05 for flips before lazy.draw)
    for key in ("movement", "jacobian_a", "flips"):
        assert -1.15 < fixed_slope(fixed, key) < -0.85, key


@pytest.mark.slow
def test_jacobian_b_block_and_gap_shrink_like_one_over_sqrt_alpha(fixed):
    # "like alpha^(-1/2)", "a slope near -0.5" (measured -0.53 and -0.48; -0.55 and -0.53 before lazy.draw)
    for key in ("jacobian_B", "gap"):
        assert -0.65 < fixed_slope(fixed, key) < -0.45, key
        assert np.all(np.diff(fixed[key], axis=0) < 0), key


@pytest.mark.slow
def test_flipped_pairs_predict_the_b_block_change():
    """Exercise ex-ch5-flips: within a few per cent at alpha = 100, closer at alpha = 1000."""
    X, y, _, _, start = mf.lazy.draw(0)
    errors = []
    for alpha in (100.0, 1000.0):
        net0 = mf.lazy.with_alpha(start, alpha)
        net = mf.lazy.lazy_gd(net0, X, y, 2.0, 1000).net
        Z0, Z = X @ net0.B.T, X @ net.B.T
        weights = np.broadcast_to(net0.a**2, Z0.shape)
        share = weights[(Z0 > 0) != (Z > 0)].sum() / weights[Z0 > 0].sum()
        errors.append(abs(np.sqrt(share) / mf.lazy.jacobian_change(net0, net, X)["B"] - 1))
    assert (
        errors[0] < 0.06 and errors[1] < errors[0]
    )  # measured 0.053 and 0.020 (0.041 and 0.005 before lazy.draw)


def test_gap_is_a_sum_over_flipped_neurons():
    """Equation eq-ch5-flip-sum, exactly: alpha h_W - alpha h_bar_W (same parameters) is the sum
    over the neurons flipped at x of a0_j r_j(x), |r_j| <= |(b_j - b0_j).x|, plus the second-order
    term (alpha/m) sum_j (a_j - a0_j)(sigma(b_j.x) - sigma(b0_j.x))."""
    X, y, _ = mf.data.teacher_student(60, 10, m0=3, rng=4)
    net0 = mf.lazy.symmetric_init(200, 10, 5, alpha=100.0)
    net = mf.lazy.lazy_gd(net0, X, y, 2.0, 1000).net
    X_test = mf.data.sphere(300, 10, 6)
    lhs = net.predict(X_test) - mf.lazy.Linearization(net0).predict(X_test, net)
    Z0, Z = X_test @ net0.B.T, X_test @ net.B.T
    r = np.maximum(Z, 0) - np.maximum(Z0, 0) - (Z0 > 0) * (Z - Z0)  # (n, m)
    flipped = (Z > 0) != (Z0 > 0)
    assert np.all(r[~flipped] == pytest.approx(0, abs=1e-12))
    assert np.all(np.abs(r) <= np.abs(Z - Z0) + 1e-12)
    second = (np.maximum(Z, 0) - np.maximum(Z0, 0)) @ (net.a - net0.a)
    rhs = net.factor * ((r * flipped) @ net0.a + second)
    np.testing.assert_allclose(lhs, rhs, atol=1e-12)
    assert 0 < flipped.mean() < 0.05  # O(1/alpha) of the pairs flipped


@pytest.mark.slow
def test_gap_falls_with_the_width_at_fixed_alpha():
    """fig-ch5-gap-width: at alpha = 100, t = 2000, the gap's slope in m is near -1/2 (measured
    -0.63 on the chapter's seeds) while the flipped fraction, the B-block change and the movement
    do not depend on the width (measured slopes -0.05, -0.04, -0.00)."""
    widths = [50, 100, 200, 400, 800]
    out = mf.lazy.width_sweep(widths, 100.0, seeds=[2, 3], rtol=None, max_steps=1000)
    slopes = mf.lazy.sweep_slopes(widths, out, ["gap", "flips", "jacobian_B", "movement"])
    assert -0.8 < slopes["gap"] < -0.4
    for key in ("flips", "jacobian_B", "movement"):
        assert abs(slopes[key]) < 0.15, key
    # independent of sweep_slopes: the two-point slope of the gap between the extreme widths
    gap = out["gap"].mean(1)
    assert -0.8 < np.log(gap[-1] / gap[0]) / np.log(16) < -0.4


@pytest.mark.slow
def test_parts_of_the_gap(fixed):
    """The parts of the gap (mf.lazy.gap_parts, recorded by alpha_sweep) as the page states them:
    flip sum and trajectory part of the same order at alpha = 100 (measured 1.03e-2 and 8.6e-3),
    the second-order part falling like alpha^-2 (7.9e-3, 7.7e-4, 1.0e-4 at alpha = 30, 100, 300),
    the flip sum near alpha^-1/2."""
    flip, second, traj = (fixed[f"{k}_part"].mean(1) for k in ("flip", "second", "trajectory"))
    i100 = FIXED_ALPHAS.index(100)
    assert flip[i100] == pytest.approx(1.03e-2, rel=0.02)
    assert traj[i100] == pytest.approx(8.56e-3, rel=0.02)
    assert -2.3 < slope(FIXED_ALPHAS[2:], second[2:]) < -1.7
    assert -0.65 < slope(FIXED_ALPHAS[2:], flip[2:]) < -0.35
    assert -0.65 < slope(FIXED_ALPHAS[2:], traj[2:]) < -0.3  # referee: -0.44, 'falls the same way'
    # the parts are root mean squares of three functions whose sum is the gap: triangle inequality
    gap = fixed["gap"]
    parts = fixed["flip_part"] + fixed["second_part"] + fixed["trajectory_part"]
    assert np.all(gap <= parts * (1 + 1e-12))


@pytest.mark.slow
def test_flipped_count_and_the_width_law_of_the_parts():
    """At alpha = 100 (chapter's seeds 0-1): about 0.37 m/alpha neurons flipped per test input
    (0.20 at m = 50, 0.73 at m = 200), counted here by hand; the flip sum falls with the width, the
    second-order part hardly does."""
    widths = [50, 100, 200, 400, 800]
    out = mf.lazy.width_sweep(widths, 100.0, seeds=[0, 1], rtol=None, max_steps=1000)
    per_count = out["flipped"].mean(1) / (np.array(widths) / 100)
    assert np.all((0.33 < per_count) & (per_count < 0.42))
    X, y, X_test, _, start = mf.lazy.draw(0, m=200)
    net0 = mf.lazy.with_alpha(start, 100.0)
    net = mf.lazy.lazy_gd(net0, X, y, 2.0, 1000).net
    by_hand = np.mean([np.sum((X_test[i] @ net.B.T > 0) != (X_test[i] @ net0.B.T > 0))
                       for i in range(len(X_test))])
    assert by_hand == out["flipped"][2, 0]
    s = mf.lazy.sweep_slopes(widths, {"flip": out["flip_part"], "second": out["second_part"]})
    assert s["flip"] < -0.35 and s["second"] > -0.3
