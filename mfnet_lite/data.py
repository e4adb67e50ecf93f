r"""Data sets of the book: points on the sphere, teacher networks, teacher–student sets.

Chapters 1–5 and 7 learn a *teacher* :math:`h^*(x) = \frac{1}{m_0}\sum_k a^*_k \sigma(b^*_k\cdot x)`
from inputs uniform on the unit sphere; chapter 6 follows Du et al. (inputs uniform on the
sphere, labels :math:`N(0, 1)`), whose analysis needs that no two inputs are parallel.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_allocation,
    check_array,
    check_bool,
    check_choice,
    check_float_dtype,
    check_int,
    check_memory,
    check_rng,
    check_scalar,
    renamed_keywords,
    unit_rows,
)
from .model import Network

__all__ = [
    "sphere",
    "circle",
    "teacher",
    "teacher_student",
    "ntk_synthetic",
    "with_bias",
    "max_abs_cosine",
    "check_not_parallel",
]


def sphere(n: int, d: int, rng=None, *, dtype=np.float64) -> np.ndarray:
    r"""``n`` points drawn uniformly on the unit sphere :math:`S^{d-1} \subset \mathbb{R}^d`.

    Normalised Gaussian vectors, so the law is exactly uniform.

    Parameters
    ----------
    n, d : int
        Number of points and dimension, both >= 1.
    rng : None, int or numpy.random.Generator
    dtype : numpy.float32 or numpy.float64, default float64
        Drawn in float64, then cast.

    Returns
    -------
    ndarray of shape (n, d)

    Raises
    ------
    ValueError
        If ``n`` or ``d`` is below 1, or the points would not fit in memory.
    TypeError
        If ``dtype`` is not a real floating type (integers would round the points to 0).

    Examples
    --------
    >>> X = sphere(3, 2, rng=0)
    >>> np.allclose(np.linalg.norm(X, axis=1), 1.0)
    True
    """
    n = check_int(n, "n", low=1)
    d = check_int(d, "d", low=1)
    dtype = check_float_dtype(dtype)
    check_memory(2 * 8 * n * d, f"sphere({n}, {d})")
    rng = check_rng(rng)
    X = rng.standard_normal((n, d))
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    while np.any(norms == 0):  # probability zero, but d = 1 draws can be exactly 0 in theory
        redo = norms[:, 0] == 0
        X[redo] = rng.standard_normal((int(redo.sum()), d))
        norms = np.linalg.norm(X, axis=1, keepdims=True)
    return (X / norms).astype(dtype)


def circle(n_angles: int = 181) -> tuple[np.ndarray, np.ndarray]:
    r"""``n_angles`` evenly spaced inputs :math:`x = (\cos\theta, \sin\theta)` on the unit circle.

    The inputs on which the d = 2 figures draw a network's function :math:`h(x)` against
    :math:`\theta \in [-\pi, \pi]`.

    Returns
    -------
    theta : ndarray of shape (n_angles,)
    X : ndarray of shape (n_angles, 2)
    """
    n_angles = check_int(n_angles, "n_angles", low=2)
    check_allocation(f"circle({n_angles})", (n_angles, 4))
    theta = np.linspace(-np.pi, np.pi, n_angles)
    return theta, np.column_stack([np.cos(theta), np.sin(theta)])


def teacher(m0: int, d: int, rng=None, *, signs: str = "mixed", scale="mean-field") -> Network:
    r"""A teacher network with ``m0`` balanced neurons :math:`|a^*_k| = \|b^*_k\| = 1`.

    Parameters
    ----------
    m0, d : int
        Number of teacher neurons and input dimension.
    rng : None, int or Generator
    signs : {"mixed", "positive", "negative"}, default "mixed"
        Signs of the output weights :math:`a^*_k`: independent fair coins (redrawn until both
        signs occur when ``m0 >= 2``), all +1, or all −1.
    scale : default "mean-field"
        Output scaling; the default gives :math:`h^* = \frac{1}{m_0}\sum_k a^*_k\sigma(b^*_k\cdot x)`.
    """
    m0 = check_int(m0, "m0", low=1)
    check_choice(signs, "signs", ("mixed", "positive", "negative"))
    rng = check_rng(rng)
    B = sphere(m0, d, rng)
    if signs == "mixed":
        a = rng.choice([-1.0, 1.0], size=m0)
        while m0 >= 2 and abs(a.sum()) == m0:
            a = rng.choice([-1.0, 1.0], size=m0)
    else:
        a = np.full(m0, 1.0 if signs == "positive" else -1.0)
    return Network(a, B, scale=scale)


def teacher_student(
    n: int, d: int, m0: int = 5, rng=None, *, noise: float = 0.0, signs: str = "mixed"
) -> tuple[np.ndarray, np.ndarray, Network]:
    r"""Inputs uniform on the sphere, labels from a random teacher: ``(X, y, teacher)``.

    :math:`y_i = h^*(x_i) + \varepsilon_i` with :math:`\varepsilon_i \sim N(0, \text{noise}^2)`.
    The teacher is drawn first, then X, then the noise, all from ``rng``.
    """
    noise = check_scalar(noise, "noise", low=0.0)
    rng = check_rng(rng)
    t = teacher(m0, d, rng, signs=signs)
    X = sphere(n, d, rng)
    y = t.predict(X)
    if noise > 0:
        y = y + noise * rng.standard_normal(n)
    return X, y, t


def ntk_synthetic(n: int, d: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Du et al.'s synthetic set: ``n`` inputs uniform on :math:`S^{d-1}`, labels :math:`N(0, 1)`."""
    rng = check_rng(rng)
    X = sphere(n, d, rng)
    return X, rng.standard_normal(X.shape[0])


def with_bias(X, value: float = 1.0, *, normalize: bool = False) -> np.ndarray:
    r"""Append a constant coordinate, so that :math:`b\cdot(x, v)` carries a bias :math:`b_{d+1} v`.

    With ``normalize=True`` each row is rescaled to unit norm afterwards (what chapter 6's
    analysis asks of its inputs). Returns shape (n, d + 1).
    """
    check_bool(normalize, "normalize")
    X = check_array(X, "X", ndim=2)
    value = check_scalar(value, "value")
    Xb = np.column_stack([X, np.full(X.shape[0], value, dtype=X.dtype)])
    if normalize:
        norms = np.linalg.norm(Xb, axis=1, keepdims=True)
        if np.any(norms == 0):
            raise ValueError("X with its bias coordinate has a zero row; cannot normalize it.")
        Xb /= norms
    return Xb


def max_abs_cosine(X) -> float:
    r"""The largest :math:`|\cos\angle(x_i, x_j)|` over pairs :math:`i \neq j` (1 means parallel)."""
    X = check_array(X, "X", ndim=2)
    if X.shape[0] < 2:
        return 0.0
    U = unit_rows(X, "X")  # overflow-safe: rows of size 1e200 keep their directions
    C = np.abs(U @ U.T)
    np.fill_diagonal(C, 0.0)
    return float(C.max())


@renamed_keywords(tol="parallel_tol")
def check_not_parallel(X, *, parallel_tol: float = 1e-8) -> np.ndarray:
    r"""Return ``X`` if no two rows are parallel (:math:`|\cos| < 1 -` ``parallel_tol``), else raise.

    Du et al.'s :math:`\lambda_0 = \lambda_{\min}(H^\infty) > 0` holds exactly when no two inputs
    are parallel (chapter 6); this is the check (the tolerance has the name it has in
    :func:`mfnet_lite.kernels.h_infinity`).

    Parameters
    ----------
    X : array_like of shape (n, d)
    parallel_tol : float in [0, 1], default 1e-8
        Formerly ``tol``.

    Returns
    -------
    ndarray of shape (n, d)

    Raises
    ------
    ValueError
        If two rows are parallel or antiparallel, or a row is zero.
    """
    parallel_tol = check_scalar(parallel_tol, "parallel_tol", low=0.0, high=1.0)
    X = check_array(X, "X", ndim=2)
    cos = max_abs_cosine(X)
    if cos >= 1.0 - parallel_tol:
        raise ValueError(
            f"X has two parallel rows (|cos| = {cos:.12f}); remove duplicates or antipodes, "
            "or perturb the inputs: lambda_min(H_infinity) is then 0."
        )
    return X
