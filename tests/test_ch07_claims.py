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
    X, y, net = setup
    steps = {
        b: mf.train.heavy_ball(net, X, y, 4.0, 2000, b, rtol=1e-3).steps_taken
        for b in (0, 0.5, 0.8)
    }
    assert steps[0.8] * 3 < steps[0] and steps[0.5] < steps[0]


def test_energy_never_increases_in_the_figure_run(setup):
    X, y, net = setup
    run = mf.train.kinetic(net, X, y, 0.5, steps=800, friction=0.1)
    assert np.diff(run.extras["energies"]).max() <= 0
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


def test_a_large_temperature_leaves_a_higher_floor(setup):
    X, y, net = setup
    floor = {
        T: np.mean(mf.train.kinetic(net, X, y, 0.5, 4000, 0.5, temperature=T, rng=0).losses[-1000:])
        for T in (1e-6, 1e-4)
    }
    assert floor[1e-4] > 2 * floor[1e-6]
