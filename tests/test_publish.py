"""Publishing (issue #10): the workflow validates against GitHub's schema, calls only Makefile
targets and deploys to Pages only from main with minimal permissions; `make serve` serves a
book on a free port and stops cleanly on SIGTERM and SIGINT (and builds the book first when
there is none); the logo is drawn by the package; the README's Pages address matches
_config.yml; the built index.html links every chapter, its repository button points at
`repository.url` and its footer names both licences."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
ADDRESS = re.compile(r"http://127\.0\.0\.1:(\d+)/")
TIMEOUT = 20  # seconds for a server to start or stop: ~0.2 s measured, slack for a busy machine


def makefile_targets(text: str) -> set[str]:
    """Explicit targets of a Makefile: `name:` at the start of a line, not `name :=`."""
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, flags=re.M))


def workflow_problems(workflow: dict, targets: set[str]) -> list[str]:
    """Each `run:` step that does anything but call `make` targets that exist."""
    problems = []
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            if "run" not in step:
                continue
            for line in filter(None, (x.strip() for x in step["run"].splitlines())):
                called = re.fullmatch(r"make((?:\s+[\w.-]+)+)", line)
                if not called:
                    problems.append(f"{name}: {line!r} is not `make TARGET`")
                elif missing := set(called.group(1).split()) - targets:
                    problems.append(f"{name}: {line!r} calls missing targets {sorted(missing)}")
    return problems


def schema_check(path: Path) -> subprocess.CompletedProcess:
    cmd = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


# --- the workflow ---------------------------------------------------------------------------


def test_there_is_a_workflow():
    assert WORKFLOW in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow):
    proc = schema_check(workflow)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    """Negative control: the validator really reads the file (a job without runs-on fails)."""
    wf = yaml.safe_load(WORKFLOW.read_text())
    del wf["jobs"]["build"]["runs-on"]
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(wf))
    assert schema_check(broken).returncode != 0


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_run_step_calls_an_existing_make_target(workflow):
    wf = yaml.safe_load(workflow.read_text())
    runs = [s for job in wf["jobs"].values() for s in job.get("steps", []) if "run" in s]
    assert runs, "the workflow runs nothing"
    assert workflow_problems(wf, makefile_targets((ROOT / "Makefile").read_text())) == []


def test_run_step_check_catches_inline_logic_and_missing_targets():
    """Negative control for the check above."""
    wf = {"jobs": {"j": {"steps": [{"run": "pip install -r requirements.txt"}]}}}
    assert workflow_problems(wf, {"book"})
    wf = {"jobs": {"j": {"steps": [{"run": "make book\nmake publish"}]}}}
    assert workflow_problems(wf, {"book"}) == [
        "j: 'make publish' calls missing targets ['publish']"
    ]


def test_workflow_builds_on_pull_requests_and_deploys_only_from_main():
    wf = yaml.safe_load(WORKFLOW.read_text())
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert runs.index("make test") < runs.index("make book")
    uses = {s["uses"].split("@")[0]: s for s in build["steps"] if "uses" in s}
    python = uses["actions/setup-python"]["with"]
    assert python["python-version"] == "3.11" and python["cache"] == "pip"
    keyed = python["cache-dependency-path"].split()
    assert keyed == ["requirements.txt", "requirements-test.txt"]
    assert all((ROOT / f).is_file() for f in keyed)
    assert uses["actions/upload-artifact"]["with"]["path"] == "_build/html"
    main_only = "github.ref == 'refs/heads/main' && github.event_name != 'pull_request'"
    assert uses["actions/upload-pages-artifact"]["if"] == main_only
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    assert deploy["if"] == main_only and deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]
    assert "group" in wf["concurrency"]
    assert wf["defaults"]["run"]["shell"] == "bash"  # -eo pipefail on GitHub's side too


def test_pages_deploy_has_minimal_permissions():
    wf = yaml.safe_load(WORKFLOW.read_text())
    assert wf["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in wf["jobs"]["build"]


def test_makefile_builds_strictly():
    """Recipes run under `bash -euo pipefail`, and the book build treats warnings as errors."""
    text = (ROOT / "Makefile").read_text()
    assert re.search(r"^\.SHELLFLAGS := -euo pipefail -c$", text, flags=re.M)
    assert re.search(r"^SHELL := /bin/bash$", text, flags=re.M)
    book = re.search(r"^book:.*\n((?:\t.*\n)+)", text, flags=re.M).group(1)
    assert "tools/build_book.py $(if $(JOBS),--jobs $(JOBS)) . -W -n --keep-going" in book


# --- make serve -----------------------------------------------------------------------------


# A make started by these tests is a fresh one, not a sub-make of the `make test` running them.
MAKE_ENV = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}


def make(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `make ARGS` to completion (one minute at most), capturing its output."""
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=cwd,
        env=MAKE_ENV if env is None else env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def fake_book(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<html><body>the fake book</body></html>")
    return folder


def start(cmd: list[str], **kwargs) -> tuple[subprocess.Popen, str]:
    """Start a server; return the process and the address printed on its first line."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )
    line = proc.stdout.readline()  # blocks until the address is printed or the process ends
    match = ADDRESS.search(line)
    if not match:
        proc.kill()
        pytest.fail(f"no address printed: {line!r} {proc.communicate(timeout=TIMEOUT)}")
    return proc, match.group(0)


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.status, response.read()


def refused(url: str) -> bool:
    try:
        get(url)
    except urllib.error.URLError as exc:
        return isinstance(exc.reason, ConnectionRefusedError)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_server_answers_and_stops_cleanly(tmp_path, sig):
    site = fake_book(tmp_path / "html")
    cmd = [sys.executable, str(ROOT / "tools" / "serve.py"), "--port", "0", "--dir", str(site)]
    proc, url = start(cmd)
    try:
        assert get(url + "index.html") == (200, b"<html><body>the fake book</body></html>")
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "Stopped." and err == ""
    assert refused(url + "index.html")


def test_make_serve_serves_on_a_free_port_and_stops_on_sigterm(tmp_path):
    """The Makefile recipe itself: PORT=0, a fake book via HTML=, SIGTERM sent to make only.

    GNU make passes SIGTERM on to the server, which closes its socket and exits.
    """
    site = fake_book(tmp_path / "html")
    cmd = ["make", "--no-print-directory", "serve", "PORT=0", f"HTML={site}"]
    proc, url = start(cmd, cwd=ROOT, env=MAKE_ENV, start_new_session=True)
    try:
        assert get(url + "index.html")[0] == 200
        proc.terminate()
        out, _ = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Stopped." in out
    assert refused(url + "index.html")


def test_make_serve_honours_port(tmp_path):
    site = fake_book(tmp_path / "html")
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = ["make", "--no-print-directory", "serve", f"PORT={port}", f"HTML={site}"]
    proc, url = start(cmd, cwd=ROOT, env=MAKE_ENV, start_new_session=True)
    try:
        assert url == f"http://127.0.0.1:{port}/"
        assert get(url + "index.html")[0] == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=TIMEOUT)


def test_serve_explains_a_busy_port(tmp_path):
    site = fake_book(tmp_path / "html")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, str(ROOT / "tools/serve.py"), "--port", str(port), "--dir", site],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert proc.returncode == 2 and "PORT" in proc.stderr and "Traceback" not in proc.stderr


def test_serve_refuses_a_bad_port_and_a_missing_book(tmp_path):
    serve = [sys.executable, str(ROOT / "tools" / "serve.py")]
    site = fake_book(tmp_path / "html")
    bad = subprocess.run(serve + ["--port", "70000", "--dir", site], capture_output=True, text=True)
    assert bad.returncode == 2 and "PORT == 70000" in bad.stderr
    missing = subprocess.run(
        serve + ["--dir", tmp_path / "nothing"], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "make book" in missing.stderr


def test_make_serve_builds_the_book_first_when_there_is_none(tmp_path):
    """In a scratch copy of the Makefile, `make -n serve` (dry run) plans the book build when
    _build/html/index.html is missing, and does not once it exists. (Under -n, make still runs
    the line that calls $(MAKE) book, and the inner make only prints its commands.)"""
    for name in ["Makefile", "requirements.txt", "requirements-test.txt", "pyproject.toml"]:
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "serve.py", tmp_path / "tools" / "serve.py")

    def plan() -> str:
        proc = make("-n", "serve", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    without = plan()
    assert re.search(r"tools/build_book\.py +\. -W -n --keep-going", without)  # JOBS unset
    assert without.index("tools/build_book.py") < without.index("tools/serve.py")
    fake_book(tmp_path / "_build" / "html")
    assert "build_book" not in plan()


def test_system_deps_leaves_an_installed_chromium_alone(tmp_path):
    """With `chromium` on PATH (as on GitHub's Ubuntu runners) the target only reports it."""
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\necho fake chromium\n")
    chromium.chmod(0o755)
    env = dict(MAKE_ENV, PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    proc = make("system-deps", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"chromium: {chromium}"


# --- logo, configuration, README ------------------------------------------------------------


def test_logo_and_favicon_are_drawn(tmp_path):
    from matplotlib.image import imread

    from mfnet_lite.plots import logo

    logo.main([str(tmp_path)])
    big, small = imread(tmp_path / "logo.png"), imread(tmp_path / "favicon.png")
    assert big.shape == (256, 256, 4) and small.shape == (64, 64, 4)
    # Transparent background, but a drawing on it: some pixels opaque, most not.
    opaque = big[..., 3] > 0.5
    assert 0.02 < opaque.mean() < 0.5


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"m": 0}, "m"), ({"steps": 0}, "steps"), ({"size_inches": 0}, "size")]
)
def test_logo_rejects_bad_sizes(kwargs, name):
    from mfnet_lite.plots.logo import draw_logo

    with pytest.raises(ValueError, match=name):
        draw_logo(**kwargs)


def test_config_names_the_repository_once_and_the_buttons_use_it():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo["url"])
    assert repo["branch"] == "main" and "path_to_book" in repo
    html = config["html"]
    assert html["use_repository_button"] and html["use_issues_button"]
    assert html["use_edit_page_button"]
    assert html["favicon"] == "_static/favicon.png" and config["logo"] == "_static/logo.png"
    assert "MIT" in html["extra_footer"] and "CC BY 4.0" in html["extra_footer"]
    # "One place": no other tracked text file names the URL but the README (which explains it).
    grep = subprocess.run(
        ["git", "grep", "-l", repo["url"]], cwd=ROOT, capture_output=True, text=True
    )
    if grep.returncode not in (0, 1):  # 1: no match
        pytest.skip(f"not a git checkout: {grep.stderr.strip()}")
    tracked = grep.stdout.split()
    assert set(tracked) <= {"_config.yml", "README.md"}, tracked


def test_readme_gives_the_pages_address_of_the_configured_repository():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    owner, name = url.rstrip("/").split("/")[-2:]
    readme = (ROOT / "README.md").read_text()
    assert f"https://{owner}.github.io/{name}/" in readme
    assert "GitHub Actions" in readme and "make serve" in readme and "CC BY 4.0" in readme
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


# --- the built book (after tests/test_book.py, which builds it once per session) -------------


def root_page(html_dir: Path) -> str:
    html = (html_dir / "index.html").read_text()
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', html)
    if redirect:  # Jupyter Book's index.html forwards to the root page
        html = (html_dir / redirect.group(1)).read_text()
    return html


@pytest.mark.book
def test_built_index_links_every_chapter_and_the_repository(built_book):
    assert built_book.returncode == 0, (built_book.stdout + built_book.stderr)[-3000:]
    html = root_page(ROOT / "_build" / "html")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            assert f'href="{chapter["file"]}.html"' in html, f"index.html misses {chapter['file']}"
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"]
    assert f'href="{url}"' in html, "the repository button does not point at repository.url"
    assert f'href="{url}/issues/new?title=' in html, "the issues button does not use it"
    assert f'href="{url}/edit/{config["repository"]["branch"]}/' in html
    assert "CC BY 4.0" in html and "MIT" in html
    assert (ROOT / "_build" / "html" / "_static" / "logo.png").is_file()
    assert 'rel="icon" href="_static/favicon.png"' in html
