"""Numbers in a chapter's prose that show both in the built book and in a live notebook.

A chapter quotes a number its cells computed as ``{eval}`G["key:fmt"]``` and computes it with
:func:`glue` (myst-nb's ``glue``, which this one also calls)::

    from mfnet_lite.prose import G, glue

    glue("ch4_steps", 984)              # in a code cell
    ... after {eval}`G["ch4_steps:d"]` steps ...   # in the prose below it

- In **JupyterLab** (jupyterlab-myst), running a Markdown cell evaluates its inline expressions
  in the kernel: ``G["ch4_steps:d"]`` is a :class:`Shown` whose ``text/plain`` is the formatted
  number, ``984``, unquoted. A paragraph must therefore stand below the cell that computes its
  numbers (Run All runs the chapter in order; ``tools/prose_order.py`` checks it).
- In the **built book** the page's extension ``_ext/prose_numbers.py`` reads the same role as
  ``{glue:text}`ch4_steps:d``` from the values the executed page glued: the text is the same,
  and the book keeps executing its pages in any mode (``force``, ``cache``).

The format follows myst-nb's ``glue:text``: the last character of ``fmt`` picks the type
(``d``, ``x`` ...: int; ``e``, ``f``, ``g``, ``%`` ...: float; ``s``: str), no ``fmt`` is ``str``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["G", "Shown", "glue"]

_VALUES: dict[str, Any] = {}
KEY = re.compile(r"[A-Za-z0-9_]+")


class Shown:
    """A formatted value whose ``text/plain`` (its ``repr``) is the text itself, unquoted."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        if not isinstance(text, str):
            raise TypeError(f"text: a str; got {type(text).__name__}.")
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text)


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` under ``name`` for :data:`G` and glue it with myst-nb (same arguments).

    Parameters
    ----------
    name : str
        Letters, digits and ``_`` (the key of ``G["name:fmt"]``).
    value : int, float or str (anything myst-nb can glue)
        Python's own numbers: NumPy scalars print as ``np.float64(...)`` under NumPy 2.
    display : bool, default False
        Show the value under the cell too (myst-nb's ``display``).

    Raises
    ------
    TypeError
        When ``name`` is not such a string.
    """
    if not isinstance(name, str) or not KEY.fullmatch(name):
        raise TypeError(f"name: letters, digits and '_' only (the key of G['name:fmt']); got {name!r}.")
    from myst_nb import glue as nb_glue

    _VALUES[name] = value
    nb_glue(name, value, display=display)


def formatted(value: Any, fmt: str) -> str:
    """``value`` formatted as myst-nb's ``{glue:text}`key:fmt``` formats it."""
    if not fmt:
        return str(value)
    kind = fmt[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt)


class _Glued:
    """``G["key"]`` or ``G["key:fmt"]``: the value glued under ``key``, formatted by ``fmt``."""

    def __getitem__(self, spec: str) -> Shown:
        if not isinstance(spec, str):
            raise TypeError(f"spec: 'key' or 'key:fmt' as a str; got {spec!r}.")
        key, _, fmt = spec.partition(":")
        if key not in _VALUES:
            raise KeyError(
                f"{key!r} has not been glued in this kernel: run the cell that computes it "
                "(Run All runs the chapter in order)."
            )
        value = _VALUES[key]
        try:
            return Shown(formatted(value, fmt))
        except (TypeError, ValueError) as err:
            raise ValueError(f"spec: format {fmt!r} does not apply to {key}={value!r}: {err}") from err

    def __contains__(self, key: str) -> bool:
        return key in _VALUES

    def __repr__(self) -> str:
        return f"<the {len(_VALUES)} values glued in this kernel; G['key:fmt'] formats one>"


G = _Glued()
