"""mfnet_lite.chaos: the coupling gap between m particles and tracers of a large reference run,
against an independent re-simulation (mf.train.gd for every system, the feature gradients of
mf.model.phi_gradient for the tracers); the log-log slope on known answers; the input checks.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf


@pytest.fixture(scope="module")
def data():
    return mf.data.teacher_student(40, 2, 3, 5)


def test_coupled_gaps_match_an_independent_simulation(data):
    X, y, _ = data
    widths, M, draws, step, steps, every, radius = [5, 12], 150, 2, 2.0, 12, 4, 0.3
    res = mf.chaos.coupled_gaps(
        X,
        y,
        widths,
        reference=M,
        draws=draws,
        step=step,
        steps=steps,
        record_every=every,
        radius=radius,
        rng=7,
    )
    # the same draws, in the documented order: the reference first, then width by width
    rng = np.random.default_rng(7)
    ref0 = mf.model.init_network(M, 2, rng, radius=radius)
    starts = [mf.model.init_network(m, 2, rng, radius=radius) for m in widths for _ in range(draws)]
    ref_run = mf.train.gd(ref0, X, y, step, steps, record_every=1)
    refs = list(ref_run.snapshots())
    expected = np.zeros((steps // every + 1, len(widths)))
    for i, start in enumerate(starts):
        run = mf.train.gd(start, X, y, step, steps, record_every=every)
        T = start.W.copy()  # the tracer: moved by the reference's field
        for k in range(steps + 1):
            if k % every == 0:
                W = run.snapshot(k // every).W
                expected[k // every, i // draws] += np.mean(np.sum((W - T) ** 2, axis=1)) / draws
            if k < steps:
                r = refs[k].predict(X) - y
                d_a, d_B = mf.model.phi_gradient(T[:, 0], T[:, 1:], X)
                v = np.column_stack([d_a @ r, np.einsum("jnd,n->jd", d_B, r)]) / len(y)
                T = T - step * v
    assert_allclose(res.times, step * np.arange(0, steps + 1, every))
    assert_allclose(res.gaps, np.sqrt(expected), rtol=1e-9, atol=1e-14)
    assert_allclose(res.reference_losses, ref_run.losses[::every], rtol=1e-9)
    assert np.all(res.gaps[0] == 0.0) and np.all(res.gaps[1:] > 0)
    assert_allclose(res.scaled(), res.gaps * np.sqrt(widths))


def test_coupled_gaps_same_seed_same_numbers(data):
    X, y, _ = data
    a, b = (mf.chaos.coupled_gaps(X, y, [4, 8], reference=60, steps=5, rng=1) for _ in range(2))
    assert np.array_equal(a.gaps, b.gaps)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(widths=[10, 100]), "widths"),
        (dict(widths=[]), "widths"),
        (dict(widths=[0]), "widths"),
        (dict(widths=[5], step=0.0), "step"),
        (dict(widths=[5], radius=-1.0), "radius"),
        (dict(widths=[5], draws=0), "draws"),
        (dict(widths=[5], record_every=0), "record_every"),
    ],
)
def test_coupled_gaps_rejects_bad_input(data, kwargs, match):
    X, y, _ = data
    with pytest.raises(ValueError, match=match):
        mf.chaos.coupled_gaps(X, y, reference=100, steps=2, **kwargs)


def test_coupled_gaps_rejects_mismatched_data(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="y must have shape"):
        mf.chaos.coupled_gaps(X, y[:-1], [5], reference=100, steps=2)


def test_coupled_gaps_stops_a_diverging_run(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="lower step"):
        mf.chaos.coupled_gaps(X, 1e3 * y, [5], reference=50, step=1e6, steps=50, radius=5.0)


def test_the_one_loglog_fit_gives_the_rates_of_this_chapter():
    """Chapter 3 fits its exponents with the package's one log-log fit, mf.ntk.fit_slope."""
    m = np.array([10.0, 40.0, 160.0])
    assert mf.ntk.fit_slope(m, 3.0 / np.sqrt(m))[0] == pytest.approx(-0.5, abs=1e-12)
    assert mf.ntk.fit_slope(m, 2.0 * m)[0] == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match="positive"):
        mf.ntk.fit_slope([1, 2], [1, 0])
    with pytest.raises(ValueError, match="rows"):
        mf.ntk.fit_slope([1, 2], [1, 2, 3])
