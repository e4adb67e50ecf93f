r"""The two-layer ReLU network, its risk and the exact gradients (chapter 1).

A network with :math:`m` neurons :math:`w_j = (a_j, b_j) \in \mathbb{R} \times \mathbb{R}^d` is

.. math::

    h_W(x) = c \sum_{j=1}^m a_j \, \sigma(b_j \cdot x) = c \sum_{j=1}^m \Phi(w_j)(x),
    \qquad \Phi(a, b)(x) = a\,\sigma(b \cdot x), \quad \sigma(t) = \max(t, 0),

where the output factor :math:`c` is :math:`1/m` (mean-field scaling), :math:`1/\sqrt{m}`
(NTK scaling) or any positive number (chapter 5 writes it :math:`\alpha/m`). The risk is

.. math::

    G(W) = \frac{1}{n} \sum_{i=1}^n \ell(h_W(x_i), y_i), \qquad
    \ell(h, y) = \tfrac12 (h - y)^2 \ \text{(square)} \quad\text{or}\quad
    \log(1 + e^{-y h}) \ \text{(logistic)},

with ``reduction="sum"`` dropping the :math:`1/n` (the convention of Du et al., chapter 6).
"""

from __future__ import annotations

import functools
import math
import numbers
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import threadpoolctl

from . import _array
from ._validation import (
    check_allocation,
    check_array,
    check_choice,
    check_float_dtype,
    check_int,
    check_memory,
    check_rng,
    check_scalar,
)

__all__ = [
    "Network",
    "output_factor",
    "init_network",
    "phi",
    "phi_gradient",
    "loss",
    "gradients",
    "value_and_gradients",
    "value_and_gradients_arrays",
    "check_data",
    "check_inputs",
    "balance",
    "sample_outputs",
]

SCALES = ("mean-field", "ntk")
LOSSES = ("square", "logistic")
REDUCTIONS = ("mean", "sum")
TRAINABLE = ("both", "a", "B")

# Tiles of the fused forward/backward pass on a CPU: 256 rows of X by 256 neurons, 512 KiB of
# float64 pre-activations, the L2 cache of one core of the 2-core machine we measure on (512 KiB
# per core, 32 MiB of shared L3). The tile's width matters most: OpenBLAS's forward product
# Xs @ B_t.T (inner dimension d) measured 25 ms per 10**7 entries at 256 columns against 43 ms at
# 1024 (one thread, d = 20), and the step at (1000, 20, 10**4) went from 1.15x to 1.0x the two
# products (benchmarks/gd_step.py). The row count is also the inner dimension of the backward
# product D^T X: with 256 rows each pass over the (m, d) result is paid for by 256 rank-one
# updates (the former blocks of 2**19 entries had 13 rows at m = 40 000 and cost 3x the
# products). On a GPU one launch per operation is what counts: up to 2**26 entries a tile.
_TILE_ROWS, _TILE_COLS = 256, 256
_DEVICE_BLOCK = 2**26


def output_factor(scale, m: int) -> float:
    r"""The output factor :math:`c` of a width-``m`` network: ``1/m``, ``1/sqrt(m)`` or ``scale``.

    Parameters
    ----------
    scale : {"mean-field", "ntk"} or float
        ``"mean-field"`` gives :math:`c = 1/m`, ``"ntk"`` gives :math:`c = 1/\sqrt{m}`, and a
        positive number is used as :math:`c` itself.
    m : int
        The width.
    """
    m = check_int(m, "m", low=1)
    if isinstance(scale, str):
        check_choice(scale, "scale", SCALES)
        return 1.0 / m if scale == "mean-field" else 1.0 / math.sqrt(m)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(
            f"scale must be 'mean-field', 'ntk' or a positive number; got {type(scale).__name__}."
        )
    return check_scalar(scale, "scale", low=0.0, include_low=False)


class Network:
    r"""A two-layer ReLU network :math:`h(x) = c \sum_j a_j \sigma(b_j \cdot x)`.

    Parameters
    ----------
    a : array_like of shape (m,)
        Output weights :math:`a_j`.
    B : array_like of shape (m, d)
        Input weights; row ``j`` is :math:`b_j`.
    scale : {"mean-field", "ntk"} or float, default "mean-field"
        The output factor :math:`c`: :math:`1/m`, :math:`1/\sqrt{m}` or the given positive
        number (see :func:`output_factor`).

    Notes
    -----
    A ``Network`` is immutable: its arrays are private copies (read-only for NumPy), and
    training returns new networks. Float32 parameters stay float32; anything else becomes
    float64. The arrays may come from any array-API library (PyTorch tensors, on the CPU or a
    GPU): the network then computes there, and data given as NumPy is moved to it once per
    call. :meth:`to` moves a network, e.g. ``net.to("torch", device="cuda")``.

    Examples
    --------
    >>> import numpy as np
    >>> net = Network(np.array([1.0, -1.0]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> net
    Network(m=2, d=2, scale='mean-field')
    >>> net.predict(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array([ 0.5, -1. ])
    """

    __slots__ = ("_a", "_B", "_scale", "_c")

    def __init__(self, a, B, scale="mean-field"):
        xp = _array.namespace(a, B)
        B = _array.check_array(B, "B", xp=xp, ndim=2, copy=True)
        a = _array.check_array(
            a, "a", xp=xp, device=_array.device(B), ndim=1, dtype=B.dtype, copy=True
        )
        if a.shape[0] != B.shape[0]:
            raise ValueError(
                f"a and B must have the same number of neurons m; got a: {a.shape}, B: {B.shape}."
            )
        if B.shape[0] == 0:
            raise ValueError("a network needs at least one neuron; got m = 0.")
        if B.shape[1] == 0:
            raise ValueError("a network needs inputs of dimension d >= 1; B has shape (m, 0).")
        self._c = output_factor(scale, B.shape[0])
        if _array.is_numpy(xp):
            a.setflags(write=False)
            B.setflags(write=False)
        self._a, self._B, self._scale = a, B, scale

    a = property(lambda self: self._a, doc="Output weights, shape (m,), read-only.")
    B = property(lambda self: self._B, doc="Input weights, shape (m, d), read-only.")
    scale = property(lambda self: self._scale, doc="The scaling given at construction.")
    factor = property(lambda self: self._c, doc="The output factor c.")
    m = property(lambda self: self._B.shape[0], doc="Number of neurons.")
    d = property(lambda self: self._B.shape[1], doc="Input dimension.")
    dtype = property(lambda self: self._B.dtype, doc="Floating dtype of the parameters.")
    xp = property(lambda self: _array.namespace(self._B), doc="The array-API namespace used.")
    device = property(lambda self: _array.device(self._B), doc="Where the arrays live.")

    def __repr__(self) -> str:
        return f"Network(m={self.m}, d={self.d}, scale={self._scale!r})"

    def replace(self, a=None, B=None, scale=None) -> Network:
        """A new network with some of ``a``, ``B``, ``scale`` replaced (in this network's library)."""
        xp, device = self.xp, self.device
        return Network(
            self._a if a is None else _array.move(a, xp, device),
            self._B if B is None else _array.move(B, xp, device),
            self._scale if scale is None else scale,
        )

    def to(self, backend=None, *, device=None) -> Network:
        """The same network in another array library and/or on another device.

        Parameters
        ----------
        backend : str or module, optional
            ``"numpy"``, ``"torch"`` or any array-API library (by name or as the module);
            by default the network's own.
        device : optional
            A device of that library, e.g. ``"cuda"`` or ``"cpu"`` for PyTorch.

        Examples
        --------
        >>> net = Network(np.ones(3), np.eye(3))
        >>> net.to("numpy") is not net, type(net.to("numpy").a).__name__
        (True, 'ndarray')
        """
        xp = self.xp if backend is None else _array.backend_namespace(backend)
        return Network(
            _array.move(self._a, xp, device), _array.move(self._B, xp, device), self._scale
        )

    def predict(self, X):
        r"""The outputs :math:`h(x_i)` for the rows of ``X`` (shape (n, d)), shape (n,)."""
        X = check_inputs(X, self)
        check_memory(
            X.shape[0] * self.m * _itemsize(self.xp, X.dtype), f"predict on n = {X.shape[0]} inputs"
        )
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._c * (self.xp.maximum(X @ self._B.T, 0.0) @ self._a)
        _check_finite_result(out, "the outputs h(x_i)")
        return out

    def __call__(self, X) -> np.ndarray:
        return self.predict(X)

    @property
    def W(self):
        """The particles :math:`w_j = (a_j, b_j)` stacked as rows, shape (m, d + 1)."""
        return self.xp.concat([self._a[:, None], self._B], axis=1)


def check_inputs(X, net: Network):
    """Return ``X`` as an (n, d) array in ``net``'s library, device and dtype, with ``d = net.d``;
    else raise."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    X = _array.check_array(X, "X", xp=net.xp, device=net.device, ndim=2, dtype=net.dtype)
    if X.shape[1] != net.d:
        raise ValueError(
            f"X must have shape (n, {net.d}) to match the network's d = {net.d}; got {X.shape}."
        )
    return X


def _itemsize(xp, dtype) -> int:
    """Bytes per entry of a float32 or float64 array of any library."""
    return 4 if dtype == xp.float32 else 8


def _check_finite_result(value, what: str) -> None:
    """Raise when finite inputs gave a non-finite result (overflow of the float range).

    ``value`` is a Python float or an array of any library."""
    if isinstance(value, numbers.Real):
        finite = math.isfinite(value)
    else:
        xp = _array.namespace(value)
        finite = bool(xp.all(xp.isfinite(value)))
    if not finite:
        raise ValueError(
            f"{what} overflowed the floating-point range (inf or NaN) although the inputs are "
            "finite: |a_j| |b_j| |x_i| must stay well below 1e150 (float64) or 1e18 (float32). "
            "Rescale X, y or the weights."
        )


def _check_y(y, X, loss: str):
    xp = _array.namespace(X)
    y = _array.check_array(y, "y", xp=xp, device=_array.device(X), ndim=1, dtype=X.dtype)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X; got {tuple(y.shape)}.")
    if loss == "logistic" and not bool(xp.all(xp.abs(y) == 1)):
        raise ValueError("y must hold labels -1 or +1 for the logistic loss.")
    return y


def init_network(
    m: int,
    d: int,
    rng=None,
    *,
    init: str = "sphere",
    radius: float = 1.0,
    scale="mean-field",
    dtype=np.float64,
) -> Network:
    r"""A random network of width ``m`` on inputs of dimension ``d``.

    Parameters
    ----------
    m, d : int
        Width and input dimension.
    rng : None, int or numpy.random.Generator
        The randomness.
    init : {"sphere", "balanced", "gaussian"}, default "sphere"
        ``"sphere"``: :math:`w_j = (a_j, b_j)` uniform on the sphere of radius ``radius`` in
        :math:`\mathbb{R}^{d+1}` (chapter 4's start, covering every direction).
        ``"balanced"``: :math:`|a_j| = |b_j| = \text{radius}/\sqrt2`, random sign of
        :math:`a_j`, uniform direction of :math:`b_j`.
        ``"gaussian"``: :math:`b_j \sim \text{radius}\cdot N(0, I_d)`, :math:`a_j` uniform on
        :math:`\{-1, +1\}` (Du et al., chapter 6).
    radius : float, default 1.0
        Size of the initial neurons.
    scale : {"mean-field", "ntk"} or float
        Output scaling, see :class:`Network`.
    dtype : numpy.float32 or numpy.float64, default float64
        Drawn in float64, then cast, so both precisions see the same network.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        If ``m`` or ``d`` is below 1, ``radius <= 0`` or ``init`` is unknown.
    TypeError
        If ``dtype`` is not a real floating type (an integer network would be all zeros).
    """
    m = check_int(m, "m", low=1)
    d = check_int(d, "d", low=1)
    dtype = check_float_dtype(dtype)
    check_choice(init, "init", ("sphere", "balanced", "gaussian"))
    radius = check_scalar(radius, "radius", low=0.0, include_low=False)
    rng = check_rng(rng)
    check_allocation(f"init_network({m}, {d})", (m, d + 1), copies=3)  # draw, cast, copy
    if init == "sphere":
        W = rng.standard_normal((m, d + 1))
        W *= radius / np.linalg.norm(W, axis=1, keepdims=True)
        a, B = W[:, 0], W[:, 1:]
    elif init == "balanced":
        B = rng.standard_normal((m, d))
        B *= radius / np.sqrt(2) / np.linalg.norm(B, axis=1, keepdims=True)
        a = rng.choice([-1.0, 1.0], size=m) * radius / np.sqrt(2)
    else:
        B = radius * rng.standard_normal((m, d))
        a = rng.choice([-1.0, 1.0], size=m)
    return Network(a.astype(dtype), B.astype(dtype), scale=scale)


def phi(a, B, X) -> np.ndarray:
    r"""The neuron features :math:`\Phi(w_j)(x_i) = a_j \sigma(b_j \cdot x_i)`, shape (m, n).

    ``a`` may be a scalar with ``B`` of shape (d,) for a single neuron; the result is then (n,).
    """
    a1, B1, X = _check_neurons(a, B, X)
    out = a1[:, None] * np.maximum(B1 @ X.T, 0.0)
    return out[0] if np.ndim(a) == 0 else out


def phi_gradient(a, B, X) -> tuple[np.ndarray, np.ndarray]:
    r"""The gradient of :math:`\Phi(w)(x)` in :math:`w = (a, b)`.

    .. math::

        \partial_a \Phi = \sigma(b \cdot x), \qquad
        \nabla_b \Phi = a\, \mathbb{1}\{b \cdot x > 0\}\, x,

    (the ReLU derivative is taken as 0 at 0). Returns ``(d_a, d_B)`` of shapes (m, n) and
    (m, n, d), or (n,) and (n, d) for a single neuron.
    """
    a1, B1, X = _check_neurons(a, B, X)
    check_memory(8 * B1.shape[0] * X.shape[0] * (X.shape[1] + 2), "phi_gradient")
    Z = B1 @ X.T
    d_a = np.maximum(Z, 0.0)
    d_B = (a1[:, None] * (Z > 0))[:, :, None] * X[None, :, :]
    return (d_a[0], d_B[0]) if np.ndim(a) == 0 else (d_a, d_B)


def _check_neurons(a, B, X):
    single = np.ndim(a) == 0
    a = check_array(np.atleast_1d(a), "a", ndim=1)
    B = check_array(np.atleast_2d(B) if single else B, "B", ndim=2)
    if B.shape[0] != a.shape[0]:
        raise ValueError(f"a and B must hold the same number of neurons; got {a.shape}, {B.shape}.")
    X = check_array(X, "X", ndim=2)
    if X.shape[1] != B.shape[1]:
        raise ValueError(f"X must have shape (n, {B.shape[1]}); got {X.shape}.")
    return a, B, X


def _loss_terms(h, y, loss: str):
    """Pointwise loss values and derivatives in h (any array library)."""
    if loss == "square":
        r = h - y
        return 0.5 * r * r, r
    xp = _array.namespace(h)
    margin = y * h
    zero = xp.zeros_like(margin)
    # log(1 + e^{-t}) and its derivative -sigmoid(-t) = -exp(-log(1 + e^t)), both without overflow.
    return xp.logaddexp(zero, -margin), -y * xp.exp(-xp.logaddexp(zero, margin))


def _tiles(n: int, m: int, B) -> tuple[int, int]:
    """Rows of X and neurons per tile of the fused pass: cache-sized on a CPU, large elsewhere."""
    if _array.is_numpy(_array.namespace(B)) or "cpu" in str(_array.device(B)).lower():
        return _TILE_ROWS, _TILE_COLS
    return max(1, min(n, _DEVICE_BLOCK // m)), m


@functools.cache
def _blas():
    """NumPy's BLAS, as threadpoolctl sees it (its thread count, and a way to limit it)."""
    return threadpoolctl.ThreadpoolController().select(user_api="blas")


def _workers(xp, blocks: int, entries: int) -> int:
    """Threads sharing the row blocks: as many as NumPy's BLAS has, for two blocks or more and a
    step of at least 2**20 pre-activations (below, starting threads costs more than it saves)."""
    if blocks < 2 or entries < 2**20 or not _array.is_numpy(xp):
        return 1
    return min(blocks, max([info["num_threads"] for info in _blas().info()], default=1))


def _value_and_grad(a, B, c, X, y, loss, reduction, need_a, need_B):
    r"""Fused forward and backward pass, in tiles of rows of X by neurons, on any array library.

    With :math:`Z = X B^\top`, :math:`r_i = \ell'(h_i, y_i)/n` and
    :math:`D = \mathbb{1}\{Z > 0\} \odot r`, the gradients are
    :math:`\nabla_{b_j} G = c\, a_j (D^\top X)_j` and, by Euler's identity for the ReLU
    (:math:`\sigma(z) = z\,\mathbb 1\{z > 0\}`), :math:`\partial_{a_j} G = c\, b_j \cdot (D^\top X)_j`.
    So one product :math:`D^\top X` serves both layers, and the step costs the two products
    :math:`X B^\top` and :math:`D^\top X` plus passes over tiles that stay in cache.

    For each block of ``rows`` rows of X, tile by tile over ``cols`` neurons: the forward pass
    computes the tile of :math:`Z`, keeps its sign pattern :math:`\mathbb 1\{Z > 0\}` and adds
    :math:`\sigma(Z) a` to the outputs; once the block's residuals :math:`r` are known, the
    backward pass adds :math:`\mathbb 1\{Z > 0\}^\top (r \odot X)` to :math:`D^\top X`.
    Stored, per thread: one tile of :math:`Z` at a time, the block's sign pattern (``rows`` by
    m booleans) and :math:`D^\top X` (m by d), so memory is :math:`O(\text{rows}\cdot m + m d)`,
    never :math:`O(nm)`.

    With NumPy and a BLAS of several threads, the row blocks are shared among as many Python
    threads (block k to thread k mod T, summed in a fixed order, so the result is the same at
    every run), each calling BLAS with one thread: a tile is too small to split across cores,
    and on a busy machine every call that does wakes threads that wait for each other (measured:
    4x the two products with two BLAS threads and 3 blocks per tile call, against about 1x).
    """
    xp = _array.namespace(B)
    n, m = X.shape[0], a.shape[0]
    weight = 1.0 / n if reduction == "mean" else 1.0
    need_D = need_a or need_B
    rows, cols = _tiles(n, m, B)

    def blocks(starts):
        """The value and :math:`D^\top X` summed over the row blocks beginning at ``starts``."""
        DtX = xp.zeros_like(B) if need_D else None
        value = 0.0
        for s in starts:
            Xs, ys = X[s : min(s + rows, n), :], y[s : min(s + rows, n)]
            h, signs = 0.0, []
            for t in range(0, m, cols):
                Z = Xs @ B[t : min(t + cols, m), :].T
                if need_D:
                    signs.append(Z > 0)
                h = h + xp.maximum(Z, 0.0) @ a[t : min(t + cols, m)]
            vals, r = _loss_terms(c * h, ys, loss)
            value += float(xp.sum(vals, dtype=xp.float64))
            if need_D:
                rX = (weight * r)[:, None] * Xs
                for t, active in zip(range(0, m, cols), signs, strict=True):
                    DtX[t : min(t + cols, m), :] += xp.astype(active, B.dtype).T @ rX
        return value, DtX

    starts = range(0, n, rows)
    workers = _workers(xp, len(starts), n * m)
    if workers == 1:
        value, DtX = blocks(starts)
    else:
        with _blas().limit(limits=1), ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(blocks, [starts[k::workers] for k in range(workers)]))
        value = sum(part[0] for part in parts)
        DtX = sum((part[1] for part in parts[1:]), start=parts[0][1]) if need_D else None
    grad_a = c * xp.vecdot(B, DtX) if need_a else xp.zeros_like(a)
    grad_B = (c * a)[:, None] * DtX if need_B else xp.zeros_like(B)
    return weight * value, grad_a, grad_B


def loss(net: Network, X, y, *, loss: str = "square", reduction: str = "mean") -> float:
    r"""The risk :math:`G(W) = \frac1n \sum_i \ell(h_W(x_i), y_i)` (``reduction="sum"``: no 1/n).

    Parameters
    ----------
    net : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    loss : {"square", "logistic"}
        :math:`\ell(h, y) = \frac12 (h-y)^2` or :math:`\log(1 + e^{-yh})` (labels :math:`\pm1`).
    reduction : {"mean", "sum"}
    """
    X, y = check_data(net, X, y, loss, reduction)
    with np.errstate(over="ignore", invalid="ignore"):
        vals, _ = _loss_terms(net.predict(X), y, loss)
        total = float(net.xp.sum(vals, dtype=net.xp.float64))
    _check_finite_result(total, "the loss")
    return total / X.shape[0] if reduction == "mean" else total


def value_and_gradients(
    net: Network, X, y, *, loss: str = "square", reduction: str = "mean", trainable: str = "both"
) -> tuple[float, np.ndarray, np.ndarray]:
    r"""The risk and its exact gradient in one pass: ``(G, grad_a, grad_B)``.

    .. math::

        \partial_{a_j} G = \frac{c}{n} \sum_i \ell'(h_i, y_i)\, \sigma(b_j \cdot x_i), \qquad
        \nabla_{b_j} G = \frac{c}{n} \sum_i \ell'(h_i, y_i)\, a_j\,
            \mathbb{1}\{b_j \cdot x_i > 0\}\, x_i.

    A frozen layer (``trainable="a"`` or ``"B"`` names the one that is trained) gets a zero
    gradient. The ReLU derivative at 0 is taken as 0. The gradients are arrays of the network's
    library, on its device (``X`` and ``y`` are moved there); the risk is a Python float. The
    pass is tiled: its memory is :math:`O(256\,m + md)`, never :math:`O(nm)` (see ``_value_and_grad``).
    """
    check_choice(trainable, "trainable", TRAINABLE)
    X, y = check_data(net, X, y, loss, reduction)
    with np.errstate(over="ignore", invalid="ignore"):
        out = _value_and_grad(
            net.a, net.B, net.factor, X, y, loss, reduction, trainable != "B", trainable != "a"
        )
    for value, what in zip(
        out, ("the loss", "the gradient in a", "the gradient in B"), strict=True
    ):
        _check_finite_result(value, what)
    return out


def value_and_gradients_arrays(a, B, factor, X, y, loss, reduction, need_a=True, need_B=True):
    """:func:`value_and_gradients` on raw, already checked arrays (the training loops' pass).

    No input checks and no overflow check: the loops check the loss themselves. ``need_a`` /
    ``need_B`` False gives a zero gradient for that layer without computing it. ``loss`` and
    ``reduction`` are still checked against their allowed sets (a typo must not pick a loss).
    """
    if loss not in LOSSES:
        check_choice(loss, "loss", LOSSES)
    if reduction not in REDUCTIONS:
        check_choice(reduction, "reduction", REDUCTIONS)
    return _value_and_grad(a, B, factor, X, y, loss, reduction, need_a, need_B)


def gradients(
    net: Network, X, y, *, loss: str = "square", reduction: str = "mean", trainable: str = "both"
) -> tuple[np.ndarray, np.ndarray]:
    """The exact gradient ``(grad_a, grad_B)`` of :func:`loss`; see :func:`value_and_gradients`."""
    _, grad_a, grad_B = value_and_gradients(
        net, X, y, loss=loss, reduction=reduction, trainable=trainable
    )
    return grad_a, grad_B


def check_data(net, X, y, loss: str = "square", reduction: str = "mean"):
    """Check a network and a data set together; returns ``(X, y)`` in the network's dtype.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`Network`.
    ValueError
        If ``X`` is not (n, d) with ``d = net.d`` and n >= 1, ``y`` is not (n,), a value is not
        finite, logistic labels are not ±1, or ``loss``/``reduction`` is unknown.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    check_choice(loss, "loss", LOSSES)
    check_choice(reduction, "reduction", REDUCTIONS)
    X = check_inputs(X, net)
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one input; got n = 0 rows (the risk is a mean).")
    return X, _check_y(y, X, loss)


_check_data = check_data  # the name the array-API work may still import


def balance(net: Network) -> np.ndarray:
    r"""The per-neuron quantity :math:`a_j^2 - \|b_j\|^2`, conserved by gradient flow (chapter 1)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a mfnet_lite.Network; got {type(net).__name__}.")
    a, B = _array.to_numpy(net.a), _array.to_numpy(net.B)  # a record for plots: NumPy
    return a.astype(np.float64) ** 2 - np.einsum("jk,jk->j", B, B, dtype=np.float64)


def sample_outputs(x, m: int, n_networks: int, rng=None, *, scale="mean-field") -> np.ndarray:
    r"""Outputs :math:`h(x)` of ``n_networks`` independent random networks at one input ``x``.

    The networks are those of ``init_network(m, d, init="gaussian")``: :math:`a_j = \pm 1`,
    :math:`b_j \sim N(0, I_d)`. Their outputs are drawn exactly, without building the networks:
    :math:`b_j \cdot x \sim N(0, \|x\|^2)`, a neuron is active with probability 1/2, and an
    active neuron's term :math:`a_j \sigma(b_j \cdot x)` is :math:`\pm|N(0, \|x\|^2)|` with a
    fair sign, i.e. :math:`N(0, \|x\|^2)`. Hence

    .. math::

        h(x) \overset{d}{=} c\,\|x\|\,\sqrt{K}\,Z, \qquad K \sim \mathrm{Bin}(m, 1/2),\
        Z \sim N(0, 1) \text{ independent},

    at a cost free of ``m`` and ``d`` (the tests compare it with explicitly drawn networks).
    Chapter 1: with ``scale="mean-field"`` the outputs concentrate at 0 with variance
    :math:`\|x\|^2/(2m)` (law of large numbers); with ``"ntk"`` their variance stays
    :math:`\|x\|^2/2` and their law tends to a Gaussian (central limit theorem).

    Returns an array of shape (n_networks,).
    """
    x = check_array(x, "x", ndim=1)
    m = check_int(m, "m", low=1)
    n_networks = check_int(n_networks, "n_networks", low=1)
    c = output_factor(scale, m)
    rng = check_rng(rng)
    active = rng.binomial(m, 0.5, size=n_networks)
    return c * float(np.linalg.norm(x)) * np.sqrt(active) * rng.standard_normal(n_networks)
