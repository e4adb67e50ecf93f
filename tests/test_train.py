"""mfnet_lite.train.gd: the update rule, the run history, conservation of a_j^2 - |b_j|^2,
determinism, divergence detection, callbacks and input validation."""

import time

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.model import balance, gradients, init_network
from mfnet_lite.train import DivergenceError, gd


@pytest.fixture
def problem():
    X, y, _ = mf.data.teacher_student(60, 3, 5, 0)
    return X, y, init_network(20, 3, 1, radius=0.5)


def test_one_step_is_the_formula(problem):
    X, y, net = problem
    ga, gB = gradients(net, X, y)
    run = gd(net, X, y, step=0.3, steps=1)
    assert_allclose(run.net.a, net.a - 0.3 * net.m * ga, rtol=1e-14)
    assert_allclose(run.net.B, net.B - 0.3 * net.m * gB, rtol=1e-14)
    plain = gd(net, X, y, step=0.3, steps=1, time_scaling="plain")
    assert_allclose(plain.net.a, net.a - 0.3 * ga, rtol=1e-14)


def test_history_and_net_unchanged(problem):
    X, y, net = problem
    a0 = net.a.copy()
    run = gd(net, X, y, step=0.5, steps=25, record_every=10)
    assert np.array_equal(net.a, a0)
    assert list(run.snapshot_steps) == [0, 10, 20, 25]
    assert run.losses.shape == (26,)
    assert np.array_equal(run.a_history[0], a0)
    assert np.array_equal(run.B_history[-1], run.net.B)
    assert run.losses[0] == pytest.approx(mf.model.loss(net, X, y))
    assert run.losses[-1] == pytest.approx(mf.model.loss(run.net, X, y))
    assert_allclose(run.times, [0, 5, 10, 12.5])
    assert run.losses[-1] < run.losses[0]


def test_frozen_layer_does_not_move(problem):
    X, y, net = problem
    run = gd(net, X, y, step=0.5, steps=5, trainable="a")
    assert np.array_equal(run.net.B, net.B) and not np.array_equal(run.net.a, net.a)
    run = gd(net, X, y, step=0.5, steps=5, trainable="B")
    assert np.array_equal(run.net.a, net.a) and not np.array_equal(run.net.B, net.B)


def test_determinism_bit_for_bit():
    def once():
        X, y, _ = mf.data.teacher_student(80, 4, 5, 11)
        net = init_network(30, 4, 12, radius=0.1)
        return gd(net, X, y, step=2.0, steps=40, record_every=5)

    r1, r2 = once(), once()
    assert np.array_equal(r1.losses, r2.losses)
    assert np.array_equal(r1.a_history, r2.a_history)
    assert np.array_equal(r1.B_history, r2.B_history)


def per_step_drift(net, X, y, step):
    return balance(gd(net, X, y, step=step, steps=1).net) - balance(net)


def test_one_step_drift_is_the_closed_form(problem):
    """Delta(a_j^2 - |b_j|^2) = eta^2 ((G_j.b_j)^2 - a_j^2 |G_j|^2), G_j = m c (D^T X)_j."""
    X, y, net = problem
    eta = 0.2
    ga, gB = gradients(net, X, y)
    s = net.m  # mean-field time scaling
    G = s * gB / net.a[:, None]  # the neuron's data term: s * grad_b = a_j G_j
    expected = eta**2 * ((G * net.B).sum(1) ** 2 - net.a**2 * (G**2).sum(1))
    assert_allclose(s * ga, (G * net.B).sum(1), rtol=1e-10)  # Euler: grad_a = b_j . G_j
    assert_allclose(per_step_drift(net, X, y, eta), expected, rtol=1e-8, atol=1e-15)


def test_halving_the_step_quarters_the_one_step_drift(problem):
    X, y, net = problem
    d1 = per_step_drift(net, X, y, 0.1)
    d2 = per_step_drift(net, X, y, 0.05)
    # Exactly eta^2 by the closed form; the tolerance covers rounding in a^2 - |b|^2 only
    # (terms of size ~0.25 cancelling to ~1e-4).
    assert_allclose(d1 / d2, 4.0, rtol=1e-6)


def test_drift_over_fixed_time_is_first_order(problem):
    """Summed over a fixed time T, the drift is O(eta): halving eta about halves it."""
    X, y, net = problem
    T = 20.0
    drift = [
        np.abs(balance(gd(net, X, y, eta, int(T / eta)).net) - balance(net)).max()
        for eta in (0.2, 0.1)
    ]
    # Ratio 2 + O(eta) from the next-order term; 1.6..2.4 separates it from O(eta^2) (ratio 4).
    assert 1.6 < drift[0] / drift[1] < 2.4


def test_divergence_stops_with_a_named_step(problem):
    X, y, net = problem
    with pytest.raises(DivergenceError, match=r"diverged at step \d+.*smaller step"):
        gd(init_network(20, 3, 1, radius=3.0), X, 10 * y, step=1e3, steps=200)


def test_callback_and_rtol(problem):
    X, y, net = problem
    seen = []
    run = gd(net, X, y, 0.5, 50, callback=lambda k, n, loss: seen.append((k, loss)) or k == 7)
    assert run.steps_taken == 7 and [k for k, _ in seen] == list(range(8))
    assert_allclose([v for _, v in seen], run.losses)
    run = gd(net, X, y, 1.0, 5000, rtol=0.5)
    assert run.losses[-1] <= 0.5 * run.losses[0] < run.losses[-2]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(step=0.0), "step == 0"),
        (dict(step=-1.0), "step == -1"),
        (dict(step=np.nan), "step must be finite"),
        (dict(steps=-1), "steps == -1"),
        (dict(record_every=0), "record_every == 0"),
        (dict(time_scaling="ntk"), "time_scaling"),
        (dict(trainable="W"), "trainable"),
        (dict(max_loss_ratio=0.5), "max_loss_ratio"),
    ],
)
def test_bad_arguments(problem, kwargs, match):
    X, y, net = problem
    args = dict(step=0.1, steps=3) | kwargs
    with pytest.raises(ValueError, match=match):
        gd(net, X, y, **args)


def test_bad_types(problem):
    X, y, net = problem
    with pytest.raises(TypeError, match="steps must be an integer"):
        gd(net, X, y, 0.1, 2.5)
    with pytest.raises(TypeError, match="net must be"):
        gd((net.a, net.B), X, y, 0.1, 2)


@pytest.mark.slow
def test_progress_bar_only_for_long_runs_and_silent_when_disabled(problem, capsys, monkeypatch):
    X, y, net = problem
    slow = lambda k, n, loss: time.sleep(0.05)  # noqa: E731  (makes a 60-step run last ~3 s)
    gd(net, X, y, 0.1, 60, callback=slow, progress=True)
    assert "gd" in capsys.readouterr().err  # tqdm's bar, shown after its 2 s delay
    gd(net, X, y, 0.1, 5, progress=True)
    assert capsys.readouterr().err == ""  # a short run never shows a bar
    monkeypatch.setenv("MFNET_LITE_PROGRESS", "0")
    gd(net, X, y, 0.1, 60, callback=slow)
    assert capsys.readouterr().err == ""
