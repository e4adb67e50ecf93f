"""Accessibility of what the package and the chapters put on the page, checked without a browser.

tests/test_browser.py runs axe-core on the built pages; these tests pin the sources: every
animation carries a description (alt text of its frames, caption of its print strip), the frame
slider a name, every figure cell of a chapter an alt text beside its caption, and the palette
colour-blind-safe colours with at least 3:1 contrast on white, each with its own line style.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.colors import to_rgb

import mfnet_lite as mf
from mfnet_lite.plots import _style

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("ch*.md"))


def _animation(frames=5):
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 0])
    return FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=frames)


def test_jshtml_puts_the_description_on_the_frame_and_names_the_slider():
    anim = mf.plots.describe(_animation(), 'A line tilting up, frame by frame "quoted"')
    html = mf.plots.jshtml(anim).data
    img = re.search(r'<img id="_anim_img\w+" alt="([^"]*)">', html)
    assert img and img.group(1) == "A line tilting up, frame by frame &quot;quoted&quot;"
    assert re.search(r'<input [^>]*class="anim-slider" aria-label="Animation frame"', html)


def test_jshtml_adds_a_print_strip_of_evenly_spaced_frames_with_a_caption():
    html = mf.plots.jshtml(_animation(frames=7), alt="A line tilting up", strip=3).data
    strip = re.search(r'<figure class="anim-print-strip" hidden>(.*?)</figure>', html, re.S).group(1)
    frames = re.findall(r'<img src="(data:image/png;base64,[A-Za-z0-9+/=]+)" alt="([^"]+)">', strip)
    assert [a for _, a in frames] == [f"Frame {k} of 7: A line tilting up" for k in (1, 4, 7)]
    assert len({src for src, _ in frames}) == 3  # three different pictures
    assert "<figcaption>Animation, frames 1, 4, 7 of 7: A line tilting up</figcaption>" in strip


def test_jshtml_refuses_an_animation_without_a_description():
    with pytest.raises(ValueError, match="alt"):
        mf.plots.jshtml(_animation())
    with pytest.raises(ValueError, match="strip"):
        mf.plots.jshtml(_animation(), alt="a line", strip=1)
    with pytest.raises(ValueError, match="text"):
        mf.plots.describe(_animation(), "  ")


def test_every_animate_function_describes_its_animation():
    """Each animate_* function is called in the chapters through jshtml with no alt: each must
    attach its own description (an undescribed one fails the chapter)."""
    names = [n for n in mf.plots.__all__ if n.startswith("animate_")]
    assert len(names) >= 7
    for name in names:
        source = Path(getattr(mf.plots, name).__code__.co_filename).read_text()
        body = source.split(f"def {name}(", 1)[1].split("\ndef ", 1)[0]
        assert "return describe(" in body, name


def test_every_chapter_animation_is_shown_through_jshtml():
    for chapter in CHAPTERS:
        text = chapter.read_text(encoding="utf-8")
        for call in re.findall(r"mf\.plots\.animate_\w+", text):
            assert f"mf.plots.jshtml({call}" in text, (chapter.name, call)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_cell_has_alt_text_beside_its_caption(chapter):
    import yaml

    text = chapter.read_text(encoding="utf-8")
    cells = re.findall(r"```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", text, re.S)
    figures = [yaml.safe_load(c)["mystnb"] for c in cells if "figure:" in c]
    assert figures, chapter.name
    for meta in figures:
        name = meta["figure"]["name"]
        alt = meta.get("image", {}).get("alt", "")
        assert len(alt.split()) >= 8, f"{name}: alt text missing or too short: {alt!r}"
        assert not re.search(r"\.(png|svg|jpe?g)\b|_images/|\$", alt), (name, alt)


def _contrast(colour, background="white"):
    def lum(c):
        rgb = np.array(to_rgb(c))
        rgb = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return rgb @ [0.2126, 0.7152, 0.0722]

    hi, lo = sorted([lum(colour), lum(background)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_palette_is_distinct_by_line_style_and_readable_on_white():
    cycle = plt.rcParams["axes.prop_cycle"].by_key()
    assert cycle["color"] == _style.PALETTE
    assert len(set(map(str, cycle["linestyle"]))) == len(cycle["color"])
    for colour in _style.PALETTE + [mf.plots.meanfield.POSITIVE, mf.plots.meanfield.NEGATIVE]:
        assert _contrast(colour) >= 3.0, colour  # WCAG 1.4.11, graphical objects


def test_particle_signs_differ_in_shape():
    paths = mf.plots.meanfield.sign_markers(np.array([1.0, -1.0, 2.0]))
    assert paths[0] is paths[2] and paths[0] is not paths[1]
    assert not np.allclose(paths[0].vertices[:3], paths[1].vertices[:3])


def test_no_light_grey_lines_in_the_figures():
    """Greys lighter than 0.55 fall below the 3:1 contrast on white that lines carrying meaning
    need (WCAG 1.4.11): teacher lines, start markers, loss curves. The logo is decoration."""
    grey = re.compile(r"""colors?=["']0\.([6-9]|5[6-9])""")
    for path in (ROOT / "mfnet_lite").rglob("*.py"):
        if path.name == "logo.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not grey.search(line), f"{path.name}:{number}: {line.strip()}"
    assert _contrast("0.55") >= 3.0 > _contrast("0.6")
