"""The explorers' redraw path (mfnet_lite/widgets/_render.py), exercised through the controls as
benchmarks/widgets.py drives them."""

import base64
import html
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

MODULES = ("homogeneity", "measures", "lazy", "meanfield", "momentum", "ntk", "spectral")


class Frames(list):
    alts: list


@pytest.fixture
def shown(monkeypatch):
    """(figure, its renderer, the PNG bytes) for every redraw of every explorer; the alt texts
    and HTML tags shown go to ``shown.alts``."""
    frames = Frames()
    frames.alts = []

    def display(bundle, raw=False):
        assert raw and set(bundle) == {"text/html", "image/png", "text/plain"}
        frames.alts.append((bundle["text/plain"], bundle["text/html"]))
        frames[-1].append(base64.b64decode(bundle["image/png"]))

    monkeypatch.setattr(_render, "display", display)
    show = _render.show

    def recording_show(fig, out, alt):
        frames.append([fig, fig.canvas.get_renderer()])
        show(fig, out, alt)

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


@pytest.mark.parametrize("name", mf.widgets.__all__)
def test_each_redraw_shows_an_image_with_a_description_of_the_settings(name, shown):
    """The explorer's PNG reaches the page as an <img> whose alt text describes the figure at
    the current settings (a screen reader reads it instead of a file name); a change of a
    control changes the description or the picture."""
    args, kwargs = bench.explorer_arguments(name)
    box = getattr(mf.widgets, name)(*args, **kwargs)
    control = bench.controls(box)[0]
    control.value = bench.neighbour(control)
    for alt, tag in shown.alts:
        assert len(alt.split()) >= 8, alt
        assert tag.startswith('<img src="data:image/png;base64,')
        assert f'alt="{html.escape(alt, quote=True)}"' in tag


@pytest.mark.parametrize("name", mf.widgets.__all__)
def test_every_control_has_a_description_a_screen_reader_can_read(name, shown):
    """Each live control carries the visible label it is named by (ipywidgets ``description``),
    in plain text, and none is disabled (every one is reachable with the keyboard)."""
    args, kwargs = bench.explorer_arguments(name)
    box = getattr(mf.widgets, name)(*args, **kwargs)
    controls = bench.controls(box)
    assert controls
    for control in controls:
        assert control.description.strip(), control
        assert not getattr(control, "description_allow_html", False), control
        assert not control.disabled, control


def test_show_refuses_an_image_without_a_description():
    fig, _ = _render.figure((2, 2))
    with pytest.raises(ValueError, match="alt"):
        _render.show(fig, None, " ")
