r"""The neural tangent kernel of the Du et al. model: :math:`H(W)`, :math:`H^\infty`, :math:`\lambda_0`.

Chapter 6 trains only the first layer of

.. math::

    f(W, x) = \frac{1}{\sqrt m} \sum_{r=1}^m a_r\, \sigma(w_r \cdot x),
    \qquad a_r \in \{-1, +1\} \text{ fixed}, \quad \|x\| = 1,

with the loss :math:`\frac12 \sum_i (f(W, x_i) - y_i)^2`. The Gram matrix of the output
gradients :math:`\partial u_i / \partial W` is the *empirical NTK*

.. math::

    H(W)_{ij} = \frac{x_i \cdot x_j}{m} \sum_{r=1}^m
        \mathbb 1\{w_r \cdot x_i \ge 0,\ w_r \cdot x_j \ge 0\}
    \qquad \text{(eq-ch6-gram)},

and its mean over :math:`w_r \sim N(0, I_d)` is, in closed form,

.. math::

    H^\infty_{ij} = x_i \cdot x_j\, \frac{\pi - \arccos(x_i \cdot x_j)}{2\pi}
    \qquad \text{(eq-ch6-hinf)},

whose smallest eigenvalue :math:`\lambda_0` sets the rate of gradient descent. :math:`\lambda_0 > 0`
when no two inputs are parallel [1]_.

References
----------
.. [1] S. S. Du, X. Zhai, B. Póczos, A. Singh. Gradient Descent Provably Optimizes
   Over-parameterized Neural Networks. ICLR 2019, arXiv:1810.02054.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.linalg

from . import _array
from ._validation import check_array, check_bool, check_choice, check_memory, check_scalar
from .model import Network

__all__ = [
    "ParallelInputsWarning",
    "harmonic_eigenvalues",
    "arora_complexity",
    "check_unit_norm",
    "ntk_gram",
    "second_layer_infinity",
    "h_infinity",
    "lambda_min",
    "lambda_max",
]


class ParallelInputsWarning(UserWarning):
    """Two inputs are (nearly) parallel: :math:`\\lambda_0` may be 0 and the theory is void."""


def check_unit_norm(X, name: str = "X", *, atol: float | None = None) -> np.ndarray:
    r"""Return ``X`` (shape (n, d)) after checking that every row has norm 1.

    The tolerance defaults to :math:`\max(10^{-6}, 100\,\varepsilon)` with :math:`\varepsilon`
    the machine epsilon of ``X``'s dtype.

    Parameters
    ----------
    X : array_like of shape (n, d)
    name : str, default "X"
        The argument's name in messages.
    atol : float, optional

    Returns
    -------
    ndarray of shape (n, d)

    Raises
    ------
    ValueError
        If a row's norm differs from 1 by more than ``atol``; the message says how to normalise.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a str (the argument's name in messages); got {type(name).__name__}."
        )
    X = _array.check_array(X, name, ndim=2)  # stays in its array library (NumPy, PyTorch, ...)
    xp = _array.namespace(X)
    if atol is None:
        atol = max(1e-6, 100 * float(xp.finfo(X.dtype).eps))
    else:
        atol = check_scalar(atol, "atol", low=0.0)
    norms = _array.to_numpy(xp.linalg.vector_norm(X, axis=1))
    bad = np.flatnonzero(np.abs(norms - 1.0) > atol)
    if bad.size:
        raise ValueError(
            f"{name} must have unit-norm rows (Du et al. assume |x_i| = 1); row {bad[0]} has norm "
            f"{norms[bad[0]]:.6g} ({bad.size} row(s) off). Normalise with "
            f"{name} / np.linalg.norm({name}, axis=1, keepdims=True)."
        )
    return X


def _first_layer(W) -> np.ndarray:
    if isinstance(W, Network):
        return W.B
    return _array.check_array(W, "W", ndim=2)


def ntk_gram(W, X) -> np.ndarray:
    r"""The empirical NTK Gram matrix :math:`H(W)` of the Du et al. model, shape (n, n).

    .. math::

        H(W)_{ij} = \frac{x_i \cdot x_j}{m} \sum_{r=1}^m
            \mathbb 1\{w_r \cdot x_i \ge 0,\ w_r \cdot x_j \ge 0\}
            = \frac{1}{m}\,(X X^\top) \odot (A A^\top),

    where :math:`A_{ir} = \mathbb 1\{w_r \cdot x_i \ge 0\}`. It is the Gram matrix
    :math:`\sum_r \langle \partial u_i/\partial w_r, \partial u_j/\partial w_r\rangle` of the
    outputs' gradients (the second-layer weights :math:`a_r = \pm 1` square to 1), so one gradient
    step on the loss :math:`\frac12\sum_i (u_i - y_i)^2` moves the outputs by
    :math:`-\eta H(W)(u - y)` to first order (chapter 6, :ref:`ch6`).

    Parameters
    ----------
    W : ndarray of shape (m, d) or Network
        The first-layer weights :math:`w_r` as rows (for a ``Network``, its ``B``).
    X : ndarray of shape (n, d)
        Unit-norm inputs.

    Returns
    -------
    H : ndarray of shape (n, n)
        Symmetric and positive semi-definite.

    Raises
    ------
    ValueError
        If the shapes disagree or a row of ``X`` is not unit-norm.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> ntk_gram(np.array([[1.0, 1.0], [1.0, -1.0]]), X)
    array([[1. , 0. ],
           [0. , 0.5]])
    """
    W = _first_layer(W)
    X = check_unit_norm(X)
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have shape (m, {X.shape[1]}) to match X; got {W.shape}.")
    m, n = W.shape[0], X.shape[0]
    if m == 0:
        raise ValueError("W must hold at least one neuron; got m = 0 rows (H(W) is a mean).")
    check_memory(8 * (n * m + 3 * n * n), f"ntk_gram with n = {n}, m = {m}")
    xp, device = _array.common(W, X)  # computed where W (or X) lives: NumPy, PyTorch, ...
    W, X = _array.move(W, xp, device), _array.move(X, xp, device)
    W = xp.astype(W, xp.result_type(W, X))
    # 0/1 sums are exact in float32 below 2**24, and sgemm is twice as fast as dgemm.
    ind_dtype = xp.float32 if m < 2**24 else xp.float64
    A = xp.astype(X @ W.T >= 0, ind_dtype)
    counts = A @ A.T
    return (X @ X.T) * (xp.astype(counts, xp.float64) / m)


def _check_parallel(G: np.ndarray, on_parallel: str, tol: float) -> None:
    """Warn or raise when an off-diagonal |x_i · x_j| of the Gram matrix G reaches 1 - tol."""
    if on_parallel == "ignore" or G.shape[0] < 2:
        return
    xp, n = _array.namespace(G), G.shape[0]
    C = xp.where(xp.eye(n, dtype=xp.bool, device=_array.device(G)), 0.0, xp.abs(G))
    i, j = divmod(int(xp.argmax(xp.reshape(C, (-1,)))), n)
    largest = float(C[i, j])
    if largest < 1.0 - tol:
        return
    message = (
        f"inputs {i} and {j} of X are parallel (|x_i . x_j| = {largest:.12f}): the smallest "
        "eigenvalue lambda_0 of H_infinity may be 0 (it is 0 for duplicates), and Du et al.'s "
        "theorem does not apply. Remove duplicates or antipodes, or perturb the inputs."
    )
    if on_parallel == "raise":
        raise ValueError(message)
    warnings.warn(message, ParallelInputsWarning, stacklevel=3)


def h_infinity(X, *, on_parallel: str = "warn", parallel_tol: float = 1e-8) -> np.ndarray:
    r"""The infinite-width NTK Gram matrix :math:`H^\infty` of the Du et al. model, shape (n, n).

    .. math::

        H^\infty_{ij} = \mathbb E_{w \sim N(0, I_d)}\big[x_i \cdot x_j\,
            \mathbb 1\{w \cdot x_i \ge 0,\ w \cdot x_j \ge 0\}\big]
            = x_i \cdot x_j\, \frac{\pi - \arccos(x_i \cdot x_j)}{2\pi},

    because two half-spaces whose normals make the angle :math:`\theta` intersect in a fraction
    :math:`(\pi - \theta)/(2\pi)` of all directions. The argument of :math:`\arccos` is clipped to
    :math:`[-1, 1]` against rounding.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Unit-norm inputs :math:`x_i` as rows.
    on_parallel : {"warn", "raise", "ignore"}, default "warn"
        What to do when two inputs are parallel, :math:`|x_i \cdot x_j| \ge 1 - `
        ``parallel_tol`` (duplicates or antipodes): emit a :class:`ParallelInputsWarning`,
        raise ``ValueError``, or nothing. Then :math:`\lambda_0` may be 0 (the same test as
        :func:`mfnet_lite.data.check_not_parallel`, done on the Gram matrix computed anyway).
    parallel_tol : float, default 1e-8

    Returns
    -------
    H : ndarray of shape (n, n)
        Symmetric, positive semi-definite, with diagonal 1/2.

    Raises
    ------
    ValueError
        If a row of ``X`` is not unit-norm, or two rows are parallel and
        ``on_parallel="raise"``.

    Examples
    --------
    >>> h_infinity(np.array([[1.0, 0.0], [0.0, 1.0]]))
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    X = check_unit_norm(X)
    check_memory(8 * 2 * X.shape[0] ** 2, f"h_infinity with n = {X.shape[0]}")
    check_choice(on_parallel, "on_parallel", ("warn", "raise", "ignore"))
    parallel_tol = check_scalar(parallel_tol, "parallel_tol", low=0.0, high=1.0)
    xp = _array.namespace(X)  # computed in X's array library: NumPy, PyTorch, ...
    G = xp.astype(X @ X.T, xp.float64)
    _check_parallel(G, on_parallel, parallel_tol)
    G = xp.clip(G, -1.0, 1.0)
    return (math.pi - xp.acos(G)) * G / (2 * math.pi)


def second_layer_infinity(X) -> np.ndarray:
    r"""The output layer's part :math:`K^\infty` of the infinite-width NTK, shape (n, n).

    When the output weights :math:`a_r` are trained too, the Gram matrix of the output gradients
    gains the term :math:`K(W)_{ij} = \frac1m \sum_r \sigma(w_r\cdot x_i)\,\sigma(w_r\cdot x_j)`
    (from :math:`\partial u_i/\partial a_r = \sigma(w_r\cdot x_i)/\sqrt m`), whose mean over
    :math:`w \sim N(0, I_d)` is the arc-cosine kernel of degree one [1]_:

    .. math::

        K^\infty_{ij} = \mathbb E\big[\sigma(w\cdot x_i)\,\sigma(w\cdot x_j)\big]
            = \frac{\sqrt{1 - t^2} + t\,(\pi - \arccos t)}{2\pi},
        \qquad t = x_i\cdot x_j ,

    for unit inputs. The full NTK of the two-layer network is :math:`H^\infty + K^\infty`
    (chapter 6, remark ``rem-ch6-full-ntk``); :func:`h_infinity` is the first layer's part.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Unit-norm inputs as rows.

    Returns
    -------
    K : ndarray of shape (n, n)
        Symmetric, positive semi-definite, with diagonal 1/2.

    Raises
    ------
    ValueError
        If a row of ``X`` is not unit-norm.

    References
    ----------
    .. [1] Y. Cho, L. K. Saul. Kernel Methods for Deep Learning. NIPS 2009.

    Examples
    --------
    >>> second_layer_infinity(np.array([[1.0, 0.0], [0.0, 1.0]])).round(4)
    array([[0.5   , 0.1592],
           [0.1592, 0.5   ]])
    """
    X = check_unit_norm(X)
    xp = _array.namespace(X)  # computed in X's array library: NumPy, PyTorch, ...
    t = xp.clip(xp.astype(X @ X.T, xp.float64), -1.0, 1.0)
    return (xp.sqrt(1.0 - t * t) + t * (math.pi - xp.acos(t))) / (2 * math.pi)


def _lambda_min_mixed(H: np.ndarray) -> float:
    """float32 tridiagonal reduction for the bottom eigenpair, then a float64 Rayleigh quotient."""
    _, v = scipy.linalg.eigh(
        H.astype(np.float32), subset_by_index=[0, 0], check_finite=False, overwrite_a=True
    )
    v = v[:, 0].astype(np.float64)
    return float(v @ (H @ v) / (v @ v))


def _check_symmetric_matrix(H, check_symmetric: bool) -> np.ndarray:
    H = check_array(_array.to_numpy(H), "H", ndim=2)  # LAPACK through SciPy takes NumPy
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix; got shape {H.shape}.")
    if H.shape[0] == 0:
        raise ValueError("H must be at least 1 x 1; got a 0 x 0 matrix (no eigenvalue).")
    if check_symmetric:
        atol = 1e-10 * max(float(H.max()), -float(H.min()), 1e-300)
        # tile by tile: comparing H with its strided transpose in one go (np.allclose) cost
        # three times the eigenvalue itself at n = 2000
        n, b = H.shape[0], 256
        worst = 0.0
        for i in range(0, n, b):
            for j in range(i, n, b):
                worst = max(
                    worst, float(np.abs(H[i : i + b, j : j + b] - H[j : j + b, i : i + b].T).max())
                )
        if worst > atol:
            raise ValueError(
                f"H must be symmetric; got max |H - H.T| = {worst:.3g}. "
                "Symmetrise with (H + H.T) / 2."
            )
    return H


def _lambda_min_shift_invert(H: np.ndarray) -> float | None:
    """Shift-invert Lanczos on a Cholesky factor; None when H is not positive definite.

    SciPy's fastest route, ``eigsh(H, k=1, sigma=0)``, with its LU factorisation (2n³/3 flops)
    replaced by Cholesky (n³/3), which also certifies that every eigenvalue is positive, so
    that the eigenvalue nearest 0 that ARPACK returns is the smallest one. The factor is
    handed to LAPACK's ``getrs`` in LU form (:math:`H = L L^\\top = (L D^{-1})(D L^\\top)` with
    :math:`D = \\operatorname{diag} L`, no pivoting): each Lanczos solve then costs what
    ``eigsh``'s costs (``potrs`` for one right-hand side measured 1.5 times slower).
    """
    import scipy.sparse.linalg

    n = H.shape[0]
    if n < 3:  # ARPACK needs k < ncv <= n
        return None
    try:
        # the lower factor: on a C-ordered H, LAPACK's upper variant was up to five times slower
        L, _ = scipy.linalg.cho_factor(H, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    diag = np.diag(L).copy()
    lu = np.tril(L, -1)
    lu /= diag[None, :]  # the unit lower factor L D^-1, below the diagonal
    lu += np.triu(L.T) * diag[:, None]  # the upper factor D L^T
    # Fortran order, as getrs wants it: lu_solve would otherwise copy the matrix at every solve
    factor = (np.asfortranarray(lu), np.arange(n, dtype=np.int32))
    solve = scipy.sparse.linalg.LinearOperator(
        (n, n), matvec=lambda v: scipy.linalg.lu_solve(factor, v, check_finite=False), dtype=H.dtype
    )
    # a fixed start vector: ARPACK's default is random, and the same H must give the same number
    v0 = np.random.default_rng(0).standard_normal(n)
    # 40 Lanczos vectors rather than ARPACK's 20: on the clustered bottom of H_infinity it
    # restarts less often (401 solves instead of 511 at n = 2000, d = 1000)
    value = scipy.sparse.linalg.eigsh(
        H, k=1, sigma=0.0, which="LM", OPinv=solve, v0=v0, ncv=min(n, 40), return_eigenvectors=False
    )
    return float(value[0])


def lambda_min(H, *, method: str = "auto", check_symmetric: bool = True) -> float:
    r"""The smallest eigenvalue :math:`\lambda_{\min}(H)` of a symmetric matrix.

    For :math:`H = H^\infty` this is Du et al.'s :math:`\lambda_0` (chapter 6).

    Parameters
    ----------
    H : ndarray of shape (n, n)
        Symmetric.
    method : {"auto", "shift-invert", "subset", "mixed", "dense"}, default "auto"
        ``"shift-invert"``: a Cholesky factorisation of :math:`H` (which certifies
        :math:`H \succ 0`), then ARPACK's shift-invert Lanczos at :math:`\sigma = 0` through
        ``scipy.sparse.linalg.eigsh(H, k=1, sigma=0, OPinv=...)`` with the Cholesky solves:
        SciPy's fastest route, with a factorisation of half the cost of its LU, and float64
        accuracy; a matrix that is not positive definite (e.g. parallel inputs, :math:`\lambda_0
        = 0`) falls back to ``"subset"``. ``"subset"``: LAPACK's ``syevr`` through ``scipy.linalg.eigh(H, eigvals_only=True,
        subset_by_index=[0, 0])``, which skips the eigenvectors and every eigenvalue but the
        first. ``"mixed"``: the same driver in float32 for the bottom eigenvector :math:`v`,
        then the float64 Rayleigh quotient :math:`v^\top H v / v^\top v`; its error is of
        order :math:`\varepsilon_{32}^2\,\|H\|^2/\text{gap}` (on :math:`H^\infty` at n = 5000,
        measured against ``"subset"``: :math:`2.6 \cdot 10^{-10}` relative at d = 1000 and
        :math:`4.1 \cdot 10^{-9}` at d = 20, absolute errors :math:`5.8 \cdot 10^{-11}` and
        :math:`2.2 \cdot 10^{-10}`; the tests check the bound against the dense value) and
        it is about twice as fast (3.3 s against 6.6 s and 3.0 s against 5.8 s there, 2
        threads), because the cost is the memory-bound reduction to tridiagonal form. ``"dense"``: every eigenvalue with ``numpy.linalg.eigvalsh``, the
        reference. ``"auto"``: ``"subset"``, SciPy's ``eigh(H, subset_by_index=[0, 0])`` route
        itself (measured the fastest at n = 2000 when the machine is quiet: 0.20 s against
        1.08 s for ``eigsh`` shift-invert; under heavy load the memory-bound reduction slows
        down most and ``"shift-invert"`` can win, see Notes).
    check_symmetric : bool, default True
        Raise if :math:`H` is not symmetric to within :math:`10^{-10}\max|H|`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``H`` is not square, not finite or not symmetric.

    Notes
    -----
    The bottom of the spectrum of :math:`H^\infty` is a tight cluster (at n = 2000, d = 1000
    the two smallest eigenvalues differ by :math:`8 \cdot 10^{-5}`), so Lanczos needs hundreds
    of solves; each is :math:`O(n^2)`, against :math:`O(n^3)` for the tridiagonal reduction
    of ``"subset"``/``"mixed"``, which is memory-bound and suffers most on a busy machine.
    ``benchmarks/kernels.py`` times every method beside SciPy's own routes and prints the
    ratios.

    Examples
    --------
    >>> round(lambda_min(np.array([[2.0, 1.0], [1.0, 2.0]])), 12)
    1.0
    """
    check_bool(check_symmetric, "check_symmetric")
    check_choice(method, "method", ("auto", "shift-invert", "subset", "mixed", "dense"))
    H = _check_symmetric_matrix(H, check_symmetric)
    if method == "auto":
        method = "subset"
    if method == "shift-invert":
        value = _lambda_min_shift_invert(H)
        if value is not None:
            return value
        method = "subset"
    if method == "dense":
        return float(np.linalg.eigvalsh(H)[0])
    if method == "mixed":
        return _lambda_min_mixed(H)
    return float(
        scipy.linalg.eigh(H, eigvals_only=True, subset_by_index=[0, 0], check_finite=False)[0]
    )


def lambda_max(H, *, check_symmetric: bool = True) -> float:
    r"""The largest eigenvalue :math:`\lambda_{\max}(H)` of a symmetric matrix.

    For :math:`H = H^\infty`, :math:`2/\lambda_{\max}` is the stable limit of the step of the
    kernel recursion (chapter 6). LAPACK's subset driver (``syevr`` through
    ``scipy.linalg.eigh(H, eigvals_only=True, subset_by_index=[n-1, n-1])``).

    Parameters
    ----------
    H : ndarray of shape (n, n)
        Symmetric.
    check_symmetric : bool, default True
        Raise if :math:`H` is not symmetric to within :math:`10^{-10}\max|H|`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``H`` is empty, not square, not finite or not symmetric.

    Examples
    --------
    >>> round(lambda_max(np.array([[2.0, 1.0], [1.0, 2.0]])), 12)
    3.0
    """
    check_bool(check_symmetric, "check_symmetric")
    H = _check_symmetric_matrix(H, check_symmetric)
    n = H.shape[0]
    return float(
        scipy.linalg.eigh(H, eigvals_only=True, subset_by_index=[n - 1, n - 1], check_finite=False)[
            0
        ]
    )


# Chapter 7's spectrum of these kernels lives in its own module; the two names the chapter uses
# most are reachable from here too.
from .spectral import arora_complexity, harmonic_eigenvalues  # noqa: E402
