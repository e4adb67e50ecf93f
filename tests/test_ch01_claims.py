"""The numerical claims of chapter 1, checked on seeds the chapter does not use.

The chapter's setting: a teacher-student problem with n = 200, d = 2, m0 = 5 and a student of
m = 50 neurons of norm 1 (mean-field scaling, mf.train.gd's mean-field time); steps
eta = 0.4 / 2^k, k = 0..4; the fixed training time T = 10.
"""

import numpy as np
import pytest

import mfnet_lite as mf
from mfnet_lite.model import balance, gradients

ETAS = 0.4 / 2 ** np.arange(5)


@pytest.fixture(scope="module", params=[11, 12])
def problem(request):
    rng = np.random.default_rng(request.param)
    X, y, _ = mf.data.teacher_student(200, 2, m0=5, rng=rng)
    return X, y, mf.model.init_network(50, 2, rng)


def drift(net, X, y, eta, steps):
    return np.abs(balance(mf.train.gd(net, X, y, eta, steps).net) - balance(net)).max()


def test_one_step_change_is_divided_by_four(problem):
    """'each halving of eta divides the one-step change by four ... to within (rounding)'."""
    X, y, net = problem
    per_step = np.array([drift(net, X, y, eta, 1) for eta in ETAS])
    # a^2 - |b|^2 of size ~1 cancels to changes ~1e-4..1e-6: rounding of ~1e-16 / 1e-6 = 1e-10
    np.testing.assert_allclose(per_step[:-1] / per_step[1:], 4.0, rtol=1e-7)


def test_fixed_time_drift_is_divided_by_two_in_the_limit(problem):
    """'divided by ... at the first halving and by ... at the last, tending to two'."""
    X, y, net = problem
    over_T = np.array([drift(net, X, y, eta, round(10 / eta)) for eta in ETAS])
    ratio = over_T[:-1] / over_T[1:]
    assert np.all((1.9 < ratio) & (ratio < 2.1))  # measured 2.00-2.03 on the chapter's seed
    assert abs(ratio[-1] - 2) < abs(ratio[0] - 2)


def test_fixed_time_drift_is_the_sum_of_the_one_step_changes():
    """Independent of the figure's code path: the drift over T/eta steps equals the sum of the
    closed-form one-step changes eta^2((g.b)^2 - a^2|g|^2) along the trajectory."""
    rng = np.random.default_rng(13)
    X, y, _ = mf.data.teacher_student(200, 2, m0=5, rng=rng)
    net = mf.model.init_network(50, 2, rng)
    eta, steps = 0.1, 100
    total = np.zeros(net.m)
    current = net
    for _ in range(steps):
        ga, gB = gradients(current, X, y)
        g = current.m * gB / current.a[:, None]
        total += eta**2 * ((g * current.B).sum(1) ** 2 - current.a**2 * (g**2).sum(1))
        current = current.replace(
            a=current.a - eta * current.m * ga, B=current.B - eta * current.m * gB
        )
    run = mf.train.gd(net, X, y, eta, steps)
    np.testing.assert_allclose(balance(run.net) - balance(net), total, atol=1e-12)


def test_output_variances_at_initialisation():
    """'The sample variances ... match 1/200 and 1/2 to within the sampling error of 2000 draws'."""
    x = np.array([1.0, 0.0])
    for seed in range(3):
        for scale, predicted in (("mean-field", 1 / 200), ("ntk", 1 / 2)):
            v = mf.model.sample_outputs(x, 100, 2000, seed, scale=scale).var()
            # 4 relative standard deviations sqrt(2/2000) of a sample variance (the law of c sqrt(K) Z
            # has slightly heavier tails than a Gaussian: 4 rather than 3)
            assert abs(v / predicted - 1) < 4 * np.sqrt(2 / 2000)
