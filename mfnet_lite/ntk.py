r"""Du et al.'s synthetic study: gradient descent on the first layer of wide networks (chapter 6).

The model is :math:`u_i = f(W, x_i) = \frac{1}{\sqrt m}\sum_r a_r\,\sigma(w_r \cdot x_i)` with
:math:`a_r = \pm 1` fixed, :math:`w_r(0) \sim N(0, I_d)`, unit-norm inputs, the loss
:math:`L(W) = \frac12\sum_i (u_i - y_i)^2` and the plain step
:math:`w_r(k+1) = w_r(k) - \eta\,\nabla_{w_r} L`. To first order in :math:`\eta` the outputs
then follow

.. math::

    u(k+1) - y \approx \big(I - \eta H(k)\big)\big(u(k) - y\big) \qquad \text{(eq-ch6-u-step)},

with :math:`H(k)` the empirical NTK of :func:`mfnet_lite.kernels.ntk_gram`. Along a run we
record the loss, the fraction of activation patterns that changed since the start,

.. math::

    \frac{1}{mn}\sum_{i=1}^n\sum_{r=1}^m
        \mathbb 1\{\operatorname{sign}(w_r(k)\cdot x_i) \ne \operatorname{sign}(w_r(0)\cdot x_i)\},

and the largest distance :math:`\max_r \|w_r(k) - w_r(0)\|` travelled by a neuron.

:func:`paper_study` runs the paper's size (n = d = 1000, 100 steps, five widths);
the chapter runs :func:`study` at n = d = 200.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from . import _array
from ._validation import (
    check_allocation,
    check_array,
    check_fields,
    check_int,
    check_int_list,
    check_rng,
    check_scalar,
    deprecated_alias,
    renamed_keywords,
)
from .data import ntk_synthetic
from .kernels import check_unit_norm, h_infinity, lambda_min, ntk_gram
from .kernels import lambda_max as _kernel_lambda_max
from .model import Network, init_network
from .train import Recorder, Run, check_run_args

__all__ = [
    "PAPER_SIZE",
    "BOOK_SIZE",
    "DuStudy",
    "init_du",
    "train_first_layer",
    "study",
    "paper_study",
    "rate_bound",
    "kernel_predictions",
    "gram_deviation",
    "fit_slope",
]

#: The paper's synthetic study, as measured for this book (about a minute and a half here).
PAPER_SIZE = {"n": 1000, "d": 1000, "widths": (100, 300, 800, 2400, 6400), "steps": 100}
#: The chapter's default: the same widths and steps on n = d = 200 (a few seconds).
BOOK_SIZE = {"n": 200, "d": 200, "widths": (100, 300, 800, 2400, 6400), "steps": 100}


def __getattr__(name):
    if name == "DuRun":
        warnings.warn(
            "mfnet_lite.ntk.DuRun is deprecated: train_first_layer returns a mfnet_lite.Run "
            "(pattern_change, max_distance, outputs in run.records).",
            DeprecationWarning,
            2,
        )
        return Run
    raise AttributeError(f"module 'mfnet_lite.ntk' has no attribute {name!r}")


def init_du(m: int, d: int, rng=None, *, dtype=np.float64) -> Network:
    r"""Du et al.'s initialisation: :math:`a_r = \pm1`, :math:`w_r \sim N(0, I_d)`, scale :math:`1/\sqrt m`.

    The same seed gives the same weights in float64 and float32 (drawn in float64, then cast).

    Parameters
    ----------
    m, d : int
    rng : None, int or numpy.random.Generator
    dtype : numpy.float32 or numpy.float64

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        If ``m`` or ``d`` is below 1.
    TypeError
        If ``dtype`` is not a real floating type.
    """
    return init_network(m, d, rng, init="gaussian", scale="ntk", dtype=dtype)


def train_first_layer(
    net: Network,
    X,
    y,
    step: float,
    steps: int,
    *,
    record_every: int | None = None,
    stop_on_divergence: bool = False,
    max_loss_ratio: float = 1e8,
    progress: bool | None = None,
) -> Run:
    r"""Plain gradient descent on the first layer, recording loss, pattern changes and distance.

    .. math::

        w_r(k+1) = w_r(k) - \frac{\eta\, a_r}{\sqrt m} \sum_{i=1}^n (u_i(k) - y_i)\,
            \mathbb 1\{w_r(k)\cdot x_i > 0\}\, x_i ,

    the step of ``mf.train.gd(net, X, y, step, steps, reduction="sum", trainable="B",
    time_scaling="plain")`` (the tests check that both agree). This loop reuses the
    pre-activations of each step for the activation signs, so it needs two matrix products a
    step where ``gd`` with a recording callback needs three. It keeps its history with
    :class:`mfnet_lite.train.Recorder`, like every training loop of the package.

    Parameters
    ----------
    net : Network
        Output factor :math:`c` (``"ntk"`` gives :math:`1/\sqrt m`); ``net.a`` stays fixed.
    X : ndarray of shape (n, d)
        Unit-norm inputs.
    y : ndarray of shape (n,)
    step : float
        :math:`\eta > 0`; a step near :math:`1/\lambda_{\max}(H^\infty)` is fast and stable.
    steps : int
    record_every : int, optional
        Snapshot period of the parameters (by default the first and the last step).
    stop_on_divergence : bool, default False
        When the loss exceeds ``max_loss_ratio`` times its start or is not finite: return the
        run so far with ``run.diverged = True`` instead of raising.
    max_loss_ratio : float, default 1e8
    progress : bool, optional
        As in :func:`mfnet_lite.train.gd`.

    Returns
    -------
    Run
        ``losses`` are :math:`\frac12\|u(k) - y\|^2`; per-step ``records``:
        ``"pattern_change"`` (fraction of the :math:`mn` activation signs that differ from the
        start), ``"max_distance"`` (:math:`\max_r \|w_r(k) - w_r(0)\|`) and ``"outputs"``
        (:math:`u(k)`, shape (k + 1, n)).

    Raises
    ------
    DivergenceError
        If the loss blows up and ``stop_on_divergence`` is False; the message names the step.
    ValueError
        If a row of ``X`` is not unit-norm, shapes disagree or ``step <= 0``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    xp, device = net.xp, net.device  # the network's array library: NumPy, PyTorch, ...
    X = _array.check_array(check_unit_norm(X), "X", xp=xp, device=device, dtype=net.dtype)
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one input (n >= 1).")
    if X.shape[1] != net.d:
        raise ValueError(f"X must have shape (n, {net.d}) to match the network; got {X.shape}.")
    y = _array.check_array(y, "y", xp=xp, device=device, shape=(X.shape[0],), dtype=net.dtype)
    step, steps, record_every, _, max_loss_ratio = check_run_args(
        net, step, steps, record_every, "plain", "B", max_loss_ratio
    )
    B0, a, c = net.B, net.a, net.factor
    B = xp.asarray(B0, copy=True)
    ca = (c * a)[:, None]
    signs0 = X @ B0.T > 0
    rec = Recorder(
        steps, record_every, step, max_loss_ratio, progress, "first layer", stop_on_divergence
    )
    n, m = X.shape[0], net.m
    numpy = _array.is_numpy(xp)
    if numpy:  # the n x m arrays of a step, allocated once: fresh ones cost a page fault each
        Z, P, A = np.empty((n, m), B.dtype), np.empty((n, m), B.dtype), np.empty((n, m), B.dtype)
        active, changed = np.empty((n, m), bool), np.empty((n, m), bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            if numpy:
                np.matmul(X, B.T, out=Z)
                np.greater(Z, 0.0, out=active)
                u = c * (np.maximum(Z, 0.0, out=P) @ a)
                flips = int(np.count_nonzero(np.not_equal(active, signs0, out=changed)))
            else:
                Z = X @ B.T
                active = Z > 0
                u = c * (xp.maximum(Z, 0.0) @ a)
                flips = int(xp.count_nonzero(active != signs0))
            r = u - y
            if not rec.loss(k, 0.5 * float(xp.vecdot(r, r))):
                break
            moved = B - B0
            rec.record(
                pattern_change=flips / (n * m),
                max_distance=float(xp.sqrt(xp.max(xp.vecdot(moved, moved)))),
                outputs=u,  # the Recorder keeps NumPy copies
            )
            if rec.wants_snapshot(k):
                rec.snapshot(k, a, B)
            if k == steps:
                break
            # sum_i (u_i - y_i) 1{w_r . x_i > 0} x_i as one product with the 0/1 activations: a
            # broadcast xp.where builds the same n x m matrix 4-7x slower (benchmarks/gd_step.py)
            if numpy:
                np.copyto(A, active)
            else:
                A = xp.astype(active, B.dtype)
            B -= step * (ca * (A.T @ (r[:, None] * X)))
    return rec.result(net.replace(B=B) if not rec.diverged else net, "plain")


@dataclass(frozen=True)
class DuStudy:
    """The synthetic study: data, :math:`H^\\infty`'s extreme eigenvalues, one run per width.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    H_inf : ndarray of shape (n, n)
    lambda0, lambda_max : float
        Extreme eigenvalues of ``H_inf``.
    step : float
    runs : tuple of Run
        One :func:`train_first_layer` run per width.
    """

    X: np.ndarray
    y: np.ndarray
    H_inf: np.ndarray
    lambda0: float
    lambda_max: float
    step: float
    runs: tuple

    def __post_init__(self):
        check_fields(self)  # a result built from garbage is refused here, not in a plot

    @property
    def widths(self) -> list[int]:
        return [run.m for run in self.runs]

    def final(self, name: str) -> np.ndarray:
        """The last value of ``"losses"`` or of a record (``"pattern_change"``,
        ``"max_distance"``) per width."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a str; got {type(name).__name__}.")
        known = ("losses", *self.runs[0].records) if self.runs else ("losses",)
        if name not in known:
            raise ValueError(f"name == {name!r}, must be one of {', '.join(map(repr, known))}.")
        return np.array(
            [(run.losses if name == "losses" else run.records[name])[-1] for run in self.runs]
        )


# moved to kernels beside lambda_min (issue 15); the old name warns for one release
lambda_max = deprecated_alias(
    _kernel_lambda_max, "mfnet_lite.ntk.lambda_max", "mfnet_lite.kernels.lambda_max"
)


def study(
    n: int = BOOK_SIZE["n"],
    d: int = BOOK_SIZE["d"],
    widths=BOOK_SIZE["widths"],
    steps: int = BOOK_SIZE["steps"],
    step: float | None = None,
    rng=None,
    *,
    dtype=np.float64,
    backend=None,
    device=None,
) -> DuStudy:
    r"""Du et al.'s synthetic study: one gradient-descent run per width on the same data.

    Data: ``n`` points uniform on :math:`S^{d-1}` with labels :math:`N(0, 1)`
    (:func:`mfnet_lite.data.ntk_synthetic`); then, per width, a fresh :func:`init_du` network
    trained by :func:`train_first_layer`. All randomness comes from ``rng``, in that order.

    Parameters
    ----------
    n, d : int
    widths : sequence of int
    steps : int
    step : float, optional
        Defaults to :math:`1/\lambda_{\max}(H^\infty)`: fast, and half the stable limit
        :math:`2/\lambda_{\max}` of the kernel recursion. The theorem's
        :math:`\eta = O(\lambda_0/n^2)` would barely move the loss in 100 steps.
    rng : None, int or Generator
    dtype : numpy dtype, default float64
        Precision of the training runs (the kernel is always float64). ``np.float32`` halves
        the time; at the paper's size it changes the final pattern fractions by at most
        :math:`1.3\cdot 10^{-4}` (13 of the :math:`10^5` signs at m = 100; measured in
        ``benchmarks/kernels.py``).
    backend, device : optional
        Where the training runs compute, as in :meth:`mfnet_lite.Network.to`: e.g.
        ``backend="torch", device="cuda"`` for a GPU. The networks are drawn by NumPy first, so
        the seed gives the same study everywhere; the kernel and the records stay NumPy.

    Returns
    -------
    DuStudy
    """
    rng = check_rng(rng)
    widths = check_int_list(widths, "widths", low=1)
    if backend is None and device is not None:
        raise ValueError(
            f"device == {device!r} needs an array library: pass backend='torch' with it "
            "(NumPy runs on the CPU only)."
        )
    X, y = ntk_synthetic(n, d, rng)
    H = h_infinity(X)
    lam0, lam_max = lambda_min(H), _kernel_lambda_max(H)
    step = 1.0 / lam_max if step is None else check_scalar(step, "step", low=0, include_low=False)
    Xt, yt = X.astype(dtype), y.astype(dtype)
    nets = (init_du(m, d, rng, dtype=dtype).to(backend, device=device) for m in widths)
    runs = tuple(train_first_layer(net, Xt, yt, step, steps) for net in nets)
    return DuStudy(X, y, H, lam0, lam_max, step, runs)


def paper_study(rng=0, *, dtype=np.float64, backend=None, device=None) -> DuStudy:
    """The paper's size: ``study(**PAPER_SIZE)`` (n = d = 1000, 100 steps, widths 100 to 6400).

    About 1.5 minutes on two cores in float64, half that with ``dtype=np.float32``
    (``benchmarks/kernels.py`` measures both); ``backend="torch", device="cuda"`` runs it on a
    GPU (see :func:`study`).

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, default 0
    dtype : numpy.float32 or numpy.float64
    backend, device : optional
        Where the training runs compute, as in :func:`study`.

    Returns
    -------
    DuStudy
    """
    return study(**PAPER_SIZE, rng=rng, dtype=dtype, backend=backend, device=device)


def rate_bound(initial: float, lambda0: float, step: float, steps: int) -> np.ndarray:
    r"""The theorem's bound :math:`(1 - \eta\lambda_0/2)^k \cdot` ``initial`` for k = 0..steps.

    Parameters
    ----------
    initial : float
    lambda0 : float
        :math:`\lambda_0 \ge 0`.
    step : float
    steps : int

    Returns
    -------
    ndarray of shape (steps + 1,)

    Raises
    ------
    ValueError
        If ``initial < 0``, ``lambda0 < 0``, ``step <= 0``, ``steps`` is negative, or
        ``step * lambda0 > 2`` (the factor would be below -1: no bound).
    """
    initial = check_scalar(initial, "initial", low=0.0)
    lambda0 = check_scalar(lambda0, "lambda0", low=0.0)
    step = check_scalar(step, "step", low=0.0, include_low=False)
    steps = check_int(steps, "steps", low=0)
    if step * lambda0 > 2.0:
        raise ValueError(
            f"step * lambda0 == {step * lambda0:.6g} > 2: the factor 1 - step * lambda0 / 2 is below "
            "-1 and the 'bound' bounds nothing (the theorem asks step <= lambda0 / n^2); lower step."
        )
    check_allocation("rate_bound", (steps + 1,))
    return initial * (1.0 - step * lambda0 / 2) ** np.arange(steps + 1)


def kernel_predictions(H, u0, y, step: float, steps: int) -> np.ndarray:
    r"""The kernel predictor :math:`y + (I - \eta H)^k (u(0) - y)` for k = 0..steps, shape (steps+1, n).

    With :math:`H = H^\infty` this is gradient descent on the infinitely wide network's
    linearisation (kernel regression with the NTK).

    Parameters
    ----------
    H : ndarray of shape (n, n)
    u0, y : ndarray of shape (n,)
    step : float
    steps : int

    Returns
    -------
    ndarray of shape (steps + 1, n)

    Raises
    ------
    ValueError
        If shapes disagree, ``step <= 0`` or ``steps < 0``.
    """
    H = check_array(H, "H", ndim=2)
    u0 = check_array(u0, "u0", shape=(H.shape[0],))
    y = check_array(y, "y", shape=(H.shape[0],))
    step = check_scalar(step, "step", low=0.0, include_low=False)
    steps = check_int(steps, "steps", low=0)
    check_allocation("kernel_predictions", (steps + 1, H.shape[0]))
    out = np.empty((steps + 1, H.shape[0]))
    r = u0 - y
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            out[k] = y + r
            r = r - step * (H @ r)
            if not np.all(np.isfinite(r)):
                raise ValueError(
                    f"kernel_predictions left the finite numbers at step {k + 1} (step * "
                    "lambda_max(H) > 2 makes the iteration diverge); lower step below "
                    "2 / lambda_max(H)."
                )
    return out


@renamed_keywords(seeds="draws")
def gram_deviation(X, widths, draws: int = 3, rng=None) -> np.ndarray:
    r"""Spectral norms :math:`\|H(0) - H^\infty\|_2` for random :math:`W(0)`.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Unit-norm inputs.
    widths : sequence of int
    draws : int, default 3
        Independent draws of :math:`W(0) \sim N(0, I)` per width (formerly ``seeds``; in the
        package ``seeds`` is always a list of seeds).
    rng : None, int or numpy.random.Generator
        All draws, in order.

    Returns
    -------
    ndarray of shape (len(widths), draws)

    Raises
    ------
    ValueError
        If a row of ``X`` is not unit-norm, or a width or ``draws`` is below 1.
    """
    X = check_unit_norm(X)
    draws = check_int(draws, "draws", low=1)
    widths = check_int_list(widths, "widths", low=1)
    check_allocation("gram_deviation", (len(widths), draws))
    rng = check_rng(rng)
    H = h_infinity(X)
    out = np.empty((len(widths), draws))
    for i, m in enumerate(widths):
        m = check_int(m, "widths", low=1)
        for s in range(draws):
            W = rng.standard_normal((m, X.shape[1]))
            out[i, s] = np.abs(np.linalg.eigvalsh(ntk_gram(W, X) - H)).max()
    return out


def fit_slope(widths, values) -> tuple[float, float]:
    r"""Least-squares fit of :math:`\log v = s \log m + b`; returns ``(s, e^b)``.

    ``values`` may have a second axis (seeds); it is averaged in log space first.

    The package's one log–log fit (figures and claims use it).

    Parameters
    ----------
    widths : array_like of shape (k,)
        Positive abscissae (widths, scales).
    values : array_like of shape (k,) or (k, seeds)
        Positive values.

    Returns
    -------
    (slope, constant) : tuple of float

    Raises
    ------
    ValueError
        If a value or a width is not positive, fewer than 2 widths are distinct, or the shapes
        disagree.
    """
    widths = check_array(widths, "widths", ndim=1)
    if np.any(widths <= 0):
        raise ValueError("widths must be positive to fit a slope on log-log axes.")
    if np.unique(widths).size < 2:
        raise ValueError(
            f"widths must hold at least 2 distinct values to fit a slope; got {widths.tolist()}."
        )
    m = np.log(widths)
    v = check_array(values, "values")
    if v.ndim not in (1, 2):
        raise ValueError(f"values must be a 1-d or 2-d array; got shape {v.shape}.")
    if np.any(v <= 0):
        raise ValueError("values must be positive to fit a slope on log-log axes.")
    logv = np.log(v).mean(axis=1) if v.ndim == 2 else np.log(v)
    if logv.shape != m.shape:
        raise ValueError(f"values must have {m.size} rows, one per width; got {v.shape}.")
    slope, intercept = np.polyfit(m, logv, 1)
    return float(slope), float(np.exp(intercept))
