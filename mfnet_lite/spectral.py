r"""What the kernel learns: the spectrum of the NTK on the sphere, and Arora et al.'s complexity.

A dot-product kernel :math:`K(x, x') = f(x\cdot x')` on the unit sphere :math:`S^{d-1}` acts on
the space of spherical harmonics of degree :math:`k` as a multiple :math:`\mu_k` of the identity
(Funk–Hecke). With :math:`\sigma` the uniform *probability* measure on the sphere,

.. math::

    \int K(x, x')\, Y_k(x')\, d\sigma(x') = \mu_k\, Y_k(x), \qquad
    \mu_k = \frac{\omega_{d-2}}{\omega_{d-1}} \int_{-1}^{1} f(u)\, P_{k,d}(u)\,
        (1 - u^2)^{(d-3)/2}\, du ,

with :math:`\omega_{d-1}` the area of :math:`S^{d-1}` and :math:`P_{k,d}` the Gegenbauer
polynomial normalised to :math:`P_{k,d}(1) = 1`. The kernels are those of chapters 6 and 7:

- ``"h_infinity"``: :math:`f(u) = u\,\frac{\pi - \arccos u}{2\pi}
  = \frac u4 + \frac{u \arcsin u}{2\pi}` (the first layer's :math:`H^\infty`);
- ``"second_layer"``: :math:`f(u) = \frac{\sqrt{1 - u^2} + u(\pi - \arccos u)}{2\pi}` (the
  arc-cosine kernel :math:`K^\infty` of the output layer);
- ``"ntk"``: their sum.

A bias input: the network sees :math:`\tilde x = (x, c)/\sqrt{1 + c^2}` on the unit sphere of
:math:`\mathbb R^{d+1}`, so the kernel on :math:`S^{d-1}` is :math:`f\big((u + c^2)/(1 + c^2)\big)`,
again a dot-product kernel. Chapter 7 (:ref:`ch7`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._validation import (
    check_allocation,
    check_array,
    check_choice,
    check_int,
    check_rng,
    check_scalar,
)

__all__ = [
    "KERNELS",
    "dot_product_kernel",
    "with_bias",
    "harmonic_multiplicity",
    "harmonic_eigenvalues",
    "arora_complexity",
    "circle_points",
    "fourier_components",
    "FrequencyRates",
    "frequency_rates",
    "cos3_study",
    "digits_sphere",
    "label_noise_study",
    "parity_study",
]

KERNELS = ("h_infinity", "second_layer", "ntk")
MAX_DIMENSION = 10_000  # the quadrature's default nodes resolve sin^(d-2) t up to here


def _bias_weights(c: float) -> tuple[float, float]:
    """(1/(1 + c^2), c^2/(1 + c^2)) without overflow for any finite c (math.hypot)."""
    h = math.hypot(1.0, c)
    return (1.0 / h) ** 2, (c / h) ** 2


def _profile(kernel: str, u: np.ndarray) -> np.ndarray:
    u = np.clip(u, -1.0, 1.0)
    first = u * (np.pi - np.arccos(u)) / (2 * np.pi)
    if kernel == "h_infinity":
        return first
    second = (np.sqrt(np.maximum(1.0 - u * u, 0.0)) + u * (np.pi - np.arccos(u))) / (2 * np.pi)
    return second if kernel == "second_layer" else first + second


def dot_product_kernel(u, kernel: str = "h_infinity", *, bias: float = 0.0) -> np.ndarray:
    r"""The profile :math:`f(u)` of a kernel :math:`K(x, x') = f(x\cdot x')` of the book.

    .. math::

        f_{h^\infty}(u) = u\,\frac{\pi - \arccos u}{2\pi}, \qquad
        f_{K^\infty}(u) = \frac{\sqrt{1-u^2} + u(\pi - \arccos u)}{2\pi}, \qquad
        f_{\mathrm{ntk}} = f_{h^\infty} + f_{K^\infty},

    evaluated at :math:`(u + c^2)/(1 + c^2)` with a bias input of size :math:`c` = ``bias``.

    Parameters
    ----------
    u : array_like
        Cosines :math:`x \cdot x' \in [-1, 1]`.
    kernel : {"h_infinity", "second_layer", "ntk"}
    bias : float, default 0.0
        The constant input :math:`c \ge 0` appended to every input (0: no bias).

    Returns
    -------
    ndarray
        :math:`f(u)`, of the shape of ``u``.

    Raises
    ------
    ValueError
        If ``u`` leaves :math:`[-1, 1]` (beyond rounding), ``kernel`` is unknown or
        ``bias < 0``.
    """
    kernel = check_choice(kernel, "kernel", KERNELS)
    c = check_scalar(bias, "bias", low=0.0)
    u = check_array(u, "u", dtype=np.float64)
    if u.size and np.max(np.abs(u)) > 1 + 1e-12:
        raise ValueError("u must hold cosines in [-1, 1]; normalise the inputs to unit norm.")
    r2, w2 = _bias_weights(c)
    return _profile(kernel, u * r2 + w2)


def with_bias(X, bias: float = 1.0) -> np.ndarray:
    r"""Unit inputs with a constant coordinate: :math:`\tilde x = (x, c)/\sqrt{1 + c^2}`.

    A bias-free network on :math:`\tilde x` is a network on :math:`x` with a bias
    :math:`\langle w_{d+1}, c\rangle/\sqrt{1+c^2}` in every neuron.

    Parameters
    ----------
    X : array_like of shape (n, d)
    bias : float, default 1.0
        :math:`c > 0`.

    Returns
    -------
    ndarray of shape (n, d + 1)
        Unit rows when the rows of ``X`` are unit.
    """
    X = check_array(X, "X", ndim=2, dtype=np.float64)
    c = check_scalar(bias, "bias", low=0.0, include_low=False)
    h = math.hypot(1.0, c)
    return np.column_stack([X / h, np.full(len(X), c / h)])


def harmonic_multiplicity(d: int, k: int) -> int:
    r"""The dimension :math:`N(d, k)` of the degree-:math:`k` spherical harmonics on :math:`S^{d-1}`.

    .. math::

        N(d, 0) = 1, \qquad N(d, k) = \frac{2k + d - 2}{k}\binom{k + d - 3}{d - 2} \quad (k \ge 1):

    2 on the circle (:math:`\cos k\theta`, :math:`\sin k\theta`), :math:`2k + 1` on the 2-sphere.

    Parameters
    ----------
    d : int
        Ambient dimension, :math:`d \ge 2`.
    k : int
        Degree, :math:`k \ge 0`.

    Returns
    -------
    int
    """
    d, k = check_int(d, "d", low=2), check_int(k, "k", low=0)
    if k == 0:
        return 1
    return (2 * k + d - 2) * math.comb(k + d - 3, d - 2) // k


@functools.lru_cache(maxsize=16)
def _gauss_legendre(q: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on [-1, 1], read-only and kept: NumPy finds them as the
    eigenvalues of a q x q matrix, which took 3 of the 4 s of chapter 7's exponent fits."""
    x, w = np.polynomial.legendre.leggauss(q)
    x.flags.writeable = w.flags.writeable = False
    return x, w


def _gegenbauer(k_max: int, d: int, u: np.ndarray) -> np.ndarray:
    """P_{k,d}(u) for k = 0..k_max, normalised to P(1) = 1, by the three-term recurrence."""
    P = np.empty((k_max + 1, u.size))
    P[0] = 1.0
    if k_max >= 1:
        P[1] = u
    for k in range(1, k_max):
        P[k + 1] = ((2 * k + d - 2) * u * P[k] - k * P[k - 1]) / (k + d - 2)
    return P


def harmonic_eigenvalues(
    d: int, degrees, kernel: str = "h_infinity", *, bias: float = 0.0, nodes: int | None = None
) -> np.ndarray:
    r"""Funk–Hecke eigenvalues :math:`\mu_k` of a kernel of the book on :math:`S^{d-1}`.

    .. math::

        \mu_k = \frac{\Gamma(d/2)}{\sqrt\pi\,\Gamma((d-1)/2)}
            \int_0^\pi f(\cos t)\, P_{k,d}(\cos t)\, \sin^{d-2} t \; dt ,

    the formula of the module docstring with :math:`u = \cos t`. In :math:`t` the integrand is
    analytic on :math:`[0, \pi]` (:math:`\arcsin(\cos t) = \pi/2 - t`, :math:`\sqrt{1-u^2} =
    \sin t`), so Gauss–Legendre quadrature in :math:`t` converges geometrically; the result is
    checked against a quadrature with twice the nodes and a ``RuntimeError`` raised if they
    differ by more than ``1e-12`` (relative to :math:`\mu_0`). :math:`d = 2`:
    :math:`\mu_k = \frac1{2\pi}\int_0^{2\pi} f(\cos t)\cos kt\,dt`; :math:`d = 3`:
    :math:`\mu_k = \frac12\int_{-1}^1 f(u) P_k(u)\,du`. Chapter 7 (:ref:`ch7`).

    Parameters
    ----------
    d : int
        Ambient dimension, :math:`2 \le d \le 10^4` (``MAX_DIMENSION``).
    degrees : int or array_like of int
        Degrees :math:`k \ge 0`.
    kernel : {"h_infinity", "second_layer", "ntk"}, default "h_infinity"
    bias : float, default 0.0
        A constant input :math:`c \ge 0` (see :func:`dot_product_kernel`).
    nodes : int, optional
        Quadrature nodes (default: :math:`\max(200, 4 k_{\max} + 100, 20\sqrt d)`: the weight
        :math:`\sin^{d-2} t` has a peak of width about :math:`1/\sqrt d`).

    Returns
    -------
    ndarray of shape (len(degrees),)
        :math:`\mu_k`, for the uniform probability measure on the sphere.

    Raises
    ------
    ValueError
        If ``d`` is outside :math:`[2, 10^4]`, a degree is negative or not an integer, ``bias < 0``.
    RuntimeError
        If the quadrature has not converged (raise ``nodes``).

    Examples
    --------
    >>> mu = harmonic_eigenvalues(2, [0, 1, 2, 3, 5])
    >>> bool(abs(mu[1] - 1 / 8) < 1e-13), bool(np.all(np.abs(mu[[3, 4]]) < 1e-13))
    (True, True)
    """
    d = check_int(d, "d", low=2, high=MAX_DIMENSION)
    kernel = check_choice(kernel, "kernel", KERNELS)
    c = check_scalar(bias, "bias", low=0.0)
    r2, w2 = _bias_weights(c)
    ks = np.atleast_1d(np.asarray(degrees))
    if ks.ndim != 1 or ks.size == 0 or not np.issubdtype(ks.dtype, np.integer) or np.any(ks < 0):
        raise ValueError("degrees must be non-negative integers (an int or a 1-D list of ints).")
    k_max = int(ks.max())
    if nodes is None:
        nodes = max(200, 4 * k_max + 100, int(20 * math.sqrt(d)))
    nodes = check_int(nodes, "nodes", low=2, high=10**6)
    const = math.exp(math.lgamma(d / 2) - math.lgamma((d - 1) / 2)) / math.sqrt(math.pi)

    def quadrature(q: int) -> np.ndarray:
        x, w = _gauss_legendre(q)
        t = np.pi * (x + 1) / 2
        w = w * np.pi / 2
        u = np.cos(t)
        weight = w * np.sin(t) ** (d - 2) * _profile(kernel, u * r2 + w2)
        return const * (_gegenbauer(k_max, d, u) @ weight)

    mu, check = quadrature(nodes), quadrature(2 * nodes)
    if np.max(np.abs(mu - check)) > 1e-12 * max(abs(check[0]), 1e-300):
        raise RuntimeError(f"the quadrature for mu_k has not converged with {nodes} nodes; raise nodes.")
    return check[ks]


def arora_complexity(X, y) -> float:
    r"""Arora et al.'s data-dependent complexity :math:`\sqrt{2\, y^\top (H^\infty)^{-1} y / n}`.

    With :math:`H^\infty` of :func:`mfnet_lite.kernels.h_infinity`. It enters their
    generalization bound for the two-layer ReLU network of chapter 6 trained by gradient descent
    (Arora, Du, Hu, Li, Wang, ICML 2019, Theorem 5.1; chapter 7, :ref:`ch7`).

    Parameters
    ----------
    X : array_like of shape (n, d)
        Unit rows, no two parallel (:math:`H^\infty` must be positive definite).
    y : array_like of shape (n,)

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, or :math:`H^\infty` is not positive definite.
    """
    import scipy.linalg

    from .kernels import h_infinity

    X = check_array(X, "X", ndim=2, dtype=np.float64)
    y = check_array(y, "y", shape=(X.shape[0],), dtype=np.float64)
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one input.")
    H = h_infinity(X, on_parallel="raise")
    try:
        factor = scipy.linalg.cho_factor(H)
    except np.linalg.LinAlgError:
        raise ValueError(
            "H_infinity of X is not positive definite; remove (nearly) parallel inputs."
        ) from None
    return float(np.sqrt(2 * y @ scipy.linalg.cho_solve(factor, y) / X.shape[0]))


# ---------------------------------------------------------------------------------------------
# Chapter 7's experiments


def circle_points(n: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""``n`` inputs :math:`x_i = (\cos\theta_i, \sin\theta_i)` on the unit circle: ``(theta, X)``.

    ``rng=None``: the equispaced angles :math:`\theta_i = 2\pi i/n`, on which every dot-product
    kernel's Gram matrix is circulant, so that :math:`\cos k\theta` and :math:`\sin k\theta` are
    exactly its eigenvectors. Otherwise angles drawn uniformly from ``rng``.

    Parameters
    ----------
    n : int
    rng : None, int or numpy.random.Generator, optional

    Returns
    -------
    theta : ndarray of shape (n,)
    X : ndarray of shape (n, 2)
    """

    n = check_int(n, "n", low=1)
    check_allocation("n", (n, 3))
    theta = 2 * np.pi * np.arange(n) / n if rng is None else check_rng(rng).uniform(0, 2 * np.pi, n)
    return theta, np.column_stack([np.cos(theta), np.sin(theta)])


def fourier_components(values, theta, degrees) -> np.ndarray:
    r"""Cosine coefficients :math:`c_k = \frac2n\sum_i v_i\cos k\theta_i` (:math:`c_0` = the mean).

    On equispaced angles these are exactly the coefficients of :math:`\sum_k c_k\cos k\theta`
    (for :math:`k < n/2`). ``values`` may be one vector (n,) or a stack (t, n).

    Parameters
    ----------
    values : array_like of shape (n,) or (t, n)
    theta : array_like of shape (n,)
    degrees : sequence of int

    Returns
    -------
    ndarray of shape (len(degrees),) or (t, len(degrees))
    """
    theta = check_array(theta, "theta", ndim=1, dtype=np.float64)
    values = check_array(values, "values", dtype=np.float64)
    if values.ndim not in (1, 2) or values.shape[-1] != theta.size:
        raise ValueError(f"values must end in a dimension of {theta.size} (one per angle); got {values.shape}.")
    ks = np.asarray(degrees)
    if ks.ndim != 1 or not np.issubdtype(ks.dtype, np.integer) or np.any(ks < 0):
        raise ValueError("degrees must be a 1-D list of non-negative integers.")
    basis = np.cos(np.outer(ks, theta)) * np.where(ks == 0, 1.0, 2.0)[:, None] / theta.size
    return values @ basis.T


class FrequencyRates:
    r"""A lazy run on the circle, read frequency by frequency (:func:`frequency_rates`).

    Attributes
    ----------
    degrees : ndarray of int
    step : float
        :math:`\eta`.
    components : ndarray of shape (steps + 1, len(degrees))
        The residual's cosine coefficient of each degree at each step.
    predicted : ndarray
        :math:`1 - \eta\, n\, \mu_k`, the kernel regime's factor per step (Funk–Hecke
        :math:`\mu_k`).
    discrete : ndarray
        :math:`1 - \eta\lambda_k`, with :math:`\lambda_k` the exact eigenvalue of the sample's
        :math:`H^\infty` on :math:`\cos k\theta` (it adds the aliases :math:`\mu_{|k + jn|}`).
    measured : ndarray
        The measured factor per step: :math:`(c_k(s)/c_k(0))^{1/s}` at the last step ``s``
        before :math:`|c_k|` falls below 3 % of its start (below, the kernel change of a
        finite width, of relative order :math:`m^{-1/2}`, mixes the frequencies).
    run : Run
    """

    def __init__(self, degrees, step, components, predicted, discrete, measured, run):
        self.degrees, self.step, self.components = degrees, step, components
        self.predicted, self.discrete, self.measured, self.run = predicted, discrete, measured, run


def frequency_rates(
    degrees, *, n: int = 63, m: int = 10_000, step_fraction: float = 0.5, steps: int = 150,
    coefficients=None, bias: float = 0.0, rng=0,
) -> FrequencyRates:
    r"""Spectral bias on the circle: the residual's frequency components under lazy training.

    Target :math:`y = \sum_k c_k\cos k\theta` on ``n`` equispaced angles (``n`` odd: no
    antipodal pair), the first layer of chapter 6's network trained with
    :math:`\eta = s/\lambda_{\max}(H^\infty)`, ``s = step_fraction``. With the loss
    :math:`\frac12\sum_i (u_i - y_i)^2` the outputs move by :math:`u(k+1) - y \approx
    (I - \eta H)(u(k) - y)`, and :math:`H \approx H^\infty` has the eigenvalue
    :math:`n\mu_k` on :math:`\cos k\theta`: the frequency-:math:`k` component falls by the
    factor :math:`1 - \eta n \mu_k` per step. Chapter 7.

    Parameters
    ----------
    degrees : sequence of int
        Frequencies of the target, each :math:`1 \le k < n/2`.
    n, m, steps : int
    step_fraction : float, default 0.5
    coefficients : sequence of float, optional
        :math:`c_k` (default all 1).
    bias : float, default 0.0
        A constant input :math:`c` (:func:`with_bias`); 0: none.
    rng : None, int or Generator, default 0
        The network's initialisation.

    Returns
    -------
    FrequencyRates
    """
    from .kernels import h_infinity, lambda_max
    from .ntk import init_du, train_first_layer

    ks = np.asarray(degrees)
    n = check_int(n, "n", low=3)
    m = check_int(m, "m", low=1)
    steps = check_int(steps, "steps", low=1)
    check_allocation("n", (n, n), copies=4)
    check_allocation("m and n", (m, n), copies=4)
    check_allocation("steps and n", (steps + 1, n), copies=2)
    if ks.ndim != 1 or ks.size == 0 or not np.issubdtype(ks.dtype, np.integer) or np.any(ks < 1) or np.any(2 * ks >= n):
        raise ValueError(f"degrees must be integers with 1 <= k < n/2 = {n / 2}.")
    c = np.ones(ks.size) if coefficients is None else check_array(coefficients, "coefficients", shape=(ks.size,), dtype=np.float64)
    s = check_scalar(step_fraction, "step_fraction", low=0.0, include_low=False)
    b = check_scalar(bias, "bias", low=0.0)
    theta, X = circle_points(n)
    y = np.cos(np.outer(theta, ks)) @ c
    inputs = X if b == 0 else with_bias(X, b)
    H = h_infinity(inputs, on_parallel="ignore")
    step = s / lambda_max(H)
    run = train_first_layer(init_du(m, inputs.shape[1], rng), inputs, y, step, steps, record_every=1)
    outputs = np.array([run.snapshot(i).predict(inputs) for i in range(len(run.snapshot_steps))])
    comps = fourier_components(outputs - y, theta, ks)
    mu = harmonic_eigenvalues(2, ks, bias=b)
    vectors = np.cos(np.outer(theta, ks))
    lam = np.einsum("ik,ij,jk->k", vectors, H, vectors) / np.einsum("ik,ik->k", vectors, vectors)
    measured = np.empty(ks.size)
    for j in range(ks.size):
        small = np.flatnonzero(np.abs(comps[:, j]) < 0.03 * abs(comps[0, j]))
        last = max(1, (small[0] - 1) if small.size else comps.shape[0] - 1)
        measured[j] = (comps[last, j] / comps[0, j]) ** (1 / last)
    return FrequencyRates(ks, step, comps, 1 - step * n * mu, 1 - step * lam, measured, run)


def cos3_study(seeds, *, bias: float = 0.0, n: int = 100, n_test: int = 1000, m_lazy: int = 2000,
               lazy_steps: int = 1000, m_meanfield: int = 100, meanfield_steps: int = 1500) -> dict:
    r"""Fit :math:`y = \cos 3\theta` on random circle points, lazily and in the mean-field regime.

    For each seed: ``n`` training and ``n_test`` test angles uniform on the circle (one
    generator per seed), the lazy network of chapter 6 (width ``m_lazy``, first layer,
    :math:`\eta = 1/\lambda_{\max}(H^\infty)`) and the mean-field network of chapter 4 (width
    ``m_meanfield``, radius 0.05, step 4, mean-field time scale), both on the inputs or, with
    ``bias > 0``, on :func:`with_bias` of them. Without a bias no network of any width can
    represent :math:`\cos 3\theta` (chapter 7).

    Parameters
    ----------
    seeds : sequence of int
    bias : float, default 0.0
    n, n_test, m_lazy, lazy_steps, m_meanfield, meanfield_steps : int

    Returns
    -------
    dict of arrays of shape (len(seeds),)
        ``lazy_train``, ``meanfield_train``: final over initial training loss;
        ``lazy_test``, ``meanfield_test``: test mean square error over the target's variance
        :math:`1/2`.
    """
    from .kernels import h_infinity, lambda_max
    from .model import init_network
    from .ntk import init_du, train_first_layer
    from .train import gd

    b = check_scalar(bias, "bias", low=0.0)
    seeds = [check_int(s_, "seeds", low=0) for s_ in np.atleast_1d(seeds).tolist()]
    if not seeds:
        raise ValueError("seeds must hold at least one seed.")
    n, n_test = check_int(n, "n", low=1), check_int(n_test, "n_test", low=1)
    m_lazy, m_meanfield = check_int(m_lazy, "m_lazy", low=1), check_int(m_meanfield, "m_meanfield", low=1)
    lazy_steps = check_int(lazy_steps, "lazy_steps", low=1)
    meanfield_steps = check_int(meanfield_steps, "meanfield_steps", low=1)
    check_allocation("n", (n, n), copies=4)
    check_allocation("m_lazy and n", (m_lazy, max(n, n_test)), copies=4)
    check_allocation("m_meanfield and n_test", (m_meanfield, max(n, n_test)), copies=4)
    out = {k: np.zeros(len(seeds)) for k in ("lazy_train", "lazy_test", "meanfield_train", "meanfield_test")}
    for i, seed in enumerate(seeds):
        rng = check_rng(seed)
        th, X = circle_points(n, rng)
        th_t, X_t = circle_points(n_test, rng)
        y, y_t = np.cos(3 * th), np.cos(3 * th_t)
        if b > 0:
            X, X_t = with_bias(X, b), with_bias(X_t, b)
        lazy = train_first_layer(init_du(m_lazy, X.shape[1], rng), X, y,
                                 1 / lambda_max(h_infinity(X, on_parallel="ignore")), lazy_steps)
        field = gd(init_network(m_meanfield, X.shape[1], rng, radius=0.05), X, y, 4.0, meanfield_steps)
        for name, run in (("lazy", lazy), ("meanfield", field)):
            out[f"{name}_train"][i] = run.losses[-1] / run.losses[0]
            out[f"{name}_test"][i] = np.mean((run.net.predict(X_t) - y_t) ** 2) / 0.5
    return out


def digits_sphere(classes=(3, 5)) -> tuple[np.ndarray, np.ndarray]:
    r"""Two classes of scikit-learn's bundled 8×8 digits as unit inputs in :math:`\mathbb R^{64}`.

    Each image is centred by the mean image of the two classes and divided by its norm; the
    labels are :math:`+1` for the first class and :math:`-1` for the second. The data ship with
    scikit-learn (no download). Chapter 7 uses 3 against 5, a pair that is not linearly trivial.

    Parameters
    ----------
    classes : pair of int in 0..9, default (3, 5)

    Returns
    -------
    X : ndarray of shape (n, 64), unit rows
    y : ndarray of shape (n,), in {-1, +1}
    """
    from sklearn.datasets import load_digits

    if len(classes) != 2 or len(set(classes)) != 2 or not all(isinstance(c, (int, np.integer)) and 0 <= c <= 9 for c in classes):
        raise ValueError(f"classes must be two different digits in 0..9; got {classes!r}.")
    data = load_digits()
    keep = np.isin(data.target, classes)
    X = data.data[keep] - data.data[keep].mean(axis=0)
    return X / np.linalg.norm(X, axis=1, keepdims=True), np.where(data.target[keep] == classes[0], 1.0, -1.0)


def label_noise_study(noise, seeds, *, n: int = 200, classes=(3, 5), rtol: float = 1e-2) -> dict:
    r"""Arora et al.'s two observations on digits, with a fraction of the labels made random.

    For each noise level :math:`p` and seed: ``n`` training images drawn at random (the rest is
    the test set), a fraction :math:`p` of their labels replaced by independent random signs,
    then, in the kernel regime of :math:`H^\infty` with :math:`\eta = 1/\lambda_{\max}` and
    outputs started at 0 (Arora et al.'s small initialisation),

    .. math::

        \|y - u(k)\|^2 = \sum_i (1 - \eta\lambda_i)^{2k} (v_i^\top y)^2 ,

    the number of steps until it falls below ``rtol`` times :math:`\|y\|^2`, the complexity
    :math:`\sqrt{2y^\top (H^\infty)^{-1}y/n}` (:func:`arora_complexity`) and the test error of
    the kernel predictor at that step, against the *clean* test labels. Chapter 7.

    Parameters
    ----------
    noise : sequence of float in [0, 1]
    seeds : sequence of int
    n : int, default 200
    classes : pair of int, default (3, 5)
    rtol : float, default 1e-2

    Returns
    -------
    dict of arrays of shape (len(noise), len(seeds))
        ``complexity``, ``steps``, ``test_error`` (fraction misclassified).
    """
    from .kernels import h_infinity

    levels = check_array(noise, "noise", ndim=1, dtype=np.float64)
    if levels.size == 0 or np.any((levels < 0) | (levels > 1)):
        raise ValueError("noise must be a non-empty list of fractions in [0, 1].")
    seeds = [check_int(s_, "seeds", low=0) for s_ in np.atleast_1d(seeds).tolist()]
    if not seeds:
        raise ValueError("seeds must hold at least one seed.")
    rtol = check_scalar(rtol, "rtol", low=0.0, high=1.0, include_low=False)
    X_all, y_all = digits_sphere(classes)
    n = check_int(n, "n", low=2, high=len(y_all) - 1)
    out = {k: np.zeros((levels.size, len(seeds))) for k in ("complexity", "steps", "test_error")}
    for j, seed in enumerate(seeds):
        rng = check_rng(seed)
        order = rng.permutation(len(y_all))
        train, test = order[:n], order[n:]
        X, Xt = X_all[train], X_all[test]
        H = h_infinity(X, on_parallel="raise")
        lam, V = np.linalg.eigh(H)
        eta = 1 / lam[-1]
        G = h_infinity(np.vstack([Xt, X]), on_parallel="ignore")[: len(test), len(test):]
        flips, signs = rng.random(n), rng.choice([-1.0, 1.0], n)
        for i, p in enumerate(levels):
            y = np.where(flips < p, signs, y_all[train])
            proj2 = (V.T @ y) ** 2
            k, factor = 0, (1 - eta * lam) ** 2
            residual = proj2.copy()
            while residual.sum() > rtol * (y @ y):
                residual *= factor
                k += 1
            # u(k) = (I - (I - eta H)^k) y; the predictor at the test inputs is G H^-1 u(k)
            coef = V @ ((1 - (1 - eta * lam) ** k) / lam * (V.T @ y))
            out["complexity"][i, j] = np.sqrt(2 * y @ (V @ ((V.T @ y) / lam)) / n)
            out["steps"][i, j] = k
            out["test_error"][i, j] = np.mean(np.sign(G @ coef) != y_all[test])
    return out


def parity_study(ns, seeds, *, d: int = 20, n_test: int = 1000, m: int = 400, step: float = 2.0,
                 steps: int = 4000) -> dict:
    r"""Where laziness loses: :math:`y = x_1x_2` on the hypercube, the NTK against a trained network.

    Inputs uniform on :math:`\{\pm1\}^d/\sqrt d` (on the unit sphere), labels
    :math:`y = d\,x_1x_2 \in \{\pm 1\}`. The kernel predictor is the minimum-norm interpolant of
    the two-layer NTK (``"ntk"`` of :func:`dot_product_kernel`), the limit of the lazy network
    trained to zero loss from zero outputs; the network is chapter 4's mean-field network
    (width ``m``, radius 0.05, step ``step``, square loss), trained until its loss is
    :math:`10^{-4}` of its start or for ``steps`` steps. Wei, Lee, Liu and Ma (2019) prove that
    kernel methods need :math:`\Omega(d^2)` samples, and a regularised network :math:`O(d)`, on a
    close relative of this task (its first two coordinates are a rotated parity, see
    :ref:`ch7-laziness-loses`). Chapter 7.

    Parameters
    ----------
    ns : sequence of int
        Training set sizes.
    seeds : sequence of int
    d, n_test, m, steps : int
    step : float

    Returns
    -------
    dict of arrays of shape (len(ns), len(seeds))
        ``kernel``, ``network``: test mean square error (the labels have variance 1).
    """
    from .model import init_network
    from .train import gd

    ns = [check_int(k, "ns", low=1) for k in np.atleast_1d(ns).tolist()]
    seeds = [check_int(s_, "seeds", low=0) for s_ in np.atleast_1d(seeds).tolist()]
    if not ns or not seeds:
        raise ValueError("ns and seeds must each hold at least one value.")
    d = check_int(d, "d", low=2)
    n_test, m = check_int(n_test, "n_test", low=1), check_int(m, "m", low=1)
    steps = check_int(steps, "steps", low=1)
    step = check_scalar(step, "step", low=0.0, include_low=False)
    largest = max(ns)
    check_allocation("ns", (largest, largest), copies=4)
    check_allocation("n_test and d", (max(n_test, largest), d), copies=4)
    check_allocation("n_test and ns", (n_test, largest), copies=2)
    check_allocation("m and ns", (m, max(n_test, largest)), copies=4)
    out = {k: np.zeros((len(ns), len(seeds))) for k in ("kernel", "network")}
    for j, seed in enumerate(seeds):
        rng = check_rng(seed)
        cube_t = rng.choice([-1.0, 1.0], size=(n_test, d))
        X_t, y_t = cube_t / math.sqrt(d), cube_t[:, 0] * cube_t[:, 1]
        for i, size in enumerate(ns):
            cube = rng.choice([-1.0, 1.0], size=(size, d))
            X, y = cube / math.sqrt(d), cube[:, 0] * cube[:, 1]
            K = dot_product_kernel(np.clip(X @ X.T, -1, 1), "ntk")
            alpha = np.linalg.lstsq(K, y, rcond=None)[0]
            out["kernel"][i, j] = np.mean((dot_product_kernel(np.clip(X_t @ X.T, -1, 1), "ntk") @ alpha - y_t) ** 2)
            run = gd(init_network(m, d, rng, radius=0.05), X, y, step, steps, rtol=1e-4)
            out["network"][i, j] = np.mean((run.net.predict(X_t) - y_t) ** 2)
    return out
