r"""Chapter 8 helpers: the teacher–student set-up, wall-clock timing, and stationarity checks.

The dynamics themselves are :func:`mfnet_lite.train.heavy_ball` and
:func:`mfnet_lite.train.kinetic`. This module holds what the chapter measures about them:

- :func:`setup`: chapter 4's teacher–student task (teacher of :math:`m_0 = 5` neurons, a
  mean-field student of small neurons spread over the sphere);
- :func:`timed`: a run together with the wall-clock time at which each loss was known;
- :func:`stationarity`: the three quantities that vanish at a global minimum of the energy
  :math:`E = F(\mu) + \frac12\int|v|^2 d\rho` — kinetic energy, force on the particles, and the
  most negative value of the potential :math:`V_\mu` on the unit sphere;
- :func:`success_count`: how many seeds reach a small risk at a given width;
- :func:`effective_step`: the step :math:`\eta/(1 - \beta)` that heavy ball takes where the
  gradient changes slowly;
- :func:`best_plain_step`: the gradient-descent step that reaches a target in the fewest
  iterations, searched by bisection up to the edge where it stops reaching it.

The task, the student and the potential :math:`V_\mu(w) = \frac1n\sum_i \ell'(h_\mu(x_i),
y_i)\,\Phi(w)(x_i)` (with :math:`\nabla V_\mu(w_j) = m\,\nabla_{w_j} G`, chapter 3) are chapter
4's: :func:`mfnet_lite.meanfield.draw`, :func:`mfnet_lite.meanfield.student` and
:func:`mfnet_lite.meanfield.potential`, one formula and one seeding convention for both chapters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from . import data, meanfield
from ._validation import (
    check_array,
    check_int,
    check_namespaces,
    check_network,
    check_numpy_network,
    check_rng,
    check_scalar,
    renamed_keywords,
)
from .model import Network, check_data, value_and_gradients
from .train import DivergenceError, Run, gd, heavy_ball

__all__ = [
    "setup",
    "timed",
    "min_potential",
    "stationarity",
    "success_count",
    "effective_step",
    "best_plain_step",
]


@renamed_keywords(seed="rng")
def setup(
    n: int = 100,
    d: int = 2,
    m: int = 100,
    *,
    m0: int = 5,
    rng=0,
    student_rng=None,
    radius: float = 0.05,
) -> tuple[np.ndarray, np.ndarray, Network, Network]:
    """Chapter 4's teacher–student task: ``(X, y, teacher, student)``.

    :func:`mfnet_lite.meanfield.draw` (sphere support): teacher and data from ``rng``, then a
    mean-field student of neurons of norm ``radius`` with directions uniform on the sphere of
    :math:`\\mathbb{R}^{d+1}` (:func:`mfnet_lite.meanfield.student`), drawn after them from the
    same generator, or from ``student_rng`` when it is given (chapter 8 keeps its student of
    seed 1 that way: same data, a student drawn on its own).

    Parameters
    ----------
    n, d, m : int
        Inputs, dimension, student width.
    m0 : int, default 5
        Teacher width.
    rng : None, int or numpy.random.Generator, default 0
        Formerly ``seed`` (an int only).
    student_rng : None, int or numpy.random.Generator, optional
        A separate source for the student.
    radius : float, default 0.05

    Returns
    -------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    teacher, student : Network

    Raises
    ------
    ValueError
        If a size or ``radius`` is out of range.
    """
    if student_rng is None:
        return meanfield.draw(n, d, m, m0=m0, rng=rng, radius=radius)
    X, y, teacher = data.teacher_student(n, d, m0, rng)
    return X, y, teacher, meanfield.student(m, d, student_rng, radius=radius)


def timed(method: Callable, net: Network, X, y, *args, **kwargs) -> tuple[Run, np.ndarray]:
    """Run ``method(net, X, y, *args, **kwargs)`` and time it.

    ``method`` is :func:`~mfnet_lite.train.gd`, :func:`~mfnet_lite.train.heavy_ball` or
    :func:`~mfnet_lite.train.kinetic`. Returns the run and ``seconds`` of shape
    ``(steps_taken + 1,)``: the wall-clock time from the start of the call until ``run.losses[k]``
    was known. The timing callback costs the same in every method, so runs timed this way can
    be compared with each other.

    Parameters
    ----------
    method : callable
    net : Network
    X, y : arrays
    *args, **kwargs
        Passed to ``method``; not ``callback``.

    Returns
    -------
    run : Run
    seconds : ndarray of shape (steps_taken + 1,)

    Raises
    ------
    ValueError
        If ``callback`` is given.
    """
    if not callable(method):
        raise TypeError(
            f"method must be a training function such as mf.train.gd; got {type(method).__name__}."
        )
    check_network(net, "net")
    if "callback" in kwargs:
        raise ValueError("callback is used by timed() itself; call the method directly instead.")
    stamps: list[float] = []
    start = time.perf_counter()

    def stamp(k, net, loss):
        stamps.append(time.perf_counter() - start)

    run = method(net, X, y, *args, callback=stamp, **kwargs)
    return run, np.asarray(stamps)


def _directions(d: int, n_directions: int, rng) -> np.ndarray:
    """Unit vectors of R^d: an even grid of angles when d = 2, random directions otherwise."""
    if d == 1:
        return np.array([[1.0], [-1.0]])
    if d == 2:
        angle = np.linspace(-np.pi, np.pi, n_directions, endpoint=False)
        return np.column_stack([np.cos(angle), np.sin(angle)])
    U = check_rng(rng).standard_normal((n_directions, d))
    return U / np.linalg.norm(U, axis=1, keepdims=True)


def min_potential(
    net: Network, X, y, *, n_directions: int = 3600, rng=None, loss: str = "square"
) -> float:
    r"""The smallest value of the potential :math:`V_\mu` on the unit sphere of :math:`\mathbb{R}^{d+1}`.

    .. math::

        \min_{a^2 + |b|^2 = 1} V_\mu(a, b) = -\frac12 \max_{|u| = 1} |g(u)|, \qquad
        g(u) = \frac1n \sum_i \ell'(h_\mu(x_i), y_i)\, \sigma(u \cdot x_i),

    because :math:`V_\mu(a, b) = a\,|b|\,g(b/|b|)` and :math:`a|b| \le \frac12` on the sphere.
    The maximum is taken over ``n_directions`` directions :math:`u \in \mathbb{S}^{d-1}` (an even
    grid of angles when :math:`d = 2`, random ones drawn from ``rng`` otherwise).

    It is :math:`\le 0` always, and :math:`0` exactly when :math:`V_\mu \ge 0` everywhere: by
    convexity of :math:`F`, that is the certificate that :math:`\mu` minimises :math:`F` globally
    (chapter 4). A stationary point with a negative value is a saddle the theorem rules out.

    Parameters
    ----------
    net : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    n_directions : int, default 3600
    rng : None, int or numpy.random.Generator
        Random directions when d > 2.
    loss : {"square", "logistic"}

    Returns
    -------
    float
        At most 0.

    Raises
    ------
    ValueError
        If the data do not match ``net`` or ``n_directions < 1``.
    """
    check_network(net, "net")
    check_numpy_network(net, "min_potential")
    check_namespaces(X=X, y=y)
    X, y = check_data(net, X, y, loss, "mean")
    n_directions = check_int(n_directions, "n_directions", low=1)
    # on the sphere a|b| <= 1/2, reached at (a, b) = (±1, u)/sqrt(2)
    U = _directions(net.d, n_directions, rng) / np.sqrt(2)
    W = np.vstack([np.column_stack([np.full(len(U), s / np.sqrt(2)), U]) for s in (1.0, -1.0)])
    return float(meanfield.potential(net, X, y, W, loss=loss).min())


def stationarity(
    net: Network, X, y, velocity=None, *, n_directions: int = 3600, rng=None
) -> dict[str, float]:
    r"""How far ``(net, velocity)`` is from a global minimum of the energy (square loss).

    Returns a dict with

    - ``"kinetic"``: :math:`\frac1{2m}\sum_j |v_j|^2` (0 at rest; ``velocity=None`` means rest);
    - ``"force"``: :math:`\max_j |\nabla V_\mu(\theta_j)| = m \max_j |\nabla_{\theta_j} G|`
      (0 when every particle sits at a critical point of the potential);
    - ``"min_potential"``: :func:`min_potential` (0 when :math:`V_\mu \ge 0`: a global minimum).

    A stationary point of the kinetic dynamics has the first two equal to 0; it is a *global*
    minimum only if the third is 0 as well.

    Parameters
    ----------
    net : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    velocity : tuple of arrays of shapes (m,) and (m, d), optional
        The velocities ``(v_a, v_B)``, e.g. ``run.records["velocity_a"][i]``,
        ``run.records["velocity_B"][i]``.
    n_directions, rng
        As in :func:`min_potential`.

    Returns
    -------
    dict
        ``"kinetic"``, ``"force"``, ``"min_potential"`` (floats).

    Raises
    ------
    ValueError
        If the data or the velocities do not match ``net``.
    """
    _, grad_a, grad_B = value_and_gradients(net, X, y)
    force = net.m * np.sqrt(grad_a**2 + np.einsum("jk,jk->j", grad_B, grad_B))
    kinetic = 0.0
    if velocity is not None:
        v_a = check_array(velocity[0], "velocity[0]", shape=(net.m,))
        v_B = check_array(velocity[1], "velocity[1]", shape=(net.m, net.d))
        kinetic = float(np.sum(v_a**2) + np.sum(v_B**2)) / (2 * net.m)
    return {
        "kinetic": kinetic,
        "force": float(force.max()),
        "min_potential": min_potential(net, X, y, n_directions=n_directions, rng=rng),
    }


def success_count(
    ms: Sequence[int],
    X,
    y,
    *,
    seeds: Sequence[int] = range(100, 110),
    step: float = 4.0,
    momentum: float = 0.8,
    steps: int = 1500,
    rtol: float = 1e-3,
    radius: float = 0.05,
) -> dict[int, int]:
    """For each width ``m``: how many seeds bring heavy ball below ``rtol`` times the first risk.

    The student of seed ``s`` is ``mf.meanfield.student(m, d, s, radius=radius)``;
    each run is ``mf.train.heavy_ball(student, X, y, step, steps, momentum, rtol=rtol)``.

    Parameters
    ----------
    ms : sequence of int
        Student widths.
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    seeds : sequence of int, default range(100, 110)
        One seed per student (its ``rng``).
    step, momentum : float
        Heavy ball's :math:`\\eta` and :math:`\\beta`.
    steps : int
    rtol : float, default 1e-3
    radius : float, default 0.05

    Returns
    -------
    dict
        Width -> number of seeds that succeeded.

    Raises
    ------
    ValueError
        If ``rtol <= 0`` or a width is below 1.
    """
    rtol = check_scalar(rtol, "rtol", low=0.0, include_low=False)
    X = check_array(X, "X", ndim=2)
    counts = {}
    for m in ms:
        ok = 0
        for s in seeds:
            net = meanfield.student(check_int(m, "m", low=1), X.shape[1], s, radius=radius)
            run = heavy_ball(net, X, y, step, steps, momentum, rtol=rtol)
            ok += bool(run.losses[-1] <= rtol * run.losses[0])
        counts[int(m)] = ok
    return counts


def effective_step(step: float, momentum: float) -> float:
    r"""The effective step of heavy ball where the gradient changes slowly: :math:`\eta/(1 - \beta)`.

    Under a constant gradient :math:`g` the heavy-ball displacement
    :math:`\Delta_{k+1} = \beta\Delta_k - \eta g` (with :math:`\Delta_0 = 0`) is
    :math:`\Delta_k = -\eta\,\frac{1 - \beta^k}{1 - \beta}\,g \to -\frac{\eta}{1 - \beta}\,g`:
    after a few times :math:`1/(1 - \beta)` steps, heavy ball moves like gradient descent with
    the step :math:`\eta/(1 - \beta)` (chapter 8). In the kinetic picture
    (:func:`mfnet_lite.train.kinetic_from_polyak`) it is the overdamped velocity
    :math:`-g/\gamma` times the time step :math:`h`: :math:`h/\gamma = h^2/(1 - \beta)`.

    Parameters
    ----------
    step : float
        :math:`\eta > 0`.
    momentum : float
        :math:`\beta \in [0, 1)`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``step <= 0`` or ``momentum`` is outside :math:`[0, 1)`.

    Examples
    --------
    >>> round(effective_step(4.0, 0.8), 12)
    20.0
    """
    step = check_scalar(step, "step", low=0.0, include_low=False)
    momentum = check_scalar(momentum, "momentum", low=0.0, high=1.0, include_high=False)
    return step / (1.0 - momentum)


def _iterations(net: Network, X, y, step: float, budget: int, rtol: float) -> int | None:
    """Iterations plain GD needs to reach ``rtol`` times the first risk (None: not in budget)."""
    try:
        run = gd(net, X, y, step, budget, rtol=rtol, stop_on_divergence=True)
    except DivergenceError:
        return None
    return run.steps_taken if run.losses[-1] <= rtol * run.losses[0] else None


def best_plain_step(
    net: Network,
    X,
    y,
    *,
    low: float = 4.0,
    budget: int = 2000,
    rtol: float = 1e-3,
    xtol: float = 0.01,
    span: float = 0.1,
    spacing: float = 0.0025,
) -> dict:
    r"""The plain gradient-descent step with the fewest iterations that this search finds.

    Gradient descent :func:`mfnet_lite.train.gd` from ``net`` counts the iterations
    :math:`k(\eta)` until :math:`G(W_k) \le \mathrm{rtol}\cdot G(W_0)`, within ``budget``.
    Larger steps are faster until the stability edge, where :math:`k(\eta)` is not monotone and
    successes and failures can alternate (chapter 8 shows it). So the search (i) doubles
    :math:`\eta` from ``low`` until a step fails, (ii) bisects between the last success and the
    first failure down to a bracket of relative width ``xtol``, and (iii) evaluates a grid of
    relative spacing ``spacing`` from ``(1 - span)`` times the bracket's lower end up to its
    upper end. The answer is the step with the fewest iterations among all the steps
    evaluated: the best on that grid, not a certified optimum (no finite search can promise one
    where the count is erratic).

    Parameters
    ----------
    net : Network
        The starting network (left unchanged).
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    low : float, default 4.0
        A step that reaches the target (checked).
    budget : int, default 2000
        The iteration budget of every run.
    rtol : float, default 1e-3
        The target, relative to the first risk.
    xtol : float, default 0.01
        Relative width of the bisection's final bracket.
    span : float, default 0.1
        The grid starts ``span`` (relative) below the bracket, in (0, 1).
    spacing : float, default 0.0025
        Relative spacing of the grid.

    Returns
    -------
    dict
        ``step`` (the best step found), ``iterations`` (its count), ``first_failure`` (the
        smallest step evaluated that failed), ``successes_above_failure`` (steps above
        ``first_failure`` that succeeded: where successes and failures alternate), and
        ``evaluated`` (step -> iterations, None for a failure), sorted by step.

    Raises
    ------
    ValueError
        If ``low``, ``rtol``, ``xtol`` or ``spacing`` is not positive, ``span`` not in (0, 1),
        ``budget`` below 1, or if ``low`` itself does not reach the target (choose a smaller
        ``low``).

    Examples
    --------
    >>> import mfnet_lite as mf
    >>> X, y, _, student = mf.momentum.setup(n=20, m=20)
    >>> found = mf.momentum.best_plain_step(student, X, y, budget=300, rtol=1e-2, spacing=0.02)
    >>> found["step"] < found["first_failure"] or found["successes_above_failure"] != []
    True
    """
    low = check_scalar(low, "low", low=0.0, include_low=False)
    rtol = check_scalar(rtol, "rtol", low=0.0, include_low=False)
    xtol = check_scalar(xtol, "xtol", low=0.0, include_low=False)
    span = check_scalar(span, "span", low=0.0, high=1.0, include_low=False, include_high=False)
    spacing = check_scalar(spacing, "spacing", low=0.0, include_low=False)
    budget = check_int(budget, "budget", low=1)
    X, y = check_data(net, X, y)
    evaluated: dict[float, int | None] = {}

    def count(step: float) -> int | None:
        step = float(step)
        if step not in evaluated:
            evaluated[step] = _iterations(net, X, y, step, budget, rtol)
        return evaluated[step]

    if count(low) is None:
        raise ValueError(
            f"low == {low}: plain gradient descent does not reach {rtol:g} times the first risk "
            f"within budget == {budget} iterations at this step; choose a smaller low."
        )
    good, bad = low, 2.0 * low
    while count(bad) is not None:
        good, bad = bad, 2.0 * bad
        if bad > 1e12 * low:
            raise ValueError(f"every step up to {bad:.3g} succeeds: the risk has no stability edge")
    while bad - good > xtol * good:
        middle = 0.5 * (good + bad)
        if count(middle) is None:
            bad = middle
        else:
            good = middle
    for step in np.arange(good * (1 - span), bad, spacing * good):
        count(step)
    succeeded = {s: k for s, k in evaluated.items() if k is not None}
    first_failure = min(s for s, k in evaluated.items() if k is None)
    best = min(succeeded, key=lambda s: (succeeded[s], -s))
    return {
        "step": best,
        "iterations": succeeded[best],
        "first_failure": first_failure,
        "successes_above_failure": sorted(s for s in succeeded if s > first_failure),
        "evaluated": dict(sorted(evaluated.items())),
    }
