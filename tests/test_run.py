"""One run type (issue 15 §1): every training loop returns a mfnet_lite.Run with one history,
one divergence check and named records; the old names still work with a DeprecationWarning."""

from __future__ import annotations

import numpy as np
import pytest

import mfnet_lite as mf
from mfnet_lite.train import DivergenceError, Run


@pytest.fixture
def du():
    X, y = mf.data.ntk_synthetic(30, 8, 0)
    return X, y, mf.ntk.init_du(40, 8, 1)


@pytest.fixture
def lazy():
    X, y, _ = mf.data.teacher_student(30, 3, 3, 0)
    return X, y, mf.lazy.symmetric_init(20, 3, 1, alpha=4.0)


def test_every_loop_returns_a_run(du, lazy):
    X, y, net = du
    Xl, yl, net0 = lazy
    runs = [
        mf.ntk.train_first_layer(net, X, y, 0.5, 5),
        mf.lazy.linearized_gd(net0, Xl, yl, 1.0, 5),
        mf.lazy.lazy_gd(net0, Xl, yl, 1.0, 5),
        mf.train.gd(net0, Xl, yl, 1.0, 5),
        mf.train.heavy_ball(net0, Xl, yl, 1.0, 5, 0.5),
        mf.train.kinetic(net0, Xl, yl, 0.5, 5, 1.0),
    ]
    for run in runs:
        assert isinstance(run, Run) and run.steps_taken == 5 and not run.diverged
        assert run.net0.m == run.m
        # the helpers that take a run take all of them
        assert mf.lazy.relative_movement(run) > 0
        assert run.step_times.shape == run.losses.shape


def test_first_layer_records_are_per_step(du):
    X, y, net = du
    run = mf.ntk.train_first_layer(net, X, y, 0.5, 6, record_every=2)
    for name in ("pattern_change", "max_distance", "outputs"):
        assert run.records[name].shape[0] == run.losses.shape[0]
    np.testing.assert_array_equal(run.snapshot_steps, [0, 2, 4, 6])
    np.testing.assert_allclose(run.records["outputs"][-1], run.net.predict(X), atol=1e-10)
    np.testing.assert_allclose(run.losses, 0.5 * ((run.records["outputs"] - y) ** 2).sum(1))


def test_one_divergence_check_for_every_loop(du, lazy):
    X, y, net = du
    Xl, yl, net0 = lazy
    loops = [
        lambda **kw: mf.ntk.train_first_layer(net, X, y, 500.0, 40, **kw),
        lambda **kw: mf.train.gd(net0, Xl, 10 * yl, 1e4, 40, **kw),
        lambda **kw: mf.lazy.linearized_gd(net0, Xl, yl, 1e5, 40, **kw),
    ]
    for loop in loops:
        with pytest.raises(DivergenceError, match=r"diverged at step \d+.*smaller step"):
            loop()
        run = loop(stop_on_divergence=True)
        assert run.diverged and run.steps_taken < 40 and np.all(np.isfinite(run.losses))
        assert "diverged" in repr(run)


def test_old_names_warn(du):
    X, y, net = du
    run = mf.ntk.train_first_layer(net, X, y, 0.5, 3)
    with pytest.warns(DeprecationWarning, match="records"):
        np.testing.assert_array_equal(run.pattern_change, run.records["pattern_change"])
    with pytest.warns(DeprecationWarning, match="records"):
        assert run.extras is run.records
    with pytest.warns(DeprecationWarning, match="DuRun"):
        assert mf.ntk.DuRun is Run
    with pytest.raises(AttributeError):
        run.no_such_thing  # noqa: B018
