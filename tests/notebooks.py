"""Run a MyST-Markdown chapter top to bottom in a fresh kernel and collect what went wrong."""

from __future__ import annotations

import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def chapter_paths() -> list[Path]:
    """The chapters listed in _toc.yml, in book order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [ROOT / f"{f}.md" for f in files if f.startswith("chapters/")]


def execute(path: Path, timeout: int = 600):
    """Execute the notebook in its own folder; return (notebook, seconds, problems)."""
    nb = jupytext.read(path)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {i} wrote to stderr: {out.get('text', '')[:300]}")
    return nb, seconds, problems
