"""The numbers chapter 8 states, re-measured with the chapter's settings (n = 100, d = 2,
m = 100, |w(0)| = 0.05, teacher seed 0, student seed 1)."""

import numpy as np
import pytest

import mfnet_lite as mf


@pytest.fixture(scope="module")
def setup():
    X, y, _ = mf.data.teacher_student(100, 2, m0=5, rng=0)
    return X, y, mf.model.init_network(100, 2, rng=1, init="sphere", radius=0.05)


def test_momentum_takes_several_times_fewer_steps(setup):
    """'beta = 0.8 needs about a fifth of the iterations of gradient descent' (99 against 525)."""
    X, y, net = setup
    steps = {
        b: mf.train.heavy_ball(net, X, y, 4.0, 2000, b, rtol=1e-3).steps_taken
        for b in (0, 0.5, 0.8)
    }
    assert 0.15 < steps[0.8] / steps[0] < 0.25 and steps[0.5] < steps[0]
    assert steps[0] == mf.train.gd(net, X, y, 4.0, 2000, rtol=1e-3).steps_taken


def test_same_positions_different_velocities_different_futures(setup):
    """Three starts with one measure of positions end at W2 distances ~2e-2 from each other."""
    X, y, net = setup
    rng = np.random.default_rng(7)  # the chapter's rng; v0 is its first draw
    v0 = (1e-3 * rng.standard_normal(net.m), 1e-3 * rng.standard_normal((net.m, 2)))
    rest = mf.train.kinetic(net, X, y, 0.5, 40, 0.3).net.W
    for v in (v0, (-v0[0], -v0[1])):
        moved = mf.train.kinetic(net, X, y, 0.5, 40, 0.3, velocity=v).net.W
        assert mf.transport.w2(rest, moved) > 1e-2


def test_energy_rise_at_low_friction(setup):
    """gamma = 0.02 over t = 100: rise 5e-2 at h = 0.5, 4e-3 at h = 0.25, none at h = 0.125."""
    X, y, net = setup

    def rise(h):
        E = mf.train.kinetic(net, X, y, h, int(100 / h), 0.02).records["energies"]
        return (E - np.minimum.accumulate(E)).max() / E[0]

    assert 3e-2 < rise(0.5) < 8e-2 and 2e-3 < rise(0.25) < 6e-3 and rise(0.125) == 0


def test_stationary_points_wide_and_narrow(setup):
    """The table after the global theorem: m = 100 (seed 1) and m = 5 (seed 101), 1500 steps."""
    X, y, net = setup
    start = mf.momentum.stationarity(net, X, y)["min_potential"]
    assert -5e-2 < start < -3e-2  # "about -4e-2 at its start"
    for m, seed in [(100, 1), (5, 101)]:
        student = mf.model.init_network(m, 2, seed, init="sphere", radius=0.05)
        r = mf.train.heavy_ball(student, X, y, 4.0, 1500, 0.8)
        v = (r.records["velocity_a"][-1], r.records["velocity_B"][-1])
        st = mf.momentum.stationarity(r.net, X, y, v)
        ratio = r.losses[-1] / r.losses[0]
        assert st["kinetic"] < 1e-7 and st["force"] < 1e-3  # both nearly at rest
        if m == 100:  # "risk 1e-4 of the initial one, min V about -2e-5"
            assert ratio < 2e-4 and -5e-5 < st["min_potential"] < 0
        else:  # "7 % of its initial risk, min V about -1e-2"
            assert 0.05 < ratio < 0.09 and -2e-2 < st["min_potential"] < -5e-3


def test_energy_never_increases_in_the_figure_run(setup):
    X, y, net = setup
    run = mf.train.kinetic(net, X, y, 0.5, steps=800, friction=0.1)
    assert np.diff(run.records["energies"]).max() <= 0
    assert np.diff(run.losses).max() > 0  # while the risk alone does rise


def test_underdamped_is_fastest_and_overdamped_slowest(setup):
    X, y, net = setup
    final = {g: mf.train.kinetic(net, X, y, 0.25, 1600, g).losses[-1] for g in (0.03, 0.3, 4.0)}
    assert final[0.03] < final[0.3] < final[4.0]


@pytest.mark.slow
def test_small_networks(setup):
    X, y, _ = setup

    def successes(m):
        ok = 0
        for s in range(10):
            net = mf.model.init_network(m, 2, 100 + s, radius=0.05)
            run = mf.train.heavy_ball(net, X, y, 4.0, 1500, 0.8, rtol=1e-3)
            ok += run.losses[-1] <= 1e-3 * run.losses[0]
        return ok

    assert successes(5) == 0  # the page: m0 = 5 neurons succeed on 0 seeds
    assert successes(10) == 9  # the page: ten neurons succeed on 9 seeds of ten


@pytest.mark.slow
def test_a_large_temperature_leaves_a_higher_floor(setup):
    """T = 1e-3: risk around 5e-3 of its start, several times the runs at T <= 1e-4; T = 1e-5
    ends below the noiseless run (seed 0, h = 0.5, gamma = 0.5, t = 2000)."""
    X, y, net = setup
    floor = {}
    for T in (0.0, 1e-5, 1e-4, 1e-3):
        losses = mf.train.kinetic(net, X, y, 0.5, 4000, 0.5, temperature=T, rng=0).losses
        floor[T] = np.mean(losses[-1000:]) / losses[0]
    assert 3e-3 < floor[1e-3] < 7e-3
    # the page: 4.4 times the highest floor at T <= 1e-4 (noise seed 0, deterministic)
    assert 4 < floor[1e-3] / max(floor[0.0], floor[1e-5], floor[1e-4]) < 5
    assert floor[1e-5] < floor[0.0]


def test_delta_0_is_stationary_and_not_a_minimum(setup):
    """Section 'Stationary points and global minima': every neuron at 0, at rest."""
    X, y, net = setup
    zero = net.replace(a=np.zeros(net.m), B=np.zeros_like(net.B))
    # the force, by central finite differences of the risk (not the analytic gradient)
    eps, W = 1e-6, zero.W
    for j, k in [(0, 0), (0, 1), (7, 2), (99, 1)]:
        up, down = W.copy(), W.copy()
        up[j, k] += eps
        down[j, k] -= eps
        fd = (mf.model.loss(zero.replace(a=up[:, 0], B=up[:, 1:]), X, y)
              - mf.model.loss(zero.replace(a=down[:, 0], B=down[:, 1:]), X, y)) / (2 * eps)
        assert abs(fd) < 1e-12  # the risk is flat to second order at 0 (2-homogeneity)
    assert np.array_equal(mf.train.heavy_ball(zero, X, y, 4.0, 100, 0.8).net.W, zero.W)
    # min V on the unit sphere of R^3, by brute force over (a, b) = (cos s, sin s u(t))
    s, t = np.meshgrid(np.linspace(0, np.pi, 181), np.linspace(-np.pi, np.pi, 721), indexing="ij")
    a, b = np.cos(s).ravel(), np.sin(s).ravel()[:, None] * np.column_stack([np.cos(t.ravel()), np.sin(t.ravel())])
    V = a * (np.maximum(b @ X.T, 0) @ (0 - y)) / len(y)
    assert V.min() < -0.03  # the page: -3.8e-2
    assert abs(V.min() - mf.momentum.stationarity(zero, X, y)["min_potential"]) < 1e-4  # grids differ


def test_heavy_ball_against_the_best_plain_step(setup):
    """'The best plain step on the search's runs is eta ~ 8.58 with 244 iterations; the smallest
    step that misses is ~8.06, yet steps up to ~8.63 still succeed, with failures in between;
    heavy ball needs 2.5 times fewer iterations'. GD by hand (mf.model.gradients, the mean-field
    factor m) re-counts the best step, the first failure and the last success."""
    X, y, net = setup

    def gd_steps(eta, budget=2000):
        a, B = net.a.copy(), net.B.copy()
        start = mf.model.loss(net, X, y)
        for k in range(1, budget + 1):
            grad_a, grad_B = mf.model.gradients(net.replace(a=a, B=B), X, y)
            a, B = a - eta * net.m * grad_a, B - eta * net.m * grad_B
            if mf.model.loss(net.replace(a=a, B=B), X, y) <= 1e-3 * start:
                return k
        return None

    search = mf.momentum.best_plain_step(net, X, y, low=4.0, budget=2000, rtol=1e-3)
    assert gd_steps(search["step"]) == search["iterations"]
    assert gd_steps(search["first_failure"]) is None
    last = max(search["successes_above_failure"])
    assert gd_steps(last) is not None and last > search["first_failure"] + 0.3  # alternation
    assert 8.0 < search["first_failure"] < search["step"] < 8.7  # the page: 8.06 < 8.58 < 8.63
    assert search["iterations"] <= 245  # an independent scan found 243 at 8.60
    ok = [(s, k) for s, k in search["evaluated"].items() if k]
    # not monotone near the edge: some larger successful step needs more iterations
    assert any(k2 > k1 for (s1, k1), (s2, k2) in zip(ok, ok[1:], strict=False) if s2 > s1)
    assert all(search["iterations"] <= k for _, k in ok)
    hb = mf.train.heavy_ball(net, X, y, 4.0, 2000, 0.8, rtol=1e-3).steps_taken
    assert hb == 99 and 2.3 < search["iterations"] / hb < 2.8  # the page: 2.5 times fewer
    assert abs(mf.momentum.effective_step(4.0, 0.8) - 20) < 1e-12


def test_flat_direction_root_is_the_effective_step():
    """Exercise ex-ch8-effective: 1 - r_1 = eta lambda / (1 - beta) + O(lambda^2), the slow root
    found here by the quadratic formula (the page uses np.roots)."""
    eta, beta = 4.0, 0.8
    gaps = []
    for lam in (1e-3, 1e-4, 1e-5):
        p = 1 + beta - eta * lam
        slow = (p + np.sqrt(p * p - 4 * beta)) / 2
        first_order = eta * lam / (1 - beta)
        gaps.append(abs((1 - slow) - first_order) / first_order)
    # O(lambda): each tenfold smaller lambda divides the gap by about 10 (12 for the first pair,
    # where the next order still shows at eta lambda = 4e-3)
    assert gaps[0] < 0.11 and 8 < gaps[0] / gaps[1] < 13 and 8 < gaps[1] / gaps[2] < 12
