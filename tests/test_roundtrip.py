"""Chapters and assignments are fixed points of JupyterLab's open-and-save (jupytext's trip
MyST -> notebook -> MyST, tools/roundtrip.py), so opening one in `make lab` leaves no diff; and
`make lab` installs the MyST renderer for notebooks (jupyterlab-myst, pinned)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("roundtrip", ROOT / "tools" / "roundtrip.py")
roundtrip = importlib.util.module_from_spec(_spec)
sys.modules["roundtrip"] = roundtrip
_spec.loader.exec_module(roundtrip)


def test_every_chapter_and_assignment_is_listed():
    names = {p.name for p in roundtrip.sources()}
    assert {f"ch0{k}" for k in range(1, 8)} <= {n[:4] for n in names}
    assert any(p.parent.name == "assignments" for p in roundtrip.sources())


@pytest.mark.parametrize("path", roundtrip.sources(), ids=lambda p: p.stem)
def test_source_is_a_fixed_point_of_the_round_trip(path):
    assert not roundtrip.diff(path), (
        f"{path.name} changes when JupyterLab opens and saves it; run `make format-chapters`:\n"
        + roundtrip.diff(path)[:3000]
    )


@pytest.mark.parametrize("path", roundtrip.sources(), ids=lambda p: p.stem)
def test_kernelspec_is_the_one_ipykernel_installs(path):
    import jupytext
    from ipykernel.kernelspec import get_kernel_dict

    spec = jupytext.read(path).metadata["kernelspec"]
    installed = get_kernel_dict()
    assert spec["display_name"] == installed["display_name"]
    assert spec["language"] == installed["language"]
    assert spec["name"] == "python3"


SAMPLE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page
```{code-cell} ipython3
---
mystnb:
  figure:
    caption: |
      A caption over
      two lines.
    name: fig-x
---
x = 1
```
Text.
"""


def test_normalise_reaches_a_fixed_point_and_keeps_the_content():
    import jupytext

    assert roundtrip.round_trip(SAMPLE) != SAMPLE  # the sample moves on a plain round trip
    fixed = roundtrip.normalise(SAMPLE)
    assert roundtrip.round_trip(fixed) == fixed
    before, after = jupytext.reads(SAMPLE, fmt="md:myst"), jupytext.reads(fixed, fmt="md:myst")
    assert [c.source for c in after.cells] == [c.source for c in before.cells]
    caption = after.cells[1].metadata["mystnb"]["figure"]["caption"]
    assert caption == "A caption over two lines."
    assert after.metadata["kernelspec"] == roundtrip.KERNELSPEC


def test_check_command_fails_on_a_file_that_moves(tmp_path, capsys):
    path = tmp_path / "page.md"
    path.write_text(SAMPLE, encoding="utf-8")
    assert roundtrip.main(["check", str(path)]) == 1
    assert "caption" in capsys.readouterr().out
    assert roundtrip.main(["format", str(path)]) == 0
    assert roundtrip.main(["check", str(path)]) == 0


def test_make_lab_installs_the_pinned_myst_renderer_and_opens_md_as_notebooks():
    make = (ROOT / "Makefile").read_text()
    recipe = make.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"jupyterlab-myst==2\.7\.0", recipe)
    assert "Jupytext Notebook" in make
    assert "format-chapters:" in make


def test_installed_lab_has_the_myst_extension_enabled():
    """Where `make lab` has run: JupyterLab lists jupyterlab-myst as an enabled extension."""
    import shutil
    import subprocess

    jupyter = Path(sys.executable).with_name("jupyter")
    if importlib.util.find_spec("jupyterlab_myst") is None or not shutil.which(str(jupyter)):
        pytest.skip("jupyterlab-myst is installed by `make lab`, not by the test requirements")
    out = subprocess.run(
        [str(jupyter), "labextension", "list"], capture_output=True, text=True, timeout=120
    )
    text = out.stdout + out.stderr
    assert re.search(r"jupyterlab-myst v2\.7\.0 .*enabled", text), text
