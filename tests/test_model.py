"""mfnet_lite.model: predictions, exact gradients (against finite differences), homogeneity,
rescaling invariance and Euler's identity (property tests), and input validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.model import balance, gradients, init_network, loss, phi, phi_gradient

SCALES = ["mean-field", "ntk", 0.37]


def central_difference(f, x, eps=1e-6):
    """Gradient of the scalar function f at the array x, by central differences."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        g[idx] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def test_predict_matches_the_defining_sum():
    rng = np.random.default_rng(0)
    a, B, X = rng.standard_normal(4), rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    by_hand = [sum(a[j] * max(B[j] @ x, 0.0) for j in range(4)) for x in X]
    assert_allclose(mf.Network(a, B).predict(X), np.array(by_hand) / 4, rtol=1e-13)
    assert_allclose(mf.Network(a, B, "ntk").predict(X), np.array(by_hand) / 2, rtol=1e-13)
    assert_allclose(mf.Network(a, B, 3.0).predict(X), np.array(by_hand) * 3, rtol=1e-13)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("loss_name", ["square", "logistic"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradients_match_finite_differences(scale, loss_name, reduction):
    rng = np.random.default_rng(1)
    X, y, _ = mf.data.teacher_student(30, 3, 4, rng)
    if loss_name == "logistic":
        y = np.where(y >= 0, 1.0, -1.0)
    net = init_network(7, 3, rng, scale=scale)
    ga, gB = gradients(net, X, y, loss=loss_name, reduction=reduction)
    kw = dict(loss=loss_name, reduction=reduction)
    fa = central_difference(lambda a: loss(net.replace(a=a), X, y, **kw), net.a.copy())
    fB = central_difference(lambda B: loss(net.replace(B=B), X, y, **kw), net.B.copy())
    # Central differences with eps = 1e-6 on a piecewise-smooth loss: truncation error
    # O(eps^2) and rounding ~ 1e-16 / eps; no kink is crossed for these random draws.
    assert_allclose(ga, fa, atol=1e-8, rtol=1e-6)
    assert_allclose(gB, fB, atol=1e-8, rtol=1e-6)


@pytest.mark.parametrize("scale", SCALES)
def test_frozen_layer_gets_zero_gradient_and_the_other_is_unchanged(scale):
    rng = np.random.default_rng(2)
    X, y, _ = mf.data.teacher_student(40, 2, 3, rng)
    net = init_network(5, 2, rng, scale=scale)
    ga, gB = gradients(net, X, y)
    ga_only, zero_B = gradients(net, X, y, trainable="a")
    zero_a, gB_only = gradients(net, X, y, trainable="B")
    assert_allclose(ga_only, ga, rtol=1e-14)
    assert_allclose(gB_only, gB, rtol=1e-14)
    assert not zero_B.any() and not zero_a.any()


def test_tiled_pass_equals_single_tile(monkeypatch):
    """The tiled forward/backward pass gives the same numbers for any tile shape, ragged
    tiles at the edges included, and the same as the formula written at full size."""
    from mfnet_lite import model

    rng = np.random.default_rng(3)
    X, y, _ = mf.data.teacher_student(101, 4, 3, rng)
    net = init_network(13, 4, rng)
    ref = model.value_and_gradients(net, X, y)  # one tile: 101 rows, 13 neurons
    for rows, cols in [(7, 5), (1, 1), (101, 4), (200, 13)]:  # 15 x 3 tiles, ..., one tile
        monkeypatch.setattr(model, "_TILE_ROWS", rows)
        monkeypatch.setattr(model, "_TILE_COLS", cols)
        tiled = model.value_and_gradients(net, X, y)
        for r, b in zip(ref, tiled, strict=True):
            # Only the order of the sums changes: rounding, 1e-12 of the values.
            assert_allclose(b, r, rtol=1e-12, atol=1e-15)
    Z = X @ net.B.T
    r = (net.factor * (np.maximum(Z, 0) @ net.a) - y) / len(y)
    grad_a = net.factor * (np.maximum(Z, 0).T @ r)
    grad_B = net.factor * net.a[:, None] * (((Z > 0) * r[:, None]).T @ X)
    assert_allclose(ref[1], grad_a, rtol=1e-12, atol=1e-15)
    assert_allclose(ref[2], grad_B, rtol=1e-12, atol=1e-15)


def test_threads_share_the_row_blocks(monkeypatch):
    """With several BLAS threads the row blocks are split among Python threads (block k to
    thread k mod T); the numbers are those of one thread, up to the order of the final sum."""
    from mfnet_lite import model

    rng = np.random.default_rng(4)
    X, y, _ = mf.data.teacher_student(101, 4, 3, rng)
    net = init_network(13, 4, rng)
    workers = model._workers
    assert workers(net.xp, 1, 2**30) == 1  # one block: no threads
    assert workers(net.xp, 8, 2**19) == 1  # a small step: no threads
    monkeypatch.setattr(model, "_TILE_ROWS", 7)  # 15 blocks
    monkeypatch.setattr(model, "_TILE_COLS", 5)
    ref = model.value_and_gradients(net, X, y)
    for threads in (2, 3, 15):
        monkeypatch.setattr(model, "_workers", lambda xp, blocks, n, t=threads: min(t, blocks))
        for r, b in zip(ref, model.value_and_gradients(net, X, y), strict=True):
            assert_allclose(b, r, rtol=1e-12, atol=1e-15)  # summation order only
        again = model.value_and_gradients(net, X, y)
        assert again[0] == model.value_and_gradients(net, X, y)[0]  # same split, same bits


def test_float32_stays_float32():
    net = init_network(5, 3, 0, dtype=np.float32)
    X = mf.data.sphere(8, 3, 1)
    assert net.predict(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in gradients(net, X, np.zeros(8)))


def test_network_is_immutable():
    net = init_network(3, 2, 0)
    with pytest.raises(ValueError, match="read-only"):
        net.a[0] = 1.0
    assert repr(net) == "Network(m=3, d=2, scale='mean-field')"


finite = st.floats(-3, 3, allow_nan=False, allow_subnormal=False)
vectors = st.lists(finite, min_size=3, max_size=3)


@settings(max_examples=60, deadline=None)
@given(a=finite, b=vectors, lam=st.floats(0, 10), seed=st.integers(0, 2**16))
def test_two_homogeneity(a, b, lam, seed):
    X = mf.data.sphere(5, 3, seed)
    b = np.array(b)
    assert_allclose(phi(lam * a, lam * b, X), lam**2 * phi(a, b, X), rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(a=finite, b=vectors, c=st.floats(0.01, 100), seed=st.integers(0, 2**16))
def test_rescaling_invariance(a, b, c, seed):
    X = mf.data.sphere(5, 3, seed)
    b = np.array(b)
    assert_allclose(phi(a / c, c * b, X), phi(a, b, X), rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(a=finite, b=vectors, seed=st.integers(0, 2**16))
def test_euler_identity(a, b, seed):
    """<w, grad_w Phi(w)(x)> = 2 Phi(w)(x), and the gradient agrees with finite differences."""
    X = mf.data.sphere(5, 3, seed)
    b = np.array(b)
    d_a, d_B = phi_gradient(a, b, X)
    assert_allclose(a * d_a + d_B @ b, 2 * phi(a, b, X), rtol=1e-12, atol=1e-12)


def test_phi_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    a, b, X = 0.7, rng.standard_normal(3), mf.data.sphere(6, 3, rng)
    d_a, d_B = phi_gradient(a, b, X)
    for i in range(6):
        f = lambda w, i=i: phi(w[0], w[1:], X)[i]  # noqa: E731
        fd = central_difference(f, np.r_[a, b])
        assert_allclose(np.r_[d_a[i], d_B[i]], fd, atol=1e-8)


def test_balance():
    net = mf.Network([3.0, 1.0], [[1.0, 2.0], [0.0, 1.0]])
    assert_allclose(balance(net), [4.0, 0.0])


def test_sample_outputs_variance_matches_closed_form_and_explicit_networks():
    """Var h(x) = |x|^2/(2m) (1/m) and |x|^2/2 (1/sqrt m): E[a^2 relu(g)^2] = E[relu(g)^2] = 1/2."""
    x = np.array([0.6, 0.8, 0.0])
    N, m = 20000, 50
    for scale, var in (("mean-field", 1 / (2 * m)), ("ntk", 0.5)):
        v = mf.model.sample_outputs(x, m, N, 5, scale=scale)
        # The sample variance of N draws has relative standard error sqrt(2/N) ~ 0.01
        # (nearly Gaussian here); 5 standard errors.
        assert abs(v.var() / var - 1) < 5 * np.sqrt(2 / N)
        assert abs(v.mean()) < 5 * np.sqrt(var / N)

    # The exact shortcut against whole networks drawn by init_network, for a small width where
    # the law is far from Gaussian (an atom at 0 of mass 2^-m): same law by a two-sample KS test.
    from scipy.stats import ks_2samp

    for m_small in (1, 3):
        explicit = [
            init_network(m_small, 3, s, init="gaussian", scale="ntk").predict(x[None])[0]
            for s in range(3000)
        ]
        shortcut = mf.model.sample_outputs(x, m_small, 3000, 6, scale="ntk")
        assert ks_2samp(explicit, shortcut).pvalue > 1e-3


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(a=np.ones(3), B=np.ones((4, 2))), "same number of neurons"),
        (dict(a=np.ones((3, 1)), B=np.ones((3, 2))), "a must be a 1-d"),
        (dict(a=np.ones(3), B=np.ones(3)), "B must be a 2-d"),
        (dict(a=[1.0, np.nan], B=np.ones((2, 2))), "a contains"),
        (dict(a=[1.0, 1.0], B=[[1.0, np.inf], [0, 0]]), "B contains"),
        (dict(a=np.ones(2), B=np.ones((2, 2)), scale="ntk2"), "scale"),
        (dict(a=np.ones(2), B=np.ones((2, 2)), scale=-1.0), "scale"),
        (dict(a=np.ones(0), B=np.ones((0, 2))), "at least one neuron"),
    ],
)
def test_network_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mf.Network(**kwargs)


def test_network_type_errors():
    with pytest.raises(TypeError, match="scale"):
        mf.Network(np.ones(2), np.ones((2, 2)), scale=[1])
    with pytest.raises(TypeError, match="B must be an array"):
        mf.Network(np.ones(2), "not an array")


def test_loss_and_gradients_reject_bad_data():
    net = init_network(3, 2, 0)
    X = mf.data.sphere(4, 2, 0)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        loss(net, np.ones((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="y must have shape"):
        loss(net, X, np.zeros(5))
    with pytest.raises(ValueError, match="X contains"):
        loss(net, np.full((4, 2), np.nan), np.zeros(4))
    with pytest.raises(ValueError, match="y contains"):
        gradients(net, X, np.array([0.0, np.inf, 0, 0]))
    with pytest.raises(ValueError, match="loss"):
        loss(net, X, np.zeros(4), loss="hinge")
    with pytest.raises(ValueError, match="y must hold labels"):
        loss(net, X, np.zeros(4), loss="logistic")
    with pytest.raises(ValueError, match="trainable"):
        gradients(net, X, np.zeros(4), trainable="b")
    with pytest.raises(TypeError, match="net must be"):
        loss("net", X, np.zeros(4))


@pytest.mark.parametrize("m, d, match", [(0, 2, "m == 0"), (3, 0, "d == 0")])
def test_init_rejects_non_positive_sizes(m, d, match):
    with pytest.raises(ValueError, match=match):
        init_network(m, d, 0)


def test_init_rejects_bad_radius_and_init():
    with pytest.raises(ValueError, match="radius"):
        init_network(3, 2, 0, radius=0.0)
    with pytest.raises(ValueError, match="init"):
        init_network(3, 2, 0, init="uniform")
    with pytest.raises(TypeError, match="rng"):
        init_network(3, 2, rng="seed")


def test_init_shapes_and_norms():
    net = init_network(50, 4, 0, init="sphere", radius=0.05)
    assert_allclose(np.linalg.norm(net.W, axis=1), 0.05, rtol=1e-12)
    bal = init_network(50, 4, 0, init="balanced", radius=0.05)
    assert_allclose(balance(bal), 0.0, atol=1e-15)
    assert_allclose(np.linalg.norm(bal.W, axis=1), 0.05, rtol=1e-12)
