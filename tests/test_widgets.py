"""The explorers' redraw path (mfnet_lite/widgets/_render.py), exercised through the controls as
benchmarks/widgets.py drives them."""

import importlib
import importlib.util
from pathlib import Path

import pytest

import mfnet_lite as mf
from mfnet_lite.widgets import _render

_spec = importlib.util.spec_from_file_location(
    "widgets_benchmark", Path(__file__).resolve().parents[1] / "benchmarks" / "widgets.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

MODULES = ("homogeneity", "measures", "lazy", "meanfield", "momentum", "ntk")


@pytest.fixture
def shown(monkeypatch):
    """(figure, its renderer, the PNG bytes) for every redraw of every explorer."""
    frames = []
    monkeypatch.setattr(_render, "display", lambda image: frames[-1].append(image.data))
    show = _render.show

    def recording_show(fig, out):
        frames.append([fig, fig.canvas.get_renderer()])
        show(fig, out)

    for module in MODULES:
        monkeypatch.setattr(
            importlib.import_module(f"mfnet_lite.widgets.{module}"), "show", recording_show
        )
    return frames


def test_the_fixture_records_every_explorer():
    names = {n for m in MODULES for n in importlib.import_module(f"mfnet_lite.widgets.{m}").__all__}
    assert names == set(mf.widgets.__all__)


@pytest.mark.parametrize("name", mf.widgets.__all__)
def test_a_change_redraws_the_same_figure_with_the_same_renderer(name, shown):
    """Each change renders one PNG of the explorer's one figure, with the renderer of the first
    draw: matplotlib's caches of parsed mathtext and text extents live on the renderer, and a
    new renderer per change (a closed pyplot figure's savefig) made the explorers 2-3 times
    slower (benchmarks/widgets.py)."""
    args, kwargs = bench.explorer_arguments(name)
    box = getattr(mf.widgets, name)(*args, **kwargs)
    control = bench.controls(box)[0]
    control.value = bench.neighbour(control)
    assert len(shown) == 2
    (fig0, renderer0, png0), (fig1, renderer1, png1) = shown
    assert fig1 is fig0 and renderer1 is renderer0
    assert png0.startswith(b"\x89PNG") and png1.startswith(b"\x89PNG") and png1 != png0
