r"""Networks as measures and distances between them through POT (chapters 2–4).

A network :math:`W = (w_1, \dots, w_m)` is the empirical measure
:math:`\mu = \frac1m \sum_j \delta_{w_j}` on :math:`\mathbb{R}^{d+1}`; for the 2-homogeneous
ReLU model it is also the non-negative measure :math:`\nu = \frac1m \sum_j \|w_j\|^2
\delta_{w_j/\|w_j\|}` on the unit sphere (same function :math:`h`).

The Wasserstein distance between weighted point clouds is

.. math::

    W_2(\mu, \nu) = \Big(\min_{\pi \in \Pi(p, q)} \sum_{i,k} \pi_{ik} \|P_i - Q_k\|^2\Big)^{1/2},

computed exactly with POT's network simplex :func:`ot.emd2` [1]_ (which returns
:math:`W_2^2`; these functions return :math:`W_2`).

References
----------
.. [1] R. Flamary, N. Courty et al., "POT: Python Optimal Transport", JMLR 22(78), 2021.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_array, check_int
from .model import Network

__all__ = ["TransportError", "particles", "sphere_measure", "w2"]


class TransportError(RuntimeError):
    """POT did not reach an optimal plan (iteration limit or a numerical problem)."""


def particles(net: Network) -> tuple[np.ndarray, np.ndarray]:
    r"""The network as a uniform measure on :math:`\mathbb{R}^{d+1}`: ``(W, weights)``.

    ``W`` has rows :math:`w_j = (a_j, b_j)`, shape (m, d + 1); the weights are all ``1/m``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    W = net.W.astype(np.float64)
    return W, np.full(net.m, 1.0 / net.m)


def sphere_measure(net: Network, *, tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    r"""The 2-homogeneous network as a measure on the unit sphere: ``(directions, masses)``.

    Neuron :math:`w_j` puts mass :math:`\|w_j\|^2/m` at :math:`w_j/\|w_j\|`, so that
    :math:`h(x) = \int \Phi(\theta)(x)\, d\nu(\theta)` with the mean-field scaling. Neurons with
    :math:`\|w_j\| \le` ``tol`` carry no mass and are dropped.

    Returns
    -------
    directions : ndarray of shape (k, d + 1), unit rows
    masses : ndarray of shape (k,), non-negative, summing to :math:`\frac1m\sum_j\|w_j\|^2`
    """
    W, _ = particles(net)
    norms = np.linalg.norm(W, axis=1)
    keep = norms > tol
    if not np.any(keep):
        raise ValueError("every neuron of net is zero: its sphere measure is empty.")
    return W[keep] / norms[keep, None], norms[keep] ** 2 / net.m


def _weights(p, n: int, name: str) -> np.ndarray:
    if p is None:
        return np.full(n, 1.0 / n)
    p = check_array(p, name, shape=(n,), dtype=np.float64)
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative; got min {p.min():.3g}.")
    if p.sum() <= 0:
        raise ValueError(f"{name} must have a positive total mass.")
    return p


def _cost(P, Q) -> np.ndarray:
    import ot

    C = np.ascontiguousarray(ot.dist(P, Q, metric="sqeuclidean"), dtype=np.float64)
    if not np.all(np.isfinite(C)):  # POT would return 0.0 with only a warning
        raise ValueError("the cost matrix has NaN or inf entries; check P and Q for huge values.")
    return C


def _point_clouds(P, Q):
    P = check_array(P, "P", ndim=2, dtype=np.float64)
    Q = check_array(Q, "Q", ndim=2, dtype=np.float64)
    if P.shape[1] != Q.shape[1]:
        raise ValueError(f"P and Q must have the same dimension; got {P.shape} and {Q.shape}.")
    if P.shape[0] == 0 or Q.shape[0] == 0:
        raise ValueError("P and Q must each hold at least one point.")
    return P, Q


def w2(P, Q, p=None, q=None, *, num_iter_max: int | None = None) -> float:
    r"""The exact 2-Wasserstein distance :math:`W_2` (not its square) between weighted clouds.

    Parameters
    ----------
    P : array_like of shape (n, k)
    Q : array_like of shape (n2, k)
    p, q : array_like of shapes (n,) and (n2,), optional
        Non-negative weights with equal totals; uniform (``1/n``) by default.
    num_iter_max : int, optional
        POT's iteration cap; defaults to ``max(100 000, 50 n n2)``.

    Raises
    ------
    ValueError
        Shapes that do not match, NaN or inf, negative weights, totals that differ.
    TransportError
        POT stopped before optimality (it would only warn and return a wrong value).

    Examples
    --------
    >>> w2([[0.0, 0.0]], [[3.0, 4.0]])
    5.0
    """
    import ot

    P, Q = _point_clouds(P, Q)
    p, q = _weights(p, P.shape[0], "p"), _weights(q, Q.shape[0], "q")
    if not np.isclose(p.sum(), q.sum(), rtol=1e-9, atol=1e-12):
        raise ValueError(
            f"p and q must have the same total mass; got {p.sum():.12g} and {q.sum():.12g}. "
            "Normalise them, or use an unbalanced distance."
        )
    q = q * (p.sum() / q.sum())  # remove rounding-level differences POT would reject
    if num_iter_max is None:
        num_iter_max = max(100_000, 50 * P.shape[0] * Q.shape[0])
    num_iter_max = check_int(num_iter_max, "num_iter_max", low=1)
    cost, log = ot.emd2(p, q, _cost(P, Q), numItermax=num_iter_max, log=True)
    if log.get("warning"):
        raise TransportError(
            f"POT's exact solver did not reach optimality: {log['warning']} "
            "Raise num_iter_max, or use sliced_w2 for large clouds."
        )
    return float(np.sqrt(max(float(cost), 0.0)))
