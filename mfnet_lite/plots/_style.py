"""Shared matplotlib style and the animation helper."""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["STYLE", "apply_style", "jshtml"]

STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "image.cmap": "viridis",
    "animation.embed_limit": 40.0,  # MB; the book's animations stay well below
}


def apply_style() -> None:
    """Apply :data:`STYLE` to matplotlib's rcParams."""
    mpl.rcParams.update(STYLE)


def jshtml(animation, *, default_mode: str = "once"):
    """An animation as HTML with play controls that work in the static book (no kernel).

    Closes the animation's figure so that the notebook does not also show its last frame.
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML

    html = animation.to_jshtml(default_mode=default_mode)
    plt.close(animation._fig)
    return HTML(html)
