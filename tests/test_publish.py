"""Publishing: the workflow validates against GitHub's schema and calls only Makefile targets;
`make serve` serves the book and stops cleanly; the built book links every chapter and its
repository button points at the URL of _config.yml; the logo is drawn by the package."""

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, flags=re.M))


def test_there_is_a_workflow():
    assert WORKFLOWS, "no workflow under .github/workflows"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow):
    proc = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_run_step_calls_an_existing_make_target(workflow):
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    targets = makefile_targets()
    runs = [step["run"] for job in jobs.values() for step in job.get("steps", []) if "run" in step]
    assert runs, "the workflow runs nothing"
    for run in runs:
        called = re.findall(r"\bmake\s+([\w.-]+)", run)
        assert called, f"step {run!r} does not call make: build logic must live in the Makefile"
        assert set(called) <= targets, f"{run!r} calls a target missing from the Makefile"


def test_pages_deploy_has_minimal_permissions():
    wf = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())
    assert wf["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_make_serve_answers_and_stops(tmp_path):
    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text("<html>the book</html>")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "serve.py"), "--port", "0", "--dir", str(site)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + "index.html", timeout=10) as response:
            assert response.status == 200 and b"the book" in response.read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert "Stopped" in proc.stdout.read()


def test_make_serve_target_runs_the_server(tmp_path):
    """`make serve` itself (the Makefile recipe), on a built book, a free port, then SIGTERM."""
    if not (ROOT / "_build/html/index.html").exists():
        pytest.skip(
            "no built book yet: tests/test_book.py builds it (it runs earlier in make test)"
        )
    env = dict(os.environ, PORT="0")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "-s", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = ""
        while "Serving" not in line:
            line = proc.stdout.readline()
            assert line, "make serve exited without serving"
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + "index.html", timeout=10) as response:
            assert response.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)


def test_serve_refuses_a_missing_book(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "serve.py"), "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "make book" in proc.stderr


def test_logo_is_drawn(tmp_path):
    from mfnet_lite.plots import logo

    logo.main([str(tmp_path)])
    assert (tmp_path / "logo.png").stat().st_size > 1000
    assert (tmp_path / "favicon.png").stat().st_size > 100


@pytest.mark.book
def test_built_index_links_every_chapter_and_the_repository(built_book):
    assert built_book.returncode == 0
    html = (ROOT / "_build/html/index.html").read_text()
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', html)
    if redirect:  # Jupyter Book's index.html forwards to the root page
        html = (ROOT / "_build/html" / redirect.group(1)).read_text()
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            assert f'href="{chapter["file"]}.html"' in html, f"index.html misses {chapter['file']}"
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert f'href="{url}"' in html, "the repository button does not point at repository.url"
    assert "CC BY 4.0" in html and "MIT" in html
