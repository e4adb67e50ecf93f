"""Input checks shared by the public functions (scikit-learn style).

Every check raises ``TypeError`` for a wrong type and ``ValueError`` for a wrong value or
shape, with a message that names the argument, says what it got and what to do.
"""

from __future__ import annotations

import functools
import numbers
import os
import warnings

import numpy as np

__all__ = [
    "check_array",
    "check_scalar",
    "check_int",
    "check_rng",
    "spawn",
    "replayable",
    "check_choice",
    "check_float_dtype",
    "check_callable",
    "check_memory",
    "machine_memory",
    "renamed_keywords",
    "deprecated_alias",
    "check_bool",
    "check_squarable",
    "check_total",
    "unit_rows",
    "memory_limit",
    "check_allocation",
    "check_namespaces",
    "SQUARE_SAFE",
    "check_numpy_network",
    "check_int_list",
    "check_cost_scale",
    "TOTAL_SAFE",
    "check_network",
    "check_instance",
    "check_object",
    "check_axes",
    "check_fields",
]


def check_array(
    x,
    name: str,
    *,
    ndim: int | None = None,
    shape: tuple | None = None,
    dtype=None,
    finite: bool = True,
    copy: bool = False,
) -> np.ndarray:
    """Return ``x`` as a float ndarray after checking its dimension, shape and finiteness.

    ``shape`` may hold ``None`` for a free axis, e.g. ``(None, 3)``.
    ``dtype=None`` keeps float32 and float64 and turns anything else into float64.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}.")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - ragged input on old NumPy
        raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}.") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be an array of numbers; got dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got complex dtype {arr.dtype}.")
    if dtype is None:
        dtype = arr.dtype if arr.dtype in (np.float32, np.float64) else np.float64
    arr = np.array(arr, dtype=dtype, copy=copy or None, order="C")
    if ndim is not None and arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            hint = " Use x.reshape(-1, 1) for one feature, or x.reshape(1, -1) for one sample."
        raise ValueError(f"{name} must be a {ndim}-d array; got shape {arr.shape}.{hint}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(
            s is None or s == t for s, t in zip(shape, arr.shape, strict=False)
        )
        if not ok:
            want = "(" + ", ".join("·" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}; got {arr.shape}.")
    if finite and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s); remove or replace them "
            "(a diverged run upstream is the usual cause)."
        )
    return arr


def check_scalar(
    x,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = True,
) -> float:
    """Return ``x`` as a finite float inside the given range."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__}.")
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite; got {x}.")
    if low is not None and (x < low or (x == low and not include_low)):
        raise ValueError(f"{name} == {x}, must be {'>=' if include_low else '>'} {low}.")
    if high is not None and (x > high or (x == high and not include_high)):
        raise ValueError(f"{name} == {x}, must be {'<=' if include_high else '<'} {high}.")
    return x


def check_int(x, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``x`` as an int inside ``[low, high]``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(x).__name__}.")
    x = int(x)
    if low is not None and x < low:
        raise ValueError(f"{name} == {x}, must be >= {low}.")
    if high is not None and x > high:
        raise ValueError(f"{name} == {x}, must be <= {high}.")
    return x


def check_rng(rng) -> np.random.Generator:
    """Normalise ``None``, an int seed or a Generator into a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"rng == {rng}, a seed must be >= 0.")
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator; got {type(rng).__name__}."
    )


def spawn(rng, n: int) -> list[np.random.Generator]:
    """``n`` independent generators drawn from ``rng`` (None, int or Generator).

    The sub-streams of a function that draws several independent things (one per seed, one per
    width): ``numpy.random.Generator.spawn``, never ``seed + k``.
    """
    return check_rng(rng).spawn(check_int(n, "n", low=0))


def replayable(rng):
    """A function returning, at each call, a fresh Generator in ``rng``'s current state.

    For the explorers, which must redraw the same student at every change of a slider:
    ``replay = replayable(child)`` then ``init_network(m, d, replay())`` gives the same draw
    each time, while ``child`` itself comes from ``spawn`` of the explorer's one ``rng``.
    """
    gen = check_rng(rng)
    kind, state = type(gen.bit_generator), gen.bit_generator.state

    def replay() -> np.random.Generator:
        bit_generator = kind()
        bit_generator.state = state
        return np.random.Generator(bit_generator)

    return replay


def check_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as ``numpy.float32`` or ``numpy.float64``; anything else raises.

    Integer, boolean or complex parameters would silently give an all-zero network, rounded
    points on the sphere or complex outputs, so only the two real floating types are accepted.
    """
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{name} must be numpy.float32 or numpy.float64; got {dtype!r}.") from exc
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{name} must be numpy.float32 or numpy.float64; got {dt}.")
    return dt


def check_callable(f, name: str):
    """Return ``f`` if it is None or callable."""
    if f is not None and not callable(f):
        raise TypeError(f"{name} must be callable (or None); got {type(f).__name__}.")
    return f


def machine_memory() -> int:
    """The machine's physical memory in bytes (``MFNET_LITE_MEMORY`` overrides it)."""
    override = os.environ.get("MFNET_LITE_MEMORY")
    if override:
        return int(float(override))
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 2**63 - 1


def _size(nbytes: float) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= factor:
            return f"{nbytes / factor:.1f} {unit}"
    return f"{nbytes:.0f} bytes"


def check_memory(nbytes: float, what: str) -> None:
    """Refuse up front a request whose arrays would need more than :func:`memory_limit`.

    ``nbytes`` is the peak size of the arrays ``what`` would allocate; the ``MemoryError`` (or
    the OOM killer) NumPy would give after minutes is replaced by an immediate ``ValueError``
    that states the size needed. :func:`check_allocation` is the same check from a shape.
    """
    limit = memory_limit()
    if nbytes > limit:
        raise ValueError(
            f"{what} would need {_size(nbytes)} of memory, more than the {_size(limit)} allowed "
            "on this machine (half its memory; MFNET_LITE_MEMORY sets the limit in bytes); "
            "use fewer points, fewer steps or a smaller width."
        )


def check_choice(x, name: str, choices) -> str:
    """Return ``x`` if it is one of ``choices``."""
    if x not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} == {x!r}, must be one of {listed}.")
    return x


def renamed_keywords(**renames):
    """Decorator: keyword arguments renamed in issue 15 keep working for one release.

    ``@renamed_keywords(seed="rng")`` lets ``f(seed=3)`` call ``f(rng=3)`` with a
    ``DeprecationWarning`` that names the new keyword; passing both raises ``TypeError``.
    """

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{f.__name__}() got both {old!r} and {new!r}; use {new!r}."
                        )
                    warnings.warn(
                        f"{f.__name__}({old}=...) is deprecated; use {new}=... instead.",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return f(*args, **kwargs)

        return wrapper

    return decorate


def deprecated_alias(new, old_name: str, new_name: str):
    """``new`` wrapped so that calling it under ``old_name`` warns (one release) and works."""

    @functools.wraps(new)
    def alias(*args, **kwargs):
        warnings.warn(
            f"{old_name} is deprecated; use {new_name} instead.", DeprecationWarning, stacklevel=2
        )
        return new(*args, **kwargs)

    alias.__doc__ = f"Deprecated alias of :func:`{new_name}` (issue 15); use that name."
    return alias


# --- issue 21: the shared guards against silent results, memory blow-ups and truthy strings ---

#: The largest float64 magnitude whose square, summed over ``_SUM_TERMS`` coordinates and
#: doubled twice (``|p - q|^2 <= 2|p|^2 + 2|q|^2``), stays finite. One threshold, computed
#: from the float maximum, for every function that squares coordinates (the distances).
_SUM_TERMS = 2**20
SQUARE_SAFE = float(np.sqrt(np.finfo(np.float64).max / (4.0 * _SUM_TERMS)))
#: The largest total of weights accepted: solvers multiply and sum masses, with the same margin.
TOTAL_SAFE = float(np.finfo(np.float64).max / _SUM_TERMS)

#: The fraction of the machine's memory one request may take.
MEMORY_FRACTION = 0.5


def check_bool(x, name: str) -> bool:
    """Return ``x`` if it is a bool (or a NumPy bool); strings such as ``"no"`` are refused."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise TypeError(f"{name} must be True or False; got {type(x).__name__} {x!r}.")


def check_squarable(arr: np.ndarray, name: str) -> np.ndarray:
    """Refuse coordinates whose squares (summed, doubled) would overflow float64.

    The threshold is :data:`SQUARE_SAFE`, derived from ``numpy.finfo(float64).max``.
    """
    if arr.size and float(np.max(np.abs(arr))) > SQUARE_SAFE:
        raise ValueError(
            f"{name} has coordinates up to {float(np.max(np.abs(arr))):.3g}; the cost matrix of squared "
            f"distances would overflow float64 (the limit is {SQUARE_SAFE:.3g}): rescale {name}."
        )
    return arr


def check_total(w: np.ndarray, name: str) -> float:
    """Return the finite, positive total of the non-negative weights ``w``; refuse overflow."""
    with np.errstate(over="ignore"):
        total = float(np.sum(w))
    if not np.isfinite(total) or total > TOTAL_SAFE:
        raise ValueError(
            f"the total of {name} is {total:.3g}, beyond the {TOTAL_SAFE:.3g} that float64 "
            f"arithmetic on it can hold; divide {name} by its total (or its largest value)."
        )
    if total <= 0:
        raise ValueError(f"{name} must have a positive total mass.")
    return total


def unit_rows(X: np.ndarray, name: str = "X") -> np.ndarray:
    """The rows of ``X`` divided by their norms, overflow-safe (each row is first divided by its
    largest absolute entry, so rows of size 1e200 keep their directions)."""
    scale = np.max(np.abs(X), axis=1, keepdims=True)
    if np.any(scale == 0):
        raise ValueError(f"{name} has a zero row; its direction is undefined.")
    if np.all((scale > 1e-150) & (scale < 1e150)):  # no overflow possible: the plain quotient
        return X / np.linalg.norm(X, axis=1, keepdims=True)
    U = X / scale
    return U / np.linalg.norm(U, axis=1, keepdims=True)


def memory_limit() -> int:
    """Bytes one request may allocate: :data:`MEMORY_FRACTION` of the machine's memory.

    ``MFNET_LITE_MEMORY`` (bytes), if set, is the limit itself; otherwise the machine's memory
    comes from ``os.sysconf``, else ``/proc/meminfo``'s MemTotal, else 4 GiB is assumed.
    """
    override = os.environ.get("MFNET_LITE_MEMORY")
    if override:
        return int(float(override))
    total = None
    try:
        total = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        try:
            with open("/proc/meminfo") as fh:
                for line in fh:
                    if line.startswith("MemTotal:"):
                        total = int(line.split()[1]) * 1024
        except OSError:
            total = None
    if not total:
        total = 4 * 2**30
    return int(MEMORY_FRACTION * total)


def check_allocation(name: str, shape, dtype=np.float64, *, copies: int = 1) -> None:
    """Refuse, before allocating, ``copies`` arrays of ``shape`` whose size would exceed
    :func:`memory_limit`; the message gives the size needed and what to do."""
    count = float(np.dtype(dtype).itemsize) * copies
    for s in shape:
        count *= float(s)
    check_memory(count, f"{name} (shape {tuple(int(s) for s in shape)})")


def check_namespaces(**arrays) -> None:
    """Refuse a mix of array libraries (NumPy with PyTorch ...) with a TypeError naming them."""
    libs = {}
    for name, a in arrays.items():
        if a is None:
            continue
        mod = type(a).__module__.split(".")[0]
        if mod in ("builtins",):
            continue
        libs[name] = mod
    if len(set(libs.values())) > 1:
        listed = ", ".join(f"{k} is {v}" for k, v in libs.items())
        raise TypeError(
            f"the arrays come from different libraries ({listed}); convert them all to one "
            "(e.g. numpy.asarray or torch.as_tensor)."
        )


def check_numpy_network(net, where: str) -> None:
    """Refuse a network whose parameters are not NumPy arrays, for the NumPy-only functions."""
    for field in ("a", "B"):
        value = getattr(net, field, None)
        if value is not None and not isinstance(value, np.ndarray):
            raise TypeError(
                f"{where} takes a NumPy network; net.{field} is {type(value).__module__}."
                f"{type(value).__name__}. Convert it (mfnet_lite._array.to_numpy) or see the "
                "README's list of the functions that accept other array libraries."
            )


def check_int_list(values, name: str, *, low: int | None = None, high: int | None = None) -> list:
    """Return ``values`` (a non-empty sequence of integers, each in ``[low, high]``) as a list.

    A bare integer, a string or an empty sequence is refused (an empty sweep would return an
    empty result silently).
    """
    if isinstance(values, (str, bytes)) or isinstance(values, numbers.Number) or values is None:
        raise TypeError(
            f"{name} must be a sequence of integers, e.g. [10, 100]; got {type(values).__name__}."
        )
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{name} must be a 1-d sequence of integers; got shape {values.shape}.")
    try:
        items = list(values)
    except TypeError as exc:
        raise TypeError(
            f"{name} must be a sequence of integers, e.g. [10, 100]; got {type(values).__name__}."
        ) from exc
    if not items:
        raise ValueError(f"{name} must hold at least one value; got an empty sequence.")
    return [check_int(v, name, low=low, high=high) for v in items]


def check_cost_scale(total: float, cost: float, weights: str, points: str) -> None:
    """Refuse a transport problem whose cost ``total * max cost`` would overflow float64."""
    with np.errstate(over="ignore"):
        product = total * cost
    if not np.isfinite(product) or product > TOTAL_SAFE:
        raise ValueError(
            f"the transport cost (total mass {total:.3g} times largest squared distance "
            f"{cost:.3g}) would overflow float64; rescale {weights} or {points}."
        )


def check_network(net, name: str = "net"):
    """Return ``net`` if it is a :class:`mfnet_lite.Network`; else a TypeError naming ``name``."""
    from .model import Network

    if not isinstance(net, Network):
        raise TypeError(f"{name} must be a mfnet_lite.Network; got {type(net).__name__}.")
    return net


def check_instance(x, name: str, types, what: str):
    """Return ``x`` if it is an instance of ``types``; else a TypeError naming ``name`` and
    saying what to pass (``what``, e.g. "a mfnet_lite.Run from mf.train.gd")."""
    if not isinstance(x, types):
        raise TypeError(f"{name} must be {what}; got {type(x).__name__}.")
    return x


def check_object(x, name: str, kind: str):
    """The plots' and widgets' argument check: ``x`` must be of ``kind``, one of ``"run"`` (a
    :class:`~mfnet_lite.train.Run`), ``"network"``, ``"study"`` (a
    :class:`~mfnet_lite.ntk.DuStudy`), ``"mapping"`` (a non-empty dict) or ``"sequence"`` (a
    non-empty list, tuple or 1-d array). A TypeError/ValueError names ``name`` and says what to
    pass, instead of an AttributeError deep inside matplotlib."""
    from collections.abc import Mapping

    if kind == "run":
        from .train import Run

        return check_instance(x, name, Run, "a mfnet_lite.Run (what mf.train.gd returns)")
    if kind == "network":
        return check_network(x, name)
    if kind == "study":
        from .ntk import DuStudy

        return check_instance(x, name, DuStudy, "a mfnet_lite.ntk.DuStudy (mf.ntk.study)")
    if kind == "mapping":
        check_instance(x, name, Mapping, "a dict (label -> values)")
        if not x:
            raise ValueError(f"{name} must hold at least one entry; got an empty dict.")
        return x
    if kind == "sequence":
        if isinstance(x, (str, bytes)) or not isinstance(x, (list, tuple, range, np.ndarray)):
            raise TypeError(f"{name} must be a list or 1-d array; got {type(x).__name__}.")
        if len(x) == 0:
            raise ValueError(f"{name} must hold at least one value; got an empty sequence.")
        return x
    raise ValueError(f"kind == {kind!r}, must be run, network, study, mapping or sequence.")


def check_axes(ax, name: str = "ax"):
    """Return ``ax`` if it is a matplotlib ``Axes`` (e.g. from ``plt.subplots()``)."""
    from matplotlib.axes import Axes

    return check_instance(ax, name, Axes, "a matplotlib Axes (fig, ax = plt.subplots())")


def check_fields(obj) -> None:
    """The result dataclasses' ``__post_init__``: each field must have its annotated kind.

    Reads the (string) annotations: ``np.ndarray`` (a real numeric ndarray), ``Network``,
    ``Run``/``train.Run``, ``float``, ``int``, ``bool``, ``str``, ``dict`` and ``tuple``. A result
    built from garbage is refused with a TypeError naming the field, instead of failing later
    inside a plot.
    """
    from dataclasses import fields

    cls = type(obj).__name__
    for f in fields(obj):
        value, kind = getattr(obj, f.name), str(f.type)
        where = f"{cls}.{f.name}"
        if kind == "np.ndarray":
            if not isinstance(value, np.ndarray) or not (
                np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_
            ):
                raise TypeError(
                    f"{where} must be a numeric numpy array; got {type(value).__name__}."
                )
        elif kind == "Network":
            check_network(value, where)
        elif kind in ("Run", "train.Run"):
            from .train import Run

            check_instance(value, where, Run, "a mfnet_lite.Run")
        elif kind == "float":
            check_scalar(value, where)
        elif kind == "int":
            check_int(value, where)
        elif kind == "bool":
            check_bool(value, where)
        elif kind in ("str", "dict", "tuple"):
            check_instance(
                value, where, {"str": str, "dict": dict, "tuple": tuple}[kind], f"a {kind}"
            )
