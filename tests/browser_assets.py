"""Local copies of the scripts the built pages load from CDNs, installed from the npm registry.

The book's pages ask four hosts for scripts and styles (MathJax, the ipywidgets HTML manager,
require.js and Font Awesome 4). The browser test answers those requests from these packages,
pinned here, so the check runs offline and sees exactly what a reader's browser would run. A
fifth package, axe-core, is the accessibility engine the test injects into every page.
``python tests/browser_assets.py`` (or ``make browser-assets``) installs them when missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Under .venv: survives `make clean`, and is ignored by git and by the book build.
ASSETS = ROOT / ".venv" / "browser-assets"
NPM_PACKAGES = {
    "mathjax": "3.2.2",  # the page asks for mathjax@3 (Sphinx's default MathJax 3 URL)
    "@jupyter-widgets/html-manager": "1.0.6",  # myst-nb's ipywidgets embedder
    "requirejs": "2.3.4",  # myst-nb loads require.js 2.3.4 from cdnjs
    "font-awesome": "4.4.0",  # matplotlib's to_jshtml play/pause icons
    # Not asked for by the pages: the lecture decks of `make slides` (tools/slides.py) copy it.
    "reveal.js": "4.6.1",
    # Not asked for by the pages: the accessibility engine tests/browser.py injects into each
    # page (WCAG 2.1 A and AA rules).
    "axe-core": "4.14.1",
}


def package_dir(name: str, prefix: Path = ASSETS) -> Path:
    return prefix / "node_modules" / name


def missing(prefix: Path = ASSETS) -> list[str]:
    """The pinned packages that are absent from ``prefix`` or at another version."""
    out = []
    for name, version in NPM_PACKAGES.items():
        meta = package_dir(name, prefix) / "package.json"
        if not meta.is_file() or json.loads(meta.read_text()).get("version") != version:
            out.append(f"{name}@{version}")
    return out


def ensure(prefix: Path = ASSETS) -> Path:
    """Install the pinned packages into ``prefix`` with npm unless they are all there."""
    todo = missing(prefix)
    if todo:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is missing: install Node.js (Debian: apt-get install -y npm)")
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-save", "--no-package-lock"]
            + ["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
            + [f"{n}@{v}" for n, v in NPM_PACKAGES.items()],
            check=True,
        )
        if still := missing(prefix):
            raise RuntimeError(f"npm did not install {still} into {prefix}")
    return prefix


def routes(prefix: Path = ASSETS) -> list[tuple[re.Pattern, Path]]:
    """(URL pattern with one group: the path inside the package, local folder) pairs."""
    nm = prefix / "node_modules"
    cdn = r"https://(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/"
    return [
        (re.compile(cdn + r"mathjax@3(?:\.[\d.]+)?/(.*)"), nm / "mathjax"),
        (re.compile(cdn + r"@jupyter-widgets/html-manager@1\.0\.6/(.*)"),
         nm / "@jupyter-widgets" / "html-manager"),
        (re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/2\.3\.4/(require)\.min\.js"),
         nm / "requirejs"),
        (re.compile(r"https://maxcdn\.bootstrapcdn\.com/font-awesome/4\.4\.0/(.*)"),
         nm / "font-awesome"),
    ]  # fmt: skip


def axe_script(prefix: Path = ASSETS) -> str:
    """The source of axe-core's minified engine (injected into a page by the browser test)."""
    return (package_dir("axe-core", prefix) / "axe.min.js").read_text(encoding="utf-8")


def local_file(url: str, prefix: Path = ASSETS) -> Path | None:
    """The local copy answering ``url``, or None when the URL is not an expected one."""
    url = url.split("?", 1)[0].split("#", 1)[0]
    for pattern, folder in routes(prefix):
        if m := pattern.fullmatch(url):
            rel = m.group(1)
            if folder.name == "requirejs":
                rel = "require.js"  # npm ships the unminified file: same code
            path = (folder / rel).resolve()
            if path.is_file() and folder.resolve() in path.parents:
                return path
            return None
    return None


if __name__ == "__main__":
    print(ensure())
    sys.exit(0)
