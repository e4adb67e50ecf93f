"""Second-order dynamics (mf.train.heavy_ball, mf.train.kinetic) and their helpers
(mf.momentum): gradient descent as the case beta = 0, the closed-form linear recursion on a
quadratic, the (gamma, h) <-> (beta, eta) map against the velocity form written by hand (also
from a moving start), energy records and their decrease up to a tolerance that shrinks with h,
seeded noise, input validation; timed runs, the potential's minimum on the sphere against brute
force, the force against finite differences of V_mu, success counts against a hand loop."""

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


def velocity_form(net, X, y, h, gamma, steps, va=None, vB=None):
    """Semi-implicit Euler for theta' = v, v' = -gamma v - m grad G, written independently."""
    a, B = net.a.copy(), net.B.copy()
    va = np.zeros_like(a) if va is None else va
    vB = np.zeros_like(B) if vB is None else vB
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
        assert_allclose(run.records["velocity_B"][-1], vB, rtol=1e-7, atol=1e-10)


def test_energy_is_the_risk_plus_kinetic_energy(problem):
    X, y, net = problem
    h = 0.5
    run = kinetic(net, X, y, h, 20, 0.3, record_every=1)
    v2 = (run.records["velocity_a"] ** 2).sum(1) + (run.records["velocity_B"] ** 2).sum((1, 2))
    assert_allclose(run.records["energies"], run.losses + v2 / (2 * net.m), rtol=1e-10)


def test_energy_decreases_up_to_a_tolerance_that_shrinks_with_h(problem):
    """The continuous energy decreases exactly; the scheme's increase vanishes as h shrinks."""
    X, y, net = problem

    def worst_increase(h):
        E = kinetic(net, X, y, h, int(200 / h), 0.1).records["energies"]
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


@pytest.mark.parametrize("seed", [0, 1])  # 0 is the chapter's run (exercise ex-ch8-energy)
def test_equipartition_with_noise(problem, seed):
    """At equilibrium E|v_j|^2 = d_theta T (Ito's formula); d_theta = 3 here."""
    X, y, net = problem
    T = 1e-4
    run = kinetic(net, X, y, 0.5, 4000, 0.5, temperature=T, rng=seed, record_every=10)
    v2 = (run.records["velocity_a"] ** 2 + (run.records["velocity_B"] ** 2).sum(-1)).mean(axis=1)
    # Measured 3.4e-4 against 3e-4 (both seeds): the scheme's O(h) bias plus sampling error.
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


def test_kinetic_from_a_moving_start_matches_the_velocity_form(problem):
    X, y, net = problem
    rng = np.random.default_rng(5)
    va, vB = 1e-2 * rng.standard_normal(net.m), 1e-2 * rng.standard_normal((net.m, 2))
    a, B, _, _ = velocity_form(net, X, y, 0.5, 0.3, 30, va, vB)
    run = kinetic(net, X, y, 0.5, 30, 0.3, velocity=(va, vB), record_every=30)
    # Same recursion, different rounding order (see the mapping test): 1e-9 relative.
    assert_allclose(run.net.B, B, rtol=1e-9, atol=1e-12)
    assert_allclose(run.net.a, a, rtol=1e-9, atol=1e-12)
    assert_allclose(run.records["velocity_B"][0], vB, rtol=1e-12)


def test_energy_records_per_snapshot_and_per_step_agree(problem):
    X, y, net = problem
    run = kinetic(net, X, y, 0.5, 40, 0.3, record_every=7)
    assert run.records["energies"].shape == run.losses.shape
    assert_allclose(run.records["energy"], run.records["energies"][run.snapshot_steps], rtol=0)
    assert run.step == 0.5 and np.array_equal(run.times, 0.5 * run.snapshot_steps)
    hb = heavy_ball(net, X, y, 0.25, 40, 0.85, record_every=7)
    assert hb.step == 0.25


def test_energy_rise_shrinks_with_h_at_low_friction(problem):
    """With gamma = 0.02 the discrete energy rises at h = 0.5 and h = 0.25, less at the smaller h.

    The rise is max_k (E_k - min_{i<=k} E_i) / E_0 over the time t = 100. One step's error is
    O(h^2), so over a fixed time the rise is O(h): halving h must at least halve it (measured:
    5.1e-2 -> 3.8e-3 -> 0 at h = 0.125).
    """
    X, y, net = problem

    def rise(h):
        E = kinetic(net, X, y, h, int(100 / h), 0.02).records["energies"]
        return (E - np.minimum.accumulate(E)).max() / E[0]

    coarse, fine, finer = rise(0.5), rise(0.25), rise(0.125)
    assert coarse > 1e-2 and fine > 0  # a real rise at both step sizes, not rounding
    assert fine <= coarse / 2
    assert finer <= 1e-12


def test_timed_runs_are_the_untimed_runs(problem):
    X, y, net = problem
    run, seconds = mf.momentum.timed(heavy_ball, net, X, y, 4.0, 50, 0.8)
    assert np.array_equal(run.losses, heavy_ball(net, X, y, 4.0, 50, 0.8).losses)
    assert seconds.shape == run.losses.shape and np.all(np.diff(seconds) >= 0)
    with pytest.raises(ValueError, match="callback"):
        mf.momentum.timed(gd, net, X, y, 4.0, 5, callback=lambda *a: None)


def test_setup_is_chapter_4s_task():
    # chapter 4's convention: teacher and data, then the student, from one generator
    X, y, teacher, student = mf.momentum.setup(50, 3, 20, rng=4)
    ex = mf.meanfield.experiment(20, 3, n=50, step=1.0, steps=0, rng=4)
    assert np.array_equal(X, ex.X) and np.array_equal(y, ex.y)
    assert np.array_equal(teacher.B, ex.teacher.B)
    assert np.array_equal(student.B, ex.run.net0.B) and student.scale == "mean-field"
    assert np.allclose(np.linalg.norm(student.W, axis=1), 0.05)
    with pytest.warns(DeprecationWarning, match="rng"):
        old = mf.momentum.setup(50, 3, 20, seed=4)
    assert np.array_equal(old[3].B, student.B)
    # chapter 8: the same data, and a student drawn on its own from student_rng
    X1, _, _, own = mf.momentum.setup(50, 3, 20, rng=4, student_rng=1)
    assert np.array_equal(X1, X)
    assert np.array_equal(own.B, mf.model.init_network(20, 3, 1, radius=0.05).B)


def potential_brute_force(net, X, y, W):
    """V_mu(w) = (1/n) sum_i (h(x_i) - y_i) a sigma(b . x_i) at the rows w = (a, b) of W."""
    r = net.predict(X) - y
    return (W[:, :1] * np.maximum(W[:, 1:] @ X.T, 0.0)) @ r / len(y)


@pytest.mark.parametrize("d", [2, 3])
def test_min_potential_against_brute_force_on_the_sphere(d):
    X, y, _ = mf.data.teacher_student(80, d, 5, 6)
    net = mf.model.init_network(30, d, 7, radius=0.3)
    W = np.random.default_rng(8).standard_normal((200_000, d + 1))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    brute = potential_brute_force(net, X, y, W).min()
    ours = mf.momentum.min_potential(net, X, y, n_directions=20_000, rng=0)
    # Both sample the sphere; the formula samples only the directions of b (a is optimal), so it
    # is the finer of the two: it must be at least as low, and both agree to 1 %.
    assert ours <= brute + 1e-12
    assert_allclose(ours, brute, rtol=1e-2)


def test_min_potential_is_zero_at_the_teacher():
    X, y, teacher = mf.data.teacher_student(60, 2, 5, 1)
    assert mf.momentum.min_potential(teacher, X, y) == 0.0


def test_force_is_the_gradient_of_the_potential(problem):
    """stationarity()['force'] = max_j |grad V_mu(w_j)|; V_mu by central differences (mu fixed)."""
    X, y, net = problem
    net = mf.model.init_network(10, 2, 3, radius=0.5)
    eps, W = 1e-6, net.W
    grads = np.zeros_like(W)
    for i in range(W.shape[1]):
        E = np.zeros_like(W)
        E[:, i] = eps
        grads[:, i] = (
            potential_brute_force(net, X, y, W + E) - potential_brute_force(net, X, y, W - E)
        ) / (2 * eps)
    expected = np.linalg.norm(grads, axis=1).max()
    # Central differences of a piecewise-quadratic function: error ~ eps^2 away from kinks.
    assert_allclose(mf.momentum.stationarity(net, X, y)["force"], expected, rtol=1e-6)


def test_stationarity_kinetic_energy_is_the_energy_minus_the_risk(problem):
    X, y, net = problem
    run = kinetic(net, X, y, 0.5, 30, 0.3, record_every=30)
    v = (run.records["velocity_a"][-1], run.records["velocity_B"][-1])
    st = mf.momentum.stationarity(run.net, X, y, v)
    assert_allclose(st["kinetic"], run.records["energy"][-1] - run.losses[-1], rtol=1e-8)
    with pytest.raises(ValueError, match=r"velocity\[1\]"):
        mf.momentum.stationarity(run.net, X, y, (v[0], v[1][:, :1]))


def test_success_count_against_a_hand_loop(problem):
    X, y, _ = problem
    counts = mf.momentum.success_count([6], X, y, seeds=range(3), steps=300)
    ok = 0
    for s in range(3):
        run = heavy_ball(mf.model.init_network(6, 2, s, radius=0.05), X, y, 4.0, 300, 0.8)
        ok += bool(run.losses.min() <= 1e-3 * run.losses[0])
    assert counts == {6: ok}


def test_bad_initial_velocity(problem):
    X, y, net = problem
    with pytest.raises(ValueError, match=r"velocity\[0\]"):
        kinetic(net, X, y, 0.5, 3, 0.5, velocity=(np.zeros(3), np.zeros_like(net.B)))


def test_effective_step_is_the_limit_displacement_under_a_constant_gradient():
    """The heavy-ball recursion theta_{k+1} = theta_k - eta g + beta (theta_k - theta_{k-1}),
    run by hand on a linear risk (constant gradient g): the step settles at eta / (1 - beta)."""
    eta, beta, g = 4.0, 0.8, 0.3
    prev = theta = 0.0
    for _ in range(200):  # beta^200 ~ 4e-20: the transient is gone
        prev, theta = theta, theta - eta * g + beta * (theta - prev)
    assert np.isclose((prev - theta) / g, mf.momentum.effective_step(eta, beta), rtol=1e-12)
    assert mf.momentum.effective_step(4.0, 0.0) == 4.0  # beta = 0: gradient descent


def test_effective_step_input_rules():
    with pytest.raises(ValueError, match="momentum"):
        mf.momentum.effective_step(4.0, 1.0)
    with pytest.raises(ValueError, match="step"):
        mf.momentum.effective_step(0.0, 0.5)
    with pytest.raises(TypeError, match="momentum"):
        mf.momentum.effective_step(4.0, "0.8")


def test_best_plain_step_scans_below_the_edge_and_refuses_a_failing_start():
    """best_plain_step: the first failure fails, every success above it is listed, the answer is
    the fewest iterations over every evaluated step, the grid has the asked spacing; a start that
    already fails is refused, naming `low`."""
    X, y, _, student = mf.momentum.setup(n=20, m=20)
    found = mf.momentum.best_plain_step(student, X, y, budget=300, rtol=1e-2, spacing=0.02)
    assert found["evaluated"][found["first_failure"]] is None
    assert all(found["evaluated"][s] is not None for s in found["successes_above_failure"])
    assert all(s > found["first_failure"] for s in found["successes_above_failure"])
    assert found["iterations"] == min(k for k in found["evaluated"].values() if k)
    assert found["evaluated"][found["step"]] == found["iterations"]
    with pytest.raises(ValueError, match="low"):
        mf.momentum.best_plain_step(student, X, y, low=1e6, budget=300, rtol=1e-2)
    with pytest.raises(ValueError, match="xtol"):
        mf.momentum.best_plain_step(student, X, y, xtol=0.0)
    with pytest.raises(ValueError, match="span"):
        mf.momentum.best_plain_step(student, X, y, span=1.5)
