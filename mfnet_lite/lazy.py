r"""Lazy against active training: the scaled objective and the linearised model (chapter 5).

Following Chizat, Oyallon & Bach [1]_, scale the mean-field network by :math:`\alpha > 0` and
minimise

.. math::

    F_\alpha(W) = \frac{1}{\alpha^2}\, R\big(\alpha\, h_W\big), \qquad
    h_W(x) = \frac1m \sum_j a_j \sigma(b_j \cdot x),

so that the model actually fitted is :math:`\alpha h_W`, a :class:`~mfnet_lite.Network` with
output factor :math:`c = \alpha/m`. Gradient descent on :math:`F_\alpha` with the mean-field time
scale (each neuron moves by :math:`\eta\, m\, \nabla_{w_j} F_\alpha`) changes the fitted function
at a speed independent of :math:`\alpha`, while each neuron moves :math:`\alpha` times less:
large :math:`\alpha` is *lazy*, :math:`\alpha = 1` is the *active* mean-field regime, and
:math:`\alpha = \sqrt m` is the NTK scaling :math:`c = 1/\sqrt m`.

The initialisation is *symmetric* (neurons in pairs :math:`(a, b)` and :math:`(-a, b)`), so that
:math:`h_{W_0} = 0` and :math:`\alpha h_{W_0}` stays bounded as :math:`\alpha` grows.

References
----------
.. [1] L. Chizat, E. Oyallon, F. Bach. On Lazy Training in Differentiable Programming.
   NeurIPS 2019, arXiv:1812.07956.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_array,
    check_int,
    check_memory,
    check_network,
    check_numpy_network,
    check_rng,
    check_scalar,
)
from .data import sphere, teacher_student
from .model import Network, check_data, check_inputs, init_network
from .model import loss as risk
from .ntk import fit_slope
from .train import Recorder, Run, check_run_args, gd

__all__ = [
    "alpha_of",
    "symmetric_init",
    "lazy_gd",
    "Linearization",
    "linearized_gd",
    "relative_movement",
    "movement_bound",
    "jacobian_change",
    "linearization_gap",
    "gap_parts",
    "alpha_sweep",
    "width_sweep",
    "sweep_slopes",
    "draw",
    "with_alpha",
]


def alpha_of(net: Network) -> float:
    r"""The scale :math:`\alpha = c\,m` of a network with output factor :math:`c`.

    Parameters
    ----------
    net : Network

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`~mfnet_lite.Network`.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    return net.factor * net.m


def symmetric_init(m: int, d: int, rng=None, *, alpha: float = 1.0, radius: float = 1.0) -> Network:
    r"""A network of even width ``m`` with :math:`h_{W_0} = 0` and output factor :math:`\alpha/m`.

    Neurons :math:`1..m/2` are drawn uniformly on the sphere of radius ``radius`` in
    :math:`\mathbb{R}^{d+1}` (as :func:`~mfnet_lite.model.init_network`); neuron
    :math:`j + m/2` is :math:`(-a_j, b_j)`, so the two cancel at every input.

    Parameters
    ----------
    m : int
        Even width, at least 2.
    d : int
    rng : None, int or numpy.random.Generator
    alpha : float, default 1.0
        The scale :math:`\alpha > 0`.
    radius : float, default 1.0

    Returns
    -------
    Network
        Output factor :math:`\alpha/m`, with :math:`h_{W_0} = 0`.

    Raises
    ------
    ValueError
        If ``m`` is odd or below 2, or ``alpha``/``radius`` is not positive.
    """
    m = check_int(m, "m", low=2)
    if m % 2:
        raise ValueError(f"m == {m}, must be even (neurons come in cancelling pairs).")
    alpha = check_scalar(alpha, "alpha", low=0.0, include_low=False)
    half = init_network(m // 2, d, rng, radius=radius)
    return Network(np.r_[half.a, -half.a], np.r_[half.B, half.B], scale=alpha / m)


def lazy_gd(net: Network, X, y, step: float, steps: int, **options) -> Run:
    r"""Gradient descent on :math:`F_\alpha = \alpha^{-2} R(\alpha h)` with the mean-field time scale.

    ``net`` carries :math:`\alpha` in its output factor (:math:`c = \alpha/m`); the update is
    :math:`W \leftarrow W - \eta\, m\, \alpha^{-2} \nabla_W G(W)` with :math:`G` the risk of
    ``net``, which is :func:`mfnet_lite.train.gd` with step :math:`\eta m/\alpha^2` and
    ``time_scaling="plain"``. The reported ``run.losses`` are those of :math:`\alpha h`, i.e.
    :math:`R(\alpha h) = \alpha^2 F_\alpha`. Other options as in :func:`~mfnet_lite.train.gd`.

    Parameters
    ----------
    net : Network
        The start; carries :math:`\alpha` in its output factor.
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    step : float
        :math:`\eta > 0`.
    steps : int
    **options
        As in :func:`~mfnet_lite.train.gd` (not ``time_scaling``).

    Returns
    -------
    Run

    Raises
    ------
    ValueError
        As :func:`~mfnet_lite.train.gd`.
    DivergenceError
        If the loss blows up.
    """
    alpha = alpha_of(net)
    step = check_scalar(step, "step", low=0.0, include_low=False)
    return gd(net, X, y, step * net.m / alpha**2, steps, time_scaling="plain", **options)


class Linearization:
    r"""The linearisation of a network at its initialisation :math:`W_0` (chapter 5).

    .. math::

        \bar h_W(x) = h_{W_0}(x) + \langle \nabla_W h_{W_0}(x),\, W - W_0 \rangle
        = h_{W_0}(x) + c \sum_j \Big[\sigma(b^0_j\cdot x)(a_j - a^0_j)
            + a^0_j\, \mathbb 1\{b^0_j \cdot x > 0\}\, x\cdot(b_j - b^0_j)\Big],

    a model linear in :math:`W`, with the features frozen at :math:`W_0`.

    Parameters
    ----------
    net0 : Network
        The point of linearisation :math:`W_0`.

    Raises
    ------
    TypeError
        If ``net0`` is not a Network.
    """

    def __init__(self, net0: Network):
        if not isinstance(net0, Network):
            raise TypeError(f"net0 must be a mfnet_lite.Network; got {type(net0).__name__}.")
        self.net0 = net0

    def __repr__(self) -> str:
        return f"Linearization(at {self.net0!r})"

    def features(self, X):
        r"""The frozen features at :math:`W_0`: :math:`\sigma(b^0_j\cdot x_i)` and
        :math:`\mathbb 1\{b^0_j \cdot x_i > 0\}`, both of shape (n, m) (``X`` checked)."""
        Z0 = X @ self.net0.B.T
        return np.maximum(Z0, 0.0), (Z0 > 0).astype(X.dtype)

    def predict(self, X, net: Network) -> np.ndarray:
        """:math:`\\bar h_W(x_i)` for the parameters of ``net`` (same width and d), shape (n,)."""
        X = check_inputs(X, self.net0)
        _check_same_shape(net, self.net0, "net")
        A0, M0 = self.features(X)
        return self.predict_features(X, A0, M0, net.a, net.B)

    def predict_features(self, X, A0, M0, a, B):
        """:meth:`predict` from the :meth:`features` of ``X`` and raw parameters ``a``, ``B``."""
        n0 = self.net0
        h0 = A0 @ n0.a
        return n0.factor * (h0 + A0 @ (a - n0.a) + (M0 * (X @ (B - n0.B).T)) @ n0.a)

    def jacobian(self, X) -> np.ndarray:
        r""":math:`\partial h_{W_0}(x_i)/\partial W`, shape (n, m(d + 1)), columns ordered as ``net.W.ravel()``."""
        X = check_inputs(X, self.net0)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least one input (n >= 1) for a Jacobian.")
        n0 = self.net0
        check_memory(8 * 2 * X.shape[0] * n0.m * (n0.d + 1), f"the Jacobian at n = {X.shape[0]}")
        A0, M0 = self.features(X)
        dB = (M0 * n0.a)[:, :, None] * X[:, None, :]  # (n, m, d)
        return n0.factor * np.concatenate([A0[:, :, None], dB], axis=2).reshape(len(X), -1)


def linearized_gd(
    net0: Network,
    X,
    y,
    step: float,
    steps: int,
    *,
    rtol: float | None = None,
    record_every: int | None = None,
    max_loss_ratio: float = 1e8,
    stop_on_divergence: bool = False,
    progress: bool | None = None,
) -> Run:
    r""":func:`lazy_gd` applied to the linearised model :math:`\bar h` of ``net0`` (square loss).

    Same step convention, same start, same history (:class:`mfnet_lite.train.Recorder`);
    ``run.net`` holds the final parameters (evaluate the linearised model with
    :meth:`Linearization.predict`).

    Parameters
    ----------
    net0 : Network
        The start and the point of linearisation; carries :math:`\alpha` in its factor.
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    step : float
        :math:`\eta > 0`, as in :func:`lazy_gd`.
    steps : int
    rtol, record_every, max_loss_ratio, stop_on_divergence, progress
        As in :func:`mfnet_lite.train.gd`.

    Returns
    -------
    Run
        ``run.losses`` are :math:`\frac1{2n}\sum_i (\bar h(x_i) - y_i)^2`.

    Raises
    ------
    ValueError
        If shapes disagree, ``step <= 0`` or ``steps < 0``.
    DivergenceError
        If the loss blows up (unless ``stop_on_divergence``).
    """
    check_network(net0, "net0")
    check_numpy_network(net0, "linearized_gd")
    X, y = check_data(net0, X, y, "square", "mean")
    alpha = alpha_of(net0)
    if rtol is not None:
        rtol = check_scalar(rtol, "rtol", low=0.0)
    step, steps, record_every, _, max_loss_ratio = check_run_args(
        net0, step, steps, record_every, "plain", "both", max_loss_ratio
    )
    eta = step * net0.m / alpha**2
    lin = Linearization(net0)
    A0, M0 = lin.features(X)
    c, n = net0.factor, X.shape[0]
    a, B = net0.a.copy(), net0.B.copy()
    rec = Recorder(
        steps, record_every, eta, max_loss_ratio, progress, "linearized", stop_on_divergence
    )
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            r = lin.predict_features(X, A0, M0, a, B) - y
            value = 0.5 * float(r @ r) / n
            if not rec.loss(k, value):
                break
            last = k == steps or (rtol is not None and value <= rtol * rec.losses[0])
            if rec.wants_snapshot(k) or last:
                rec.snapshot(k, a, B)
            if last:
                break
            a -= eta * (c / n) * (A0.T @ r)
            B -= eta * (c / n) * net0.a[:, None] * ((M0 * r[:, None]).T @ X)
    return rec.result(net0.replace(a=a, B=B), "plain")


def _check_same_shape(net, net0: Network, name: str) -> None:
    if not isinstance(net, Network):
        raise TypeError(f"{name} must be a mfnet_lite.Network; got {type(net).__name__}.")
    if (net.m, net.d) != (net0.m, net0.d):
        raise ValueError(
            f"{name} must have the width and dimension of the initial network, (m, d) = "
            f"{(net0.m, net0.d)}; got {(net.m, net.d)}. Pass a network trained from it."
        )


def relative_movement(run: Run, layer: str = "both") -> float:
    r""":math:`\|W_T - W_0\| / \|W_0\|` over the whole run (Frobenius norm of the parameters).

    Parameters
    ----------
    run : Run
        Any training run of the package (gd, heavy ball, kinetic, lazy_gd, linearized_gd,
        ntk.train_first_layer): its first and last snapshots are compared.
    layer : {"both", "a", "B"}, default "both"
        Which parameters are measured: all of them, the output weights ``a`` only, or the
        first layer ``B`` only (the one Du et al.'s model trains, chapter 6).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``run`` is not a :class:`~mfnet_lite.Run`.
    ValueError
        If ``layer`` is not one of the three names.
    """
    if not isinstance(run, Run):
        raise TypeError(f"run must be a mfnet_lite.Run; got {type(run).__name__}.")
    parts = {"both": (True, True), "a": (True, False), "B": (False, True)}
    if layer not in parts:
        raise ValueError(f'layer must be "both", "a" or "B"; got {layer!r}.')
    use_a, use_B = parts[layer]

    def flat(k):
        return np.concatenate(
            ([run.a_history[k]] if use_a else []) + ([run.B_history[k].ravel()] if use_B else [])
        )

    return float(np.linalg.norm(flat(-1) - flat(0)) / np.linalg.norm(flat(0)))


def movement_bound(net0: Network, X, y, time: float) -> float:
    r"""The a-priori bound on the relative movement of the flow of :math:`F_\alpha` up to ``time``.

    .. math::

        \frac{\|W(t) - W_0\|}{\|W_0\|} \le
        \frac{\sqrt{m\, t\, R(\alpha h_{W_0})}}{\alpha\, \|W_0\|},

    for the flow :math:`\dot W = -m \nabla F_\alpha(W)` (chapter 5, ``thm-ch5-movement``); gradient
    descent with a step in the descent lemma's range obeys it with an extra factor
    :math:`\sqrt 2`. ``net0`` carries :math:`\alpha` in its output factor :math:`c = \alpha/m`;
    ``time`` is :math:`t = k\eta` after :math:`k` steps of :func:`lazy_gd` with step :math:`\eta`.

    Parameters
    ----------
    net0 : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    time : float
        :math:`t \ge 0`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the data do not match ``net0`` or ``time < 0``.
    """
    X, y = check_data(net0, X, y, "square", "mean")
    time = check_scalar(time, "time", low=0.0)
    return float(
        np.sqrt(net0.m * time * risk(net0, X, y)) / (alpha_of(net0) * np.linalg.norm(net0.W))
    )


def jacobian_change(net0: Network, net: Network, X) -> dict:
    r"""The relative change of the Jacobian of :math:`h` between ``net0`` and ``net``, on inputs ``X``.

    .. math::

        \frac{\|Dh_W(X) - Dh_{W_0}(X)\|_F}{\|Dh_{W_0}(X)\|_F},

    in total and for the two blocks: ``"a"`` (:math:`\sigma(b_j\cdot x_i)`, Lipschitz in
    :math:`W`) and ``"B"`` (:math:`a_j \mathbb 1\{b_j \cdot x_i > 0\} x_i`, which jumps when a
    pattern flips); ``"flips"`` is the fraction of pairs :math:`(i, j)` whose activation
    :math:`\mathbb 1\{b_j\cdot x_i > 0\}` changed. The output factor cancels in every ratio.

    Parameters
    ----------
    net0, net : Network
        The start and a network trained from it (same width and dimension).
    X : array_like of shape (n, d)

    Returns
    -------
    dict
        ``"total"``, ``"a"``, ``"B"``, ``"flips"`` (floats).

    Raises
    ------
    TypeError, ValueError
        If ``net`` is not a Network of the shape of ``net0``, or ``X`` does not match.
    """
    check_network(net0, "net0")
    X = check_inputs(X, net0)
    _check_same_shape(net, net0, "net")
    Z0, Z = X @ net0.B.T, X @ net.B.T
    da = np.linalg.norm(np.maximum(Z, 0.0) - np.maximum(Z0, 0.0))
    a0 = np.linalg.norm(np.maximum(Z0, 0.0))
    # the B block of row i, neuron j is a_j 1{z_ij > 0} x_i, so its norm is |a_j| 1{z_ij > 0} |x_i|
    xn = np.linalg.norm(X, axis=1)[:, None]
    dB = np.linalg.norm(((Z > 0) * net.a - (Z0 > 0) * net0.a) * xn)
    b0 = np.linalg.norm((Z0 > 0) * net0.a * xn)
    return {
        "total": float(np.hypot(da, dB) / np.hypot(a0, b0)),
        "a": float(da / a0),
        "B": float(dB / b0),
        "flips": float(np.mean((Z > 0) != (Z0 > 0))),
    }


def linearization_gap(net0: Network, net: Network, lin_net: Network, X) -> float:
    r"""Root-mean-square distance :math:`\big(\frac1n\sum_i (h_W(x_i) - \bar h_{\bar W}(x_i))^2\big)^{1/2}`.

    ``net`` is the trained network :math:`W`, ``lin_net`` holds the parameters :math:`\bar W`
    of the trained linearisation of ``net0`` (:func:`linearized_gd`); both outputs include
    the factor :math:`\alpha`.

    Parameters
    ----------
    net0, net, lin_net : Network
        Same width and dimension.
    X : array_like of shape (n, d)

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If a network has another shape, or ``X`` does not match.
    """
    check_network(net0, "net0")
    _check_same_shape(net, net0, "net")
    _check_same_shape(lin_net, net0, "lin_net")
    h_lin = Linearization(net0).predict(X, lin_net)
    return float(np.sqrt(np.mean((net.predict(X) - h_lin) ** 2)))


def draw(rng=0, *, n: int = 60, d: int = 10, m: int = 200, m0: int = 3, n_test: int = 1000):
    r"""Chapter 5's task: ``(X, y, X_test, y_test, net0)``, all from the one generator ``rng``.

    A teacher of ``m0`` neurons labels ``n`` training inputs
    (:func:`mfnet_lite.data.teacher_student`, drawn first), then ``n_test`` test inputs
    uniform on the sphere, then a symmetric student of width ``m`` at :math:`\alpha = 1`
    (:func:`symmetric_init`; :func:`with_alpha` rescales it). :func:`alpha_sweep` draws each
    seed's task with it.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator, default 0
    n, d, m, m0, n_test : int

    Returns
    -------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    X_test : ndarray of shape (n_test, d)
    y_test : ndarray of shape (n_test,)
    net0 : Network
        Output factor :math:`1/m`.
    """
    rng = check_rng(rng)
    n_test = check_int(n_test, "n_test", low=1)
    X, y, teacher = teacher_student(n, d, m0, rng)
    X_test = sphere(n_test, d, rng)
    return X, y, X_test, teacher.predict(X_test), symmetric_init(m, d, rng)


def with_alpha(net: Network, alpha: float) -> Network:
    r"""The same neurons at scale :math:`\alpha`: output factor :math:`\alpha/m`.

    Parameters
    ----------
    net : Network
    alpha : float
        :math:`\alpha > 0`.

    Returns
    -------
    Network

    Raises
    ------
    TypeError
        If ``net`` is not a Network.
    ValueError
        If ``alpha <= 0``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    alpha = check_scalar(alpha, "alpha", low=0.0, include_low=False)
    return net.replace(scale=alpha / net.m)


def alpha_sweep(
    alphas,
    seeds,
    *,
    n: int = 60,
    d: int = 10,
    m: int = 200,
    m0: int = 3,
    step: float = 2.0,
    rtol: float | None = 1e-3,
    max_steps: int = 20_000,
    n_test: int = 1000,
) -> dict:
    r"""Chapter 5's experiment: train a student at each scale :math:`\alpha`, and its linearisation.

    For every seed, the task of :func:`draw` from the one generator ``check_rng(seed)``: a
    teacher with ``m0`` neurons labelling ``n`` training inputs, ``n_test`` test inputs, and
    one symmetric student of width ``m``, which every scale :math:`\alpha` shares. At each
    scale the student is trained by :func:`lazy_gd` until its risk is ``rtol`` times the
    initial one (at most ``max_steps``; ``rtol=None``: exactly ``max_steps`` steps, the same
    training time at every scale), and its linearisation by :func:`linearized_gd` for the same
    number of steps.

    Parameters
    ----------
    alphas : array_like of shape (k,)
        Positive scales.
    seeds : sequence of int
        One seed per repetition (each the ``rng`` of that repetition's draws).
    n, d, m, m0 : int
        Training inputs, dimension, student width, teacher width.
    step : float, default 2.0
        The step of :func:`lazy_gd`.
    rtol : float or None, default 1e-3
    max_steps : int, default 20000
    n_test : int, default 1000

    Returns
    -------
    dict of arrays of shape (len(alphas), len(seeds))
        The orientation of every sweep of the package (one row per setting, one column per
        seed): ``movement`` (:func:`relative_movement`), ``gap`` (:func:`linearization_gap`
        on the test inputs over the root mean square of the test labels), ``test_error``
        (mean of :math:`(\alpha h - y)^2` on the test inputs over the mean of :math:`y^2`),
        ``jacobian_a``, ``jacobian_B``, ``flips`` (:func:`jacobian_change` on the training
        inputs), ``steps`` (steps taken), ``reached`` (1 if ``rtol`` was met), and the parts of
        the gap from :func:`gap_parts` on the test inputs: ``flip_part``, ``second_part``,
        ``trajectory_part`` (each over the root mean square of the test labels) and
        ``flipped`` (mean number of flipped neurons per test input).

    Raises
    ------
    ValueError
        If ``alphas`` is empty or not positive, a seed is negative or ``rtol <= 0``.
    """
    alphas = check_array(alphas, "alphas", ndim=1)
    if alphas.size == 0 or np.any(alphas <= 0):
        raise ValueError(f"alphas must be a non-empty list of positive scales; got {alphas}.")
    seeds = [check_int(s, "seeds", low=0) for s in np.atleast_1d(seeds).tolist()]
    if rtol is not None:
        rtol = check_scalar(rtol, "rtol", low=0.0, include_low=False)
    keys = ("movement", "gap", "test_error", "jacobian_a", "jacobian_B", "flips", "steps",
            "flip_part", "second_part", "trajectory_part", "flipped")
    out = {k: np.zeros((len(alphas), len(seeds))) for k in keys + ("reached",)}
    for i, seed in enumerate(seeds):
        X, y, X_test, y_test, start = draw(seed, n=n, d=d, m=m, m0=m0, n_test=n_test)
        for k, alpha in enumerate(alphas):
            net0 = with_alpha(start, float(alpha))
            run = lazy_gd(net0, X, y, step, max_steps, rtol=rtol)
            lin_run = linearized_gd(net0, X, y, step, run.steps_taken)
            h = run.net.predict(X_test)
            jac = jacobian_change(net0, run.net, X)
            out["movement"][k, i] = relative_movement(run)
            gap = linearization_gap(net0, run.net, lin_run.net, X_test)
            out["gap"][k, i] = gap / np.sqrt(np.mean(y_test**2))
            out["test_error"][k, i] = np.mean((h - y_test) ** 2) / np.mean(y_test**2)
            out["jacobian_a"][k, i], out["jacobian_B"][k, i] = jac["a"], jac["B"]
            out["flips"][k, i] = jac["flips"]
            parts = gap_parts(net0, run.net, lin_run.net, X_test)
            for part in ("flip", "second", "trajectory"):
                out[f"{part}_part"][k, i] = parts[part] / np.sqrt(np.mean(y_test**2))
            out["flipped"][k, i] = parts["flipped"]
            out["steps"][k, i] = run.steps_taken
            out["reached"][k, i] = rtol is not None and run.losses[-1] <= rtol * run.losses[0]
    return out


def width_sweep(widths, alpha: float, seeds, **options) -> dict:
    r""":func:`alpha_sweep` at one scale :math:`\alpha` for several widths ``m``.

    Chapter 5 uses it at a fixed training time (``rtol=None``) to separate what depends on the
    width from what does not: the flipped fraction and the relative changes of the weights and
    of the Jacobian depend on the width only weakly, while the gap to the linearised model
    (mostly its flip sum and trajectory parts, :func:`gap_parts`) shrinks close to
    :math:`m^{-1/2}` at the chapter's sizes.

    Parameters
    ----------
    widths : sequence of int
        Even widths.
    alpha : float
    seeds : sequence of int
    **options
        Passed to :func:`alpha_sweep` (``n``, ``d``, ``m0``, ``step``, ``rtol``, ``max_steps``,
        ``n_test``), except ``m``.

    Returns
    -------
    dict of arrays of shape (len(widths), len(seeds))
        The keys of :func:`alpha_sweep`, one row per width.
    """
    if "m" in options:
        raise TypeError("width_sweep takes the widths as its first argument, not m=.")
    widths = [check_int(m, "widths", low=2) for m in np.atleast_1d(widths).tolist()]
    if not widths:
        raise ValueError("widths must be a non-empty list of even widths.")
    alpha = check_scalar(alpha, "alpha", low=0.0, include_low=False)
    columns = [alpha_sweep([alpha], seeds, m=m, **options) for m in widths]
    return {key: np.vstack([c[key] for c in columns]) for key in columns[0]}


def sweep_slopes(x, sweep: dict, keys=None, *, fit_from: int = 0) -> dict:
    r"""Least-squares slopes of :math:`\log v` against :math:`\log x` for the seed means of a sweep.

    For each key, the values ``sweep[key]`` (shape (len(x), seeds)) are averaged over the seeds,
    then fitted on ``x[fit_from:]`` with the package's one log–log fit
    (:func:`mfnet_lite.ntk.fit_slope`): the slopes that chapter 5 prints.

    Parameters
    ----------
    x : sequence of float
        The scales :math:`\alpha` or the widths :math:`m`.
    sweep : dict
        As returned by :func:`alpha_sweep` or :func:`width_sweep`.
    keys : sequence of str, optional
        Defaults to every key with positive values.
    fit_from : int, default 0

    Returns
    -------
    dict
        key -> slope (float).
    """
    x = check_array(x, "x", ndim=1)
    if np.any(x <= 0):
        raise ValueError("x must be positive to fit a slope on log-log axes.")
    fit_from = check_int(fit_from, "fit_from", low=0)
    if x.size - fit_from < 2:
        raise ValueError(f"fit_from == {fit_from} leaves fewer than two points of x to fit.")
    if keys is None:
        keys = [k for k, v in sweep.items() if np.all(np.asarray(v) > 0)]
    out = {}
    for key in keys:
        values = check_array(sweep[key], f"sweep[{key!r}]", ndim=2)
        if values.shape[0] != x.size:
            raise ValueError(
                f"sweep[{key!r}] must have {x.size} rows (shape ({x.size}, seeds)); got {values.shape}."
            )
        mean = values.mean(axis=1)
        if np.any(mean[fit_from:] <= 0):
            raise ValueError(f"sweep[{key!r}] must be positive to fit a slope on log-log axes.")
        out[key] = fit_slope(x[fit_from:], mean[fit_from:])[0]
    return out


def gap_parts(net0: Network, net: Network, lin_net: Network, X) -> dict:
    r"""The gap to the linearised model, split into its three parts (chapter 5).

    With :math:`z_j = b_j\cdot x`, :math:`z^0_j = b^0_j\cdot x` and the remainder
    :math:`r_j(x) = \sigma(z_j) - \sigma(z^0_j) - \mathbb 1\{z^0_j > 0\}(z_j - z^0_j) \ge 0`
    (convexity of :math:`\sigma`; non-zero only where the pattern flipped), the identity

    .. math::

        h_W - \bar h_{\bar W}
        = \underbrace{c\sum_j a^0_j r_j}_{\text{flip}}
        + \underbrace{c\sum_j (a_j - a^0_j)\big(\sigma(z_j) - \sigma(z^0_j)\big)}_{\text{second}}
        + \underbrace{\bar h_W - \bar h_{\bar W}}_{\text{trajectory}}

    holds exactly at every input: the first two parts are the network minus its linearisation
    at the network's own parameters, the third compares the linearisation at the two trained
    parameter sets (the network's :math:`W`, the linearised model's :math:`\bar W`).

    Parameters
    ----------
    net0, net, lin_net : Network
        The start :math:`W_0`, the trained network :math:`W` and the trained linearised model's
        parameters :math:`\bar W` (:func:`linearized_gd`), of one width and dimension.
    X : array_like of shape (n, d)
        Inputs (chapter 5 uses test inputs).

    Returns
    -------
    dict
        Root mean squares over ``X`` of ``"flip"``, ``"second"``, ``"trajectory"`` and their
        sum ``"gap"`` (equal to :func:`linearization_gap`), all including the factor
        :math:`\alpha`; and ``"flipped"``, the mean number of neurons whose pattern flipped at
        an input.

    Raises
    ------
    TypeError, ValueError
        If a network has another shape, or ``X`` does not match.
    """
    check_network(net0, "net0")
    _check_same_shape(net, net0, "net")
    _check_same_shape(lin_net, net0, "lin_net")
    X = check_inputs(X, net0)
    Z0, Z = X @ net0.B.T, X @ net.B.T
    on0 = Z0 > 0
    r = np.maximum(Z, 0.0) - np.maximum(Z0, 0.0) - on0 * (Z - Z0)
    flip = net0.factor * (r @ net0.a)
    second = net0.factor * ((np.maximum(Z, 0.0) - np.maximum(Z0, 0.0)) @ (net.a - net0.a))
    lin = Linearization(net0)
    trajectory = lin.predict(X, net) - lin.predict(X, lin_net)
    rms = lambda v: float(np.sqrt(np.mean(v**2)))  # noqa: E731
    return {
        "flip": rms(flip),
        "second": rms(second),
        "trajectory": rms(trajectory),
        "gap": rms(flip + second + trajectory),
        "flipped": float(np.mean(np.sum(on0 != (Z > 0), axis=1))),
    }
