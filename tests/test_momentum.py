"""Second-order dynamics (mf.train.heavy_ball, mf.train.kinetic): gradient descent as the case
beta = 0, the closed-form linear recursion on a quadratic, the (gamma, h) <-> (beta, eta) map
against the velocity form written by hand, energy decrease, seeded noise, input validation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.train import gd, heavy_ball, kinetic, kinetic_from_polyak, polyak_from_kinetic


@pytest.fixture(scope="module")
def problem():
    X, y, _ = mf.data.teacher_student(100, 2, 5, 0)
    return X, y, mf.model.init_network(100, 2, 1, radius=0.05)


def test_zero_momentum_is_gradient_descent_bit_for_bit(problem):
    X, y, net = problem
    a = gd(net, X, y, 4.0, 150, record_every=10)
    b = heavy_ball(net, X, y, 4.0, 150, 0.0, record_every=10)
    assert np.array_equal(a.losses, b.losses)
    assert np.array_equal(a.a_history, b.a_history) and np.array_equal(a.B_history, b.B_history)


def test_quadratic_matches_the_closed_form_recursion():
    """Training only `a` with frozen features, G is quadratic: G(a) = |cAa - y|^2/(2n).

    With H = c^2 A^T A / n and the minimiser a*, the error e_k = a_k - a* obeys
    [e_{k+1}; e_k] = M [e_k; e_{k-1}], M = [[(1+beta) I - eta s H, -beta I], [I, 0]], e_{-1} = e_0;
    so e_k is the top block of M^k [e_0; e_0] (a matrix power, not an iteration of the code).
    """
    X, y, _ = mf.data.teacher_student(60, 3, 4, 2)
    net = mf.model.init_network(8, 3, 3, radius=1.0)
    eta, beta, k = 0.5, 0.7, 40
    run = heavy_ball(net, X, y, eta, k, beta, trainable="a", record_every=k)
    A, c, s, n = np.maximum(X @ net.B.T, 0), net.factor, net.m, X.shape[0]
    H = c**2 * A.T @ A / n
    a_star = np.linalg.solve(H, c * A.T @ y / n)
    eye = np.eye(net.m)
    M = np.block([[(1 + beta) * eye - eta * s * H, -beta * eye], [eye, 0 * eye]])
    e0 = net.a - a_star
    e_k = (np.linalg.matrix_power(M, k) @ np.r_[e0, e0])[: net.m]
    # Both sides are exact up to rounding amplified over 40 products (|M| ~ 1): 1e-9 is ample.
    assert_allclose(run.net.a - a_star, e_k, atol=1e-9)


def velocity_form(net, X, y, h, gamma, steps):
    """Semi-implicit Euler for theta' = v, v' = -gamma v - m grad G, written independently."""
    a, B = net.a.copy(), net.B.copy()
    va, vB = np.zeros_like(a), np.zeros_like(B)
    for _ in range(steps):
        ga, gB = mf.model.gradients(net.replace(a=a, B=B), X, y)
        va = va - h * (gamma * va + net.m * ga)
        vB = vB - h * (gamma * vB + net.m * gB)
        a, B = a + h * va, B + h * vB
    return a, B, va, vB


@pytest.mark.parametrize("h, gamma", [(0.5, 0.4), (1.0, 0.2)])
def test_mapping_gives_the_same_trajectory_both_ways(problem, h, gamma):
    X, y, net = problem
    a, B, va, vB = velocity_form(net, X, y, h, gamma, 60)
    eta, beta = polyak_from_kinetic(h, gamma)
    assert (eta, beta) == pytest.approx((h * h, 1 - gamma * h))
    assert kinetic_from_polyak(eta, beta) == pytest.approx((h, gamma))
    for run in (heavy_ball(net, X, y, eta, 60, beta), kinetic(net, X, y, h, 60, gamma)):
        # The two forms differ only by rounding (h * (h * g) against (h * h) * g, per step).
        assert_allclose(run.net.a, a, rtol=1e-9, atol=1e-12)
        assert_allclose(run.net.B, B, rtol=1e-9, atol=1e-12)
        assert_allclose(run.extras["velocity_B"][-1], vB, rtol=1e-7, atol=1e-10)


def test_energy_is_the_risk_plus_kinetic_energy(problem):
    X, y, net = problem
    h = 0.5
    run = kinetic(net, X, y, h, 20, 0.3, record_every=1)
    v2 = (run.extras["velocity_a"] ** 2).sum(1) + (run.extras["velocity_B"] ** 2).sum((1, 2))
    assert_allclose(run.extras["energies"], run.losses + v2 / (2 * net.m), rtol=1e-10)


def test_energy_decreases_up_to_a_tolerance_that_shrinks_with_h(problem):
    """The continuous energy decreases exactly; the scheme's increase vanishes as h shrinks."""
    X, y, net = problem

    def worst_increase(h):
        E = kinetic(net, X, y, h, int(200 / h), 0.1).extras["energies"]
        return max(np.diff(E).max(), 0.0) / E[0]

    big, medium, small = worst_increase(2.0), worst_increase(1.0), worst_increase(0.5)
    assert big > 1e-2  # at h = 2 (eta = 4, beta = 0.8) the discrete energy does rise
    assert medium <= 1e-12 and small <= 1e-12  # rounding only


def test_heavy_ball_recovers_the_teacher(problem):
    X, y, net = problem
    run = heavy_ball(net, X, y, 4.0, 400, 0.8, rtol=1e-3)
    assert run.losses[-1] <= 1e-3 * run.losses[0]


def test_noise_is_reproducible_under_a_seed(problem):
    X, y, net = problem
    r1 = kinetic(net, X, y, 0.5, 30, 0.5, temperature=1e-4, rng=3)
    r2 = kinetic(net, X, y, 0.5, 30, 0.5, temperature=1e-4, rng=3)
    r3 = kinetic(net, X, y, 0.5, 30, 0.5, temperature=1e-4, rng=4)
    assert np.array_equal(r1.net.B, r2.net.B) and not np.array_equal(r1.net.B, r3.net.B)


def test_equipartition_with_noise(problem):
    """At equilibrium E|v_j|^2 = d_theta T (Ito's formula); d_theta = 3 here."""
    X, y, net = problem
    T = 1e-4
    run = kinetic(net, X, y, 0.5, 4000, 0.5, temperature=T, rng=1, record_every=10)
    v2 = (run.extras["velocity_a"] ** 2 + (run.extras["velocity_B"] ** 2).sum(-1)).mean(axis=1)
    # Measured 3.4e-4 against 3e-4: the scheme's O(h) bias plus sampling error of one run.
    assert 0.8 < v2[len(v2) // 2 :].mean() / (3 * T) < 1.3


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda p: kinetic(*p, 0.5, 3, -1.0), "friction == -1"),
        (lambda p: kinetic(*p, 0.5, 3, 0.5, temperature=-1.0), "temperature == -1"),
        (lambda p: kinetic(*p, 0.5, 3, 4.0), r"friction \* h"),
        (lambda p: kinetic(*p, 0.0, 3, 0.5), "h == 0"),
        (lambda p: heavy_ball(*p, 0.5, 3, 1.0), "momentum == 1"),
        (lambda p: heavy_ball(*p, 0.5, 3, -0.1), "momentum == -0.1"),
        (lambda p: heavy_ball(*p, -0.5, 3, 0.5), "step == -0.5"),
    ],
)
def test_bad_input(problem, call, match):
    X, y, net = problem
    with pytest.raises(ValueError, match=match):
        call((net, X, y))
