"""mfnet_lite.kernels: the empirical NTK H(W), the closed form H-infinity and lambda_min.

Oracles: the explicit Jacobian of the outputs (H(W) = J J^T), a Monte Carlo average of H(0)
over many neurons (H-infinity), hand-computed entries, and numpy's dense eigvalsh.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import mfnet_lite as mf
from mfnet_lite.kernels import ParallelInputsWarning, h_infinity, lambda_min, ntk_gram


def jacobian(W, a, X):
    """du_i/dw_r = a_r 1{w_r.x_i > 0} x_i / sqrt(m), flattened to shape (n, m*d)."""
    m = W.shape[0]
    active = (X @ W.T > 0).astype(float)  # (n, m)
    J = (active * a)[:, :, None] * X[:, None, :] / np.sqrt(m)
    return J.reshape(X.shape[0], -1)


def test_ntk_gram_is_the_gram_matrix_of_the_output_gradients():
    rng = np.random.default_rng(0)
    X = mf.data.sphere(12, 4, rng)
    net = mf.ntk.init_du(50, 4, rng)
    J = jacobian(net.B, net.a, X)
    # both sides are sums of at most m*d products of O(1) numbers: rounding is ~1e-15
    assert_allclose(ntk_gram(net.B, X), J @ J.T, rtol=0, atol=1e-12)
    assert_allclose(ntk_gram(net, X), J @ J.T, rtol=0, atol=1e-12)


def test_ntk_gram_known_answer():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    W = np.array([[1.0, 1.0], [1.0, -1.0]])  # neuron 1 sees both inputs, neuron 2 only x_1
    assert_allclose(ntk_gram(W, X), [[1.0, 0.0], [0.0, 0.5]], atol=1e-15)


def test_h_infinity_known_answers():
    c, s = np.cos(np.pi / 3), np.sin(np.pi / 3)
    X = np.array([[1.0, 0.0], [c, s], [0.0, 1.0], [-1.0, 0.0]])
    H = h_infinity(X, on_parallel="ignore")  # x_4 = -x_1 on purpose
    # diagonal: (pi - 0)/(2 pi) = 1/2; cos 60 = 1/2 at angle pi/3: (1/2)(2pi/3)/(2pi) = 1/6;
    # x_2.x_3 = sqrt3/2 at angle pi/6: (sqrt3/2)(5pi/6)/(2pi) = 5 sqrt3/24; orthogonal: 0;
    # antipodal: (-1)(pi - pi)/(2pi) = 0.
    assert_allclose(np.diag(H), 0.5, atol=1e-15)
    assert_allclose(H[0, 1], 1 / 6, atol=1e-15)
    assert_allclose(H[1, 2], 5 * np.sqrt(3) / 24, atol=1e-15)
    assert_allclose([H[0, 2], H[0, 3]], 0.0, atol=1e-15)


def test_h_infinity_matches_monte_carlo_average_of_h0():
    # H(0)_ij = (x_i.x_j) * mean of m i.i.d. Bernoulli(p_ij), p_ij = (pi - theta_ij)/(2 pi), and
    # its mean is H_inf_ij. Its standard deviation is sd_ij = |x_i.x_j| sqrt(p_ij (1 - p_ij)/m)
    # <= 1/(2 sqrt m). By the CLT, |H(0)_ij - H_inf_ij| > 6 sd_ij has probability ~2e-9 per
    # entry; a union bound over the 210 distinct entries of a 20 x 20 matrix leaves < 1e-6.
    rng = np.random.default_rng(1)
    n, d, m = 20, 5, 400_000
    X = mf.data.sphere(n, d, rng)
    H = h_infinity(X)
    H0 = ntk_gram(rng.standard_normal((m, d)), X)
    G = np.clip(X @ X.T, -1, 1)
    p = (np.pi - np.arccos(G)) / (2 * np.pi)
    sd = np.abs(G) * np.sqrt(p * (1 - p) / m)
    assert np.all(np.abs(H0 - H) <= 6 * sd + 1e-12)
    # and the tolerance is informative: a wrong normalisation (pi in place of 2 pi) is off by
    # far more than 6 / (2 sqrt m) = 4.7e-3
    assert np.abs(H0 - 2 * H).max() > 100 * 6 / (2 * np.sqrt(m))


def test_h_infinity_symmetric_and_psd():
    X = mf.data.sphere(300, 10, 2)  # n > d: H_inf is still positive definite
    H = h_infinity(X)
    assert_allclose(H, H.T, rtol=0, atol=0)
    # eigvalsh is backward stable: eigenvalues are exact to ~ n eps |H| = 300 * 2.2e-16 * 50
    assert np.linalg.eigvalsh(H)[0] > -1e-11


@pytest.mark.parametrize("n, d", [(600, 600), (1500, 300)])
def test_lambda_min_fast_methods_equal_dense(n, d):
    H = h_infinity(mf.data.sphere(n, d, 3))
    eig = np.linalg.eigvalsh(H)
    dense, gap, top = eig[0], eig[1] - eig[0], eig[-1]
    # syevr and syevd are both backward stable: they agree to a few n eps |H|
    assert_allclose(lambda_min(H, method="subset"), dense, rtol=0, atol=1e-12 * n * top)
    # mixed: the float32 eigenvector v makes an angle theta with sin(theta) <~ eps32 |H| / gap
    # with the true one, and the Rayleigh quotient errs by at most (lambda_max - lambda_0)
    # sin(theta)^2, always upwards (v^T H v / v^T v >= lambda_min).
    eps32 = np.finfo(np.float32).eps
    bound = (top - dense) * (eps32 * top / gap) ** 2
    mixed = lambda_min(H, method="mixed")
    assert dense - 1e-12 <= mixed <= dense + bound
    assert bound < gap  # so the test tells lambda_0 from lambda_1
    # shift-invert: float64 Lanczos on a Cholesky factor, as accurate as syevr
    shift_invert = lambda_min(H, method="shift-invert")
    assert_allclose(shift_invert, dense, rtol=0, atol=1e-12 * n * top)
    assert lambda_min(H) == lambda_min(H, method="subset")  # "auto" is SciPy's subset route


def test_shift_invert_falls_back_when_not_positive_definite():
    # an indefinite matrix: the eigenvalue nearest 0 (0.5) is not the smallest (-3)
    H = np.diag([-3.0, 0.5, 2.0]) + 0.0
    assert lambda_min(H, method="shift-invert") == pytest.approx(-3.0, abs=1e-12)


def test_duplicated_inputs_warn_and_give_zero_lambda0():
    X = mf.data.sphere(8, 3, 4)
    X = np.vstack([X, X[2]])
    with pytest.warns(ParallelInputsWarning, match="parallel"):
        H = h_infinity(X)
    # two equal rows: H is singular, so its smallest eigenvalue is 0 up to rounding ~ eps |H|
    assert abs(lambda_min(H, method="dense")) < 1e-14
    assert abs(lambda_min(H)) < 1e-14
    with pytest.raises(ValueError, match="parallel"):
        h_infinity(X, on_parallel="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h_infinity(X, on_parallel="ignore")


def test_antipodal_inputs_warn():
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    with pytest.warns(ParallelInputsWarning):
        h_infinity(X)


def test_nearly_parallel_inputs_have_small_lambda0_without_warning():
    X = np.array([[1.0, 0.0], [np.cos(1e-3), np.sin(1e-3)]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lam0 = lambda_min(h_infinity(X))
    # 2 x 2 closed form: lambda_0 = 1/2 - H_12 with H_12 = cos(e)(pi - e)/(2 pi) ~ 1/2 - e/(2 pi)
    e = 1e-3
    assert_allclose(lam0, 0.5 - np.cos(e) * (np.pi - e) / (2 * np.pi), rtol=1e-9)


def test_non_unit_inputs_raise():
    X = mf.data.sphere(5, 3, 5)
    with pytest.raises(ValueError, match="X must have unit-norm rows"):
        h_infinity(2 * X)
    with pytest.raises(ValueError, match="X must have unit-norm rows"):
        ntk_gram(np.ones((4, 3)), X * 1.01)


def test_bad_arguments_raise():
    X = mf.data.sphere(5, 3, 6)
    with pytest.raises(ValueError, match="W must have shape"):
        ntk_gram(np.ones((4, 2)), X)
    with pytest.raises(ValueError, match="on_parallel"):
        h_infinity(X, on_parallel="loud")
    with pytest.raises(ValueError, match="parallel_tol"):
        h_infinity(X, parallel_tol=2.0)
    with pytest.raises(ValueError, match="H must be a square"):
        lambda_min(np.ones((3, 2)))
    with pytest.raises(ValueError, match="H must be symmetric"):
        lambda_min(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="method"):
        lambda_min(np.eye(2), method="lanczos")
    with pytest.raises(ValueError, match="H contains"):
        lambda_min(np.array([[1.0, np.nan], [np.nan, 1.0]]))


def test_second_layer_infinity_known_answers():
    """t = 1: E sigma(g)^2 = 1/2; t = -1: never both active, 0; t = 0: (1/2pi) (independent
    halves: E sigma(g) ^ 2 = (1/sqrt(2 pi)) ^ 2); t = 1/2 by the formula sqrt(3)/2 + pi/3."""
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    K = mf.kernels.second_layer_infinity(X)
    assert_allclose(np.diag(K), 0.5, atol=1e-15)
    assert_allclose([K[0, 1], K[0, 2]], [1 / (2 * np.pi), 0.0], atol=1e-8)
    assert_allclose(K[0, 3], (np.sqrt(3) / 2 + 0.5 * 2 * np.pi / 3) / (2 * np.pi), rtol=1e-12)


def test_second_layer_infinity_matches_monte_carlo():
    """The output layer's Gram matrix (1/m) sigma(XW^T) sigma(XW^T)^T averages to K_inf."""
    X = mf.data.sphere(6, 4, 3)
    W = np.random.default_rng(4).standard_normal((400_000, 4))
    Z = np.maximum(X @ W.T, 0.0)
    # each entry averages m terms of standard deviation <= sqrt(E sigma^4) = sqrt(3/2):
    # 5 standard errors bound the largest of the 21 distinct entries
    assert_allclose(Z @ Z.T / len(W), mf.kernels.second_layer_infinity(X), atol=5 * 1.23 / 632)
    eig = np.linalg.eigvalsh(mf.kernels.second_layer_infinity(X))
    assert eig[0] > 0


def test_second_layer_infinity_rejects_non_unit_inputs():
    with pytest.raises(ValueError, match="X must have unit-norm rows"):
        mf.kernels.second_layer_infinity(np.ones((3, 2)))
