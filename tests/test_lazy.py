"""mfnet_lite.lazy: the symmetric start, the scaled step, the linearisation (its Jacobian against
finite differences, its training against the kernel formula), the movement bound, the Jacobian
change against explicit Jacobians, monotonicity in alpha over seeds, and input validation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.lazy import (
    Linearization,
    alpha_of,
    alpha_sweep,
    jacobian_change,
    lazy_gd,
    linearization_gap,
    linearized_gd,
    movement_bound,
    relative_movement,
    symmetric_init,
)


@pytest.fixture(scope="module")
def data():
    X, y, _ = mf.data.teacher_student(30, 4, 3, 0)
    return X, y


def test_symmetric_start_outputs_zero(data):
    X, _ = data
    net = symmetric_init(40, 4, 1, alpha=50.0)
    assert alpha_of(net) == pytest.approx(50.0)
    assert np.abs(net.predict(X)).max() < 1e-14


def test_lazy_gd_is_gd_on_the_scaled_objective(data):
    """One step: W - eta m nabla F_alpha, with F_alpha = alpha^-2 G of the alpha-network."""
    X, y = data
    alpha, eta = 7.0, 0.3
    net = symmetric_init(20, 4, 2, alpha=alpha)
    ga, gB = mf.model.gradients(net, X, y)
    run = lazy_gd(net, X, y, eta, 1)
    assert_allclose(run.net.a, net.a - eta * net.m * ga / alpha**2, rtol=1e-13)
    assert_allclose(run.net.B, net.B - eta * net.m * gB / alpha**2, rtol=1e-13)


def test_jacobian_matches_finite_differences(data):
    X, _ = data
    net = mf.model.init_network(6, 4, 3, scale=2.0 / 6)
    J = Linearization(net).jacobian(X[:7])
    w0, eps = net.W.ravel(), 1e-6

    def out(w):
        W = w.reshape(net.m, -1)
        return net.replace(a=W[:, 0], B=W[:, 1:]).predict(X[:7])

    fd = np.array([(out(w0 + eps * e) - out(w0 - eps * e)) / (2 * eps) for e in np.eye(w0.size)]).T
    # central differences on a piecewise-linear-in-B model: exact but for rounding ~1e-16/eps
    assert_allclose(J, fd, atol=1e-8)


def test_linearization_agrees_with_the_network_to_first_order(data):
    X, _ = data
    net = mf.model.init_network(10, 4, 4)
    lin = Linearization(net)
    rng = np.random.default_rng(0)
    for t in (1e-2, 1e-3):
        moved = net.replace(
            a=net.a + t * rng.standard_normal(10), B=net.B + t * rng.standard_normal((10, 4))
        )
        err = np.abs(lin.predict(X, moved) - moved.predict(X)).max()
        assert err < 50 * t**2  # second order (no activation pattern flips at these sizes)
    assert_allclose(lin.predict(X, net), net.predict(X), rtol=1e-13)


def test_linearized_gd_converges_to_the_kernel_interpolant(data):
    X, y = data
    net = symmetric_init(100, 4, 5, alpha=1.0)
    lin = Linearization(net)
    run = linearized_gd(net, X[:15], y[:15], 2.0, 30_000)
    J, J_test = lin.jacobian(X[:15]), lin.jacobian(X[15:])
    kernel = J_test @ J.T @ np.linalg.solve(J @ J.T, y[:15])
    assert run.losses[-1] < 1e-12 * run.losses[0]
    assert_allclose(lin.predict(X[15:], run.net), kernel, atol=1e-8)


def test_relative_movement_shrinks_like_one_over_alpha(data):
    X, y = data
    moves = [
        relative_movement(lazy_gd(symmetric_init(40, 4, 6, alpha=a), X, y, 2.0, 300))
        for a in (10, 100)
    ]
    # O(1/alpha) with a fixed number of steps: ratio 10 up to the O(1/alpha^2) correction
    assert 8 < moves[0] / moves[1] < 12


def test_gd_stays_inside_the_movement_bound(data):
    """Theorem thm-ch5-movement: the flow obeys the bound, GD in the descent regime within sqrt 2."""
    X, y = data
    for alpha in (1.0, 10.0, 100.0):
        net = symmetric_init(40, 4, 7, alpha=alpha)
        for step, steps in ((0.5, 400), (2.0, 100)):
            run = lazy_gd(net, X, y, step, steps)
            assert np.all(np.diff(run.losses) <= 0)  # the descent regime the sqrt 2 needs
            bound = movement_bound(net, X, y, step * steps)
            assert relative_movement(run) <= np.sqrt(2) * bound
    # the formula: sqrt(m t R(0)) / (alpha |W0|), exactly 1/alpha in alpha and 0 at t = 0
    net = symmetric_init(40, 4, 7, alpha=3.0)
    direct = np.sqrt(40 * 5.0 * 0.5 * np.mean(y**2)) / (3.0 * np.linalg.norm(net.W))
    assert_allclose(movement_bound(net, X, y, 5.0), direct, rtol=1e-13)
    assert movement_bound(net, X, y, 0.0) == 0.0


def test_jacobian_change_against_explicit_jacobians(data):
    X, y = data
    net0 = symmetric_init(20, 4, 8, alpha=5.0)
    net = lazy_gd(net0, X, y, 2.0, 200).net
    J0 = Linearization(net0).jacobian(X).reshape(len(X), 20, 5)
    J1 = Linearization(net).jacobian(X).reshape(len(X), 20, 5)
    change = jacobian_change(net0, net, X)
    rel = lambda s: np.linalg.norm(J1[s] - J0[s]) / np.linalg.norm(J0[s])  # noqa: E731
    # same quantities computed another way: only rounding differs
    assert_allclose(change["total"], rel(np.s_[:]), rtol=1e-12)
    assert_allclose(change["a"], rel(np.s_[:, :, 0]), rtol=1e-12)
    assert_allclose(change["B"], rel(np.s_[:, :, 1:]), rtol=1e-12)
    flips = np.mean((X @ net.B.T > 0) != (X @ net0.B.T > 0))
    assert change["flips"] == flips and 0 < flips < 0.5
    assert jacobian_change(net0, net0, X) == {"total": 0.0, "a": 0.0, "B": 0.0, "flips": 0.0}


def test_linearization_gap_is_the_rms_distance(data):
    X, y = data
    net0 = symmetric_init(20, 4, 9, alpha=4.0)
    run, lin_run = lazy_gd(net0, X, y, 2.0, 50), linearized_gd(net0, X, y, 2.0, 50)
    h_lin = Linearization(net0).jacobian(X) @ (lin_run.net.W - net0.W).ravel()  # h(W0) = 0
    expected = np.sqrt(np.mean((run.net.predict(X) - h_lin) ** 2))
    assert_allclose(linearization_gap(net0, run.net, lin_run.net, X), expected, rtol=1e-10)


def test_larger_alpha_is_lazier_on_every_seed():
    """Three scales, three seeds, the same training time: movement and gap both decrease."""
    sweep = alpha_sweep(
        [3, 30, 300], seeds=[0, 1, 2], n=30, d=4, m=40, rtol=None, max_steps=300, n_test=200
    )
    assert np.all(np.diff(sweep["movement"], axis=0) < 0)
    assert np.all(np.diff(sweep["gap"], axis=0) < 0)
    assert np.all(np.diff(sweep["jacobian_a"], axis=0) < 0)
    assert not sweep["reached"].any()  # rtol=None: a fixed time, no stopping rule


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: symmetric_init(5, 2, 0), "must be even"),
        (lambda: symmetric_init(4, 2, 0, alpha=0.0), "alpha == 0"),
        (lambda: symmetric_init(0, 2, 0), "m == 0"),
        (
            lambda: lazy_gd(symmetric_init(4, 2, 0), np.ones((3, 2)), np.ones(3), -1.0, 2),
            "step == -1",
        ),
        (
            lambda: linearized_gd(symmetric_init(4, 2, 0), np.ones((3, 2)), np.ones(4), 1.0, 2),
            "y must have shape",
        ),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_named_errors_of_the_new_functions(data):
    X, y = data
    net0 = symmetric_init(4, 4, 0)
    other = symmetric_init(6, 4, 0)
    with pytest.raises(ValueError, match="alphas"):
        alpha_sweep([1.0, -2.0], seeds=[0])
    with pytest.raises(ValueError, match="seeds"):
        alpha_sweep([1.0], seeds=[-1])
    with pytest.raises(ValueError, match="rtol"):
        alpha_sweep([1.0], seeds=[0], rtol=0.0)
    with pytest.raises(ValueError, match="time"):
        movement_bound(net0, X, y, -1.0)
    with pytest.raises(ValueError, match="net must have the width"):
        jacobian_change(net0, other, X)
    with pytest.raises(ValueError, match="net must have the width"):
        Linearization(net0).predict(X, other)
    with pytest.raises(ValueError, match="X must have shape"):
        jacobian_change(net0, net0, X[:, :3])


def test_type_errors():
    with pytest.raises(TypeError, match="net0 must be"):
        Linearization("network")
    with pytest.raises(TypeError, match="run must be"):
        relative_movement("run")
    with pytest.raises(TypeError, match="net must be"):
        linearization_gap(
            symmetric_init(4, 2, 0), "network", symmetric_init(4, 2, 0), np.ones((3, 2))
        )


def test_width_sweep_is_alpha_sweep_per_width():
    options = dict(n=20, d=4, m0=2, rtol=None, max_steps=30, n_test=50)
    out = mf.lazy.width_sweep([10, 20], 5.0, seeds=[0, 1], **options)
    assert out["gap"].shape == (2, 2)
    single = mf.lazy.alpha_sweep([5.0], seeds=[0, 1], m=20, **options)
    for key in single:  # one row per width, one column per seed
        np.testing.assert_array_equal(out[key][1], single[key][0])
    with pytest.raises(TypeError, match="m="):
        mf.lazy.width_sweep([10], 5.0, seeds=[0], m=10)
    with pytest.raises(ValueError, match="widths"):
        mf.lazy.width_sweep([], 5.0, seeds=[0])


def test_sweep_slopes_known_answer_and_checks():
    x = np.array([1.0, 4.0, 16.0, 64.0])
    sweep = {
        "a": np.column_stack([3 * x**-0.5, 3 * x**-0.5]),
        "b": np.column_stack([x, 3 * x]),
        "z": np.zeros((4, 2)),
    }
    slopes = mf.lazy.sweep_slopes(x, sweep)
    assert set(slopes) == {"a", "b"}  # "z" is not positive: skipped by default
    np.testing.assert_allclose([slopes["a"], slopes["b"]], [-0.5, 1.0], atol=1e-12)
    # fit_from drops the first points: a kinked series is fitted on its tail only
    kinked = {"k": np.array([[10.0, 1.0, 0.5, 0.25]]).T}
    np.testing.assert_allclose(mf.lazy.sweep_slopes(x, kinked, fit_from=1)["k"], -0.5, atol=1e-12)
    with pytest.raises(ValueError, match="fit_from"):
        mf.lazy.sweep_slopes(x, sweep, fit_from=3)
    with pytest.raises(ValueError, match="rows"):
        mf.lazy.sweep_slopes(x[:3], sweep, keys=["a"])
    with pytest.raises(ValueError, match="positive"):
        mf.lazy.sweep_slopes(x, sweep, keys=["z"])


def test_relative_movement_of_one_layer_on_a_du_run():
    """layer="B" on chapter 6's model (a fixed): the first layer's relative movement, by hand."""
    X, y = mf.data.ntk_synthetic(20, 5, 0)
    run = mf.ntk.train_first_layer(mf.ntk.init_du(30, 5, 1), X, y, 0.5, 20)
    by_hand = np.linalg.norm(run.net.B - run.net0.B) / np.linalg.norm(run.net0.B)
    np.testing.assert_allclose(relative_movement(run, layer="B"), by_hand, rtol=1e-12)
    assert relative_movement(run, layer="a") == 0.0  # the output weights never move
    assert relative_movement(run) < relative_movement(run, layer="B")  # |a| adds to |W_0| only
    with pytest.raises(ValueError, match="layer"):
        relative_movement(run, layer="W")


def test_gap_parts_by_loops_over_neurons():
    """gap_parts against a neuron-by-neuron evaluation of its three parts."""
    X, y, X_test, _, start = mf.lazy.draw(1, n=20, d=3, m=10, n_test=15)
    net0 = mf.lazy.with_alpha(start, 5.0)
    net = mf.lazy.lazy_gd(net0, X, y, 2.0, 50).net
    lin_net = mf.lazy.linearized_gd(net0, X, y, 2.0, 50).net
    relu = lambda z: max(z, 0.0)  # noqa: E731
    flip, second, traj, count = [], [], [], 0
    for x in X_test:
        f = s = t = 0.0
        for j in range(net0.m):
            z0, z, zl = net0.B[j] @ x, net.B[j] @ x, lin_net.B[j] @ x
            step = 1.0 if z0 > 0 else 0.0
            f += net0.a[j] * (relu(z) - relu(z0) - step * (z - z0))
            s += (net.a[j] - net0.a[j]) * (relu(z) - relu(z0))
            t += relu(z0) * (net.a[j] - lin_net.a[j]) + net0.a[j] * step * (z - zl)
            count += (z > 0) != (z0 > 0)
        flip.append(net0.factor * f), second.append(net0.factor * s), traj.append(net0.factor * t)
    rms = lambda v: np.sqrt(np.mean(np.square(v)))  # noqa: E731
    parts = mf.lazy.gap_parts(net0, net, lin_net, X_test)
    assert parts["flip"] == pytest.approx(rms(flip), rel=1e-10)
    assert parts["second"] == pytest.approx(rms(second), rel=1e-10)
    assert parts["trajectory"] == pytest.approx(rms(traj), rel=1e-10)
    assert parts["gap"] == pytest.approx(mf.lazy.linearization_gap(net0, net, lin_net, X_test), rel=1e-10)
    assert parts["flipped"] == count / len(X_test)
    with pytest.raises(TypeError, match="lin_net"):
        mf.lazy.gap_parts(net0, net, lin_net.B, X_test)
