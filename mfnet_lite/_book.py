"""Numbers in a chapter's prose that show both in the built book and in a live notebook.

A chapter's prose refers to a number its cells computed. myst-nb's ``{glue:text}`key:fmt```
role shows it in the built book only: jupyterlab-myst does not know the role and shows the key.
Both read the MyST inline role ``{eval}`expression``` — myst-nb in its ``inline`` execution mode,
jupyterlab-myst through the kernel's user expressions when a Markdown cell is run — and show
the ``text/plain`` form of the expression's value. So a chapter glues with :func:`glue` (the
same call as myst-nb's, which it also makes) and writes ``{eval}`G["key:fmt"]``` in its prose:
``G["key:fmt"]`` is a :class:`Shown` whose ``text/plain`` is ``format(value, fmt)`` (``0.12``,
not ``'0.12'``).
"""

from __future__ import annotations

from typing import Any

_VALUES: dict[str, Any] = {}


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
    """Record ``value`` under ``name`` for ``G`` and glue it with myst-nb (same arguments).

    Raises
    ------
    TypeError
        When ``name`` is not a non-empty string without ``:`` (the separator of ``G``'s keys).
    """
    if not isinstance(name, str) or not name or ":" in name:
        raise TypeError(f"name: a non-empty str without ':'; got {name!r}.")
    from myst_nb import glue as nb_glue

    _VALUES[name] = value
    nb_glue(name, value, display=display)


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
            return Shown(format(value, fmt) if fmt else str(value))
        except (TypeError, ValueError) as err:
            raise ValueError(f"spec: format {fmt!r} does not apply to {key}={value!r}: {err}") from err

    def __contains__(self, key: str) -> bool:
        return key in _VALUES


G = _Glued()
