"""Showing an explorer's figure: rendered once, as a PNG, into the explorer's Output widget.

Handing the Figure to ``display`` makes the inline backend render it twice (a first pass to find
the tight bounding box); one ``savefig`` at a fixed size and a modest dpi is about three times
cheaper, which is most of an explorer's redraw time (``benchmarks/widgets.py``).
"""

from __future__ import annotations

import io

from IPython.display import Image, display

DPI = 80


def show(fig, out) -> None:
    """Render ``fig`` to PNG and make it the only content of the Output widget ``out``."""
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI)
    with out:
        out.clear_output(wait=True)
        display(Image(png.getvalue()))
