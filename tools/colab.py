"""Publish the chapters as notebooks that install themselves (Colab, or any bare Jupyter).

    python tools/colab.py build [--out DIR]            # make notebooks: _build/notebooks
    python tools/colab.py publish [--branch B] [--remote R] [--dir DIR]   # the workflow's step

`build` converts each chapter of _toc.yml (jupytext, MyST -> .ipynb, unexecuted) into
DIR/chapters/NAME.ipynb with one code cell put first: `setup_cell`. The chapter sources are not
changed, so the book and the jupytext round trip stay as they are. grading/build.py puts the
same cell at the top of each assignment's student notebook (`add_setup_cell`).

The set-up cell does nothing where `mfnet_lite` can be imported (the repository, Binder, `make
lab`, the grading sandbox). Elsewhere (Colab) it installs the book's package from the
repository named in _config.yml (`repository.url`) at the commit the notebooks were built from,
with the dependency ranges of pyproject.toml, and under a pip constraint file that holds every
installed distribution at its version: pip adds what is missing (POT, array-api-compat, ...) and
fails rather than replace the NumPy, Matplotlib or ipywidgets that the runtime already has
(Colab's own are imported as its kernel starts; replacing them would need a restart). The
chapters' `from myst_nb import glue` needs only myst-nb's glue module, so myst-nb is added
without its dependencies (Sphinx etc.), with the two that module imports (nbformat, docutils).
`MFNET_LITE_SOURCE=/path/to/checkout` points the same cell at a local checkout (tests/test_colab.py).

`publish` commits DIR as the whole tree of branch B (default `notebooks`) on top of its last
commit on remote R (a new branch the first time) and pushes it; Colab opens a notebook from a
GitHub branch path, and the Colab button of each chapter (_ext/colab_button.py) points there.
`--no-push` only commits (the local dry run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUP_ID = "mfnet-lite-setup"
# The myst-nb the book is built with (requirements.txt): the chapters import its `glue`.
MYST_NB = "myst-nb==1.4.0"

SETUP_TEMPLATE = """\
# Set-up for Colab or any Jupyter without the book's package; it does nothing where mfnet_lite
# imports. It installs mfnet_lite at the commit this notebook was built from, and only what is
# missing: every package already installed (NumPy, Matplotlib, ipywidgets, ...) keeps its version.
import importlib.util

if importlib.util.find_spec("mfnet_lite") is None:
    import os, pathlib, re, subprocess, sys, tempfile
    from importlib.metadata import distributions

    local = os.environ.get("MFNET_LITE_SOURCE")  # a checkout, instead of GitHub (for tests)
    github = "git+{repository}@{commit}"
    source = pathlib.Path(local).resolve().as_uri() if local else github
    keep = {{}}
    for dist in distributions():
        name, version = dist.metadata["Name"] or "", dist.version or ""
        if re.fullmatch(r"[\\w.-]+", name) and re.fullmatch(r"[\\w.!+-]+", version):
            keep.setdefault(name.lower(), f"{{name}}=={{version}}\\n")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        constraints.writelines(keep.values())
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    needs = [f"mfnet_lite @ {{source}}", "nbformat", "docutils"]  # the last two for myst-nb
    subprocess.run([*pip, *needs, "-c", constraints.name], check=True)
    if importlib.util.find_spec("myst_nb") is None:  # the chapters' `glue`, without Sphinx
        subprocess.run([*pip, "--no-deps", "{myst_nb}"], check=True)
    importlib.invalidate_caches()
"""


def repository_url(config: Path = ROOT / "_config.yml") -> str:
    """`repository.url` of _config.yml, checked to be a GitHub repository (Colab opens those)."""
    import yaml

    url = (yaml.safe_load(config.read_text()).get("repository") or {}).get("url", "")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url.rstrip("/")):
        raise ValueError(
            f"repository.url in {config} is {url!r}: give https://github.com/OWNER/REPO"
        )
    return url.rstrip("/")


def built_commit(root: Path = ROOT) -> str:
    """The commit the notebooks are built from: $GITHUB_SHA in the workflow, else HEAD."""
    sha = os.environ.get("GITHUB_SHA")
    if not sha:
        proc = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise ValueError(
                f"{root} is not a git checkout, so the commit for the set-up cell to install is "
                f"unknown: build from a clone, or set GITHUB_SHA ({proc.stderr.strip()[:200]})"
            )
        sha = proc.stdout.strip()
    if not re.fullmatch(r"[0-9a-f]{40}", sha):
        raise ValueError(f"the commit to install from is {sha!r}, not a 40-digit git hash")
    return sha


def setup_cell(repository: str, commit: str) -> dict:
    """The set-up code cell (nbformat 4 dict) that installs mfnet_lite at `commit`."""
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository):
        raise ValueError(f"repository is {repository!r}: give https://github.com/OWNER/REPO")
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise ValueError(f"commit is {commit!r}: give a 40-digit git hash")
    source = SETUP_TEMPLATE.format(repository=repository, commit=commit, myst_nb=MYST_NB)
    return {
        "cell_type": "code",
        "id": SETUP_ID,
        "metadata": {"tags": [SETUP_ID]},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def is_setup_cell(source: str, repository: str | None = None) -> bool:
    """Whether `source` is the set-up cell exactly as `setup_cell` writes it for `repository`
    (default: _config.yml's), at any commit. tools/notebook_flags.py passes over it: in the
    grading sandbox mfnet_lite imports, so its body never runs (a changed cell is flagged as
    any code is)."""
    repository = repository or repository_url()
    marker = "0" * 40
    pattern = re.escape(
        SETUP_TEMPLATE.format(repository=repository, commit=marker, myst_nb=MYST_NB)
    )
    pattern = pattern.replace(marker, "[0-9a-f]{40}")
    return re.fullmatch(pattern, source.strip() + "\n") is not None


def with_setup_cell(nb: dict, repository: str, commit: str) -> dict:
    """`nb` (an nbformat 4 dict) with the set-up cell first; an earlier set-up cell is replaced."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise TypeError("nb must be an nbformat 4 notebook (a dict with a 'cells' list)")
    cells = [c for c in nb["cells"] if c.get("id") != SETUP_ID]
    nb = dict(nb, cells=[setup_cell(repository, commit), *cells])
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 0))  # cell ids
    return nb


def add_setup_cell(path: Path, repository: str | None = None, commit: str | None = None) -> Path:
    """Put the set-up cell first in the notebook file `path` (grading/build.py's student
    notebooks), tagged for otter to skip; the repository and commit default to _config.yml's and
    `built_commit()`."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path} is not a notebook file")
    nb = json.loads(path.read_text())
    nb = with_setup_cell(nb, repository or repository_url(), commit or built_commit())
    # otter's own grading (Gradescope, `otter grade`) skips the cell: the assignments are graded
    # without the book's package, and the cell would install it (or fail offline)
    nb["cells"][0]["metadata"]["tags"].append("otter_ignore")
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return path


def chapter_sources(root: Path = ROOT) -> list[Path]:
    """The chapters of _toc.yml (files under chapters/), in book order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [root / f"{f}.md" for f in files if f.startswith("chapters/")]


def build(out: Path, repository: str | None = None, commit: str | None = None) -> list[Path]:
    """Write DIR/chapters/NAME.ipynb for each chapter, set-up cell first; return the paths."""
    import jupytext

    repository, commit = repository or repository_url(), commit or built_commit()
    out = Path(out).resolve()
    written = []
    for source in chapter_sources():
        nb = json.loads(jupytext.writes(jupytext.read(source), fmt="ipynb"))
        nb["metadata"].pop("jupytext", None)  # a plain notebook, not paired with the .md
        target = out / source.relative_to(ROOT).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(with_setup_cell(nb, repository, commit), indent=1, ensure_ascii=False)
        target.write_text(text + "\n")
        written.append(target)
    (out / "README.md").write_text(
        "# Notebooks of *Wide Two-Layer Networks*\n\n"
        f"Built by tools/colab.py from {repository}/tree/{commit}: each chapter as a notebook\n"
        "whose first cell installs the book's package where it is missing (Colab).\n"
        "This branch is rewritten by the book's workflow; edit the chapters on main.\n"
    )
    return written


def git(*args: str, cwd: Path = ROOT, env: dict | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.strip()[-2000:]}")
    return proc.stdout.strip()


def publish(
    folder: Path,
    branch: str = "notebooks",
    remote: str = "origin",
    push: bool = True,
    root: Path = ROOT,
) -> str:
    """Commit `folder` as the whole tree of `branch` (parent: the remote branch's tip, none the
    first time) and push it to `remote` unless `push` is False; return the new commit."""
    folder = Path(folder).resolve()
    if not any(folder.rglob("*.ipynb")):
        raise ValueError(f"{folder} holds no notebook: run `make notebooks` first")
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*", branch):
        raise ValueError(f"branch is {branch!r}: give a plain branch name such as 'notebooks'")
    parent = []
    remote_ref = f"refs/remotes/{remote}/{branch}"
    if git("ls-remote", "--heads", remote, branch, cwd=root):
        git("fetch", "--quiet", remote, f"+refs/heads/{branch}:{remote_ref}", cwd=root)
        parent = ["-p", git("rev-parse", remote_ref, cwd=root)]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"), GIT_WORK_TREE=str(folder))
        git("add", "--all", "--force", ".", cwd=folder, env=env | {"GIT_DIR": git_dir(root)})
        tree = git("write-tree", cwd=folder, env=env | {"GIT_DIR": git_dir(root)})
    source = built_commit(root)
    who = {
        "GIT_AUTHOR_NAME": "github-actions[bot]",
        "GIT_AUTHOR_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
    }
    who |= {k.replace("AUTHOR", "COMMITTER"): v for k, v in who.items()}
    message = f"Notebooks of {source} (tools/colab.py)"
    commit = git("commit-tree", tree, *parent, "-m", message, cwd=root, env=dict(os.environ, **who))
    if push:
        git("push", "--quiet", remote, f"{commit}:refs/heads/{branch}", cwd=root)
    return commit


def git_dir(root: Path) -> str:
    return str(Path(git("rev-parse", "--absolute-git-dir", cwd=root)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the chapters' notebooks (set-up cell first)")
    b.add_argument("--out", type=Path, default=ROOT / "_build" / "notebooks")
    p = sub.add_parser("publish", help="commit the built notebooks to their branch and push")
    p.add_argument("--dir", type=Path, default=ROOT / "_build" / "notebooks")
    p.add_argument("--branch", default="notebooks")
    p.add_argument("--remote", default="origin")
    p.add_argument("--no-push", action="store_true", help="commit only (a dry run)")
    args = parser.parse_args(argv)
    if args.command == "build":
        for path in build(args.out):
            print(path)
    else:
        commit = publish(args.dir, args.branch, args.remote, push=not args.no_push)
        print(f"{args.branch}: {commit}" + (" (not pushed)" if args.no_push else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
