"""An explorer's figure: made once, redrawn into its Output widget as a PNG on every change.

Two things make a redraw cheap (``benchmarks/widgets.py`` times them):

* The figure is a plain :class:`~matplotlib.figure.Figure` on its own Agg canvas, never
  registered with pyplot. A pyplot figure that is closed (so that the inline backend does not
  show it a second time) loses its canvas, and each ``savefig`` then builds a new canvas and
  renderer, which throws away matplotlib's caches of parsed mathtext and text sizes: the log
  axes' tick labels were parsed afresh on every change, a third of a redraw.
* ``show`` renders once, at the figure's own size and dpi. Handing the figure to ``display``
  makes the inline backend draw it twice (a first pass finds the tight bounding box).
"""

from __future__ import annotations

import base64
import io
from html import escape

from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 80


def figure(figsize: tuple[float, float], ncols: int = 1, **subplots_adjust):
    """A figure with ``ncols`` axes in a row on an Agg canvas; returns ``(fig, axes)``.

    Keyword arguments go to :meth:`~matplotlib.figure.Figure.subplots_adjust`: margins are
    fixed once, as a layout engine would recompute them at every redraw.
    """
    fig = Figure(figsize=figsize, dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols)
    if subplots_adjust:
        fig.subplots_adjust(**subplots_adjust)
    return fig, axes


def show(fig, out, alt: str) -> None:
    """Render ``fig`` to PNG and make it the only content of the Output widget ``out``.

    The PNG goes out as an HTML ``<img>`` whose alternative text is ``alt`` (a short description
    of what the figure shows at the current settings), so that a screen reader reads a
    description, in JupyterLab and in the saved explorer of the static book alike; the PNG
    itself rides along for front ends that do not render HTML.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt: a non-empty description of the figure is needed; got {alt!r}.")
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI)
    data = base64.b64encode(png.getvalue()).decode("ascii")
    tag = f'<img src="data:image/png;base64,{data}" alt="{escape(alt, quote=True)}">'
    with out:
        out.clear_output(wait=True)
        display({"text/html": tag, "image/png": data, "text/plain": alt}, raw=True)
