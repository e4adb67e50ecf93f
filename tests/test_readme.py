"""The README's quick start, run as a script, prints what the README says it prints.

The quick start is the first ```python block of the README's "Run" item; the expected output is
the ```text block that follows it. The script runs in a fresh interpreter (as a reader pastes it
into a file), and its printed numbers are checked against the run recomputed here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _blocks() -> tuple[str, str]:
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"\*\*Run\*\*.*?```python\n(.*?)```.*?```text\n(.*?)```", readme, flags=re.DOTALL)
    assert m, "the README's Run item has no ```python block followed by a ```text block"
    return textwrap.dedent(m.group(1)), textwrap.dedent(m.group(2))


def test_quick_start_prints_what_the_readme_states(tmp_path):
    code, expected = _blocks()
    script = tmp_path / "quick_start.py"
    script.write_text(code)
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip(), "the quick start prints nothing"
    assert proc.stdout.strip().splitlines() == expected.strip().splitlines(), proc.stdout


def test_quick_start_numbers_are_the_run():
    """The stated numbers, recomputed independently: the risk from its formula
    R = (1/2n) sum_i (h(x_i) - y_i)^2 at the start and after the stated steps."""
    import numpy as np

    import mfnet_lite as mf

    _, expected = _blocks()
    numbers = [float(x) for x in re.findall(r"\d[\d.]*e?-?\d*", expected) if x != "2000"]
    start, end, ratio = numbers
    X, y, _ = mf.data.teacher_student(n=100, d=2, m0=5, rng=0)
    net = mf.model.init_network(100, 2, rng=1, init="sphere", radius=0.05)
    run = mf.train.gd(net, X, y, step=4.0, steps=2000)
    r0 = 0.5 * np.mean((net.predict(X) - y) ** 2)
    assert np.isclose(run.losses[0], r0, rtol=1e-12)
    assert float(f"{r0:.3g}") == start
    assert float(f"{run.losses[-1]:.3g}") == end
    assert float(f"{run.losses[-1] / r0:.1e}") == ratio
