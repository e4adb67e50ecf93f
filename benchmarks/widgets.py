"""Responsiveness of the live explorers: time from a control change to the redrawn figure.

``python benchmarks/widgets.py [--repeats 5]`` builds every explorer of
``mfnet_lite.widgets.__all__`` at its chapter's default settings inside an IPython shell with the
inline backend (so ``display(fig)`` renders the PNG a notebook would receive), then, for each
control, sets it to a neighbouring value and back ``repeats`` times (or clicks a button),
timing each change until the callback has returned with the figure rendered. Prints the median
per control and per explorer; the goal is a median under 0.2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

import ipywidgets as widgets
import numpy as np
from IPython.core.interactiveshell import InteractiveShell

import mfnet_lite as mf

GOAL = 0.2


def explorer_arguments(name: str):
    """The positional and keyword arguments each chapter passes (the others take defaults)."""
    if name == "mixture_explorer":  # chapter 2: a teacher and the same teacher permuted
        X, y, teacher = mf.data.teacher_student(200, 2, 5, np.random.default_rng(2))
        order = np.argsort(teacher.a)
        swap = np.empty(teacher.m, dtype=int)
        swap[order] = order[::-1]
        swapped = teacher.replace(a=teacher.a[swap], B=teacher.B[swap])
        return (teacher, swapped, X, y), {}
    if name == "distance_explorer":  # chapter 3: two clouds of 30 points
        rng = np.random.default_rng(3)
        return (rng.standard_normal((30, 2)), rng.standard_normal((30, 2))), {"rng": 3}
    return (), {}


def controls(widget) -> list:
    """Every control in the widget tree (sliders, toggles, dropdowns, checkboxes, buttons)."""
    found = []
    if isinstance(widget, widgets.Button) or (
        isinstance(widget, widgets.ValueWidget)
        and not isinstance(widget, widgets.Output | widgets.Label | widgets.HTML | widgets.HTMLMath)
        and not getattr(widget, "disabled", False)
    ):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += controls(child)
    return found


def neighbour(control):
    """A value next to the current one, or None when the control cannot be changed."""
    options = getattr(control, "options", None)
    if isinstance(control, widgets.SelectMultiple):  # add the last option, or drop it
        last = options[-1][1] if isinstance(options[-1], tuple) else options[-1]
        chosen = tuple(v for v in control.value if v != last)
        return chosen if chosen != tuple(control.value) else (*chosen, last)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        i = values.index(control.value)
        return values[i + 1] if i + 1 < len(values) else values[i - 1]
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return not control.value
    if isinstance(control, widgets.FloatLogSlider):  # min, max and step are exponents
        exponent = np.log(control.value) / np.log(control.base)
        up = exponent + control.step
        return control.base ** (up if up <= control.max else exponent - control.step)
    if hasattr(control, "max") and hasattr(control, "step"):
        step = control.step or (control.max - control.min) / 10
        up = control.value + step
        return up if up <= control.max else control.value - step
    return None


def time_control(control, repeats: int) -> list[float]:
    times = []
    if isinstance(control, widgets.Button):
        for _ in range(repeats):
            start = time.perf_counter()
            control.click()
            times.append(time.perf_counter() - start)
        return times
    other = neighbour(control)
    if other is None:
        return times
    original = control.value
    for _ in range(repeats):
        for value in (other, original):
            start = time.perf_counter()
            control.value = value
            times.append(time.perf_counter() - start)
    return times


def label(control) -> str:
    return control.description or getattr(control, "tooltip", "") or type(control).__name__


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    shell = InteractiveShell.instance()
    shell.enable_gui = lambda gui=None: None  # the inline backend needs no event loop
    shell.enable_matplotlib("inline")
    shell.display_pub.publish = lambda *a, **k: None  # render the PNG, print nothing
    rows = []
    for name in mf.widgets.__all__:
        posargs, kwargs = explorer_arguments(name)
        start = time.perf_counter()
        box = getattr(mf.widgets, name)(*posargs, **kwargs)
        build = time.perf_counter() - start
        per_control = {}
        for control in controls(box):
            # Output.clear_output writes terminal escapes outside a kernel: keep them off.
            with contextlib.redirect_stdout(io.StringIO()):
                times = time_control(control, args.repeats)
            if times:
                per_control[f"{type(control).__name__} '{label(control)}'"] = times
        every = [t for ts in per_control.values() for t in ts]
        median = statistics.median(every) if every else float("nan")
        rows.append((name, median, build))
        print(f"{name}: median {median:.3f} s over {len(every)} changes (built in {build:.2f} s)")
        for control, times in per_control.items():
            print(f"    {control:40s} median {statistics.median(times):.3f} s")
    slow = [name for name, median, _ in rows if not median < GOAL]
    print(f"\nGoal: median < {GOAL} s. Slower: {', '.join(slow) if slow else 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
