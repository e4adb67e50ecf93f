"""Figures of chapters 2 and 3: networks as measures, Wasserstein distances, particle flows."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from .._validation import check_array, check_axes, check_instance, check_object
from ..data import circle
from ..model import Network
from ._style import describe
from .meanfield import particle_positions, sign_colors, sign_markers

__all__ = [
    "plot_convexity",
    "plot_fluctuations",
    "plot_sphere_picture",
    "plot_matching",
    "plot_minimizing_movement",
    "plot_distance_comparison",
    "plot_metric_speed",
    "plot_matchings",
    "plot_chaos",
    "animate_mixture",
    "MixturePanel",
    "animate_particle_flow",
    "animate_functions",
]


def plot_convexity(ts, F_values, G_values, *, labels=None):
    """F along a mixture of measures (convex) and G along a segment of parameters, per pair.

    ``F_values`` and ``G_values`` have shape (pairs, len(ts)); one panel per pair.

    Parameters
    ----------
    ts : array_like of shape (k,)
    F_values, G_values : array_like of shape (pairs, k)
    labels : sequence of str, optional
        One panel title per pair.

    Returns
    -------
    (fig, axes)
    """
    F_values, G_values = np.atleast_2d(F_values), np.atleast_2d(G_values)
    k = F_values.shape[0]
    fig, axes = plt.subplots(1, k, figsize=(4.2 * k, 3.4), squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.plot(ts, F_values[i], lw=2, label=r"$F((1-t)\mu_0 + t\mu_1)$")
        ax.plot(ts, G_values[i], "--", lw=2, label=r"$G((1-t)W_0 + tW_1)$")
        ax.set(xlabel="$t$", ylabel="risk", title=None if labels is None else labels[i])
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig, axes[0]


def plot_fluctuations(ms, stds):
    """Standard deviation of h(x) over draws of m particles from a fixed measure, log–log.

    Parameters
    ----------
    ms : array_like
        Numbers of particles.
    stds : array_like
        The measured standard deviations.

    Returns
    -------
    (fig, ax)
    """
    check_object(ms, "ms", "sequence")
    check_object(stds, "stds", "sequence")
    ms, stds = np.asarray(ms, float), np.asarray(stds, float)
    fig, ax = plt.subplots()
    ax.loglog(ms, stds, "o-", label="measured over random draws")
    ax.loglog(ms, stds[0] * np.sqrt(ms[0] / ms), "k--", lw=1, label=r"$\propto 1/\sqrt{m}$")
    ax.set(xlabel="number of particles $m$", ylabel=r"std of $h_{\hat\mu_m}(x)$")
    ax.legend()
    return fig, ax


def plot_sphere_picture(net: Network, *, n_grid: int = 201):
    """A d = 1 network: particles w_j = (a_j, b_j) in the plane, and its sphere measure.

    Left: each particle, and the ray to its direction on the unit circle. Right: the sphere
    measure as sticks of height |w_j|²/m at the angle of w_j/|w_j|.

    Parameters
    ----------
    net : Network
        d = 1.
    n_grid : int, default 201

    Returns
    -------
    (fig, (ax1, ax2))

    Raises
    ------
    ValueError
        If ``net.d != 1``.
    """
    check_object(net, "net", "network")
    from .. import _array
    from ..transport import sphere_measure

    if net.d != 1:
        raise ValueError(f"plot_sphere_picture draws d = 1 networks; got d = {net.d}.")
    U, mass = sphere_measure(net)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.6))
    theta = np.linspace(-np.pi, np.pi, n_grid)
    ax1.plot(np.cos(theta), np.sin(theta), "k-", lw=0.6)
    W = _array.to_numpy(net.W)
    for w, u in zip(W, U, strict=True):
        ax1.plot([0, w[0]], [0, w[1]], color="0.45", lw=0.6)
        ax1.plot(*u, "k.", ms=3)
    ax1.scatter(W[:, 0], W[:, 1], s=14, zorder=3)
    ax1.set(xlabel="$a$", ylabel="$b$", aspect="equal")
    angles = np.arctan2(U[:, 1], U[:, 0])
    ax2.vlines(angles, 0, mass, lw=2)
    ax2.set(xlabel=r"angle of $w_j/\|w_j\|$", ylabel=r"mass $\|w_j\|^2/m$", xlim=(-np.pi, np.pi))
    fig.tight_layout()
    return fig, (ax1, ax2)


def plot_matching(P, Q, plan, *, ax=None, threshold: float = 1e-9):
    """Two 2-d clouds and the optimal plan between them, one segment per matched pair.

    Parameters
    ----------
    P, Q : array_like of shape (n, 2) and (k, 2)
    plan : array_like of shape (n, k)
        A transport plan (:func:`mfnet_lite.transport.optimal_plan`).
    ax : matplotlib Axes, optional
    threshold : float, default 1e-9
        Pairs carrying less than this fraction of the largest entry are not drawn.

    Returns
    -------
    (fig, ax)
    """
    P, Q, plan = np.asarray(P), np.asarray(Q), np.asarray(plan)
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.6, 4.0))
    else:
        fig = ax.figure
    top = plan.max()
    for i, k in zip(*np.nonzero(plan > threshold * top), strict=True):
        ax.plot(*zip(P[i], Q[k], strict=True), color="0.5", lw=0.8, alpha=plan[i, k] / top)
    ax.scatter(*P.T, s=18, label=r"$\mu$", zorder=3)
    ax.scatter(*Q.T, s=18, marker="s", label=r"$\nu$", zorder=3)
    ax.set(aspect="equal")
    ax.legend(loc="upper left")
    return fig, ax


def plot_minimizing_movement(f, paths: dict, *, extent=(-1.2, 1.2, -1.2, 1.2)):
    """Contours of f on the plane and iterates of each scheme (dict name -> (k, 2) array).

    Parameters
    ----------
    f : callable
        Maps an array (..., 2) of points to values.
    paths : dict
        Scheme name -> (k, 2) iterates.
    extent : tuple of 4 floats

    Returns
    -------
    (fig, ax)
    """
    x = np.linspace(extent[0], extent[1], 161)
    y = np.linspace(extent[2], extent[3], 161)
    XX, YY = np.meshgrid(x, y)
    ZZ = f(np.stack([XX, YY], axis=-1))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.contour(XX, YY, ZZ, levels=15, colors="0.55", linewidths=0.5)
    for (name, path), marker in zip(paths.items(), "osd^v", strict=False):
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "-" + marker, ms=4, label=name)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax


def plot_distance_comparison(ns, values: dict, seconds: dict):
    """Two panels against the number of particles: each distance's value, and its time.

    Parameters
    ----------
    ns : sequence of int
    values, seconds : dict
        Distance name -> values (and times) per n.

    Returns
    -------
    (fig, (ax1, ax2))
    """
    check_object(ns, "ns", "sequence")
    check_object(values, "values", "mapping")
    check_object(seconds, "seconds", "mapping")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    for (name, v), marker in zip(values.items(), "osd^", strict=False):
        ax1.plot(ns, v, "-" + marker, label=name)
        ax2.plot(ns, seconds[name], "-" + marker, label=name)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.minorticks_off()
    ax2.set_yscale("log")
    ax1.set(xlabel="particles per measure $n$", ylabel="distance")
    ax2.set(xlabel="particles per measure $n$", ylabel="seconds")
    ax1.legend(fontsize="small")
    fig.tight_layout()
    return fig, (ax1, ax2)


def plot_metric_speed(times, distances, to_start, grad_norms):
    r"""Left: metric speed :math:`W_2(\mu_{t_k}, \mu_{t_{k+1}})/\Delta t` against
    :math:`\|\nabla V_{\mu_t}\|_{L^2(\mu_t)}`. Right: :math:`W_2(\mu_0, \mu_t)` and the path length.

    Parameters
    ----------
    times : array_like of shape (s,)
        Snapshot times (``run.times``).
    distances : array_like of shape (s - 1,)
        :math:`W_2` between consecutive snapshots (formerly ``steps``), the first output of
        :func:`mfnet_lite.transport.snapshot_distances`.
    to_start : array_like of shape (s,)
        :math:`W_2` from the first snapshot.
    grad_norms : array_like of shape (s,)
        :math:`\|\nabla V_{\mu_t}\|_{L^2(\mu_t)}` at each snapshot.

    Returns
    -------
    (fig, (ax1, ax2))
    """
    times = check_array(times, "times", ndim=1)
    if times.size < 2:
        raise ValueError(f"times must hold at least 2 snapshot times; got {times.size}.")
    distances = check_array(distances, "distances", shape=(times.size - 1,))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    mid = (times[:-1] + times[1:]) / 2
    ax1.semilogy(
        mid,
        distances / np.diff(times),
        "o",
        ms=3,
        label=r"$W_2(\mu_{t_k}, \mu_{t_{k+1}})/\Delta t$",
    )
    ax1.semilogy(times, grad_norms, "-", label=r"$\|\nabla V_{\mu_t}\|_{L^2(\mu_t)}$")
    ax1.set(xlabel="mean-field time $t$", ylabel="speed")
    ax1.legend(fontsize="small")
    ax2.plot(times, to_start, label=r"$W_2(\mu_0, \mu_t)$")
    ax2.plot(times, np.concatenate([[0], np.cumsum(distances)]), "--", label="length of the path")
    ax2.set(xlabel="mean-field time $t$", ylabel="distance")
    ax2.legend(fontsize="small")
    fig.tight_layout()
    return fig, (ax1, ax2)


def plot_matchings(P, Q, shifts, *, rng=0):
    """One panel per shift of Q along the first axis: the optimal matching and three distances.

    Parameters
    ----------
    P, Q : array_like of shape (n, 2)
    shifts : sequence of float
    rng : None, int or numpy.random.Generator, default 0
        The directions of the sliced distance.

    Returns
    -------
    (fig, axes)
    """
    from ..transport import optimal_plan, sinkhorn_w2, sliced_w2, w2

    P, Q = np.asarray(P, float), np.asarray(Q, float)
    fig, axes = plt.subplots(1, len(shifts), figsize=(3.4 * len(shifts), 3.4), squeeze=False)
    for ax, shift in zip(axes[0], shifts, strict=True):
        Qs = Q + [shift, 0.0]
        plot_matching(P, Qs, optimal_plan(P, Qs), ax=ax)
        label = (
            f"shift {shift:g}: W2 {w2(P, Qs):.3f}\n"
            f"√2·SW2 {np.sqrt(2) * sliced_w2(P, Qs, rng=rng):.3f}, Sinkhorn {sinkhorn_w2(P, Qs):.3f}"
        )
        ax.set_xlabel(label, fontsize="small")
        ax.get_legend().remove()
    fig.tight_layout()
    return fig, axes[0]


def plot_chaos(result, *, times=None):
    r"""Propagation of chaos: the coupling gap :math:`\Delta_m(t)` of a :class:`~mfnet_lite.chaos.ChaosResult`.

    Left: :math:`\Delta_m` against m at the given ``times`` (default: three spread over the
    run), log–log, with a slope :math:`-1/2` guide through the first width. Right:
    :math:`\sqrt m\,\Delta_m(t)` against t, one line per width (the lines collapse where the
    rate holds).

    Parameters
    ----------
    result : ChaosResult
        From :func:`mfnet_lite.chaos.coupled_gaps`.
    times : sequence of float, optional
        The times of the left panel (the nearest recorded ones are used).

    Returns
    -------
    (fig, (ax1, ax2))
    """
    from ..chaos import ChaosResult

    check_instance(
        result, "result", ChaosResult, "a mfnet_lite.chaos.ChaosResult (mf.chaos.coupled_gaps)"
    )
    widths, all_times = np.asarray(result.widths, float), np.asarray(result.times, float)
    if times is None:
        times = all_times[[len(all_times) // 4, len(all_times) // 2, -1]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    for t in times:
        k = int(np.argmin(np.abs(all_times - t)))
        (line,) = ax1.loglog(widths, result.gaps[k], "o-", label=f"$t = {all_times[k]:g}$")
        guide = result.gaps[k][0] * np.sqrt(widths[0] / widths)
        ax1.loglog(widths, guide, ":", color=line.get_color(), lw=1)
    ax1.set(xlabel="number of particles $m$", ylabel=r"coupling gap $\Delta_m(t)$")
    ax1.set_xticks(widths, [f"{m:g}" for m in widths], minor=False)
    ax1.set_xticks([], minor=True)
    ax1.legend(fontsize="small", title=r"dotted: $\propto 1/\sqrt{m}$", title_fontsize="small")
    for j, m in enumerate(widths):
        ax2.plot(all_times, result.scaled()[:, j], lw=1.5, label=f"$m = {m:g}$")
    ax2.set(xlabel="mean-field time $t$", ylabel=r"$\sqrt{m}\,\Delta_m(t)$")
    ax2.legend(fontsize="small")
    fig.tight_layout()
    return fig, (ax1, ax2)


class MixturePanel:
    """Chapter 2's comparison on ``ax``: h of the mixture of measures against h of the segment.

    Artists made once and updated in place by :meth:`show`; :func:`animate_mixture` and
    :func:`mfnet_lite.widgets.mixture_explorer` both draw through it. With ``risk_ax`` it also
    draws the two risks along ``ts`` with a dot at the current ``t``.

    Parameters
    ----------
    ax : matplotlib Axes
    net0, net1 : Network
        Two mean-field networks of the same width, d = 2.
    X, y : arrays
        The data of the risks.
    risk_ax : matplotlib Axes, optional
    ts : array_like, optional
        The values of t of the risk curves (needed with ``risk_ax``).

    Raises
    ------
    TypeError, ValueError
        If the networks cannot be mixed (not mean-field, other d).
    """

    def __init__(self, ax, net0: Network, net1: Network, X, y, *, risk_ax=None, ts=None):
        check_axes(ax, "ax")
        from ..model import loss
        from ..transport import mixture, segment

        self.net0, self.net1, self.X, self.y = net0, net1, X, y
        self._mixture, self._segment, self._loss = mixture, segment, loss
        self.theta, self.C = circle()
        h0 = net0.predict(self.C)
        (self.mix_line,) = ax.plot(self.theta, h0, lw=2, label="mixture of measures")
        (self.seg_line,) = ax.plot(self.theta, h0, "--", lw=2, label="segment of parameters")
        top = max(np.abs(h0).max(), np.abs(net1.predict(self.C)).max())
        ax.set(xlabel=r"angle $\theta$ of $x$", ylabel="$h(x)$", ylim=(-1.6 * top, 1.6 * top))
        ax.legend(fontsize="small", loc="lower left")
        self.risk_ax = risk_ax
        if risk_ax is not None:
            ts = np.asarray(ts, float)
            F = [self.risks(t)[0] for t in ts]
            G = [self.risks(t)[1] for t in ts]
            risk_ax.plot(ts, F, lw=2, label="$F$ (mixture)")
            risk_ax.plot(ts, G, "--", lw=2, label="$G$ (segment)")
            (self.F_dot,) = risk_ax.plot([ts[0]], [F[0]], "o", color="C0")
            (self.G_dot,) = risk_ax.plot([ts[0]], [G[0]], "o", color="C1")
            risk_ax.set(xlabel="$t$", ylabel="risk")
            risk_ax.legend(fontsize="small")

    def networks(self, t: float):
        """The mixture and the segment network at ``t``."""
        return self._mixture(self.net0, self.net1, t), self._segment(self.net0, self.net1, t)

    def risks(self, t: float) -> tuple[float, float]:
        """``(F, G)``: the risk of the mixture and of the segment at ``t``."""
        mix, seg = self.networks(t)
        return self._loss(mix, self.X, self.y), self._loss(seg, self.X, self.y)

    def show(self, t: float) -> tuple[float, float]:
        """Draw both functions at ``t`` (and the dots on the risk curves); returns ``(F, G)``."""
        mix, seg = self.networks(t)
        self.mix_line.set_ydata(mix.predict(self.C))
        self.seg_line.set_ydata(seg.predict(self.C))
        F, G = self._loss(mix, self.X, self.y), self._loss(seg, self.X, self.y)
        if self.risk_ax is not None:
            self.F_dot.set_data([t], [F])
            self.G_dot.set_data([t], [G])
        return F, G


def animate_mixture(net0: Network, net1: Network, X, y, *, frames: int = 21):
    """Sweep t from 0 to 1: h of the mixture of measures against h of the segment of parameters.

    Parameters
    ----------
    net0, net1 : Network
        Mean-field networks of the same width, d = 2; drawn on inputs on the unit circle.
    X, y : arrays
        The data of the risks F (mixture) and G (segment).
    frames : int, default 21

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.
    """
    check_object(net0, "net0", "network")
    check_object(net1, "net1", "network")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    ts = np.linspace(0, 1, frames)
    panel = MixturePanel(ax1, net0, net1, X, y, risk_ax=ax2, ts=ts)
    fig.tight_layout()

    def draw(k):
        panel.show(ts[k])
        return panel.mix_line, panel.seg_line, panel.F_dot, panel.G_dot

    anim = FuncAnimation(fig, draw, frames=frames, interval=150, blit=False)
    return describe(
        anim,
        "Left: the function h on the unit circle for the mixture of the two measures (solid) "
        "and for the segment between the two parameter vectors (dashed), as t goes from 0 to "
        "1. Right: the risk F of the mixture and G of the segment against t, a dot at the "
        "current t; F is a straight line, G bulges.",
    )


def animate_particle_flow(run, teacher: Network | None = None, *, to_start=None, stride: int = 1):
    """d = 2 particles drawn at |a_j| b_j, moving with the run, and W2 to the start growing.

    ``to_start`` (from :func:`mfnet_lite.transport.snapshot_distances`) fills the right panel;
    every ``stride``-th snapshot is a frame.

    Parameters
    ----------
    run : Run
        d = 2, recorded with ``record_every``.
    teacher : Network, optional
    to_start : array_like of shape (s,), optional
    stride : int, default 1

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.

    Raises
    ------
    ValueError
        If a network does not have d = 2.
    """
    check_object(run, "run", "run")
    if run.net.d != 2:
        raise ValueError(f"animate_particle_flow draws d = 2 networks; got d = {run.net.d}.")
    pos = particle_positions(run.a_history, run.B_history)
    colors = sign_colors(run.a_history[0])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.6, 3.8))
    lim = 1.15 * max(np.abs(pos).max(), 1.0)  # teacher neurons have |a*| |b*| = 1
    scat = ax1.scatter(pos[0, :, 0], pos[0, :, 1], s=10, c=colors)
    scat.set_paths(sign_markers(run.a_history[0]))  # the sign by shape as well as colour
    if teacher is not None:
        tpos = particle_positions(teacher.a, teacher.B)
        ax1.scatter(*tpos.T, marker="*", s=160, c="k", label="teacher neurons")
        ax1.legend(fontsize="small", loc="lower left")
    ax1.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel=r"$|a_j|\,b_{j,1}$")
    ax1.set_ylabel(r"$|a_j|\,b_{j,2}$")
    times = run.times
    if to_start is not None:
        ax2.plot(times, to_start, color="0.45")
    (line,) = ax2.plot([], [], "C2-", lw=2)
    top = 1.0 if to_start is None else 1.1 * max(np.max(to_start), 1e-12)
    ax2.set(xlim=(0, times[-1]), ylim=(0, top), xlabel="mean-field time $t$")
    ax2.set_ylabel(r"$W_2(\mu_0, \mu_t)$")
    fig.tight_layout()

    def draw(k):
        scat.set_offsets(pos[k])
        if to_start is not None:
            line.set_data(times[: k + 1], to_start[: k + 1])
        return scat, line

    frames = list(range(0, len(times), stride))
    if frames[-1] != len(times) - 1:
        frames.append(len(times) - 1)
    anim = FuncAnimation(fig, draw, frames=frames, interval=120, blit=False)
    return describe(
        anim,
        f"Left: the {run.net.m} neurons of a d = 2 network drawn at |a_j| b_j moving during "
        "training (circles for a_j > 0, triangles for a_j < 0)"
        + (", black stars for the teacher's neurons" if teacher is not None else "")
        + ". Right: the Wasserstein distance W2 from the starting measure growing with the "
        "mean-field time.",
    )


def animate_functions(runs: dict, teacher: Network | None = None):
    """d = 2 runs recorded at the same times: each network's h on the unit circle, per frame.

    ``runs`` maps a label to a run; the runs must share their snapshot steps (same ``steps`` and
    ``record_every``). Chapter 2 uses it for students of different widths drawn from one measure.

    Parameters
    ----------
    runs : dict
        Label -> run (d = 2), all recorded at the same steps.
    teacher : Network, optional

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it with :func:`mfnet_lite.plots.jshtml`.

    Raises
    ------
    ValueError
        If a run does not have d = 2 or was recorded at other steps.
    """
    check_object(runs, "runs", "mapping")
    runs = dict(runs)
    first = next(iter(runs.values()))
    for label, run in runs.items():
        if run.net.d != 2:
            raise ValueError(f"animate_functions draws d = 2 networks; got d = {run.net.d}.")
        if not np.array_equal(run.snapshot_steps, first.snapshot_steps):
            raise ValueError(f"run {label!r} was recorded at other steps than the first run.")
    theta, C = circle()
    curves = {k: np.array([s.predict(C) for s in r.snapshots()]) for k, r in runs.items()}
    fig, ax = plt.subplots()
    lines = [ax.plot(theta, c[0], lw=2, label=k)[0] for k, c in curves.items()]
    if teacher is not None:
        ax.plot(theta, teacher.predict(C), "k:", lw=1.5, label="teacher")
    top = max(np.abs(c).max() for c in curves.values())
    if teacher is not None:
        top = max(top, np.abs(teacher.predict(C)).max())
    ax.set(xlabel=r"angle $\theta$ of $x$", ylabel="$h(x)$", ylim=(-1.15 * top, 1.15 * top))
    ax.legend(fontsize="small", loc="upper right")
    label = ax.text(0.02, 0.95, "", transform=ax.transAxes, va="top")

    def draw(k):
        for line, c in zip(lines, curves.values(), strict=True):
            line.set_ydata(c[k])
        label.set_text(f"mean-field time t = {first.times[k]:g}")
        return (*lines, label)

    anim = FuncAnimation(fig, draw, frames=len(first.times), interval=150, blit=False)
    return describe(
        anim,
        f"The functions h on the unit circle of {len(runs)} networks ("
        + ", ".join(map(str, runs))
        + ") changing during training"
        + (", the teacher's function dotted" if teacher is not None else "")
        + "; the mean-field time is written in the corner.",
    )
