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

from ._validation import check_int, check_scalar
from .data import sphere, teacher_student
from .model import Network, _check_data, init_network
from .train import Run, _check_run_args, _Recorder, gd

__all__ = [
    "alpha_of",
    "symmetric_init",
    "lazy_gd",
    "Linearization",
    "linearized_gd",
    "relative_movement",
    "alpha_sweep",
]


def alpha_of(net: Network) -> float:
    r"""The scale :math:`\alpha = c\,m` of a network with output factor :math:`c`."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    return net.factor * net.m


def symmetric_init(m: int, d: int, rng=None, *, alpha: float = 1.0, radius: float = 1.0) -> Network:
    r"""A network of even width ``m`` with :math:`h_{W_0} = 0` and output factor :math:`\alpha/m`.

    Neurons :math:`1..m/2` are drawn uniformly on the sphere of radius ``radius`` in
    :math:`\mathbb{R}^{d+1}` (as :func:`~mfnet_lite.model.init_network`); neuron
    :math:`j + m/2` is :math:`(-a_j, b_j)`, so the two cancel at every input.
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
    """

    def __init__(self, net0: Network):
        if not isinstance(net0, Network):
            raise TypeError(f"net0 must be a mfnet_lite.Network; got {type(net0).__name__}.")
        self.net0 = net0

    def __repr__(self) -> str:
        return f"Linearization(at {self.net0!r})"

    def _features(self, X):
        Z0 = X @ self.net0.B.T
        return np.maximum(Z0, 0.0), (Z0 > 0).astype(X.dtype)

    def predict(self, X, net: Network) -> np.ndarray:
        """:math:`\\bar h_W(x_i)` for the parameters of ``net`` (same width and d), shape (n,)."""
        X, _ = _check_data(self.net0, X, np.zeros(len(np.atleast_2d(X))), "square", "mean")
        A0, M0 = self._features(X)
        return self._predict(X, A0, M0, net.a, net.B)

    def _predict(self, X, A0, M0, a, B):
        n0 = self.net0
        h0 = A0 @ n0.a
        return n0.factor * (h0 + A0 @ (a - n0.a) + (M0 * (X @ (B - n0.B).T)) @ n0.a)

    def jacobian(self, X) -> np.ndarray:
        r""":math:`\partial h_{W_0}(x_i)/\partial W`, shape (n, m(d + 1)), columns ordered as ``net.W.ravel()``."""
        X, _ = _check_data(self.net0, X, np.zeros(len(np.atleast_2d(X))), "square", "mean")
        A0, M0 = self._features(X)
        n0 = self.net0
        dB = (M0 * n0.a)[:, :, None] * X[:, None, :]  # (n, m, d)
        return n0.factor * np.concatenate([A0[:, :, None], dB], axis=2).reshape(len(X), -1)


def linearized_gd(
    net0: Network, X, y, step: float, steps: int, *, rtol=None, record_every=None
) -> Run:
    r""":func:`lazy_gd` applied to the linearised model :math:`\bar h` of ``net0`` (square loss).

    Same step convention, same start; ``run.net`` holds the final parameters (evaluate the
    linearised model with :meth:`Linearization.predict`).
    """
    X, y = _check_data(net0, X, y, "square", "mean")
    alpha = alpha_of(net0)
    step = check_scalar(step, "step", low=0.0, include_low=False)
    _, steps, record_every, _, _ = _check_run_args(
        net0, step, steps, record_every, "plain", "both", 1e8
    )
    eta = step * net0.m / alpha**2
    lin = Linearization(net0)
    A0, M0 = lin._features(X)
    c, n = net0.factor, X.shape[0]
    a, B = net0.a.copy(), net0.B.copy()
    rec = _Recorder(steps, record_every, eta, 1e8, False, "linearized")
    for k in range(steps + 1):
        r = lin._predict(X, A0, M0, a, B) - y
        value = 0.5 * float(r @ r) / n
        rec.loss(k, value)
        last = k == steps or (rtol is not None and value <= rtol * rec.losses[0])
        if rec.wants_snapshot(k) or last:
            rec.snapshot(k, a, B)
        if last:
            break
        a -= eta * (c / n) * (A0.T @ r)
        B -= eta * (c / n) * net0.a[:, None] * ((M0 * r[:, None]).T @ X)
    return rec.result(net0.replace(a=a, B=B), "plain")


def relative_movement(run: Run) -> float:
    r""":math:`\|W_T - W_0\| / \|W_0\|` over the whole run (Frobenius norm of all parameters)."""
    W0 = np.column_stack([run.a_history[0], run.B_history[0]])
    WT = np.column_stack([run.a_history[-1], run.B_history[-1]])
    return float(np.linalg.norm(WT - W0) / np.linalg.norm(W0))


def alpha_sweep(
    alphas,
    seeds,
    *,
    n: int = 60,
    d: int = 10,
    m: int = 200,
    m0: int = 3,
    step: float = 2.0,
    rtol: float = 1e-3,
    max_steps: int = 20_000,
    n_test: int = 1000,
) -> dict:
    r"""Chapter 5's experiment: train at each scale :math:`\alpha` to ``rtol`` of the initial risk.

    For every seed: a teacher with ``m0`` neurons labels ``n`` training and ``n_test`` test
    inputs uniform on the sphere in dimension ``d``; a symmetric student of width ``m`` is trained
    by :func:`lazy_gd` until its risk is ``rtol`` times the initial one (at most ``max_steps``),
    and its linearisation by :func:`linearized_gd` for the same number of steps.

    Returns
    -------
    dict of arrays of shape (len(seeds), len(alphas))
        ``movement`` (:func:`relative_movement`), ``gap`` (:math:`\|\alpha h - \alpha\bar h\|/\|y\|`
        on the test inputs), ``test_error`` (test risk of :math:`\alpha h` over
        :math:`\frac12\overline{y^2}`), ``steps`` (steps taken), ``reached`` (bool: ``rtol`` met).
    """
    alphas, seeds = list(alphas), list(seeds)
    keys = ("movement", "gap", "test_error", "steps", "reached")
    out = {k: np.zeros((len(seeds), len(alphas))) for k in keys}
    for i, seed in enumerate(seeds):
        X, y, teacher = teacher_student(n, d, m0, seed)
        X_test = sphere(n_test, d, 10_000 + seed)
        y_test = teacher.predict(X_test)
        for k, alpha in enumerate(alphas):
            net0 = symmetric_init(m, d, 20_000 + seed, alpha=alpha)
            run = lazy_gd(net0, X, y, step, max_steps, rtol=rtol)
            lin_run = linearized_gd(net0, X, y, step, run.steps_taken)
            h = run.net.predict(X_test)
            h_lin = Linearization(net0).predict(X_test, lin_run.net)
            out["movement"][i, k] = relative_movement(run)
            out["gap"][i, k] = np.linalg.norm(h - h_lin) / np.linalg.norm(y_test)
            out["test_error"][i, k] = np.mean((h - y_test) ** 2) / np.mean(y_test**2)
            out["steps"][i, k] = run.steps_taken
            out["reached"][i, k] = run.losses[-1] <= rtol * run.losses[0]
    return out
