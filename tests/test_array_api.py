"""One code on several array libraries (issue 17): the model, its gradients, the training loops
and the kernels computed on array-api-strict (the standard's reference library, which rejects
anything outside the standard) and on PyTorch's CPU tensors agree with NumPy to 1e-12 in
float64; results stay in the network's library, records come back as NumPy; a seed gives the
same noise on every library; mixing libraries and bad input fail with a clear error.

PyTorch is a test requirement (requirements-test.txt): its CPU wheel installs in about 80 s
into a fresh venv, so these tests never skip.
"""

import array_api_strict
import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite._array import to_numpy

BACKENDS = ["array_api_strict", "torch"]
# Float64 on both sides; the libraries differ only in the order of their sums (BLAS kernels), so
# results agree to a few units of rounding, far inside 1e-12, after 200 steps as after one.
RTOL = 1e-12


def close(got, want, rtol=RTOL, atol=1e-14):
    assert not isinstance(got, np.ndarray) or isinstance(want, np.ndarray)
    assert_allclose(to_numpy(got), want, rtol=rtol, atol=atol)


@pytest.fixture(scope="module")
def problem():
    X, y, _ = mf.data.teacher_student(300, 3, 4, 0)
    return X, y


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scale", ["mean-field", "ntk", 0.37])
@pytest.mark.parametrize("loss_name", ["square", "logistic"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradients_agree_with_numpy(problem, backend, scale, loss_name, reduction):
    X, y = problem
    y = np.sign(y) if loss_name == "logistic" else y
    net = mf.model.init_network(50, 3, 1, scale=scale)
    want = mf.model.value_and_gradients(net, X, y, loss=loss_name, reduction=reduction)
    got = mf.model.value_and_gradients(net.to(backend), X, y, loss=loss_name, reduction=reduction)
    assert type(got[1]) is type(net.to(backend).a)  # computed in the network's library
    assert got[0] == pytest.approx(want[0], rel=RTOL)
    close(got[1], want[1])
    close(got[2], want[2])
    close(net.to(backend).predict(X), net.predict(X))
    assert mf.model.loss(net.to(backend), X, y, loss=loss_name) == pytest.approx(
        mf.model.loss(net, X, y, loss=loss_name), rel=RTOL
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_tiled_pass_agrees_with_numpy_across_tiles(problem, backend, monkeypatch):
    """Several tiles in both directions (7 x 3 here), ragged edges included."""
    from mfnet_lite import model

    monkeypatch.setattr(model, "_TILE_ROWS", 47)
    monkeypatch.setattr(model, "_TILE_COLS", 23)
    X, y = problem
    net = mf.model.init_network(50, 3, 2)
    want = mf.model.gradients(net, X, y)
    for got, ref in zip(mf.model.gradients(net.to(backend), X, y), want, strict=True):
        close(got, ref)


def runs(net, X, y):
    """The three loops of mf.train, 200 steps each, the kinetic one with noise."""
    return {
        "gd": mf.train.gd(net, X, y, 0.5, 200, record_every=50),
        "heavy_ball": mf.train.heavy_ball(net, X, y, 0.5, 200, 0.6, record_every=50),
        "kinetic": mf.train.kinetic(
            net, X, y, 0.7, 200, 0.5, temperature=1e-4, rng=3, record_every=50
        ),
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_training_loops_agree_with_numpy(problem, backend):
    X, y = problem
    net = mf.model.init_network(40, 3, 4, radius=0.5)
    want, got = runs(net, X, y), runs(net.to(backend), X, y)
    for name, run in got.items():
        ref = want[name]
        assert run.steps_taken == ref.steps_taken == 200, name
        assert ref.losses[-1] < 0.5 * ref.losses[0], name  # the runs do move
        close(run.losses, ref.losses)
        close(run.net.a, ref.net.a)
        close(run.net.B, ref.net.B)
        assert type(run.net.B) is type(net.to(backend).B)  # the network stays where it was
        assert isinstance(run.B_history, np.ndarray)  # records are NumPy, for plots
        close(run.B_history, ref.B_history)
        for key, value in ref.records.items():
            assert isinstance(run.records[key], np.ndarray)
            close(run.records[key], value)
        close(run.snapshot(1).B, ref.snapshot(1).B)


@pytest.mark.parametrize("backend", BACKENDS)
def test_du_loop_and_kernels_agree_with_numpy(backend):
    X, y = mf.data.ntk_synthetic(40, 10, 0)
    net = mf.ntk.init_du(300, 10, 1)
    want = mf.ntk.train_first_layer(net, X, y, 0.5, 200)
    got = mf.ntk.train_first_layer(net.to(backend), X, y, 0.5, 200)
    assert want.losses[-1] < 1e-2 * want.losses[0]
    close(got.losses, want.losses)
    close(got.records["outputs"], want.records["outputs"])
    assert_allclose(got.records["pattern_change"], want.records["pattern_change"], rtol=0, atol=0)
    close(got.records["max_distance"], want.records["max_distance"])
    close(got.net.B, want.net.B)
    Xb = net.to(backend).xp.asarray(X)
    H = mf.kernels.h_infinity(Xb)
    assert type(H) is type(Xb)
    close(H, mf.kernels.h_infinity(X))
    close(mf.kernels.ntk_gram(net.to(backend), X), mf.kernels.ntk_gram(net, X))
    close(mf.kernels.ntk_gram(net.B, Xb), mf.kernels.ntk_gram(net, X))
    assert mf.kernels.lambda_min(H) == pytest.approx(mf.kernels.lambda_min(to_numpy(H)), rel=RTOL)


def test_float32_tensors_stay_float32(problem):
    X, y = problem
    net = mf.model.init_network(20, 3, 0, dtype=np.float32).to("torch")
    assert net.dtype == torch.float32
    ga, gB = mf.model.gradients(net, X, y)
    assert ga.dtype == gB.dtype == torch.float32
    want = mf.model.gradients(mf.model.init_network(20, 3, 0, dtype=np.float32), X, y)
    close(ga, want[0], rtol=1e-5, atol=1e-7)  # float32 rounding: a few units of 1e-7


def test_network_from_tensors_and_back():
    a, B = torch.tensor([1.0, -1.0], dtype=torch.float64), torch.eye(2, dtype=torch.float64)
    net = mf.Network(a, B)
    assert net.device == torch.device("cpu") and net.xp is mf.Network(a, B).xp
    a[0] = 5.0  # the network holds its own copy
    assert float(net.a[0]) == 1.0
    back = net.to("numpy")
    assert isinstance(back.a, np.ndarray) and not back.a.flags.writeable
    assert_allclose(back.predict(np.array([[1.0, 0.0]])), [0.5])
    assert isinstance(net.replace(a=np.array([2.0, 2.0])).a, torch.Tensor)
    strict = net.to(array_api_strict)
    assert strict.xp is array_api_strict


def test_mixing_libraries_and_bad_tensors_fail_clearly():
    a = torch.ones(2, dtype=torch.float64)
    with pytest.raises(TypeError, match="different libraries"):
        mf.Network(a, array_api_strict.eye(2, dtype=array_api_strict.float64))
    with pytest.raises(ValueError, match="B contains 1 NaN"):
        mf.Network(a, torch.tensor([[1.0, float("nan")], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="a must be a 1-d array"):
        mf.Network(torch.ones((2, 1)), torch.eye(2))
    net = mf.Network(a, torch.eye(2, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        net.predict(torch.ones((3, 4), dtype=torch.float64))
    with pytest.raises(ValueError, match="backend == 'no_such_library'"):
        net.to("no_such_library")
    with pytest.raises(TypeError, match="X must be an array of real numbers"):
        net.predict(torch.ones((3, 2), dtype=torch.complex128))


def test_du_study_on_torch_matches_numpy():
    """The one-argument switch of the study: same seed, same networks, same runs."""
    want = mf.ntk.study(30, 8, (50, 200), steps=20, rng=5)
    got = mf.ntk.study(30, 8, (50, 200), steps=20, rng=5, backend="torch", device="cpu")
    assert isinstance(got.runs[0].net.B, torch.Tensor) and isinstance(got.H_inf, np.ndarray)
    for run, ref in zip(got.runs, want.runs, strict=True):
        close(run.losses, ref.losses)
        assert_allclose(run.records["pattern_change"], ref.records["pattern_change"], rtol=0, atol=0)


def test_transport_takes_networks_of_any_library():
    """Optimal transport is NumPy (POT): a torch network crosses the border once, unchanged."""
    net = mf.model.init_network(20, 2, 0)
    assert_allclose(mf.model.balance(net.to("torch")), mf.model.balance(net), rtol=0, atol=0)
    U, mass = mf.transport.sphere_measure(net.to("torch"))
    assert isinstance(U, np.ndarray)
    want = mf.transport.sphere_measure(net)
    assert_allclose(U, want[0], rtol=0, atol=0)
    assert_allclose(mass, want[1], rtol=0, atol=0)
