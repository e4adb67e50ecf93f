"""The numbers chapter 7 states, re-measured with the chapter's settings (n = 100, d = 2,
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

    assert successes(5) == 0  # "exactly m0 = 5 neurons never do here"
    assert successes(10) >= 8  # "ten neurons already succeed on almost every seed"


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
    assert floor[1e-3] > 3 * max(floor[0.0], floor[1e-5], floor[1e-4])
    assert floor[1e-5] < floor[0.0]
