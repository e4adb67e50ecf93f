"""mfnet_lite.transport: exact, sliced, Sinkhorn and Hellinger–Kantorovich distances.

Each distance is checked against an independent computation (scipy's assignment solver, the
sorted-quantile formula in one dimension, a deterministic bound, a closed form), and each guard
against one of POT's silent failures raises on the bad input it guards. Run also with
``-W error::UserWarning``: none of these calls may let a POT warning through.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment

import mfnet_lite as mf
from mfnet_lite.transport import (
    TransportError,
    hk,
    optimal_plan,
    particles,
    sinkhorn_w2,
    sliced_w2,
    sphere_measure,
    w2,
)


def clouds(n=30, k=3, seed=0, shift=1.0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, k)), rng.standard_normal((n, k)) + shift


def assignment_w2(P, Q):
    C = ((P[:, None, :] - Q[None, :, :]) ** 2).sum(-1)
    rows, cols = linear_sum_assignment(C)
    return np.sqrt(C[rows, cols].mean())


# --- exact W2 -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_w2_equals_assignment_on_uniform_equal_size_sets(seed):
    P, Q = clouds(40, 3, seed)
    # both are exact solvers of the same linear program: agreement to rounding
    assert_allclose(w2(P, Q), assignment_w2(P, Q), rtol=1e-10)


def test_optimal_plan_is_a_scaled_permutation():
    P, Q = clouds(25, 2, 3)
    plan = optimal_plan(P, Q)
    assert_allclose(np.sort(plan.ravel())[-25:], 1 / 25, rtol=1e-12)
    assert_allclose(plan.sum(0), 1 / 25, rtol=1e-12)


def test_w2_one_dimension_sorted_quantiles():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal(50), rng.exponential(size=50)
    # in 1-d the monotone (sorted) matching is optimal
    expected = np.sqrt(np.mean((np.sort(x) - np.sort(y)) ** 2))
    assert_allclose(w2(x[:, None], y[:, None]), expected, rtol=1e-10)


def test_w2_one_dimension_weighted_quantile_functions():
    # unequal sizes: W2^2 = int_0^1 |F^-1(t) - G^-1(t)|^2 dt with step quantile functions
    x, y = np.array([0.0, 1.0, 3.0]), np.array([0.5, 2.0])
    p, q = np.array([0.2, 0.5, 0.3]), np.array([0.6, 0.4])
    t = np.linspace(0, 1, 200_001)[1:-1]  # midpoint-free grid; exact for step functions up to 1/2e5
    Fi = x[np.searchsorted(np.cumsum(p), t)]
    Gi = y[np.searchsorted(np.cumsum(q), t)]
    assert_allclose(w2(x[:, None], y[:, None], p, q), np.sqrt(np.mean((Fi - Gi) ** 2)), rtol=1e-4)


def test_w2_metric_axioms():
    rng = np.random.default_rng(5)
    A, B, C = (rng.standard_normal((20, 2)) + s for s in (0.0, 1.0, -2.0))
    assert_allclose(w2(A, B), w2(B, A), rtol=1e-12)
    # the solver's cost is 0 up to rounding (~1e-16), and W2 is its square root
    assert w2(A, A) == pytest.approx(0.0, abs=1e-7)
    assert w2(A, C) <= w2(A, B) + w2(B, C) + 1e-12


def test_w2_two_diracs_and_translation():
    assert w2([[0.0, 0.0]], [[3.0, 4.0]]) == pytest.approx(5.0, rel=1e-12)
    P, _ = clouds(15, 2, 6)
    # a translation by v moves every point by |v|, and no plan does better
    assert_allclose(w2(P, P + [3.0, 4.0]), 5.0, rtol=1e-10)


# --- sliced ---------------------------------------------------------------------------------


def test_w2_far_from_the_origin_keeps_small_distances():
    # Two points 0.125 apart, 1.2e7 from the origin (hypothesis found it: POT's expansion
    # |p|^2 + |q|^2 - 2 p.q gave W2 = 0 in float64). Matched in order: W2^2 = 0.125^2 / 2.
    P = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 11863284.0]])
    Q = P + [[0.0, 0.0, 0.0], [0.0, 0.125, 0.0]]
    assert_allclose(w2(P, Q), 0.125 / np.sqrt(2), rtol=1e-12)
    assert sliced_w2(P, Q, rng=0) <= w2(P, Q)


def test_w2_of_a_far_cloud_in_many_dimensions():
    # Above _EXACT_COST_DIM the expansion runs on clouds moved to their common mean: a small
    # cloud 1e7 from the origin and its translate by v keep W2 = |v| (uncentred, the expansion's
    # error of about 1e-16 * 1e14 swamps |v|^2 = 0.0156, as the first assertion shows).
    import ot

    rng = np.random.default_rng(0)
    P = 1e7 + rng.standard_normal((20, 12))
    v = np.full(12, 0.125 / np.sqrt(12))
    assert np.abs(ot.dist(P, P + v) - ot.dist(P - P.mean(0), P - P.mean(0) + v)).max() > 1e-3
    Q = P + v  # rounded to the spacing of floats near 1e7 (2e-9): W2 is |Q - P|, not |v|
    assert_allclose(w2(P, Q), np.sqrt(np.mean(np.sum((Q - P) ** 2, axis=1))), rtol=1e-9)
    assert_allclose(w2(P, Q), 0.125, rtol=1e-7)


def test_sliced_is_deterministic_under_a_seed():
    P, Q = clouds()
    assert sliced_w2(P, Q, rng=7) == sliced_w2(P, Q, rng=7)
    assert sliced_w2(P, Q, rng=7) != sliced_w2(P, Q, rng=8)


@pytest.mark.parametrize("n_projections", [1, 5, 200])
def test_sliced_below_exact_for_every_draw(n_projections):
    # projection is 1-Lipschitz: each term is <= W2^2, whatever the directions
    for seed in range(5):
        P, Q = clouds(30, 4, seed)
        assert sliced_w2(P, Q, n_projections=n_projections, rng=seed) <= w2(P, Q) * (1 + 1e-12)


def test_sliced_mean_square_bounded_by_w2_over_dimension():
    # E[theta theta^T] = I/k: SW2^2 <= W2^2/k in expectation. The gap to the bound is large
    # here (the optimal plan's displacements are not isotropic), so 2000 directions are ample.
    P, Q = clouds(40, 5, 9)
    assert sliced_w2(P, Q, n_projections=2000, rng=0) ** 2 <= w2(P, Q) ** 2 / 5


def test_sliced_one_dimension_is_exact():
    x, y = clouds(30, 1, 10)
    # in 1-d every direction is +-1, and the projected distance is the distance itself
    assert_allclose(sliced_w2(x, y, n_projections=3, rng=0), w2(x, y), rtol=1e-10)


# --- Sinkhorn -------------------------------------------------------------------------------


def test_sinkhorn_bias_upwards_and_shrinking():
    P, Q = clouds(40, 2, 11)
    exact = w2(P, Q)
    values = [sinkhorn_w2(P, Q, reg=r) for r in (0.2, 0.05, 0.02)]
    # the entropic plan is a plan, so its cost is >= W2^2 (marginal error 1e-6 is negligible)
    assert all(v >= exact for v in values)
    assert values[0] > values[1] > values[2]
    assert values[2] - exact < 0.02 * exact  # measured 1.1 % at reg = 0.02 on this seed


def test_sinkhorn_not_zero_between_identical_clouds():
    P, _ = clouds(40, 2, 12)
    bias = sinkhorn_w2(P, P, reg=0.05)
    assert bias > 0.1 * np.sqrt(np.mean(np.var(P, axis=0)))  # not rounding: a real bias
    assert w2(P, P) == pytest.approx(0.0, abs=1e-7)  # sqrt of a rounding-level cost


def test_sinkhorn_reg_is_relative_to_cost_scale():
    P, Q = clouds(20, 2, 13)
    assert_allclose(sinkhorn_w2(10 * P, 10 * Q), 10 * sinkhorn_w2(P, Q), rtol=1e-6)


# --- Hellinger–Kantorovich ------------------------------------------------------------------


@pytest.mark.parametrize("angle", [0.0, 0.3, 1.0, np.pi / 2 - 1e-3, 2.0, np.pi])
@pytest.mark.parametrize("m1, m2", [(1.0, 1.0), (0.5, 2.0), (3.0, 0.1)])
def test_hk_two_diracs_closed_form(angle, m1, m2):
    r"""HK^2(m1 δx, m2 δy) = m1 + m2 - 2 sqrt(m1 m2) cos(min(d, π/2)).

    Derivation: a plan between two Diracs is one number s >= 0 on the pair (x, y). With
    f(r) = r log r - r + 1 the objective is
        m1 f(s/m1) + m2 f(s/m2) + s c = s log(s^2/(m1 m2)) - 2s + m1 + m2 + s c,
    c = -log cos^2 d. Setting the s-derivative log(s^2/(m1 m2)) + c to zero gives
    s = sqrt(m1 m2) cos d, where the first term cancels the s c term and the value is
    m1 + m2 - 2 sqrt(m1 m2) cos d. For d >= π/2 the cost is +inf, so s = 0 and the value is
    m1 + m2: all mass is destroyed and created.
    """
    x = np.array([[1.0, 0.0, 0.0]])
    y = np.array([[np.cos(angle), np.sin(angle), 0.0]])
    expected = m1 + m2 - 2 * np.sqrt(m1 * m2) * np.cos(min(angle, np.pi / 2))
    # one MM iteration lands on s = sqrt(m1 m2) cos d; POT adds 1e-16 to a denominator
    assert_allclose(hk(x, [m1], y, [m2]) ** 2, expected, rtol=1e-9, atol=1e-12)


def test_hk_single_neurons_is_euclidean_distance():
    # mass |w|^2 at w/|w|: for neurons less than a quarter turn apart HK = |w1 - w2|
    w1, w2_ = np.array([0.3, 1.0, -0.2]), np.array([0.5, 0.8, 0.1])
    n1, n2 = (mf.Network(w[:1], w[None, 1:]) for w in (w1, w2_))
    assert_allclose(hk(*sphere_measure(n1), *sphere_measure(n2)), np.linalg.norm(w1 - w2_), 1e-9)


def test_hk_metric_properties_on_networks():
    nets = [mf.model.init_network(20, 2, s) for s in range(3)]
    mus = [sphere_measure(n) for n in nets]
    d01, d10 = hk(*mus[0], *mus[1]), hk(*mus[1], *mus[0])
    assert_allclose(d01, d10, rtol=1e-4)  # same problem transposed; both stop at tol
    assert hk(*mus[0], *mus[0]) < 1e-3  # residual of the slow MM iterations, see docstring
    assert hk(*mus[0], *mus[2]) <= d01 + hk(*mus[1], *mus[2]) + 1e-3


def test_hk_mass_only_difference_is_hellinger():
    # same directions, masses alpha and beta: HK^2 = sum (sqrt(alpha) - sqrt(beta))^2
    U = np.eye(3)
    alpha, beta = np.array([1.0, 0.2, 0.5]), np.array([0.3, 0.2, 2.0])
    assert_allclose(hk(U, alpha, U, beta) ** 2, np.sum((np.sqrt(alpha) - np.sqrt(beta)) ** 2), 1e-9)


# --- networks as measures -------------------------------------------------------------------


def test_sphere_measure_masses_and_permutation():
    net = mf.model.init_network(10, 3, 0, radius=2.0)
    U, mass = sphere_measure(net)
    assert_allclose(np.linalg.norm(U, axis=1), 1.0, rtol=1e-12)
    assert_allclose(mass, 4.0 / 10, rtol=1e-12)
    perm = np.random.default_rng(0).permutation(10)
    shuffled = net.replace(a=net.a[perm], B=net.B[perm])
    # W2 = sqrt(cost), and the cost is 0 up to rounding (~1e-16)
    assert w2(particles(net)[0], particles(shuffled)[0]) == pytest.approx(0.0, abs=1e-7)


# --- guards ---------------------------------------------------------------------------------


def test_guard_cost_overflow():
    P, Q = clouds(5, 2)
    with pytest.raises(ValueError, match="cost matrix"):
        w2(P * 1e200, Q)
    with pytest.raises(ValueError, match="cost matrix"):
        sliced_w2(P * 1e200, Q)


def test_guard_nan_input():
    P, Q = clouds(5, 2)
    P[0, 0] = np.nan
    with pytest.raises(ValueError, match="P"):
        w2(P, Q)


def test_guard_masses_differ():
    P, Q = clouds(5, 2)
    with pytest.raises(ValueError, match="same total mass"):
        w2(P, Q, np.full(5, 0.2), np.full(5, 0.3))
    with pytest.raises(ValueError, match="same total mass"):
        sinkhorn_w2(P, Q, np.full(5, 0.2), np.full(5, 0.3))


def test_guard_exact_iteration_limit():
    P, Q = clouds(30, 2)
    with pytest.raises(TransportError, match="num_iter_max"):
        w2(P, Q, num_iter_max=3)


def test_guard_sinkhorn_iteration_limit():
    P, Q = clouds(30, 2)
    with pytest.raises(TransportError, match="num_iter_max"):
        sinkhorn_w2(P, Q, reg=0.01, num_iter_max=20)


def test_guard_hk_iteration_limit():
    nets = [mf.model.init_network(20, 2, s) for s in range(2)]
    with pytest.raises(TransportError, match="num_iter_max"):
        hk(*sphere_measure(nets[0]), *sphere_measure(nets[1]), num_iter_max=150)


def test_validation_messages():
    P, Q = clouds(5, 2)
    with pytest.raises(ValueError, match="same dimension"):
        w2(P, Q[:, :1])
    with pytest.raises(ValueError, match="p must be non-negative"):
        w2(P, Q, -np.ones(5), np.ones(5))
    with pytest.raises(ValueError, match="n_projections"):
        sliced_w2(P, Q, n_projections=0)
    with pytest.raises(TypeError, match="rng"):
        sliced_w2(P, Q, rng="seed")
    with pytest.raises(ValueError, match="reg"):
        sinkhorn_w2(P, Q, reg=0.0)
    with pytest.raises(ValueError, match="directions1 must have unit rows"):
        hk(P, np.ones(5), Q / np.linalg.norm(Q, axis=1, keepdims=True), np.ones(5))
    with pytest.raises(ValueError, match="masses2 must be non-negative"):
        U = P / np.linalg.norm(P, axis=1, keepdims=True)
        hk(U, np.ones(5), U, -np.ones(5))
