r"""Networks as measures and distances between them through POT (chapters 2–4).

A network :math:`W = (w_1, \dots, w_m)` is the empirical measure
:math:`\mu = \frac1m \sum_j \delta_{w_j}` on :math:`\mathbb{R}^{d+1}`; for the 2-homogeneous
ReLU model it is also the non-negative measure :math:`\nu = \frac1m \sum_j \|w_j\|^2
\delta_{w_j/\|w_j\|}` on the unit sphere (same function :math:`h`).

The Wasserstein distance between weighted point clouds is

.. math::

    W_2(\mu, \nu) = \Big(\min_{\pi \in \Pi(p, q)} \sum_{i,k} \pi_{ik} \|P_i - Q_k\|^2\Big)^{1/2},

computed exactly with POT's network simplex :func:`ot.emd2` [1]_ (which returns
:math:`W_2^2`; these functions return :math:`W_2`). Cheaper stand-ins: the sliced distance
:func:`sliced_w2` (one-dimensional projections, seeded) and the entropic :func:`sinkhorn_w2`
(biased upwards). Between sphere measures of different total mass, :func:`hk` is the
Hellinger–Kantorovich distance, solved with POT's unbalanced solver (chapter 3).

Helpers for chapters 2–3: :func:`mixture` (the network of a mixture of two measures),
:func:`snapshot_distances` (W2 along a training run), :func:`timed_distances`.

Every function guards POT's silent failures: a cost matrix with NaN or inf (POT returns 0.0
with a warning), totals that differ, and an iteration limit reached (POT warns, or says
nothing, and returns a wrong value) raise :class:`ValueError` or :class:`TransportError`.

References
----------
.. [1] R. Flamary, N. Courty et al., "POT: Python Optimal Transport", JMLR 22(78), 2021.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validation import (
    check_array,
    check_cost_scale,
    check_int,
    check_memory,
    check_object,
    check_rng,
    check_scalar,
    check_squarable,
    check_total,
)
from .model import Network

__all__ = [
    "TransportError",
    "particles",
    "sphere_measure",
    "w2",
    "sliced_w2",
    "sinkhorn_w2",
    "hk",
    "hk_cost",
    "optimal_plan",
    "mixture",
    "segment",
    "snapshot_distances",
    "timed_distances",
]


class TransportError(RuntimeError):
    """POT did not reach an optimal plan (iteration limit or a numerical problem)."""


def particles(net: Network) -> tuple[np.ndarray, np.ndarray]:
    r"""The network as a uniform measure on :math:`\mathbb{R}^{d+1}`: ``(W, weights)``.

    ``W`` has rows :math:`w_j = (a_j, b_j)`, shape (m, d + 1); the weights are all ``1/m``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    from ._array import to_numpy  # the NumPy border: POT takes NumPy

    W = to_numpy(net.W).astype(np.float64)
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
    tol = check_scalar(tol, "tol", low=0.0)
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
    check_total(p, name)  # a positive total that does not overflow
    return p


# Up to this dimension the cost is summed from coordinate differences, exactly rounded; above,
# POT's expansion |p|^2 + |q|^2 - 2 p.q, one matrix product, is faster (measured at n = 1000:
# 7 ms against 57 ms at k = 21, 21 ms against 34 ms at k = 3).
_EXACT_COST_DIM = 8


def _cost(P, Q) -> np.ndarray:
    r"""The squared distances :math:`C_{ik} = \|P_i - Q_k\|^2`, in float64.

    The expansion :math:`\|p\|^2 + \|q\|^2 - 2\,p\cdot q` loses every digit of a distance
    much smaller than the points' norms (two points 0.125 apart at distance 1.2e7 from the
    origin gave a cost of 0). So in up to ``_EXACT_COST_DIM`` dimensions the cost is summed from
    the coordinate differences; above, the clouds are first moved to their common mean (costs
    are translation invariant), which bounds the error by about
    :math:`10^{-16} \max_i \|P_i - c\|^2` instead of :math:`10^{-16} \max_i \|P_i\|^2`.
    """
    import ot

    check_memory(3 * 8 * P.shape[0] * Q.shape[0], f"a {P.shape[0]} x {Q.shape[0]} transport plan")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is caught just below
        if P.shape[1] <= _EXACT_COST_DIM:
            C = np.zeros((P.shape[0], Q.shape[0]))
            for k in range(P.shape[1]):
                diff = np.subtract.outer(P[:, k], Q[:, k])
                diff *= diff
                C += diff
        else:
            centre = (P.sum(axis=0) + Q.sum(axis=0)) / (P.shape[0] + Q.shape[0])
            C = ot.dist(P - centre, Q - centre, metric="sqeuclidean")
            C = np.maximum(np.ascontiguousarray(C, dtype=np.float64), 0.0)
    if not np.all(np.isfinite(C)):  # POT would return 0.0 with only a warning
        raise ValueError(
            "the cost matrix has NaN or inf entries (float64 overflow); check P and Q for huge values."
        )
    return C


def _point_clouds(P, Q):
    P = check_array(P, "P", ndim=2, dtype=np.float64)
    Q = check_array(Q, "Q", ndim=2, dtype=np.float64)
    if P.shape[1] != Q.shape[1]:
        raise ValueError(f"P and Q must have the same dimension; got {P.shape} and {Q.shape}.")
    if P.shape[0] == 0 or Q.shape[0] == 0:
        raise ValueError("P and Q must each hold at least one point.")
    check_squarable(P, "P")  # squared distances must stay finite (one threshold, float max)
    check_squarable(Q, "Q")
    return P, Q


def _balanced(P, Q, p, q):
    P, Q = _point_clouds(P, Q)
    p, q = _weights(p, P.shape[0], "p"), _weights(q, Q.shape[0], "q")
    if not np.isclose(p.sum(), q.sum(), rtol=1e-9, atol=1e-12):
        raise ValueError(
            f"p and q must have the same total mass; got {p.sum():.12g} and {q.sum():.12g}. "
            "Normalise them, or use an unbalanced distance (hk)."
        )
    return P, Q, p, q * (p.sum() / q.sum())  # remove rounding-level differences POT rejects


def _emd(P, Q, p, q, num_iter_max):
    """POT's exact plan and cost ``(plan, cost)`` with the iteration limit guarded."""
    import ot

    P, Q, p, q = _balanced(P, Q, p, q)
    if num_iter_max is None:
        num_iter_max = max(100_000, 50 * P.shape[0] * Q.shape[0])
    num_iter_max = check_int(num_iter_max, "num_iter_max", low=1)
    C = _cost(P, Q)
    check_cost_scale(float(p.sum()), float(C.max()), "p", "P and Q")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # POT's warning becomes our error below
        plan, log = ot.emd(p, q, C, numItermax=num_iter_max, log=True)
    if log.get("warning"):
        raise TransportError(
            f"POT's exact solver did not reach optimality: {log['warning']} "
            "Raise num_iter_max, or use sliced_w2 for large clouds."
        )
    return plan, float(log["cost"])


def w2(P, Q, p=None, q=None, *, num_iter_max: int | None = None) -> float:
    r"""The exact 2-Wasserstein distance :math:`W_2` (not its square) between weighted clouds.

    .. math::

        W_2(\mu, \nu) = \Big(\min_{\pi \ge 0,\ \pi 1 = p,\ \pi^\top 1 = q}
            \sum_{i,k} \pi_{ik} \|P_i - Q_k\|^2\Big)^{1/2}

    POT's :func:`ot.emd2` returns the minimum itself, :math:`W_2^2`; this function returns
    its square root (chapter 3, :ref:`ch3`).

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
    _, cost = _emd(P, Q, p, q, num_iter_max)
    return float(np.sqrt(max(cost, 0.0)))


def optimal_plan(P, Q, p=None, q=None, *, num_iter_max: int | None = None) -> np.ndarray:
    r"""The optimal plan :math:`\pi` of :func:`w2`, shape (n, n2); same arguments and errors.

    For equal-size uniform clouds it is a permutation matrix divided by ``n`` (an optimal
    assignment), which chapter 3 draws as the matching.
    """
    plan, _ = _emd(P, Q, p, q, num_iter_max)
    return plan


def sliced_w2(P, Q, p=None, q=None, *, n_projections: int = 200, rng=None) -> float:
    r"""The sliced 2-Wasserstein distance, a Monte Carlo average over random directions.

    .. math::

        \widehat{SW}_2(\mu, \nu) = \Big(\frac1L \sum_{l=1}^L
            W_2^2\big((\theta_l)_\#\mu, (\theta_l)_\#\nu\big)\Big)^{1/2},
        \qquad \theta_l \sim \mathrm{Unif}(\mathbb{S}^{k-1}) \ \text{i.i.d.},

    where :math:`(\theta)_\#\mu` is the law of :math:`\theta \cdot X` for :math:`X \sim \mu`
    (each one-dimensional :math:`W_2` is a sort). This is POT's
    :func:`ot.sliced_wasserstein_distance` with ``p=2``, fed with directions drawn from our own
    ``rng``, so the same ``rng`` gives the same number.

    Notes
    -----
    Projection is 1-Lipschitz, so every term is at most :math:`W_2^2(\mu, \nu)`: the estimate
    is :math:`\le W_2` for *every* draw, not only on average. Since
    :math:`\mathbb{E}[\theta\theta^\top] = I/k`, its mean square is at most :math:`W_2^2/k`
    (with :math:`k` the dimension), so :math:`\sqrt{k}\,\widehat{SW}_2` is the comparable
    quantity, still a lower bound up to Monte Carlo error of order :math:`L^{-1/2}`.

    Parameters
    ----------
    P, Q, p, q
        As in :func:`w2` (equal totals).
    n_projections : int, default 200
        The number :math:`L` of directions.
    rng : None, int or numpy.random.Generator
        Draws the directions.

    References
    ----------
    N. Bonneel, J. Rabin, G. Peyré, H. Pfister, "Sliced and Radon Wasserstein barycenters of
    measures", J. Math. Imaging Vis. 51, 2015.
    """
    import ot

    P, Q, p, q = _balanced(P, Q, p, q)
    n_projections = check_int(n_projections, "n_projections", low=1)
    rng = check_rng(rng)
    theta = rng.standard_normal((P.shape[1], n_projections))
    theta /= np.linalg.norm(theta, axis=0, keepdims=True)
    # the overflow guards (coordinates, totals) are _balanced's, shared with w2 and sinkhorn_w2
    s = p.sum()
    value = ot.sliced_wasserstein_distance(P, Q, p / s, q / s, p=2, projections=theta)
    return float(np.sqrt(s) * value)


def sinkhorn_w2(
    P,
    Q,
    p=None,
    q=None,
    *,
    reg: float = 0.05,
    tol: float = 1e-5,
    num_iter_max: int = 100_000,
) -> float:
    r"""An entropic stand-in for :math:`W_2`: the transport cost of the Sinkhorn plan.

    .. math::

        \pi_\varepsilon = \operatorname*{argmin}_{\pi \in \Pi(p, q)}
            \langle \pi, C\rangle - \varepsilon H(\pi), \qquad
        S_\varepsilon = \langle \pi_\varepsilon, C \rangle^{1/2},
        \qquad \varepsilon = \texttt{reg} \times \operatorname{mean}_{i,k} C_{ik},

    with :math:`C_{ik} = \|P_i - Q_k\|^2` and :math:`H(\pi) = -\sum \pi \log \pi`. The
    regularisation is *relative to the mean of the cost matrix*, so rescaling both clouds
    rescales :math:`S_\varepsilon` by the same factor.

    Notes
    -----
    :math:`\pi_\varepsilon` is a transport plan, so :math:`S_\varepsilon \ge W_2` (up to the
    marginal error ``tol``): the bias is upwards and does not vanish between identical clouds,
    where :math:`W_2 = 0` but :math:`\pi_\varepsilon` spreads each point's mass over its
    neighbours. It shrinks as ``reg`` goes to 0, while the iterations grow like
    ``1/reg``. Solved by POT's :func:`ot.sinkhorn`, switching to the log-domain ``method="sinkhorn_log"``,
    which does not underflow at small ``reg``, when the plain iterations would.

    Parameters
    ----------
    P, Q, p, q
        As in :func:`w2` (equal totals). Points with zero weight are dropped.
    reg : float, default 0.05
        Regularisation relative to the mean cost, > 0.
    tol : float, default 1e-5
        Stop when the plan's marginal error (Euclidean norm, relative to the total) is below;
        the cost is then off by at most about ``tol`` times the largest cost. When
        :math:`\max C/\varepsilon` is large (small clouds far apart, small ``reg``) the
        iterations slow down to a sublinear crawl and this limit can be out of reach: raise
        ``reg`` then.
    num_iter_max : int, default 100 000

    Raises
    ------
    TransportError
        The marginal error is still above ``tol`` after ``num_iter_max`` iterations (POT would
        only warn), or the plan is not finite.

    References
    ----------
    M. Cuturi, "Sinkhorn distances: lightspeed computation of optimal transport", NeurIPS 2013.
    """
    import ot

    P, Q, p, q = _balanced(P, Q, p, q)
    reg = check_scalar(reg, "reg", low=0.0, include_low=False)
    tol = check_scalar(tol, "tol", low=0.0, include_low=False)
    num_iter_max = check_int(num_iter_max, "num_iter_max", low=1)
    P, p = P[p > 0], p[p > 0]  # log(0) would be -inf inside the log-domain solver
    Q, q = Q[q > 0], q[q > 0]
    C = _cost(P, Q)
    check_cost_scale(float(p.sum()), float(C.max()), "p", "P and Q")
    scale = C.mean()
    if scale == 0.0:  # all points coincide
        return 0.0
    s = p.sum()
    C = C / scale
    # The plain scaling iterations are several times faster; they underflow once
    # exp(-C/reg) drops below ~1e-300, where the log-domain iterations take over.
    method = "sinkhorn" if C.max() / reg < 600 else "sinkhorn_log"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan, log = ot.sinkhorn(
            p / s,
            q / s,
            C,
            reg,
            method=method,
            numItermax=num_iter_max,
            stopThr=tol,
            log=True,
            warn=False,
        )
    if caught:  # POT's "numerical errors at iteration k": it returns an earlier iterate
        raise TransportError(f"Sinkhorn hit a numerical error ({caught[0].message}); raise reg.")
    err = float(log["err"][-1]) if log["err"] else np.inf
    if not np.all(np.isfinite(plan)) or not np.isfinite(err):
        raise TransportError("Sinkhorn returned a non-finite plan; raise reg.")
    if err >= tol:
        raise TransportError(
            f"Sinkhorn did not converge in num_iter_max = {num_iter_max} iterations "
            f"(marginal error {err:.2e} > tol = {tol:g}). Raise num_iter_max or reg."
        )
    return float(np.sqrt(s * scale * np.sum(plan * C)))


# Cost standing in for +inf beyond a quarter turn: exp(-_FAR / 2) is exactly 0.0 in float64,
# so POT's kernel has exact zeros there and 0 * _FAR keeps the linear cost finite.
_FAR = 2000.0


def _sphere_points(directions, masses, name: str):
    U = check_array(directions, f"directions{name}", ndim=2, dtype=np.float64)
    mass = check_array(masses, f"masses{name}", shape=(U.shape[0],), dtype=np.float64)
    if U.shape[0] == 0:
        raise ValueError(f"directions{name} must hold at least one direction.")
    if not np.allclose(np.linalg.norm(U, axis=1), 1.0, rtol=0, atol=1e-6):
        raise ValueError(
            f"directions{name} must have unit rows; divide each row by its norm "
            "(sphere_measure does this for a network)."
        )
    if np.any(mass < 0):
        raise ValueError(f"masses{name} must be non-negative; got min {mass.min():.3g}.")
    return U, mass


def hk_cost(directions1, directions2) -> np.ndarray:
    r"""The cost :math:`c(x, y) = -\log\cos^2(\min(d(x, y), \pi/2))` of :func:`hk`.

    :math:`d(x, y) = \arccos(x \cdot y)` is the geodesic distance on the unit sphere; pairs a
    quarter turn or more apart get a large finite stand-in for :math:`+\infty`. Shape (k1, k2).
    """
    from .kernels import check_unit_norm

    directions1 = check_unit_norm(
        check_array(directions1, "directions1", ndim=2, dtype=np.float64), "directions1"
    )
    directions2 = check_unit_norm(
        check_array(directions2, "directions2", ndim=2, dtype=np.float64), "directions2"
    )
    if directions1.shape[1] != directions2.shape[1]:
        raise ValueError(
            "directions1 and directions2 must have the same dimension; got "
            f"{directions1.shape} and {directions2.shape}."
        )
    cos = np.clip(directions1 @ directions2.T, -1.0, 1.0)
    C = np.full(cos.shape, _FAR)
    near = cos > np.exp(-_FAR / 2)
    C[near] = -2.0 * np.log(cos[near])
    return C


def hk(
    directions1,
    masses1,
    directions2,
    masses2,
    *,
    tol: float = 1e-8,
    num_iter_max: int = 100_000,
) -> float:
    r"""The Hellinger–Kantorovich (Wasserstein–Fisher–Rao) distance between sphere measures.

    For non-negative measures :math:`\mu = \sum_i \alpha_i \delta_{x_i}` and
    :math:`\nu = \sum_k \beta_k \delta_{y_k}` on the unit sphere (any total masses),

    .. math::

        \mathrm{HK}^2(\mu, \nu) = \min_{\gamma \ge 0}\
            \sum_{i,k} \gamma_{ik}\, c(x_i, y_k)
            + \mathrm{KL}(\gamma 1 \,|\, \alpha) + \mathrm{KL}(\gamma^\top 1 \,|\, \beta),
        \qquad c(x, y) = -\log \cos^2\big(\min(d(x, y), \tfrac{\pi}{2})\big),

    with :math:`\mathrm{KL}(s\,|\,\alpha) = \sum_i s_i \log(s_i/\alpha_i) - s_i + \alpha_i`
    and :math:`d` the geodesic distance. This "logarithmic entropy–transport" problem equals
    the squared Hellinger–Kantorovich distance (Liero, Mielke & Savaré [1]_;
    Chizat, Peyré, Schmitzer & Vialard [2]_), the conic distance in which mass can be created
    and destroyed as well as moved. For two Diracs it is the law of cosines on the cone,

    .. math::

        \mathrm{HK}^2(m_1 \delta_x, m_2 \delta_y)
            = m_1 + m_2 - 2\sqrt{m_1 m_2}\, \cos\big(\min(d(x, y), \tfrac{\pi}{2})\big),

    so for single neurons a quarter turn or less apart, with :math:`m_i = \|w_i\|^2`, it is
    :math:`\|w_1 - w_2\|` (chapter 3, :ref:`ch3`; the derivation is in
    ``tests/test_transport.py``).

    POT has no ready HK function: this one builds the cost and calls
    :func:`ot.unbalanced.mm_unbalanced2` (majorisation–minimisation, KL marginal penalties
    with weight 1, no entropy) in chunks of 100 iterations, warm-started from the last plan.

    Parameters
    ----------
    directions1 : array_like of shape (k1, D), unit rows
    masses1 : array_like of shape (k1,), non-negative
    directions2 : array_like of shape (k2, D), unit rows
    masses2 : array_like of shape (k2,), non-negative
        Two sphere measures, e.g. ``sphere_measure(net)`` of two networks.
    tol : float, default 1e-8
        Stop when the objective falls by less than ``tol`` times the total mass
        :math:`\sum\alpha + \sum\beta` over 100 iterations. The iterations converge slowly
        (sublinearly) near ties, so the value is an upper bound on :math:`\mathrm{HK}^2` that is
        accurate to about ``1e-7`` relative to the mass at the default.
    num_iter_max : int, default 100 000

    Returns
    -------
    float
        :math:`\mathrm{HK}(\mu, \nu)`, not its square.

    Raises
    ------
    ValueError
        Directions not of unit norm, negative masses, shapes that do not match.
    TransportError
        ``num_iter_max`` reached before the stopping rule (POT says nothing and returns the last
        iterate), or a non-finite objective.

    References
    ----------
    .. [1] M. Liero, A. Mielke, G. Savaré, "Optimal entropy-transport problems and a new
       Hellinger–Kantorovich distance between positive measures", Invent. Math. 211, 2018.
    .. [2] L. Chizat, G. Peyré, B. Schmitzer, F.-X. Vialard, "Unbalanced optimal transport:
       dynamic and Kantorovich formulations", J. Funct. Anal. 274, 2018.

    Examples
    --------
    >>> round(hk([[1.0, 0.0]], [1.0], [[0.0, 1.0]], [4.0]) ** 2, 6)  # a quarter turn apart
    5.0
    """
    import ot

    U, alpha = _sphere_points(directions1, masses1, "1")
    V, beta = _sphere_points(directions2, masses2, "2")
    if U.shape[1] != V.shape[1]:
        raise ValueError(
            f"directions1 and directions2 must have the same dimension; got {U.shape}, {V.shape}."
        )
    tol = check_scalar(tol, "tol", low=0.0, include_low=False)
    num_iter_max = check_int(num_iter_max, "num_iter_max", low=1)
    U, alpha = U[alpha > 0], alpha[alpha > 0]  # zero mass: nothing to move, KL term 0
    V, beta = V[beta > 0], beta[beta > 0]
    total = alpha.sum() + beta.sum()
    if alpha.size == 0 or beta.size == 0:
        return float(np.sqrt(total))  # all mass is created or destroyed
    C = hk_cost(U, V)
    chunk, plan, previous, done = 100, None, np.inf, 0
    while done < num_iter_max:
        k = min(chunk, num_iter_max - done)
        value, log = ot.unbalanced.mm_unbalanced2(
            alpha, beta, C, 1.0, div="kl", G0=plan, numItermax=k, stopThr=0.0,
            returnCost="total", log=True,
        )  # fmt: skip
        value, plan, done = float(value), log["G"][-1], done + k
        if not np.isfinite(value):
            raise TransportError("the unbalanced solver returned a non-finite objective.")
        if previous - value < tol * total:
            return float(np.sqrt(max(value, 0.0)))
        previous = value
    raise TransportError(
        f"the unbalanced solver did not settle in num_iter_max = {num_iter_max} iterations "
        f"(objective {previous:.6g}); raise num_iter_max or tol."
    )


def mixture(net0: Network, net1: Network, t: float) -> Network:
    r"""A network whose function is :math:`h_{(1-t)\mu_0 + t\mu_1} = (1-t)h_0 + t h_1`.

    The mixture of two mean-field networks' measures puts weight :math:`(1-t)/m_0` on each
    neuron of ``net0`` and :math:`t/m_1` on each of ``net1``; as :math:`\Phi` is linear in
    :math:`a`, those weights are folded into the output weights of a width-:math:`(m_0 + m_1)`
    mean-field network (chapter 2, :ref:`ch2`). Contrast with the straight line
    :math:`(1-t)W_0 + tW_1` between parameters, which changes every neuron.
    """
    for name, net in (("net0", net0), ("net1", net1)):
        if not isinstance(net, Network) or net.scale != "mean-field":
            raise TypeError(f"{name} must be a mean-field mfnet_lite.Network.")
    if net0.d != net1.d:
        raise ValueError(f"net0 and net1 must have the same d; got {net0.d} and {net1.d}.")
    t = check_scalar(t, "t", low=0.0, high=1.0)
    m = net0.m + net1.m
    a = np.concatenate([net0.a * ((1 - t) * m / net0.m), net1.a * (t * m / net1.m)])
    return Network(a, np.vstack([net0.B, net1.B]))


def segment(net0: Network, net1: Network, t: float) -> Network:
    r"""The network on the straight line between parameters: :math:`(1 - t)\,W_0 + t\,W_1`.

    Every neuron moves, :math:`w_j = (1-t)\,w^0_j + t\,w^1_j`, so the function is not the
    mixture :math:`(1-t)h_0 + t h_1` (:func:`mixture`); chapter 2 compares the two. The one
    implementation of this line in the package (figures and explorers call it).

    Parameters
    ----------
    net0, net1 : Network
        Same width, dimension and scaling.
    t : float in [0, 1]

    Returns
    -------
    Network

    Raises
    ------
    TypeError
        If ``net0`` or ``net1`` is not a Network.
    ValueError
        If their shapes or scalings differ, or ``t`` is outside [0, 1].

    Examples
    --------
    >>> net0 = Network(np.array([1.0, -1.0]), np.eye(2))
    >>> segment(net0, net0.replace(a=np.array([3.0, 1.0])), 0.5).a
    array([2., 0.])
    """
    for name, net in (("net0", net0), ("net1", net1)):
        if not isinstance(net, Network):
            raise TypeError(f"{name} must be a mfnet_lite.Network; got {type(net).__name__}.")
    if (net0.m, net0.d) != (net1.m, net1.d) or net0.factor != net1.factor:
        raise ValueError(
            f"net0 and net1 must have the same width, dimension and scaling; got {net0!r} and "
            f"{net1!r}."
        )
    t = check_scalar(t, "t", low=0.0, high=1.0)
    return net0.replace(a=(1 - t) * net0.a + t * net1.a, B=(1 - t) * net0.B + t * net1.B)


def snapshot_distances(run) -> tuple[np.ndarray, np.ndarray]:
    r"""W2 between a run's consecutive snapshots, and from its first snapshot to each.

    Returns ``(distances, to_start)``: ``distances[k]`` is :math:`W_2(\mu_{t_k}, \mu_{t_{k+1}})`, shape
    (s - 1,), and ``to_start[k]`` is :math:`W_2(\mu_{t_0}, \mu_{t_k})`, shape (s,). Divided by
    :math:`t_{k+1} - t_k`, the first gives the metric speed :math:`|\dot\mu_t|` (chapter 3).
    """
    check_object(run, "run", "run")
    clouds_ = [particles(net)[0] for net in run.snapshots()]
    distances = np.array([w2(P, Q) for P, Q in zip(clouds_[:-1], clouds_[1:], strict=True)])
    to_start = np.array([w2(clouds_[0], Q) for Q in clouds_])
    return distances, to_start


def timed_distances(P, Q, *, rng=None, reg: float = 0.05) -> dict:
    r"""Exact, sliced and Sinkhorn distances between two uniform clouds, each with its time.

    Returns ``{name: (value, seconds)}`` for ``"exact W2"``, ``"sliced W2 x sqrt(k)"`` (the
    sliced value times :math:`\sqrt{k}`, comparable with :math:`W_2`, see :func:`sliced_w2`) and
    ``"Sinkhorn"`` (``reg`` relative to the mean cost). Chapter 3 plots these against the size.
    """
    import time

    P, Q = _point_clouds(P, Q)  # 2-d, same dimension, finite, squarable
    k = P.shape[1]
    rows = {
        "exact W2": lambda: w2(P, Q),
        "sliced W2 x sqrt(k)": lambda: np.sqrt(k) * sliced_w2(P, Q, rng=rng),
        "Sinkhorn": lambda: sinkhorn_w2(P, Q, reg=reg),
    }
    out = {}
    for name, f in rows.items():
        start = time.perf_counter()
        value = f()
        out[name] = (float(value), time.perf_counter() - start)
    return out
