"""The book's figures and animations, one submodule per part of the book.

Every figure function returns ``(fig, ax)`` (or ``(fig, axes)``) and sets no title: captions
live in the chapters. The house style (:data:`STYLE`) is applied once, on import.
"""

from . import homogeneity, lazy, meanfield, measures, momentum, ntk, spectral
from ._style import STYLE, apply_style, describe, jshtml

# Each chapter's submodule lists its figures in its own __all__; they are re-exported here, so a
# new figure is added in one place (the logo module is a build tool and stays out).
_CHAPTERS = (homogeneity, measures, meanfield, lazy, ntk, spectral, momentum)
for _module in _CHAPTERS:
    globals().update({name: getattr(_module, name) for name in _module.__all__})

__all__ = ["STYLE", "apply_style", "describe", "jshtml"] + [n for m in _CHAPTERS for n in m.__all__]

apply_style()
