"""Funk-Hecke eigenvalues of the book's kernels and Arora et al.'s complexity (chapter 7)."""

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import eval_gegenbauer, eval_legendre

import mfnet_lite as mf
from mfnet_lite import spectral as S


@pytest.mark.parametrize("kernel", S.KERNELS)
def test_against_adaptive_quadrature_in_u(kernel):
    """d = 3: mu_k = 1/2 int f(u) P_k(u) du; d = 5 with the Gegenbauer weight (1 - u^2).
    Adaptive quadrature (scipy's QUADPACK) in t, u = cos t, where the integrand is smooth (in u
    the square-root singularities at +-1 cost QUADPACK its last digits: 2e-12 at d = 3)."""
    f = lambda u: S.dot_product_kernel(u, kernel)  # noqa: E731
    for k in range(7):
        g = lambda t: f(np.cos(t)) * eval_legendre(k, np.cos(t)) * np.sin(t)  # noqa: B023, E731
        ref = 0.5 * quad(g, 0, np.pi, epsabs=1e-13, limit=200)[0]
        assert S.harmonic_eigenvalues(3, k, kernel)[0] == pytest.approx(ref, abs=1e-12)
    lam, const = 1.5, math.gamma(2.5) / (math.sqrt(math.pi) * math.gamma(2.0))
    for k in range(5):
        norm = eval_gegenbauer(k, lam, 1.0)
        g = lambda t: (f(np.cos(t)) * eval_gegenbauer(k, lam, np.cos(t)) / norm  # noqa: B023, E731
                       * np.sin(t) ** 3)
        ref = const * quad(g, 0, np.pi, epsabs=1e-13, limit=200)[0]
        assert S.harmonic_eigenvalues(5, k, kernel)[0] == pytest.approx(ref, abs=1e-12)


def test_closed_forms():
    for d in (2, 3, 5, 10):
        mu = S.harmonic_eigenvalues(d, [1], "h_infinity")[0]
        assert mu == pytest.approx(1 / (4 * d), abs=1e-13)  # only u/4 has a degree-1 part
        assert S.harmonic_eigenvalues(d, [1], "second_layer")[0] == pytest.approx(1 / (4 * d), abs=1e-13)
    assert S.harmonic_eigenvalues(3, [0])[0] == pytest.approx(1 / 16, abs=1e-14)  # int u arcsin u = pi/4
    # (1/4 pi) (int sqrt(1 - u^2) du + int u (pi/2 + arcsin u) du) = (1/4 pi)(pi/2 + pi/4)
    assert S.harmonic_eigenvalues(3, [0], "second_layer")[0] == pytest.approx(3 / 16, abs=1e-14)


def test_odd_degrees_vanish_without_bias_and_not_with_one():
    for d in (2, 3, 4, 7):
        for kernel in S.KERNELS:
            mu = S.harmonic_eigenvalues(d, [3, 5, 7, 9, 11], kernel)
            assert np.all(np.abs(mu) < 1e-13), (d, kernel)
            assert np.all(np.abs(S.harmonic_eigenvalues(d, [3, 5, 7], kernel, bias=1.0)) > 1e-9)


@pytest.mark.parametrize(("kernel", "extra"), [("h_infinity", 0), ("second_layer", 2)])
def test_even_degrees_decay_like_k_to_minus_d(kernel, extra):
    """mu_k ~ k^-(d + extra) for even k: a (1 - u)^(1/2) singularity of f at u = 1 for
    h_infinity, (1 - u)^(3/2) for the arc-cosine kernel (Bach 2017; Bietti-Mairal 2019)."""
    for d in (2, 3):
        ks = np.arange(100, 201, 20)
        mu = S.harmonic_eigenvalues(d, ks, kernel)
        slope = np.polyfit(np.log(ks), np.log(mu), 1)[0]
        assert slope == pytest.approx(-(d + extra), abs=0.05)


@pytest.mark.parametrize("d", [2, 3])
def test_gram_eigenvalues_cluster_at_mu_with_multiplicity(d):
    """Eigenvalues of K(x_i, x_j)/n on many uniform points: degree k appears N(d, k) times."""
    n = 3000
    X = mf.data.sphere(n, d, 0)
    eig = np.sort(np.linalg.eigvalsh(S.dot_product_kernel(X @ X.T, "ntk")) / n)[::-1]
    mu = S.harmonic_eigenvalues(d, range(0, 7), "ntk")
    levels = sorted(((mu[k], S.harmonic_multiplicity(d, k)) for k in (0, 1, 2, 4, 6)), reverse=True)
    expected = np.concatenate([np.full(mult, value) for value, mult in levels])
    np.testing.assert_allclose(eig[: len(expected)], expected, rtol=0.08, atol=2e-3)
    # the degree-3 and degree-5 eigenvalues are 0: nothing between the degree-6 level and 0
    # but sampling noise of order 1/sqrt(n) * mu_0
    assert np.all(eig[len(expected): len(expected) + 5] < mu[6] * 1.2 + 5e-3)


def test_multiplicities():
    assert [S.harmonic_multiplicity(2, k) for k in range(4)] == [1, 2, 2, 2]
    assert [S.harmonic_multiplicity(3, k) for k in range(4)] == [1, 3, 5, 7]
    assert S.harmonic_multiplicity(4, 2) == 9  # (k + 1)^2 on S^3


def test_bias_kernel_is_the_kernel_of_the_augmented_inputs():
    X = mf.data.sphere(40, 3, 1)
    Xb = S.with_bias(X, 1.0)
    np.testing.assert_allclose(np.linalg.norm(Xb, axis=1), 1.0)
    np.testing.assert_allclose(S.dot_product_kernel(X @ X.T, "h_infinity", bias=1.0),
                               mf.kernels.h_infinity(Xb), atol=1e-14)


def test_arora_complexity_against_a_dense_solve():
    X, y = mf.data.ntk_synthetic(50, 10, 0)
    H = mf.kernels.h_infinity(X)
    assert S.arora_complexity(X, y) == pytest.approx(np.sqrt(2 * y @ np.linalg.solve(H, y) / 50), rel=1e-10)
    # two points by hand: H = [[1/2, c(pi - arccos c)/2pi], [., 1/2]]
    c = 0.3
    X2 = np.array([[1.0, 0.0], [c, np.sqrt(1 - c * c)]])
    h = c * (np.pi - np.arccos(c)) / (2 * np.pi)
    y2 = np.array([1.0, -1.0])
    by_hand = np.sqrt(2 * (2 * 0.5 + 2 * h) / (0.25 - h * h) / 2)  # y^T H^-1 y for y = (1, -1)
    assert S.arora_complexity(X2, y2) == pytest.approx(by_hand, rel=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="degrees"):
        S.harmonic_eigenvalues(3, [-1])
    with pytest.raises(ValueError, match="degrees"):
        S.harmonic_eigenvalues(3, [1.5])
    with pytest.raises(ValueError, match="kernel"):
        S.harmonic_eigenvalues(3, [1], "relu")
    with pytest.raises((ValueError, TypeError), match="d"):
        S.harmonic_eigenvalues(1, [1])
    with pytest.raises(ValueError, match="bias"):
        S.harmonic_eigenvalues(3, [1], bias=-1.0)
    with pytest.raises(ValueError, match="u must"):
        S.dot_product_kernel([1.5])
    with pytest.raises(ValueError, match="parallel"):
        S.arora_complexity(np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="y"):
        S.arora_complexity(np.eye(2), np.ones(3))
