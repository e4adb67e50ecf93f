"""Edges of the public API that must fail clearly (issue 15 §4), and a property test over the
main entry points: every call either returns finite numbers of the documented shape or raises
a ``ValueError``/``TypeError`` (never a ``ZeroDivisionError``, an ``IndexError``, a NaN)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mfnet_lite as mf
from mfnet_lite import kernels, model, train, transport
from mfnet_lite.data import sphere
from mfnet_lite.model import Network, init_network


@pytest.fixture
def problem():
    X, y, _ = mf.data.teacher_student(20, 2, 3, 0)
    return X, y, init_network(10, 2, 1, radius=0.1)


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "kinetic"])
def test_zero_steps_return_the_start(problem, method):
    X, y, net = problem
    args = {"gd": (0.1, 0), "heavy_ball": (0.1, 0, 0.5), "kinetic": (0.1, 0, 1.0)}[method]
    run = getattr(train, method)(net, X, y, *args)
    assert run.steps_taken == 0
    assert run.losses.shape == (1,)
    assert run.losses[0] == pytest.approx(model.loss(net, X, y))
    np.testing.assert_array_equal(run.net.B, net.B)
    np.testing.assert_array_equal(run.snapshot_steps, [0])


def test_empty_data_is_a_named_error(problem):
    _, _, net = problem
    X0, y0 = np.zeros((0, 2)), np.zeros(0)
    for f in (model.loss, model.gradients):
        with pytest.raises(ValueError, match="at least one input"):
            f(net, X0, y0)
    with pytest.raises(ValueError, match="at least one input"):
        train.gd(net, X0, y0, 0.1, 3)


def test_empty_matrix_and_zero_width():
    with pytest.raises(ValueError, match="0 x 0"):
        kernels.lambda_min(np.zeros((0, 0)))
    with pytest.raises(ValueError, match="at least one neuron"):
        kernels.ntk_gram(np.zeros((0, 2)), sphere(4, 2, 0))


@pytest.mark.parametrize("dtype", [int, np.int32, bool, complex, np.float16, "foo", object])
def test_only_real_floating_dtypes(dtype):
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64"):
        init_network(3, 2, 0, dtype=dtype)
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64"):
        sphere(3, 2, 0, dtype=dtype)


def test_float32_and_float64_are_accepted():
    assert init_network(3, 2, 0, dtype=np.float32).dtype == np.float32
    assert sphere(3, 2, 0, dtype="float64").dtype == np.float64


def test_sliced_w2_guards_every_row():
    P = np.zeros((4, 2))
    Q = np.zeros((4, 2))
    P[3, 0] = 1e200  # after the first row: the guard used to read P[:1] only
    with pytest.raises(ValueError, match="overflow"):
        transport.w2(P, Q)
    with pytest.raises(ValueError, match="overflow"):
        transport.sliced_w2(P, Q, rng=0)


@pytest.mark.parametrize("tol", [-1.0, float("nan"), float("inf")])
def test_sphere_measure_tolerance(tol):
    net = init_network(4, 2, 0)
    with pytest.raises(ValueError, match="tol"):
        transport.sphere_measure(net, tol=tol)


def test_frozen_layer_has_no_velocity(problem):
    X, y, net = problem
    v = (np.ones(net.m), np.zeros((net.m, net.d)))
    with pytest.raises(ValueError, match=r"velocity\[0\] must be zero"):
        train.kinetic(net, X, y, 0.1, 3, 1.0, trainable="B", velocity=v)
    # the trained layer may start in motion; the frozen one's (zero) velocity adds nothing
    run = train.kinetic(net, X, y, 0.1, 0, 1.0, trainable="a", velocity=v)
    assert run.records["energies"][0] == pytest.approx(run.losses[0] + net.m / (2 * net.m))


def test_overflowing_inputs_raise(problem):
    _, _, net = problem
    X = np.full((2, 2), 1e200)
    y = np.zeros(2)
    with pytest.raises(ValueError, match="overflowed"):
        net.replace(B=net.B * 1e150).predict(X)
    assert np.all(np.isfinite(net.predict(X)))  # outputs near 1e199 are still numbers
    with pytest.raises(ValueError, match="overflowed"):
        model.loss(net, X, y)
    with pytest.raises(ValueError, match="overflowed"):
        model.gradients(net, X, y)


def test_callback_must_be_callable(problem):
    X, y, net = problem
    with pytest.raises(TypeError, match="callback must be callable"):
        train.gd(net, X, y, 0.1, 3, callback=3)


def test_memory_guard_states_the_size(monkeypatch):
    # the example: H_infinity at n = 40 000 (two n x n float64 arrays at the peak)
    monkeypatch.setenv("MFNET_LITE_MEMORY", str(8 * 2**30))
    X = np.zeros((40_000, 1))
    X[:, 0] = 1.0
    with pytest.raises(ValueError, match=r"h_infinity with n = 40000 would need 23\.8 GiB"):
        kernels.h_infinity(X, on_parallel="ignore")


def test_memory_guard_uses_the_machine_size(monkeypatch):
    monkeypatch.setenv("MFNET_LITE_MEMORY", str(2**20))  # a 1 MiB machine
    X = sphere(400, 3, 0)
    with pytest.raises(ValueError, match=r"would need 2\.4 MiB of memory, more than .* 1\.0 MiB"):
        kernels.h_infinity(X)
    with pytest.raises(ValueError, match="would need"):
        kernels.ntk_gram(np.ones((10, 3)), X)


# --- a property test over dtypes, shapes and values of the main entry points ---------------

_dtypes = st.sampled_from([np.float32, np.float64, np.int64, np.bool_])
_values = st.floats(allow_nan=True, allow_infinity=True, width=32)


def _arrays(shape):
    return _dtypes.flatmap(
        lambda dt: (
            hnp.arrays(dt, shape, elements=_values.map(dt))
            if dt in (np.float32, np.float64)
            else hnp.arrays(dt, shape)
        )
    )


_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def _clear(f, *args, **kwargs):
    """Call f; accept a ValueError/TypeError, else the result must be finite."""
    try:
        out = f(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        assert str(exc), "an error must say what is wrong"
        return None
    for value in out if isinstance(out, tuple) else (out,):
        if isinstance(value, np.ndarray | float):
            assert np.all(np.isfinite(value)), f"{f.__name__} returned a non-finite value"
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=_arrays(_shapes), B=_arrays(_shapes), X=_arrays(_shapes), y=_arrays(_shapes))
def test_model_entry_points_fail_clearly(a, B, X, y):
    with np.errstate(all="ignore"):
        a = a.astype(np.float64) if a.dtype == np.float16 else a
    net = _clear(Network, a, B)
    if net is None:
        return
    _clear(net.predict, X)
    _clear(model.loss, net, X, y)
    _clear(model.gradients, net, X, y)
    _clear(train.gd, net, X, y, 0.01, 2)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(-2, 6),
    d=st.integers(-2, 4),
    dtype=st.sampled_from([np.float32, np.float64, int, bool, complex, "foo"]),
    rng=st.one_of(st.none(), st.integers(-3, 5), st.just("x")),
)
def test_drawing_entry_points_fail_clearly(n, d, dtype, rng):
    X = _clear(sphere, n, d, rng, dtype=dtype)
    if X is not None:
        assert X.shape == (n, d) and X.dtype == np.dtype(dtype)
        np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-5)
    net = _clear(init_network, n, d, rng, dtype=dtype)
    if net is not None:
        assert (net.m, net.d, net.dtype) == (n, d, np.dtype(dtype))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(P=_arrays(_shapes), Q=_arrays(_shapes))
def test_distances_fail_clearly(P, Q):
    w = _clear(transport.w2, P, Q)
    s = _clear(transport.sliced_w2, P, Q, rng=0)
    if w is not None and s is not None:
        assert s <= w + 1e-9 * max(1.0, w)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(W=_arrays(_shapes), H=_arrays(_shapes), n=st.integers(0, 5))
def test_kernel_entry_points_fail_clearly(W, H, n):
    X = sphere(max(n, 1), 3, 0)[:n]
    G = _clear(kernels.ntk_gram, W, X)
    if G is not None:
        assert G.shape == (n, n)
        if n:
            assert kernels.lambda_min(G) >= -1e-10
    lam = _clear(kernels.lambda_min, H)
    if lam is not None:
        assert isinstance(lam, float)


# --- issue 21: the shared validation layer closes each class -------------------------------


def test_huge_rows_keep_their_directions():
    # normalise rows before the products: the true |cos| is 1/sqrt(2), not 0 after an overflow
    assert mf.data.max_abs_cosine([[1e200, 0], [1e200, 1e200]]) == pytest.approx(2**-0.5)
    with pytest.raises(ValueError, match="parallel rows"):
        mf.data.check_not_parallel(np.array([[1e200, 1e200], [2e200, 2e200]]))


def test_distances_refuse_overflow_from_one_threshold():
    from mfnet_lite._validation import SQUARE_SAFE, TOTAL_SAFE

    assert SQUARE_SAFE**2 * 4 * 2**20 <= np.finfo(np.float64).max  # computed, not a magic 1e160
    big = [[3e153, 0.0]]
    for f in (transport.sliced_w2, transport.w2, transport.optimal_plan, transport.sinkhorn_w2):
        with pytest.raises(ValueError, match="rescale P"):
            f(big, [[0.0, 0.0]])
        with pytest.raises(ValueError, match="total of p"):
            f([[1.0, 0.0]], [[0.0, 0.0]], [10 * TOTAL_SAFE], [10 * TOTAL_SAFE])


def test_hk_cost_checks_its_inputs():
    with pytest.raises(ValueError, match="unit-norm"):
        transport.hk_cost([[1.0, 0.0]], [[2.0, 0.0]])
    with pytest.raises(ValueError, match="NaN"):
        transport.hk_cost([[np.nan, 0.0]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match="2-d"):
        transport.hk_cost([1.0, 0.0], [[1.0, 0.0]])
    np.testing.assert_allclose(transport.hk_cost([[1.0, 0.0]], [[1.0, 0.0]]), [[0.0]], atol=1e-15)


def test_rate_bound_and_fit_slope_refuse_what_bounds_nothing():
    from mfnet_lite import ntk

    with pytest.raises(ValueError, match="steps == -1"):
        ntk.rate_bound(1.0, 1.0, 0.1, -1)
    with pytest.raises(ValueError, match="bounds nothing"):
        ntk.rate_bound(1.0, 1.0, 3.0, 4)
    with pytest.raises(ValueError, match="2 distinct"):
        ntk.fit_slope([3, 3], [1.0, 2.0])
    with pytest.raises(ValueError, match="2 distinct"):
        ntk.fit_slope([3], [1.0])
    with pytest.raises(ValueError, match="widths must be positive"):
        ntk.fit_slope([-1, 3], [1.0, 2.0])
    with pytest.raises(ValueError, match="left the finite numbers"):
        ntk.kernel_predictions(10 * np.eye(2), np.ones(2), np.zeros(2), 1e300, 10)


def test_memory_is_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("MFNET_LITE_MEMORY", str(2**30))
    X, y, _ = mf.data.teacher_student(5, 2, 2, 0)
    for f in (
        lambda: mf.chaos.coupled_gaps(X, y, [10], reference=10**9),
        lambda: init_network(10**12, 3),
        lambda: mf.data.circle(10**12),
        lambda: train.gd(init_network(3, 2, 0), X, y, 0.1, 10**12),
    ):
        with pytest.raises(ValueError, match="would need .* of memory"):
            f()


def test_truthy_strings_and_wrong_counts_are_refused():
    X, y, _ = mf.data.teacher_student(5, 2, 2, 0)
    net = init_network(3, 2, 0)
    with pytest.raises(TypeError, match="progress must be True or False"):
        train.gd(net, X, y, 0.1, 2, progress="yes")
    with pytest.raises(TypeError, match="check_symmetric must be True or False"):
        kernels.lambda_min(np.eye(2), check_symmetric="no")
    with pytest.raises(ValueError, match="steps == -1"):
        train.Recorder(-1, None, 0.1, 10.0, False, "x")
    with pytest.raises(ValueError, match="record_every == 0"):
        train.gd(net, X, y, 0.1, 2, record_every=0)
    with pytest.raises(ValueError, match="dimension d >= 1"):
        Network(np.ones(2), np.ones((2, 0)))
    with pytest.raises(ValueError, match="at least one value"):
        mf.chaos.coupled_gaps(X, y, [], reference=10)
    with pytest.raises(ValueError, match="atol == -1"):
        kernels.check_unit_norm([[1.0, 0.0]], atol=-1)
    with pytest.raises(TypeError, match="atol must be a real number"):
        kernels.check_unit_norm([[1.0, 0.0]], atol="x")
    with pytest.raises(ValueError, match="loss == 'foo'"):
        model.value_and_gradients_arrays(net.a, net.B, net.factor, X, y, "foo", "mean")
