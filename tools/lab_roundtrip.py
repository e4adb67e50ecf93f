"""Open each chapter in real JupyterLab, save it, and report whether the file changed.

    python tools/lab_roundtrip.py [--venv .venv] [FILE ...]

Needs what `make lab` installs (JupyterLab 4.6.6, jupyterlab-myst, jupytext) and Debian's
Chromium. Each file is copied into a temporary folder served by `jupyter lab` (the same
defaultViewers override as `make lab`: a .md opens as a notebook); Chromium opens it, waits for
the kernel, saves twice (Ctrl+S) and the bytes on disk are compared with the source. It also
counts the MyST-rendered nodes (jupyterlab-myst) on the page. Exit status 1 when a file
changed. tests/test_roundtrip.py checks the same round trip without a browser; this is the
end-to-end confirmation (README, "JupyterLab").
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import roundtrip  # noqa: E402

# Elements that jupyterlab-myst renders (its CSS classes all contain "myst").
MYST_NODES = "document.querySelectorAll('.jp-Notebook [class*=myst]').length"
VIEWERS = {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = [f.resolve() for f in args.files] or roundtrip.sources()
    overrides = args.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps({  # what `make lab` writes (its windowingMode too)
        "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": VIEWERS},
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}))  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    changed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for f in files:
            shutil.copy(f, folder / f.name)
        cmd = [str(args.venv / "bin" / "jupyter"), "lab", "--no-browser", f"--port={port}"]
        cmd += ["--ip=127.0.0.1", "--ServerApp.token=check", f"--ServerApp.root_dir={folder}"]
        cmd += ["--allow-root"] if os.getuid() == 0 else []
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(8)
            with sync_playwright() as pw:
                chromium = pw.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox"]
                )
                page = chromium.new_page(viewport={"width": 1400, "height": 1000})
                for f in files:
                    url = f"http://127.0.0.1:{port}/lab/tree/{f.name}?token=check&reset"
                    page.goto(url, timeout=120_000)
                    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
                    page.wait_for_selector(
                        ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000
                    )
                    for _ in range(2):
                        time.sleep(3)
                        page.keyboard.press("Control+s")
                    time.sleep(3)
                    myst = page.evaluate(MYST_NODES)  # cells in view render in the meantime
                    before = f.read_text(encoding="utf-8")
                    after = (folder / f.name).read_text(encoding="utf-8")
                    diff = [
                        line
                        for line in difflib.unified_diff(
                            before.splitlines(), after.splitlines(), lineterm="", n=0
                        )
                        if line[:1] in "+-" and not line.startswith(("+++", "---"))
                    ]
                    changed += after != before
                    state = "unchanged" if after == before else f"CHANGED, {len(diff)} lines"
                    print(f"{f.name}: {state} after open and save; {myst} MyST nodes rendered")
                chromium.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
