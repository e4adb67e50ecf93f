"""Shared matplotlib style and the animation helper."""

from __future__ import annotations

import re
from html import escape

import matplotlib as mpl
from cycler import cycler

__all__ = ["PALETTE", "STYLE", "apply_style", "describe", "jshtml"]

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#994F00", "#882255"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 3))]

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
    # Colour-blind-safe colours (Okabe and Ito's palette, less its two light colours, plus two
    # darker ones), each at least 3:1 against the white figure background (WCAG 1.4.11), and
    # each with its own line style, so curves differ by more than colour.
    "axes.prop_cycle": cycler(color=PALETTE, linestyle=LINESTYLES),
    "animation.embed_limit": 40.0,  # MB; the book's animations stay well below
}


def apply_style() -> None:
    """Apply :data:`STYLE` to matplotlib's rcParams."""
    mpl.rcParams.update(STYLE)


def describe(animation, text: str):
    """Attach ``text``, a short description of what ``animation`` shows, and return it.

    :func:`jshtml` puts the description into the page as the frame image's alternative text and
    as the caption of the frame strip of the print edition. Every ``animate_*`` function of
    :mod:`mfnet_lite.plots` describes the animation it returns.
    """
    if not hasattr(animation, "to_jshtml"):
        raise TypeError(
            f"animation must be a matplotlib animation (FuncAnimation); got {type(animation).__name__}."
        )
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text: a non-empty description is needed; got {text!r}.")
    animation.description = " ".join(text.split())
    return animation


# The frames of matplotlib's player, as its template writes them into the page.
_FRAME = re.compile(r'frames\[(\d+)\] = "(data:image/[a-z]+;base64,[^"]*)"')


def jshtml(animation, *, alt: str | None = None, default_mode: str = "once", strip: int = 4):
    """An animation as HTML with play controls that work in the static book (no kernel).

    The frame image carries ``alt`` (by default the description :func:`describe` attached to the
    animation) as its alternative text, and the frame slider an accessible name. For print,
    ``strip`` evenly spaced frames (the first and the last included) follow the player as a
    figure with the description as its caption. The strip carries the ``hidden`` attribute, so
    that no screen shows it twice over the player: not a live notebook (JupyterLab, which has
    no book style) and not the book's web page; the book's print style (``_static/print.css``,
    ``display: block !important``) shows it in place of the player.

    Parameters
    ----------
    animation : matplotlib.animation.Animation
        The animation; its figure is closed, so that the notebook does not also show its last
        frame.
    alt : str, optional
        The description; required when the animation carries none.
    default_mode : {"once", "loop", "reflect"}
        The player's repetition mode.
    strip : int
        Number of frames in the print strip (at least 2).

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    ValueError
        When there is no description, or ``strip`` is below 2.
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML

    text = alt if alt is not None else getattr(animation, "description", None)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(
            "alt: the animation carries no description; pass alt='what it shows' "
            "or attach one with mfnet_lite.plots.describe."
        )
    if not isinstance(strip, int) or strip < 2:
        raise ValueError(f"strip: at least 2 frames; got {strip!r}.")
    text = " ".join(text.split())
    html = animation.to_jshtml(default_mode=default_mode)
    plt.close(animation._fig)
    quoted = escape(text, quote=True)
    html = re.sub(r'<img id="(_anim_img\w+)">', rf'<img id="\1" alt="{quoted}">', html, count=1)
    html = html.replace(
        'class="anim-slider"', 'class="anim-slider" aria-label="Animation frame"', 1
    )
    # matplotlib breaks each frame's base64 text into lines joined by a backslash-newline
    frames = {int(k): src.replace("\\\n", "") for k, src in _FRAME.findall(html)}
    if frames:
        last = max(frames)
        picks = sorted({round(i * last / (strip - 1)) for i in range(strip)})
        images = "".join(
            f'<img src="{frames[k]}" alt="Frame {k + 1} of {last + 1}: {quoted}">'
            for k in picks
            if k in frames
        )
        html += (
            f'<figure class="anim-print-strip" hidden><div class="anim-print-frames">{images}</div>'
            f"<figcaption>Animation, frames {', '.join(str(k + 1) for k in picks)} of "
            f"{last + 1}: {escape(text)}</figcaption></figure>"
        )
    return HTML(html)
