"""Which array library does the arithmetic: NumPy by default, any array-API library on request.

The model, the training loops and the kernels are written once, against the functions of the
Python array API standard, and run on whatever library holds the network's arrays:
``array_namespace`` (from array-api-compat) returns that library's standard namespace ``xp``,
so the same lines run on NumPy arrays, PyTorch tensors on the CPU or a GPU, or the strict
reference library that the tests use to catch anything outside the standard. Data that arrives
as NumPy (or lists) is moved once, at the public boundary, to the network's library and device.

Randomness is always drawn by a NumPy ``Generator`` and then moved, so a seed gives the same
numbers on every library. Plots and optimal transport take NumPy: :func:`to_numpy` is the one
border crossing, done once per array.
"""

from __future__ import annotations

import importlib

import array_api_compat
import numpy as np

from . import _validation

__all__ = [
    "namespace",
    "is_numpy",
    "to_numpy",
    "move",
    "backend_namespace",
    "device",
    "check_array",
    "common",
]

_NUMPY = array_api_compat.array_namespace(np.empty(0))


def _is_foreign(x) -> bool:
    """True for an array of a library other than NumPy (a torch tensor, a strict array, ...)."""
    if isinstance(x, (np.ndarray, np.generic, float, int, list, tuple)) or x is None:
        return False  # the common cases, answered before array-api-compat's longer checks
    return array_api_compat.is_array_api_obj(x)


def namespace(*arrays):
    """The array-API namespace of ``arrays``; NumPy's when none belongs to another library.

    Raises
    ------
    TypeError
        If the arrays come from two different libraries.
    """
    foreign = [x for x in arrays if _is_foreign(x)]
    if not foreign:
        return _NUMPY
    try:
        return array_api_compat.array_namespace(*foreign)
    except TypeError as exc:
        raise TypeError(
            f"arrays from different libraries cannot be mixed ({exc}); convert them to one "
            "library first, e.g. with Network.to(...)."
        ) from exc


def is_numpy(xp) -> bool:
    """True when ``xp`` is NumPy's namespace."""
    return array_api_compat.is_numpy_namespace(xp)


def to_numpy(x):
    """``x`` as a NumPy array, copied to the host when it lives on a device (the NumPy border)."""
    if isinstance(x, np.ndarray) or not _is_foreign(x):
        return np.asarray(x)
    if array_api_compat.is_torch_array(x):
        return x.detach().cpu().numpy()
    if array_api_compat.is_cupy_array(x):
        return x.get()
    return np.asarray(x)


def backend_namespace(backend):
    """The namespace for a library given by name (``"numpy"``, ``"torch"``, ...) or as a module."""
    if isinstance(backend, str):
        if backend == "numpy":
            return _NUMPY
        try:
            module = importlib.import_module(backend)
        except ImportError as exc:
            raise ValueError(
                f"backend == {backend!r}, but no such library is installed "
                f"(pip install {backend}); 'numpy' always works."
            ) from exc
    else:
        module = backend
    try:
        return array_api_compat.array_namespace(module.asarray(0.0))
    except (AttributeError, TypeError) as exc:
        raise TypeError(
            f"backend must name an array-API library such as 'numpy' or 'torch'; got {backend!r}."
        ) from exc


def move(x, xp, device=None):
    """``x`` (any array or array_like) as an array of the namespace ``xp`` on ``device``.

    Between two libraries the data goes through the host (NumPy) once; within one library only
    the device changes. Nothing is copied when ``x`` is already there.
    """
    if is_numpy(xp):
        return to_numpy(x)
    if not _is_foreign(x) or namespace(x) is not xp:
        x = to_numpy(x)
        if not x.flags.writeable:  # PyTorch warns about sharing a read-only array
            x = x.copy()
        return xp.asarray(x, device=device)
    if device is not None and array_api_compat.device(x) != device:
        return array_api_compat.to_device(x, device)
    return x


def device(x):
    """The device of an array (``"cpu"`` for NumPy)."""
    return array_api_compat.device(x)


def check_array(
    x, name: str, *, xp=None, device=None, ndim=None, shape=None, dtype=None, copy=False
):
    """:func:`mfnet_lite._validation.check_array` for any array library.

    ``x`` is moved to the namespace ``xp`` (by default its own library) on ``device``, then
    checked as there: real numbers, ``ndim``, ``shape`` (``None`` for a free axis), finite.
    ``dtype=None`` keeps float32 and float64 and turns anything else into float64.
    """
    if xp is None:
        xp = namespace(x)
    if is_numpy(xp):
        return _validation.check_array(
            to_numpy(x) if _is_foreign(x) else x,
            name,
            ndim=ndim,
            shape=shape,
            dtype=dtype,
            copy=copy,
        )
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}.")
    x = move(x, xp, device)
    if array_api_compat.is_torch_array(x):
        x = x.detach()
    if not xp.isdtype(x.dtype, ("real floating", "integral", "bool")):
        raise TypeError(f"{name} must be an array of real numbers; got dtype {x.dtype}.")
    if dtype is None:
        dtype = x.dtype if x.dtype in (xp.float32, xp.float64) else xp.float64
    if copy or x.dtype != dtype:
        x = xp.astype(x, dtype, copy=True)
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-d array; got shape {tuple(x.shape)}.")
    if shape is not None and not (
        x.ndim == len(shape)
        and all(s is None or s == t for s, t in zip(shape, x.shape, strict=True))
    ):
        want = "(" + ", ".join("·" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {want}; got {tuple(x.shape)}.")
    finite = xp.isfinite(x)
    if not bool(xp.all(finite)):
        bad = int(xp.sum(xp.astype(~finite, xp.int64)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s); remove or replace them "
            "(a diverged run upstream is the usual cause)."
        )
    return x


def common(*arrays):
    """The namespace and device that ``arrays`` should meet in: those of the first array that
    belongs to a library other than NumPy, else NumPy on the CPU (see :func:`move`)."""
    xp = namespace(*arrays)
    for x in arrays:
        if _is_foreign(x):
            return xp, device(x)
    return xp, None
