r"""Full-batch gradient descent on a two-layer network, with a run history (chapters 1, 4–6).

With ``time_scaling="mean-field"`` the update of every neuron is

.. math::

    w_j \leftarrow w_j - \eta\, m\, \nabla_{w_j} G(W),

the forward Euler step of the particle flow :math:`\dot w_j = -m \nabla_{w_j} G(W) =
-\nabla V_\mu(w_j)` of chapter 3: each neuron moves by :math:`O(\eta)` whatever the width, and
after :math:`k` steps the run has covered the mean-field time :math:`t = k\eta`.
With ``time_scaling="plain"`` the update is the textbook :math:`W \leftarrow W - \eta \nabla G(W)`
(the convention of Du et al., chapter 6).

Chapter 8 adds momentum: :func:`heavy_ball` (Polyak's form, step :math:`\eta`, momentum
:math:`\beta`) and :func:`kinetic` (:math:`\dot\theta = v`, :math:`\dot v = -\gamma v -
\nabla V_\mu(\theta)`, optionally with velocity noise, by semi-implicit Euler with step
:math:`h`). They are one recursion under the map :math:`\beta = 1 - \gamma h`,
:math:`\eta = h^2` (:func:`polyak_from_kinetic`, :func:`kinetic_from_polyak`), and both record
the velocities and the energy :math:`E = G + \frac{1}{2s}\sum_j |v_j|^2`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _array
from ._validation import (
    check_allocation,
    check_bool,
    check_callable,
    check_choice,
    check_fields,
    check_int,
    check_memory,
    check_rng,
    check_scalar,
)
from .model import TRAINABLE, Network, check_data, value_and_gradients_arrays

__all__ = [
    "Run",
    "DivergenceError",
    "Recorder",
    "progress_bar",
    "check_run_args",
    "gd",
    "heavy_ball",
    "kinetic",
    "polyak_from_kinetic",
    "kinetic_from_polyak",
]


class DivergenceError(RuntimeError):
    """Raised when a run's loss blows up or stops being finite."""


_OLD_RECORDS = ("pattern_change", "max_distance", "outputs")  # DuRun's attributes


@dataclass(frozen=True)
class Run:
    """The result of a training run: every training loop of the package returns one.

    :func:`gd`, :func:`heavy_ball`, :func:`kinetic`, :func:`mfnet_lite.lazy.lazy_gd`,
    :func:`mfnet_lite.lazy.linearized_gd` and :func:`mfnet_lite.ntk.train_first_layer` share
    this type, its divergence check, its progress bar and its history (:class:`Recorder`), so
    every helper and plot that takes a run takes all of them.

    Attributes
    ----------
    net : Network
        The network after the last step taken.
    losses : ndarray of shape (k + 1,)
        The risk before each of the ``k`` steps taken, and after the last one.
    step : float
        The step size :math:`\\eta` (for :func:`kinetic`, the time step :math:`h`).
    time_scaling : str
        ``"mean-field"`` or ``"plain"`` (see the module docstring).
    snapshot_steps : ndarray of shape (s,)
        The iterations at which the parameters were recorded (0 and the last always are).
    a_history, B_history : ndarray of shapes (s, m) and (s, m, d)
        The recorded parameters.
    records : dict of ndarray
        Named records of the method: per step (same first axis as ``losses``: ``energies``
        of :func:`heavy_ball`/:func:`kinetic`; ``pattern_change``, ``max_distance``,
        ``outputs`` of :func:`~mfnet_lite.ntk.train_first_layer`) or per snapshot (same first
        axis as ``a_history``: ``velocity_a``, ``velocity_B``, ``energy``).
    diverged : bool
        True when the run stopped early because its loss blew up (only with
        ``stop_on_divergence=True``; otherwise a :class:`DivergenceError` is raised).
    """

    net: Network
    losses: np.ndarray
    step: float
    time_scaling: str
    snapshot_steps: np.ndarray
    a_history: np.ndarray
    B_history: np.ndarray
    records: dict = field(default_factory=dict)
    diverged: bool = False

    def __post_init__(self):
        check_fields(self)  # a result built from garbage is refused here, not in a plot

    @property
    def steps_taken(self) -> int:
        """The number of steps taken, ``len(losses) - 1``."""
        return len(self.losses) - 1

    @property
    def m(self) -> int:
        """The width of the trained network."""
        return self.net.m

    @property
    def net0(self) -> Network:
        """The network at the start of the run (the first snapshot)."""
        return self.snapshot(0)

    @property
    def times(self) -> np.ndarray:
        """Training time :math:`k\\eta` of each snapshot (the mean-field time when so scaled)."""
        return self.snapshot_steps * self.step

    @property
    def step_times(self) -> np.ndarray:
        """Training time :math:`k\\eta` of each entry of ``losses``, shape (k + 1,)."""
        return np.arange(len(self.losses)) * self.step

    @property
    def extras(self) -> dict:
        """Deprecated name of :attr:`records`."""
        warnings.warn(
            "Run.extras is deprecated; use Run.records (same dict).", DeprecationWarning, 2
        )
        return self.records

    def __getattr__(self, name):
        if name in _OLD_RECORDS:
            warnings.warn(
                f"run.{name} is deprecated; use run.records[{name!r}].", DeprecationWarning, 2
            )
            return self.records[name]
        raise AttributeError(f"'Run' object has no attribute {name!r}")

    def snapshot(self, i: int) -> Network:
        """The ``i``-th recorded network (``-1`` is the last)."""
        return self.net.replace(a=self.a_history[i], B=self.B_history[i])

    def snapshots(self) -> list[Network]:
        """All recorded networks, in order."""
        return [self.snapshot(i) for i in range(len(self.snapshot_steps))]

    def __repr__(self) -> str:
        return (
            f"Run(net={self.net!r}, steps_taken={self.steps_taken}, step={self.step:g}, "
            f"loss {self.losses[0]:.4g} -> {self.losses[-1]:.4g}, "
            f"{len(self.snapshot_steps)} snapshots{', diverged' if self.diverged else ''})"
        )


def progress_bar(total: int, enabled: bool | None, desc: str):
    """A tqdm bar that appears only for runs longer than two seconds (or None when disabled).

    ``enabled=None`` turns it on unless the environment variable ``MFNET_LITE_PROGRESS`` is
    ``0``/``off``/``false`` (the Makefile sets it for the book build and the tests).
    """
    if enabled is None:
        enabled = os.environ.get("MFNET_LITE_PROGRESS", "1").lower() not in ("0", "off", "false")
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, delay=2.0, mininterval=0.5, leave=False)


class Recorder:
    """The history of a training loop: losses, snapshots, named records, divergence, progress.

    Every training loop of the package (here, in :mod:`~mfnet_lite.lazy` and in
    :mod:`~mfnet_lite.ntk`) drives one, so all runs share one divergence check, one progress
    bar and one :class:`Run`.

    Parameters
    ----------
    steps : int
        The planned number of steps.
    record_every : int or None
        Snapshot period (None: the first and the last step only).
    step : float
        Stored as ``Run.step``.
    max_loss_ratio : float
        Divergence threshold: a loss above this multiple of the first one, or not finite.
    progress : bool or None
        See :func:`progress_bar`.
    desc : str
        The progress bar's label.
    stop_on_divergence : bool, default False
        On divergence, end the run (``Run.diverged``) instead of raising.
    """

    def __init__(
        self, steps, record_every, step, max_loss_ratio, progress, desc, stop_on_divergence=False
    ):
        steps = check_int(steps, "steps", low=0)
        if record_every is not None:
            record_every = check_int(record_every, "record_every", low=1)
        if progress is not None:
            check_bool(progress, "progress")
        check_bool(stop_on_divergence, "stop_on_divergence")
        # the loss list grows by one Python float (about 32 bytes with its pointer) per step
        check_memory(32.0 * (steps + 1), f"the loss history of {steps} steps")
        self.steps = steps
        # steps = 0 is a run of zero steps: the start alone (no division by zero below)
        self.every = max(steps, 1) if record_every is None else record_every
        self.step = step
        self.max_loss_ratio = max_loss_ratio
        self.stop_on_divergence = stop_on_divergence
        self.diverged = False
        self.losses: list[float] = []
        self.snap_steps: list[int] = []
        self.a: list[np.ndarray] = []
        self.B: list[np.ndarray] = []
        self.per_step: dict[str, list] = {}
        self.per_snapshot: dict[str, list] = {}
        self.bar = progress_bar(steps, progress, desc)

    def loss(self, k: int, value: float) -> bool:
        """Record the loss before step ``k``; False when the run diverged and should stop.

        Raises
        ------
        DivergenceError
            When the loss is not finite or exceeds ``max_loss_ratio`` times the first one,
            unless ``stop_on_divergence``; the message names the step.
        """
        if not np.isfinite(value) or (
            self.losses and value > self.max_loss_ratio * max(self.losses[0], 1e-300)
        ):
            start = self.losses[0] if self.losses else float("nan")
            if self.stop_on_divergence and self.losses:
                self.diverged = True
                return False
            self.close()
            if (
                not self.losses
            ):  # the start itself: no step has been taken, the step is not the cause
                raise DivergenceError(
                    f"the loss at the start is {value:.3g}, not finite: the data or the network "
                    "overflow float arithmetic before any step; rescale X, y or the weights."
                )
            raise DivergenceError(
                f"the run diverged at step {k}: loss {value:.3g} against {start:.3g} at the "
                f"start, with step = {self.step:g}. Use a smaller step, e.g. step = "
                f"{self.step / 10:g}, and halve it until the loss decreases."
            )
        self.losses.append(value)
        if self.bar is not None and k > 0:
            self.bar.update(1)
        return True

    def record(self, **values) -> None:
        """Per-step records (one value each time the loss is recorded)."""
        for key, value in values.items():
            self.per_step.setdefault(key, []).append(np.array(_array.to_numpy(value)))

    def wants_snapshot(self, k: int) -> bool:
        """Whether step ``k`` is a snapshot step."""
        return k % self.every == 0 or k == self.steps

    def snapshot(self, k: int, a, B, **values) -> None:
        """Record the parameters at step ``k``, and per-snapshot records."""
        self.snap_steps.append(k)
        # Records are NumPy whatever the network's library: they feed plots and transport.
        self.a.append(np.array(_array.to_numpy(a)))
        self.B.append(np.array(_array.to_numpy(B)))
        for key, value in values.items():
            self.per_snapshot.setdefault(key, []).append(np.array(_array.to_numpy(value)))

    def close(self) -> None:
        """Close the progress bar."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def result(self, net, time_scaling) -> Run:
        """The :class:`Run`; after a divergence, ``net`` is the last snapshot taken."""
        self.close()
        records = {k: np.stack(v) for k, v in self.per_snapshot.items()}
        records.update({k: np.stack(v) for k, v in self.per_step.items()})
        if self.diverged:
            net = net.replace(a=self.a[-1], B=self.B[-1])
        return Run(
            net=net,
            losses=np.asarray(self.losses),
            step=self.step,
            time_scaling=time_scaling,
            snapshot_steps=np.asarray(self.snap_steps),
            a_history=np.stack(self.a),
            B_history=np.stack(self.B),
            records=records,
            diverged=self.diverged,
        )


def check_run_args(net, step, steps, record_every, time_scaling, trainable, max_loss_ratio):
    """Check the arguments every training loop shares.

    Returns ``(step, steps, record_every, time_scaling, max_loss_ratio)``; ``time_scaling=None``
    becomes ``"mean-field"`` for a mean-field network and ``"plain"`` otherwise.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    step = check_scalar(step, "step", low=0.0, include_low=False)
    steps = check_int(steps, "steps", low=0)
    if record_every is not None:
        record_every = check_int(record_every, "record_every", low=1)
    snapshots = steps // (record_every or max(steps, 1)) + 2  # the first, every k-th, the last
    check_allocation(
        f"the snapshots of {steps} steps (record_every={record_every})",
        (snapshots, net.m, net.d + 1),
    )
    if time_scaling is None:
        time_scaling = "mean-field" if net.scale == "mean-field" else "plain"
    check_choice(time_scaling, "time_scaling", ("mean-field", "plain"))
    check_choice(trainable, "trainable", TRAINABLE)
    max_loss_ratio = check_scalar(max_loss_ratio, "max_loss_ratio", low=1.0, include_low=False)
    return step, steps, record_every, time_scaling, max_loss_ratio


def gd(
    net: Network,
    X,
    y,
    step: float,
    steps: int,
    *,
    loss: str = "square",
    reduction: str = "mean",
    trainable: str = "both",
    time_scaling: str | None = None,
    record_every: int | None = None,
    callback: Callable | None = None,
    rtol: float | None = None,
    max_loss_ratio: float = 1e8,
    stop_on_divergence: bool = False,
    progress: bool | None = None,
) -> Run:
    r"""Full-batch gradient descent from ``net``; ``net`` itself is left unchanged.

    .. math::

        W_{k+1} = W_k - \eta\, s\, \nabla G(W_k), \qquad
        s = m \ \text{(``time_scaling="mean-field"``)} \ \text{or}\ 1 \ \text{(``"plain"``)}.

    Parameters
    ----------
    net : Network
        The starting point.
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    step : float
        The step size :math:`\eta > 0`.
    steps : int
        The number of steps.
    loss, reduction : str
        The risk, as in :func:`mfnet_lite.model.loss`.
    trainable : {"both", "a", "B"}
        Which layer moves; the other stays frozen.
    time_scaling : {"mean-field", "plain"}, optional
        Defaults to ``"mean-field"`` for a mean-field network and ``"plain"`` otherwise.
    record_every : int, optional
        Record the parameters every so many steps (always at the first and the last).
    callback : callable, optional
        Called as ``callback(k, net, loss)`` before step ``k`` and after the last; returning
        ``True`` stops the run.
    rtol : float, optional
        Stop once the loss falls below ``rtol`` times the initial loss.
    max_loss_ratio : float, default 1e8
        The run is declared diverged when the loss exceeds this multiple of its start.
    stop_on_divergence : bool, default False
        On divergence, return the run so far with ``run.diverged = True`` (its ``net`` is
        the last snapshot) instead of raising.
    progress : bool, optional
        Show a progress bar for runs over two seconds; see :func:`progress_bar`.

    Returns
    -------
    Run

    Raises
    ------
    DivergenceError
        When the loss becomes non-finite or too large; the message names the step.
    """
    step = check_scalar(step, "step", low=0.0, include_low=False)
    return _run(
        net,
        X,
        y,
        step,
        0.0,
        steps,
        0.0,
        None,
        "gd",
        unit=step,
        records=False,
        loss=loss,
        reduction=reduction,
        trainable=trainable,
        time_scaling=time_scaling,
        record_every=record_every,
        callback=callback,
        rtol=rtol,
        max_loss_ratio=max_loss_ratio,
        stop_on_divergence=stop_on_divergence,
        progress=progress,
    )


def polyak_from_kinetic(h: float, friction: float) -> tuple[float, float]:
    r"""Map the kinetic parameters (step :math:`h`, friction :math:`\gamma`) to Polyak's (:math:`\eta`, :math:`\beta`).

    .. math:: \eta = h^2, \qquad \beta = 1 - \gamma h.
    """
    h = check_scalar(h, "h", low=0.0, include_low=False)
    friction = check_scalar(friction, "friction", low=0.0)
    if friction * h > 1:
        raise ValueError(
            f"friction * h == {friction * h:g}, must be <= 1 (else beta = 1 - friction*h < 0); "
            f"use h <= {1 / friction:g} for friction = {friction:g}."
        )
    return h * h, 1.0 - friction * h


def kinetic_from_polyak(step: float, momentum: float) -> tuple[float, float]:
    r"""The inverse map: :math:`h = \sqrt\eta`, :math:`\gamma = (1 - \beta)/\sqrt\eta`."""
    step = check_scalar(step, "step", low=0.0, include_low=False)
    momentum = check_scalar(momentum, "momentum", low=0.0, high=1.0, include_high=False)
    h = float(np.sqrt(step))
    return h, (1.0 - momentum) / h


def _run(
    net, X, y, eta, beta, steps, noise, rng, desc, *, unit, velocity=None, records=True, **options
) -> Run:
    """The training loop of :func:`gd`, :func:`heavy_ball` and :func:`kinetic` (displacement form).

    ``d_{k+1} = beta d_k - eta s grad G(theta_k) + noise_k``, ``theta_{k+1} = theta_k + d_{k+1}``;
    the velocity is ``v_k = d_k / sqrt(eta)`` and the energy ``G + |v|^2 / (2 s)``. ``unit`` is
    stored as ``Run.step`` (so ``Run.times`` is ``k * unit``); ``velocity = (v_a, v_B)`` starts
    the run in motion, ``d_0 = sqrt(eta) v`` (``None``: at rest, ``W_{-1} = W_0``). With
    ``beta = 0`` and no noise this is gradient descent; ``records=False`` (``gd``) skips the
    velocities and energies.
    """
    loss_name, reduction = options.pop("loss"), options.pop("reduction")
    trainable, callback, rtol = (
        options.pop("trainable"),
        options.pop("callback"),
        options.pop("rtol"),
    )
    X, y = check_data(net, X, y, loss_name, reduction)
    check_callable(callback, "callback")
    if rtol is not None:
        rtol = check_scalar(rtol, "rtol", low=0.0)
    _, steps, record_every, time_scaling, max_loss_ratio = check_run_args(
        net,
        eta,
        steps,
        options.pop("record_every"),
        options.pop("time_scaling"),
        trainable,
        options.pop("max_loss_ratio"),
    )
    s = net.m if time_scaling == "mean-field" else 1.0
    h = float(np.sqrt(eta))
    xp, device = net.xp, net.device
    a, B = xp.asarray(net.a, copy=True), xp.asarray(net.B, copy=True)
    da, dB = xp.zeros_like(a), xp.zeros_like(B)
    if velocity is not None:
        if not isinstance(velocity, (tuple, list)) or len(velocity) != 2:
            raise TypeError("velocity must be a pair (v_a, v_B) of arrays of shapes (m,), (m, d).")
        va, vB = velocity
        va = _array.check_array(
            va, "velocity[0]", xp=xp, device=device, shape=a.shape, dtype=a.dtype
        )
        vB = _array.check_array(
            vB, "velocity[1]", xp=xp, device=device, shape=B.shape, dtype=B.dtype
        )
        da += h * va
        dB += h * vB
        for frozen, d, name in (
            (trainable == "B", da, "velocity[0]"),
            (trainable == "a", dB, "velocity[1]"),
        ):
            if frozen and bool(xp.any(d != 0)):
                raise ValueError(
                    f"{name} must be zero: its layer is frozen (trainable={trainable!r}), so it "
                    "cannot move and carries no kinetic energy."
                )

    def normal(x):  # drawn by NumPy, so a seed gives the same noise on every library
        z = _array.move(rng.standard_normal(tuple(x.shape)), xp, device)
        return xp.astype(z, x.dtype)

    rec = Recorder(
        steps,
        record_every,
        unit,
        max_loss_ratio,
        options.pop("progress"),
        desc,
        options.pop("stop_on_divergence"),
    )
    need_a, need_B = trainable != "B", trainable != "a"
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            value, grad_a, grad_B = value_and_gradients_arrays(
                a,
                B,
                net.factor,
                X,
                y,
                loss_name,
                reduction,
                need_a and k < steps,
                need_B and k < steps,
            )
            if not rec.loss(k, value):
                break
            if records:
                energy = value + float(xp.sum(da * da) + xp.sum(dB * dB)) / (2 * s * eta)
                rec.record(energies=energy)
            last = k == steps or (rtol is not None and value <= rtol * rec.losses[0])
            stop = callback is not None and callback(k, net.replace(a=a, B=B), value) is True
            if rec.wants_snapshot(k) or last or stop:
                values = (
                    dict(velocity_a=da / h, velocity_B=dB / h, energy=energy) if records else {}
                )
                rec.snapshot(k, a, B, **values)
            if last or stop:
                break
            if need_a:
                da = beta * da - (eta * s) * grad_a if beta else -((eta * s) * grad_a)
                if noise:
                    da += noise * normal(da)
                a += da
            if need_B:
                dB = beta * dB - (eta * s) * grad_B if beta else -((eta * s) * grad_B)
                if noise:
                    dB += noise * normal(dB)
                B += dB
    return rec.result(net.replace(a=a, B=B), time_scaling)


def heavy_ball(
    net: Network,
    X,
    y,
    step: float,
    steps: int,
    momentum: float,
    *,
    loss: str = "square",
    reduction: str = "mean",
    trainable: str = "both",
    time_scaling: str | None = None,
    record_every: int | None = None,
    callback: Callable | None = None,
    rtol: float | None = None,
    max_loss_ratio: float = 1e8,
    stop_on_divergence: bool = False,
    progress: bool | None = None,
) -> Run:
    r"""Polyak's heavy-ball method from ``net`` (at rest); ``net`` itself is left unchanged.

    .. math::

        W_{k+1} = W_k - \eta\, s\, \nabla G(W_k) + \beta\,(W_k - W_{k-1}), \qquad W_{-1} = W_0,

    with :math:`s = m` (mean-field time scaling) or 1, as in :func:`gd`. It is the kinetic
    dynamics :func:`kinetic` with :math:`h = \sqrt\eta`, :math:`\gamma = (1-\beta)/\sqrt\eta`
    (chapter 8). ``momentum = 0`` gives the :func:`gd` run bit for bit.

    Parameters
    ----------
    step : float
        :math:`\eta > 0`.
    momentum : float
        :math:`\beta \in [0, 1)`.
    Other parameters as in :func:`gd`.

    Returns
    -------
    Run
        With ``records["velocity_a"]``, ``records["velocity_B"]`` (one per snapshot): the velocity
        :math:`v_k = (W_k - W_{k-1})/\sqrt\eta`; ``records["energy"]`` (one per snapshot) and
        ``records["energies"]`` (one per step, like ``losses``): the energy
        :math:`E_k = G(W_k) + \frac{1}{2s}\sum_j \|v_{j,k}\|^2`. ``run.step`` is :math:`\eta`.

    Raises
    ------
    ValueError
        If ``step <= 0`` or ``momentum`` is outside :math:`[0, 1)` (the message names it).
    DivergenceError
        When the loss blows up, as in :func:`gd`.

    Examples
    --------
    >>> import mfnet_lite as mf
    >>> X, y, _ = mf.data.teacher_student(100, 2, 5, 0)
    >>> net = mf.model.init_network(100, 2, 1, radius=0.05)
    >>> run = heavy_ball(net, X, y, 4.0, 400, 0.8, rtol=1e-3)
    >>> bool(run.losses[-1] <= 1e-3 * run.losses[0]), run.steps_taken < 400
    (True, True)
    """
    step = check_scalar(step, "step", low=0.0, include_low=False)
    momentum = check_scalar(momentum, "momentum", low=0.0, high=1.0, include_high=False)
    return _run(
        net,
        X,
        y,
        step,
        momentum,
        steps,
        0.0,
        None,
        "heavy ball",
        unit=step,
        loss=loss,
        reduction=reduction,
        trainable=trainable,
        time_scaling=time_scaling,
        record_every=record_every,
        callback=callback,
        rtol=rtol,
        max_loss_ratio=max_loss_ratio,
        stop_on_divergence=stop_on_divergence,
        progress=progress,
    )


def kinetic(
    net: Network,
    X,
    y,
    h: float,
    steps: int,
    friction: float,
    *,
    temperature: float = 0.0,
    rng=None,
    velocity=None,
    loss: str = "square",
    reduction: str = "mean",
    trainable: str = "both",
    time_scaling: str | None = None,
    record_every: int | None = None,
    callback: Callable | None = None,
    rtol: float | None = None,
    max_loss_ratio: float = 1e8,
    stop_on_divergence: bool = False,
    progress: bool | None = None,
) -> Run:
    r"""Second-order (kinetic) dynamics of the neurons by semi-implicit (symplectic) Euler.

    The continuous dynamics (chapter 8) of each neuron :math:`\theta_j` with velocity :math:`v_j`:

    .. math::

        \dot\theta_j = v_j, \qquad
        dv_j = -\gamma v_j\,dt - s\,\nabla_{\theta_j} G(\Theta)\,dt + \sqrt{2\gamma T}\, dB_j(t),

    discretised with step :math:`h`: :math:`v_{k+1} = (1 - \gamma h) v_k - h\, s\nabla G(\Theta_k)
    + \sqrt{2\gamma T h}\,\xi_k`, then :math:`\Theta_{k+1} = \Theta_k + h v_{k+1}`, with
    :math:`\xi_k \sim N(0, I)`. Without noise this is :func:`heavy_ball` with
    :math:`\eta = h^2`, :math:`\beta = 1 - \gamma h` (:func:`polyak_from_kinetic`). The noise
    (kinetic Langevin) has temperature :math:`T` = ``temperature``; it enters with the friction
    (fluctuation–dissipation), so at :math:`\gamma = 0` there is none. Its stationary law is
    :math:`\propto \exp(-(s\,G(\Theta) + \frac12\sum_j |v_j|^2)/T)`, so each velocity
    coordinate has variance :math:`T` (equipartition).

    Parameters
    ----------
    h : float
        Time step :math:`h > 0`; the run covers the time ``steps * h``.
    friction : float
        :math:`\gamma \ge 0`, with :math:`\gamma h \le 1`.
    temperature : float, default 0
        :math:`T \ge 0`.
    rng : None, int or Generator
        Randomness of the noise (unused at ``temperature = 0``).
    velocity : tuple of arrays of shapes (m,) and (m, d), optional
        Initial velocities :math:`(v_a, v_B)`; by default the neurons start at rest.
    Other parameters as in :func:`gd`.

    Returns
    -------
    Run
        As :func:`heavy_ball`, except that ``run.step`` is :math:`h`, so that ``run.times`` is
        the time :math:`t = kh` of the dynamics.

    Raises
    ------
    ValueError
        If ``h <= 0``, ``friction < 0``, ``friction * h > 1`` (then :math:`\beta < 0`),
        ``temperature < 0`` or a velocity of the wrong shape (the message names the argument).
    """
    eta, beta = polyak_from_kinetic(h, friction)
    temperature = check_scalar(temperature, "temperature", low=0.0)
    noise = h * float(np.sqrt(2 * friction * temperature * h))
    return _run(
        net,
        X,
        y,
        eta,
        beta,
        steps,
        noise,
        check_rng(rng),
        "kinetic",
        unit=h,
        velocity=velocity,
        loss=loss,
        reduction=reduction,
        trainable=trainable,
        time_scaling=time_scaling,
        record_every=record_every,
        callback=callback,
        rtol=rtol,
        max_loss_ratio=max_loss_ratio,
        stop_on_divergence=stop_on_divergence,
        progress=progress,
    )
