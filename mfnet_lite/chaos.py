r"""Propagation of chaos, measured (chapter 3): how far m particles are from the mean-field limit.

Draw :math:`w_1(0), \dots, w_m(0)` independently from :math:`\mu_0` and let them follow the
particle flow of their own empirical measure, :math:`\dot w_j = -\nabla V_{\mu^m_t}(w_j)`
(mean-field gradient descent). Beside each one, start a *nonlinear* particle at the same point,
:math:`\bar w_j(0) = w_j(0)`, and move it with the velocity field of the mean-field limit,
:math:`\dot{\bar w}_j = -\nabla V_{\mu_t}(\bar w_j)`: the :math:`\bar w_j(t)` are independent
draws from :math:`\mu_t`. The synchronous coupling gap

.. math::

    \Delta_m(t) = \Big(\mathbb{E}\, \frac1m \sum_{j=1}^m \|w_j(t) - \bar w_j(t)\|^2\Big)^{1/2}

bounds :math:`\mathbb{E}\,W_2(\mu^m_t, \bar\mu^m_t)` (the plan that keeps the labels), and
propagation of chaos says :math:`\Delta_m(t) \le C(T)/\sqrt m` for :math:`t \le T` when
:math:`\Phi` is smooth enough (a constant that may grow with the horizon :math:`T`).

The mean-field field :math:`\nabla V_{\mu_t}` is not available in closed form; it is replaced by
that of a reference run with many more particles, :math:`M \gg m`, and the nonlinear particles
ride along as tracers that feel the reference's field but do not change it. All systems move by
the explicit Euler step of :func:`mfnet_lite.train.gd` (mean-field time scaling, square loss):
:math:`w \leftarrow w - \eta \nabla V_\mu(w)`.

References
----------
.. [1] S. Mei, A. Montanari, P.-M. Nguyen, "A mean field view of the landscape of two-layer
   neural networks", PNAS 115(33), 2018.
.. [2] J. Sirignano, K. Spiliopoulos, "Mean field analysis of neural networks: a law of large
   numbers", SIAM J. Appl. Math. 80(2), 2020.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_allocation,
    check_array,
    check_fields,
    check_int,
    check_int_list,
    check_rng,
    check_scalar,
)
from .model import init_network

__all__ = ["ChaosResult", "coupled_gaps"]


@dataclass(frozen=True)
class ChaosResult:
    """The coupling gaps of :func:`coupled_gaps`.

    Attributes
    ----------
    widths : ndarray of shape (k,)
        The widths m.
    times : ndarray of shape (s,)
        Mean-field times :math:`t = \\text{step} \\times \\text{iteration}` of the records.
    gaps : ndarray of shape (s, k)
        :math:`\\Delta_m(t)`, the root mean square over particles and draws.
    reference_losses : ndarray of shape (s,)
        The reference run's risk at the recorded times.
    reference : int
        The reference width M.
    """

    widths: np.ndarray
    times: np.ndarray
    gaps: np.ndarray
    reference_losses: np.ndarray
    reference: int

    def __post_init__(self):
        check_fields(self)  # a result built from garbage is refused here, not in a plot

    def scaled(self) -> np.ndarray:
        r""":math:`\sqrt m\,\Delta_m(t)`, shape (s, k): constant in m where the rate holds."""
        return self.gaps * np.sqrt(self.widths)


def _outputs(W, Z, groups, counts):
    """h of each system at X from Z = B X^T: the mean over its particles of a σ(b·x), (systems, n)."""
    return np.add.reduceat(W[:, :1] * np.maximum(Z, 0.0), groups, axis=0) / counts[:, None]


def _velocity(W, Z, R, X):
    """∇V(w_j) for each row of W (Z = B X^T), R the residual h(x_i) - y_i: one row shared by all
    particles (shape (n,)) or one row per particle (shape (rows, n))."""
    n = X.shape[0]
    if R.ndim == 1:
        grad_a = np.maximum(Z, 0.0) @ R / n
    else:
        grad_a = np.einsum("jn,jn->j", np.maximum(Z, 0.0), R) / n
    grad_B = ((W[:, :1] * (Z > 0)) * R) @ X / n
    return np.column_stack([grad_a, grad_B])


def coupled_gaps(
    X,
    y,
    widths: Sequence[int],
    *,
    reference: int = 10_000,
    draws: int = 4,
    step: float = 1.0,
    steps: int = 100,
    record_every: int = 10,
    radius: float = 0.5,
    rng=None,
) -> ChaosResult:
    r"""The synchronous coupling gap :math:`\Delta_m(t)` between m particles and the limit.

    For each width m and each of ``draws`` draws, m particles uniform on the sphere of radius
    ``radius`` in :math:`\mathbb{R}^{d+1}` (``init_network``'s law :math:`\mu_0`) run mean-field
    gradient descent, while tracers started at the same points move with the velocity field of
    a reference run of ``reference`` particles from the same law (see the module docstring):

    .. math::

        w_j \leftarrow w_j - \eta \nabla V_{\mu^m}(w_j), \qquad
        \bar w_j \leftarrow \bar w_j - \eta \nabla V_{\mu^M}(\bar w_j), \qquad
        \Delta_m = \Big(\operatorname{mean}_{\text{draws}, j} \|w_j - \bar w_j\|^2\Big)^{1/2}.

    All systems step together, in one array.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    widths : sequence of int
        The widths m, each >= 1 and below ``reference``.
    reference : int, default 10 000
        The reference width M that stands in for the mean-field limit.
    draws : int, default 4
        Independent draws per width.
    step : float, default 1.0
        The step :math:`\eta > 0` (mean-field time per iteration).
    steps, record_every : int
        Number of iterations, and the interval between records (0 and ``steps`` always are).
    radius : float, default 0.5
        The radius of the initial sphere, > 0.
    rng : None, int or numpy.random.Generator
        The reference is drawn first, then the widths in order, seed after seed.

    Returns
    -------
    ChaosResult

    Raises
    ------
    ValueError
        Shapes that do not match, a width below 1 or not below ``reference``, a non-positive
        step or radius, a run that leaves the finite numbers (lower ``step``).

    Examples
    --------
    >>> import mfnet_lite as mf
    >>> X, y, _ = mf.data.teacher_student(50, 2, 3, 0)
    >>> res = mf.chaos.coupled_gaps(X, y, [10, 40], reference=400, steps=20, rng=0)
    >>> res.gaps.shape, bool(res.gaps[0].max() == 0.0)
    ((3, 2), True)
    """
    X = check_array(X, "X", ndim=2, dtype=np.float64)
    y = check_array(y, "y", ndim=1, dtype=np.float64)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X; got {y.shape}.")
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one input (n >= 1).")
    reference = check_int(reference, "reference", low=2)
    widths = np.array(check_int_list(widths, "widths", low=1, high=reference - 1))
    draws = check_int(draws, "draws", low=1)
    particles = reference + 2 * draws * int(widths.sum())  # reference, systems and tracers
    check_allocation(
        f"coupled_gaps(reference={reference})", (particles, X.shape[0] + X.shape[1] + 1), copies=4
    )
    step = check_scalar(step, "step", low=0.0, include_low=False)
    steps = check_int(steps, "steps", low=1)
    record_every = check_int(record_every, "record_every", low=1)
    check_allocation(
        "coupled_gaps' records", (steps // record_every + 2, widths.size + 1), copies=3
    )
    radius = check_scalar(radius, "radius", low=0.0, include_low=False)
    rng = check_rng(rng)
    d = X.shape[1]

    ref = init_network(reference, d, rng, radius=radius).W
    starts = [init_network(m, d, rng, radius=radius).W for m in widths for _ in range(draws)]
    sizes = np.array([s.shape[0] for s in starts])
    groups = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    owner = np.repeat(np.arange(len(starts)), sizes)  # which system each particle belongs to
    W = np.concatenate(starts)  # the m-particle systems, one after the other
    T = W.copy()  # their tracers
    one = (np.array([0]), np.array([reference]))

    records = sorted(set(range(0, steps, record_every)) | {steps})
    gaps, losses, recorded = [], [], set(records)
    with np.errstate(over="ignore", invalid="ignore"):  # a divergence is caught below
        for k in range(steps + 1):
            both = np.concatenate([ref, T])  # the reference, then the tracers it carries
            Z_both = both[:, 1:] @ X.T
            r_ref = _outputs(ref, Z_both[:reference], *one)[0] - y
            if k in recorded:
                sq = np.sum((W - T) ** 2, axis=1)
                per_system = np.add.reduceat(sq, groups) / sizes  # mean within each system
                gaps.append(np.sqrt(per_system.reshape(len(widths), draws).mean(axis=1)))
                losses.append(0.5 * np.mean(r_ref**2))
            if k == steps:
                break
            Z = W[:, 1:] @ X.T
            residual = _outputs(W, Z, groups, sizes) - y  # (systems, n)
            v = _velocity(both, Z_both, r_ref, X)
            W = W - step * _velocity(W, Z, residual[owner], X)
            ref, T = ref - step * v[:reference], T - step * v[reference:]
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(ref))):
                raise ValueError(f"the runs left the finite numbers at step {k + 1}; lower step.")
    return ChaosResult(
        widths=widths,
        times=step * np.array(records, dtype=float),
        gaps=np.array(gaps),
        reference_losses=np.array(losses),
        reference=reference,
    )
