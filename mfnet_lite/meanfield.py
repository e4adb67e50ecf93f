r"""The teacher–student experiment of Chizat & Bach (chapter 4): which minimum does the flow reach?

A student :math:`h_W = \frac1m\sum_j a_j\sigma(b_j\cdot x)` starts with small neurons,
:math:`\|w_j(0)\| = r`, spread over the sphere, and follows mean-field gradient descent
(:func:`mfnet_lite.train.gd`, the Euler scheme of :math:`\dot w_j = -\nabla V_\mu(w_j)`) on data
labelled by a teacher :math:`h^* = \frac1{m_0}\sum_k a^*_k\sigma(b^*_k\cdot x)`.

Without a bias, :math:`\sigma(t) - \sigma(-t) = t`, so many measures make the same function.
Two functionals of a network see only its function, and so separate "same function" from
"same neurons":

.. math::

    \text{linear moment}\quad c\sum_j a_j b_j, \qquad
    \text{signed mass on line } k\quad c\sum_{j \to k} a_j \|b_j\|,

(:math:`c` the output factor, :math:`j \to k` the neurons whose direction is closest to the line
:math:`\pm b^*_k`). The first is the odd part of :math:`h`,
:math:`h(x) - h(-x) = c\sum_j a_j b_j\cdot x`; the second is the coefficient of the kink of
:math:`h` along the hyperplane :math:`b^*_k\cdot x = 0`. The distance to the teacher's *neurons*
is :func:`sphere_distance`. Over seeds, :func:`antipodal_fraction` and :func:`cancelling_pair`
tell apart the two causes of a large distance; :func:`separates` and :func:`directions_met`
illustrate, in the plane, the theorem's support hypothesis against the weaker "every ray".

References
----------
.. [1] L. Chizat, F. Bach, "On the global convergence of gradient descent for
   over-parameterized models using optimal transport", NeurIPS 2018.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import data, train
from ._validation import (
    check_array,
    check_bool,
    check_choice,
    check_fields,
    check_int,
    check_int_list,
    check_namespaces,
    check_network,
    check_numpy_network,
    check_rng,
    check_scalar,
    renamed_keywords,
)
from .model import Network, init_network

__all__ = [
    "SUPPORTS",
    "Experiment",
    "student",
    "experiment",
    "draw",
    "linear_moment",
    "line_masses",
    "potential",
    "sphere_distance",
    "sweep",
    "separates",
    "directions_met",
    "antipodal_fraction",
    "cancelling_pair",
    "teacher_angles",
]

SUPPORTS = ("sphere", "half-space", "positive")


def student(m: int, d: int, rng=None, *, radius: float = 0.05, support: str = "sphere") -> Network:
    r"""A small mean-field student of width ``m``: chapter 4's initial measure.

    Parameters
    ----------
    m, d : int
    rng : None, int or Generator
    radius : float, default 0.05
        The size :math:`\|w_j(0)\|` of every neuron.
    support : {"sphere", "half-space", "positive"}
        ``"sphere"``: :math:`w_j(0)` uniform on the sphere of radius ``radius`` in
        :math:`\mathbb{R}^{d+1}` (the theorem's assumption). ``"half-space"``: the same, with each
        :math:`b_j` reflected into :math:`\{b_1 \ge 0\}` (directions miss half the sphere).
        ``"positive"``: balanced neurons :math:`a_j = \|b_j\| = r/\sqrt2` with every
        :math:`a_j > 0`; the flow keeps :math:`a_j^2 - \|b_j\|^2 = 0` and hence the sign of
        :math:`a_j` (chapter 1), so no mass can reach :math:`\{a < 0\}`.

    Returns
    -------
    Network
        Mean-field scaling.

    Raises
    ------
    ValueError
        If ``m`` or ``d`` is below 1, ``radius <= 0`` or ``support`` is unknown.
    """
    check_choice(support, "support", SUPPORTS)
    rng = check_rng(rng)
    if support == "positive":
        net = init_network(m, d, rng, init="balanced", radius=radius)
        return net.replace(a=np.abs(net.a))
    net = init_network(m, d, rng, init="sphere", radius=radius)
    if support == "half-space":
        flip = np.where(net.B[:, 0] < 0, -1.0, 1.0)
        B = net.B * flip[:, None]
        return net.replace(B=B)
    return net


@dataclass(frozen=True)
class Experiment:
    """One teacher–student run: the data, the teacher and the training run.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    teacher : Network
    run : Run
        The student's training run.
    """

    X: np.ndarray
    y: np.ndarray
    teacher: Network
    run: train.Run

    def __post_init__(self):
        check_fields(self)  # a result built from garbage is refused here, not in a plot

    @property
    def relative_loss(self) -> float:
        """Last loss over first loss."""
        return float(self.run.losses[-1] / self.run.losses[0])

    def succeeded(self, rtol: float = 1e-3) -> bool:
        """Whether the loss fell to ``rtol`` times its initial value."""
        return self.relative_loss <= rtol

    @property
    def distance(self) -> float:
        """:func:`sphere_distance` from the trained student to the teacher."""
        return sphere_distance(self.run.net, self.teacher)


@renamed_keywords(seed="rng")
def experiment(
    m: int,
    d: int,
    *,
    n: int,
    step: float,
    steps: int,
    m0: int = 5,
    radius: float = 0.05,
    support: str = "sphere",
    rng=0,
    rtol: float | None = 1e-3,
    record_every: int | None = None,
    signs: str = "mixed",
    method: str = "gd",
    momentum: float = 0.0,
) -> Experiment:
    """Draw teacher, data and student from ``rng``, and train with mean-field GD or heavy ball.

    The teacher (:func:`mfnet_lite.data.teacher_student`) and the data are drawn first, the
    student (:func:`student`) after, all from the one generator ``check_rng(rng)``: runs with
    the same seed and ``n, d, m0`` share teacher and data whatever ``m``, ``radius`` or
    ``support``. The run stops at ``steps`` or when the loss reaches ``rtol`` times its start
    (``rtol=None``: never).

    Parameters
    ----------
    m, d : int
        Student width and input dimension.
    n : int
        Number of training inputs.
    step : float
        The step :math:`\\eta` (mean-field time scaling).
    steps : int
        At most this many steps.
    m0 : int, default 5
        Teacher width.
    radius, support
        The student's initial measure, see :func:`student`.
    rng : None, int or numpy.random.Generator, default 0
        The one source of randomness (formerly ``seed``, an int only).
    rtol : float or None, default 1e-3
    record_every : int, optional
    signs : {"mixed", "positive", "negative"}
        The teacher's output signs (:func:`mfnet_lite.data.teacher`).
    method : {"gd", "heavy_ball"}, default "gd"
        :func:`mfnet_lite.train.gd` or :func:`mfnet_lite.train.heavy_ball` (chapter 8).
    momentum : float, default 0
        :math:`\beta` of heavy ball (``method="heavy_ball"`` only).

    Returns
    -------
    Experiment

    Raises
    ------
    ValueError
        If a size, the step or ``rtol`` is out of range, or ``method`` is unknown.
    """
    check_choice(method, "method", ("gd", "heavy_ball"))
    if method == "gd" and check_scalar(momentum, "momentum") != 0.0:
        raise ValueError(
            f"momentum == {momentum} is used by method='heavy_ball' only; pass "
            "method='heavy_ball' or leave momentum at 0."
        )
    X, y, teacher, net = draw(n, d, m, m0=m0, rng=rng, radius=radius, support=support, signs=signs)
    options = dict(time_scaling="mean-field", rtol=rtol, record_every=record_every)
    if method == "gd":
        run = train.gd(net, X, y, step, steps, **options)
    else:
        run = train.heavy_ball(net, X, y, step, steps, momentum, **options)
    return Experiment(X, y, teacher, run)


def draw(
    n: int,
    d: int,
    m: int,
    *,
    m0: int = 5,
    rng=0,
    radius: float = 0.05,
    support: str = "sphere",
    signs: str = "mixed",
) -> tuple[np.ndarray, np.ndarray, Network, Network]:
    """The teacher–student task of chapters 4 and 7: ``(X, y, teacher, student)``.

    Teacher and data first (:func:`mfnet_lite.data.teacher_student`), then the student
    (:func:`student`), all from the one generator ``check_rng(rng)``; :func:`experiment` trains
    what this draws.

    Parameters
    ----------
    n, d, m : int
        Inputs, dimension, student width.
    m0 : int, default 5
    rng : None, int or numpy.random.Generator, default 0
    radius, support
        As in :func:`student`.
    signs : str
        As in :func:`mfnet_lite.data.teacher`.

    Returns
    -------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    teacher, student : Network
    """
    rng = check_rng(rng)
    X, y, teacher = data.teacher_student(n, d, m0, rng, signs=signs)
    return X, y, teacher, student(m, d, rng, radius=radius, support=support)


def linear_moment(net: Network) -> np.ndarray:
    r"""The odd (linear) part of the network: :math:`c\sum_j a_j b_j`, shape (d,).

    Since :math:`\sigma(t) - \sigma(-t) = t`,
    :math:`h(x) - h(-x) = \big(c\sum_j a_j b_j\big)\cdot x`: two networks with the same function
    have the same linear moment. With the mean-field scaling :math:`c = 1/m`.

    Parameters
    ----------
    net : Network

    Returns
    -------
    ndarray of shape (d,)

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~mfnet_lite.Network`.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    return net.factor * (net.a @ net.B)


def line_masses(net: Network, lines) -> np.ndarray:
    r"""Signed mass of ``net`` on each line :math:`\{\pm u_k\}`, shape (k,).

    .. math::

        M_k = c \sum_{j:\ k(j) = k} a_j \|b_j\|, \qquad
        k(j) = \arg\max_k \frac{|b_j \cdot u_k|}{\|b_j\|\,\|u_k\|},

    each neuron counted on the line closest to its direction :math:`b_j/\|b_j\|` or its
    antipode. A neuron :math:`a\,\sigma(b\cdot x)` with :math:`b = \|b\|\,u` is
    :math:`a\|b\|\,\sigma(u\cdot x)`, and :math:`\sigma(u \cdot x) + \sigma(-u\cdot x) = |u \cdot x|`:
    :math:`M_k` is the coefficient of :math:`|u_k\cdot x|` in the even part of :math:`h`, which
    the function determines; how it splits between :math:`u_k` and :math:`-u_k` is only seen by
    the linear part (:func:`linear_moment`). For a teacher, :math:`M_k = a^*_k\|b^*_k\|/m_0`.

    Parameters
    ----------
    net : Network
    lines : array_like of shape (k, d)
        Non-zero directions (e.g. ``teacher.B``); their norms do not matter.

    Returns
    -------
    ndarray of shape (k,)

    Raises
    ------
    TypeError
        If ``net`` is not a Network.
    ValueError
        If ``lines`` is not (k, d) or has a zero row.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    U = check_array(lines, "lines", ndim=2, dtype=np.float64)
    if U.shape[1] != net.d:
        raise ValueError(f"lines must have shape (k, {net.d}); got {U.shape}.")
    if U.shape[0] == 0:
        raise ValueError("lines must hold at least one line (k >= 1).")
    u_norms = np.linalg.norm(U, axis=1)
    if np.any(u_norms == 0):
        raise ValueError("lines has a zero row; each line needs a non-zero direction.")
    b_norms = np.linalg.norm(net.B, axis=1)
    cosines = np.abs(net.B @ U.T) / np.maximum(b_norms, 1e-300)[:, None] / u_norms[None, :]
    nearest = np.argmax(cosines, axis=1)
    return net.factor * np.bincount(nearest, weights=net.a * b_norms, minlength=U.shape[0])


def potential(net: Network, X, y, W, *, loss: str = "square") -> np.ndarray:
    r"""The potential :math:`V_\mu(w) = \frac1n\sum_i \ell'(h_\mu(x_i), y_i)\,a\,\sigma(b\cdot x_i)`.

    The first variation of :math:`F(\mu) = \frac1{2n}\sum_i (h_\mu(x_i) - y_i)^2` at the
    network's measure (mean-field scaling): adding mass :math:`\varepsilon` at :math:`w` changes
    :math:`F` by :math:`\varepsilon V_\mu(w) + O(\varepsilon^2)`. :math:`F` is convex, so
    :math:`\mu` is a global minimiser over non-negative measures exactly when
    :math:`V_\mu \ge 0` everywhere; :math:`V_\mu` is 2-homogeneous, so its sign on the unit
    sphere decides.

    Parameters
    ----------
    net : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    W : array_like of shape (k, d + 1)
        Points :math:`w = (a, b)` where the potential is evaluated.
    loss : {"square", "logistic"}, default "square"
        :math:`\ell'(h, y) = h - y` (the case above) or :math:`-y/(1 + e^{yh})`.

    Returns
    -------
    ndarray of shape (k,)

    Raises
    ------
    TypeError
        If ``net`` is not a Network.
    ValueError
        If shapes disagree with ``net`` or values are not finite.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    check_numpy_network(net, "potential")
    check_namespaces(X=X, y=y, W=W)
    X = check_array(X, "X", ndim=2, dtype=np.float64)
    if X.shape[1] != net.d:
        raise ValueError(f"X must have shape (n, {net.d}); got {X.shape}.")
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one input (n >= 1): the potential averages over it.")
    y = check_array(y, "y", shape=(X.shape[0],), dtype=np.float64)
    W = check_array(W, "W", ndim=2, dtype=np.float64)
    if W.shape[1] != net.d + 1:
        raise ValueError(f"W must have shape (k, {net.d + 1}) (rows (a, b)); got {W.shape}.")
    check_choice(loss, "loss", ("square", "logistic"))
    h = net.predict(X)
    slope = h - y if loss == "square" else -y / (1.0 + np.exp(y * h))
    return W[:, 0] * (np.maximum(W[:, 1:] @ X.T, 0.0) @ slope) / X.shape[0]


def sphere_distance(net: Network, other: Network) -> float:
    r"""Exact :math:`W_2` between the two sphere measures, each normalised to a probability.

    Neuron :math:`w_j` has mass :math:`\|w_j\|^2/m` at :math:`w_j/\|w_j\| \in S^d`
    (:func:`mfnet_lite.transport.sphere_measure`); the masses are divided by their total
    before the exact transport (:func:`mfnet_lite.transport.w2`). The result lies in
    :math:`[0, 2]`; it is 0 when the neurons point where the other's do, in the same proportions.
    The totals (the networks' :math:`\frac1m\sum_j\|w_j\|^2`) are compared separately.

    Parameters
    ----------
    net, other : Network
        Networks of the same input dimension (any widths).

    Returns
    -------
    float
        In :math:`[0, 2]`.

    Raises
    ------
    TypeError
        If either is not a Network.
    ValueError
        If a network has only zero neurons (empty sphere measure).
    """
    check_network(net, "net")
    check_network(other, "other")
    from . import transport

    P, p = transport.sphere_measure(net)
    Q, q = transport.sphere_measure(other)
    return transport.w2(P, Q, p / p.sum(), q / q.sum())


def sweep(
    ms: Sequence[int],
    d: int,
    *,
    seeds: Sequence[int] = range(10),
    rtol: float = 1e-3,
    keep: bool = False,
    **kwargs,
) -> dict[str, np.ndarray]:
    """Run :func:`experiment` for every width in ``ms`` and every seed; tables of outcomes.

    Parameters
    ----------
    ms : sequence of int
        The student widths.
    d : int
    seeds : sequence of int, default range(10)
        The seeds, each the ``rng`` of one :func:`experiment` (the same seed at every width
        gives the same teacher and data). An int count is deprecated: use ``range(count)``.
    rtol : float, default 1e-3
        Each run stops when its loss reaches ``rtol`` times its start.
    keep : bool, default False
        Also return the table ``"experiments"`` (an object array of the same shape) holding
        every :class:`Experiment`, so that later cells can read the trained students without
        re-running them.
    **kwargs
        Passed to :func:`experiment` (``n``, ``step``, ``steps`` are required).

    Returns
    -------
    dict of ndarray of shape (len(ms), len(seeds))
        ``"succeeded"`` (bool: loss reached ``rtol`` of its start), ``"relative_loss"``,
        ``"distance"`` (:func:`sphere_distance` to the teacher at the end of the run) and
        ``"steps"`` (steps taken). The row means of ``"succeeded"`` are the success rates.
        With ``keep=True``, also ``"experiments"``.

    Raises
    ------
    ValueError
        If ``seeds`` is empty or holds a negative seed, or a width is below 1.
    """
    check_bool(keep, "keep")
    ms = check_int_list(ms, "ms", low=1)
    if isinstance(seeds, (int, np.integer)):
        warnings.warn(
            "sweep(seeds=<count>) is deprecated: seeds is a list of seeds; use "
            f"seeds=range({int(seeds)}).",
            DeprecationWarning,
            stacklevel=2,
        )
        seeds = range(check_int(seeds, "seeds", low=1))
    seeds = [check_int(s, "seeds", low=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed.")
    rtol = check_scalar(rtol, "rtol", low=0.0, include_low=False)
    ms = [check_int(m, "ms", low=1) for m in ms]
    shape = (len(ms), len(seeds))
    out = {
        "succeeded": np.zeros(shape, dtype=bool),
        "relative_loss": np.zeros(shape),
        "distance": np.zeros(shape),
        "steps": np.zeros(shape, dtype=int),
    }
    if keep:
        out["experiments"] = np.empty(shape, dtype=object)
    for i, m in enumerate(ms):
        for k, seed in enumerate(seeds):
            ex = experiment(m, d, rng=seed, rtol=rtol, **kwargs)
            out["succeeded"][i, k] = ex.succeeded(rtol)
            out["relative_loss"][i, k] = ex.relative_loss
            out["distance"][i, k] = ex.distance
            out["steps"][i, k] = ex.run.steps_taken
            if keep:
                out["experiments"][i, k] = ex
    return out


def _planar_points(P, name: str = "P") -> np.ndarray:
    P = check_array(P, name, ndim=2, dtype=np.float64)
    if P.shape[1] != 2 or P.shape[0] == 0:
        raise ValueError(
            f"{name} must have shape (k, 2) with k >= 1 (points of the plane); got {P.shape}."
        )
    if not np.all(np.isfinite(P)):
        raise ValueError(f"{name} has NaN or inf entries.")
    return P


def separates(P, r_a: float, r_b: float, *, resolution: int = 401) -> bool:
    r"""Whether the planar set sampled by ``P`` separates the circles of radii ``r_a`` and ``r_b``.

    A closed set :math:`K` *separates* :math:`r_a S` from :math:`r_b S` when every continuous
    path from a point of :math:`r_a S` to a point of :math:`r_b S` meets :math:`K`: the
    hypothesis of Chizat & Bach's theorem for 2-homogeneous models [1]_ (chapter 4), here in the
    plane, the parameter space of one neuron :math:`w = (a, b)` when :math:`d = 1`.

    The test is discrete: :math:`K` is drawn on a ``resolution`` :math:`\times` ``resolution``
    grid of the square :math:`[-1.05\,r_b, 1.05\,r_b]^2`, each point of ``P`` marking its pixel
    and the eight around it; the pixels not drawn are split into 4-connected components
    (``scipy.ndimage.label``), and :math:`K` separates when no component touches both circles.
    ``P`` must sample :math:`K` more finely than one pixel, :math:`2.1\,r_b/(\text{resolution} - 1)`,
    or gaps between samples count as holes.

    Parameters
    ----------
    P : array_like of shape (k, 2)
        Points of the set, dense along it.
    r_a, r_b : float
        Radii, :math:`0 < r_a < r_b`.
    resolution : int, default 401
        Pixels per side.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``P`` is not (k, 2) and finite, or the radii are not :math:`0 < r_a < r_b`.

    Examples
    --------
    >>> angle = np.linspace(0, 2 * np.pi, 2000)
    >>> circle = 0.1 * np.column_stack([np.cos(angle), np.sin(angle)])
    >>> separates(circle, 0.05, 0.2)
    True
    >>> spiral = (0.05 + 0.15 * angle / (2 * np.pi))[:, None] * circle / 0.1
    >>> separates(spiral, 0.05, 0.2)
    False

    References
    ----------
    .. [1] L. Chizat, F. Bach, NeurIPS 2018, the theorem for 2-homogeneous models.
    """
    from scipy import ndimage

    P = _planar_points(P)
    r_a = check_scalar(r_a, "r_a", low=0.0, include_low=False)
    r_b = check_scalar(r_b, "r_b", low=0.0, include_low=False)
    if not r_a < r_b:
        raise ValueError(f"r_a must be smaller than r_b; got r_a = {r_a}, r_b = {r_b}.")
    resolution = check_int(resolution, "resolution", low=16)
    half = 1.05 * r_b
    pixel = 2 * half / (resolution - 1)
    drawn = np.zeros((resolution, resolution), dtype=bool)
    idx = np.rint((P + half) / pixel).astype(int)
    inside = np.all((idx >= 0) & (idx < resolution), axis=1)
    drawn[idx[inside, 0], idx[inside, 1]] = True
    drawn = ndimage.binary_dilation(drawn, structure=np.ones((3, 3), dtype=bool))
    labels, _ = ndimage.label(~drawn)  # 4-connected components of the complement
    grid = np.linspace(-half, half, resolution)
    radius = np.hypot(grid[:, None], grid[None, :])
    on_a = (np.abs(radius - r_a) <= pixel) & ~drawn
    on_b = (np.abs(radius - r_b) <= pixel) & ~drawn
    return not np.intersect1d(labels[on_a], labels[on_b]).size


def directions_met(P, *, bins: int = 360) -> float:
    r"""The fraction of directions of the plane met by the points ``P`` (rays through 0).

    The circle of directions is cut into ``bins`` equal arcs; the result is the fraction of arcs
    that contain the direction :math:`p/\|p\|` of some point of ``P`` (points at 0 have none).
    It is 1 when, up to the arc width :math:`2\pi/\text{bins}`, every ray meets the set: the
    condition that chapter 4 shows to be *weaker* than separation (:func:`separates`).

    Parameters
    ----------
    P : array_like of shape (k, 2)
    bins : int, default 360

    Returns
    -------
    float in [0, 1]
    """
    P = _planar_points(P)
    bins = check_int(bins, "bins", low=1)
    P = P[np.hypot(P[:, 0], P[:, 1]) > 0]
    angle = np.mod(np.arctan2(P[:, 1], P[:, 0]), 2 * np.pi)
    hit = np.minimum((angle / (2 * np.pi) * bins).astype(int), bins - 1)
    return np.unique(hit).size / bins


def _check_net(net, name: str = "net") -> Network:
    if not isinstance(net, Network):
        raise TypeError(f"{name} must be a mfnet_lite.Network; got {type(net).__name__}.")
    return net


def antipodal_fraction(net: Network, teacher: Network) -> float:
    r"""The share of ``net``'s sphere mass on the half-lines where the teacher has no neuron.

    Each neuron :math:`j` is assigned to the teacher line :math:`\{\pm b^*_k\}` closest to its
    direction (as in :func:`line_masses`); it is *antipodal* when :math:`b_j\cdot b^*_k < 0`,
    i.e. it sits on the half of the line that the teacher leaves empty. The result is

    .. math::

        \frac{\sum_{j \text{ antipodal}} \|w_j\|^2}{\sum_j \|w_j\|^2} \in [0, 1].

    By the non-uniqueness proposition of chapter 4, antipodal mass can make the teacher's function (it only
    changes the linear part, which antipodal pairs restore), yet it moves the sphere measure
    away from the teacher's: one of the two causes of a large :func:`sphere_distance`.

    Parameters
    ----------
    net, teacher : Network
        Of the same input dimension ``d``.

    Returns
    -------
    float
        The antipodal share of the sphere mass, in [0, 1].

    Raises
    ------
    ValueError
        If the dimensions differ, or ``net`` has no mass at all.
    """
    _check_net(net)
    _check_net(teacher, "teacher")
    if teacher.d != net.d:
        raise ValueError(f"teacher must have d = {net.d} like net; got d = {teacher.d}.")
    U = teacher.B / np.linalg.norm(teacher.B, axis=1, keepdims=True)
    dots = net.B @ U.T
    nearest = np.argmax(np.abs(dots), axis=1)
    antipodal = dots[np.arange(net.m), nearest] < 0
    mass = np.einsum("jk,jk->j", net.W, net.W)
    total = mass.sum()
    if total == 0:
        raise ValueError("every neuron of net is zero: it has no sphere mass to share.")
    return float(mass[antipodal].sum() / total)


def cancelling_pair(teacher: Network) -> tuple[int, int, float]:
    r"""The two teacher neurons of opposite output signs whose input directions are closest.

    Returns ``(i, j, angle)`` with :math:`a^*_i a^*_j < 0` and ``angle`` the angle in degrees
    between :math:`b^*_i` and :math:`b^*_j`, the smallest over such pairs. When it is a few
    degrees, :math:`a^*_i\sigma(b^*_i\cdot x) + a^*_j\sigma(b^*_j\cdot x)` nearly cancels: the
    pair adds little to the teacher's function, a student can fit the data without it, and its
    sphere measure then lacks the pair's mass — the second cause of a large
    :func:`sphere_distance` in chapter 4.

    Parameters
    ----------
    teacher : Network
        A teacher with output weights of both signs.

    Returns
    -------
    (i, j, angle) : tuple of (int, int, float)
        The pair's indices, ``i < j``, and the angle between their directions in degrees.

    Raises
    ------
    ValueError
        If all output weights have the same sign (no such pair).
    """
    _check_net(teacher, "teacher")
    U = teacher.B / np.linalg.norm(teacher.B, axis=1, keepdims=True)
    angle = np.degrees(np.arccos(np.clip(U @ U.T, -1.0, 1.0)))
    opposite = np.sign(teacher.a)[:, None] * np.sign(teacher.a)[None, :] < 0
    if not np.any(opposite):
        raise ValueError("teacher has output weights of one sign only: no cancelling pair.")
    angle = np.where(opposite, angle, np.inf)
    i, j = np.unravel_index(np.argmin(angle), angle.shape)
    return int(min(i, j)), int(max(i, j)), float(angle[i, j])


def teacher_angles(net: Network, teacher: Network) -> np.ndarray:
    r"""Angles in degrees between each neuron's direction and each teacher neuron's, shape (m, m0).

    .. math::

        \theta_{jk} = \arccos \frac{b_j \cdot b^*_k}{\|b_j\|\,\|b^*_k\|} \in [0°, 180°].

    :math:`\theta_{jk}` is the angle to the teacher neuron :math:`b^*_k` and
    :math:`180° - \theta_{jk}` the angle to the half-line :math:`-b^*_k` that the teacher leaves
    empty, so ``angles.min(1)`` is each neuron's distance to the nearest teacher neuron and
    ``180 - angles.max(1)`` its distance to the nearest empty half-line. Chapter 4 reads a
    stalled run with it.

    Parameters
    ----------
    net, teacher : Network
        Of the same input dimension ``d``; every neuron of ``net`` needs ``b_j != 0`` (a
        neuron without a direction has no angle).

    Returns
    -------
    ndarray of shape (net.m, teacher.m)

    Raises
    ------
    TypeError
        If ``net`` or ``teacher`` is not a Network.
    ValueError
        If the dimensions differ or a neuron of either has ``b = 0``.
    """
    _check_net(net)
    _check_net(teacher, "teacher")
    if teacher.d != net.d:
        raise ValueError(f"teacher must have d = {net.d} like net; got d = {teacher.d}.")
    norms, t_norms = np.linalg.norm(net.B, axis=1), np.linalg.norm(teacher.B, axis=1)
    for name, n in (("net", norms), ("teacher", t_norms)):
        if np.any(n == 0):
            raise ValueError(f"{name} has a neuron with b = 0, which has no direction.")
    cosines = (net.B / norms[:, None]) @ (teacher.B / t_norms[:, None]).T
    return np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0)))
