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

import math
import re
from typing import Any

__all__ = ["G", "Shown", "forward_quotes", "glue"]

_VALUES: dict[str, Any] = {}
KEY = re.compile(r"[A-Za-z0-9_]+")
# {eval}`G["key"]` or `G["key:fmt"]`, and myst-nb's {glue:text}`key` or `key:fmt`
QUOTE = re.compile(r"""\{eval\}`G\["([A-Za-z0-9_]+)[^"]*"\]`|\{glue:text\}`([A-Za-z0-9_]+)[^`]*`""")


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
    value : int, float or str
        Python's own: a NumPy scalar's text is ``np.float64(0.12)`` under NumPy 2, which the
        book cannot format (pass ``float(x)``); a float must be finite.
    display : bool, default False
        Show the value under the cell too (myst-nb's ``display``).

    Raises
    ------
    TypeError
        When ``name`` is not such a string, ``value`` not an int, float or str, or ``display``
        not a bool.
    ValueError
        When ``value`` is a float that is NaN or infinite.
    """
    if not isinstance(name, str) or not KEY.fullmatch(name):
        raise TypeError(f"name: letters, digits and '_' only (the key of G['name:fmt']); got {name!r}.")
    if type(value) not in (int, float, str, bool):
        raise TypeError(
            f"value: a Python int, float or str; got {type(value).__name__} {value!r} "
            "(convert a NumPy number with int(x) or float(x))."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"value: {name} is {value}; the prose would show it (fix the computation).")
    if not isinstance(display, bool):
        raise TypeError(f"display must be True or False; got {type(display).__name__} {display!r}.")
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


def forward_quotes(notebook) -> list[tuple[int, str, list[str]]]:
    """The Markdown cells of an executed ``notebook`` that quote a number computed further down.

    ``(cell index, first line, keys)`` for each Markdown cell quoting a key that no code cell
    above it glued (myst-nb's ``glue`` writes one output per key, the key in its ``scrapbook``
    metadata, until myst-nb takes them out). JupyterLab's Run All would show an error in place
    of each such number; ``_ext/prose_numbers.py`` turns each into a warning of the book build.
    """
    if not isinstance(getattr(notebook, "cells", None), list):
        raise TypeError(f"notebook: an nbformat notebook (with .cells); got {type(notebook).__name__}.")
    seen: set[str] = set()
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                name = out.get("metadata", {}).get("scrapbook", {}).get("name")
                if name:
                    seen.add(name)
        elif cell.cell_type == "markdown":
            late = [a or b for a, b in QUOTE.findall(cell.source) if (a or b) not in seen]
            if late:
                found.append((index, cell.source.strip().splitlines()[0][:80], late))
    return found
