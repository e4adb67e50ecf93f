"""Drive JupyterLab as `make lab` sets it up, offline, in headless Chromium: tests/test_lab_browser.py.

:func:`lab_pins` and :func:`lab_overrides` read what the Makefile's ``lab`` target installs and
writes, so the test runs the student's setup and not a copy of it. :func:`server` starts
``jupyter lab`` on 127.0.0.1 (a free port, a random token) with its settings, workspaces and
runtime files in a temporary folder; :class:`Lab` opens a notebook in Chromium through
``window.jupyterapp`` (``--LabApp.expose_app_in_browser``), answers requests for another host
from the npm copies of :mod:`browser_assets` (matplotlib's player asks for Font Awesome) and
records any other one. :func:`expected_numbers` and :func:`check_prose` compare the numbers the
page shows with an independent execution of the chapter (nbclient).
"""

from __future__ import annotations

import ast
import contextlib
import json
import mimetypes
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import browser
import browser_assets

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"

# A prose number, in either of its forms: {eval}`G["key:fmt"]` (mfnet_lite.prose, shown by
# jupyterlab-myst) or {glue:text}`key:fmt` (myst-nb only: JupyterLab shows the key).
ROLE = re.compile(
    r'\{eval\}`G\["([A-Za-z0-9_]+)(?::([^"`]*))?"\]`|\{glue:text\}`([A-Za-z0-9_]+)(?::([^`]*))?`'
)
# The plain text that follows a role in the source, rendered as it is (no markup characters).
_PLAIN_AFTER = re.compile(r"[^$`{}\[\]*_\\\n<>]{0,12}")


def lab_pins() -> list[str]:
    """The ``name==version`` requirements that ``make lab`` installs (Makefile)."""
    m = re.search(r"^lab:.*\n\t.*pip install --quiet ([^\n]+)$", MAKEFILE.read_text(), re.M)
    if m is None:
        raise ValueError("Makefile: no `pip install --quiet ...` line under the `lab:` target.")
    return m.group(1).split()


def lab_overrides() -> dict:
    """The settings overrides that ``make lab`` writes (its ``echo '...' > overrides.json``)."""
    m = re.search(r"^\t@echo '(\{.*\})' > \$\(LAB_OVERRIDES\)$", MAKEFILE.read_text(), re.M)
    if m is None:
        raise ValueError("Makefile: no `@echo '{...}' > $(LAB_OVERRIDES)` line in `lab:`.")
    return json.loads(m.group(1))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(notebooks: Path, work: Path, timeout: float = 90):
    """Start ``jupyter lab`` serving ``notebooks``; yields ``(base_url, token)``.

    The app settings folder holds ``make lab``'s overrides; the user settings folder turns
    autosave off (nothing is written back unless a test saves) and the news and update checks
    off (no request leaves the machine). The server's environment puts this checkout first on
    ``PYTHONPATH``, so the kernels import its ``mfnet_lite``.
    """
    app, user = work / "app-settings", work / "user-settings"
    app.mkdir(parents=True)
    (app / "overrides.json").write_text(json.dumps(lab_overrides()))
    user_files = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, value in user_files.items():
        (user / name).parent.mkdir(parents=True, exist_ok=True)
        (user / name).write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(
        JUPYTER_RUNTIME_DIR=str(work / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(user),
        JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
        MFNET_LITE_PROGRESS="0",
    )
    cmd = [
        str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}", f"--LabApp.user_settings_dir={user}",
        f"--LabApp.app_settings_dir={app}", f"--LabApp.workspaces_dir={work / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly",
        "--ServerApp.terminals_enabled=False",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited: {(work / 'server.log').read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer in {timeout} s")
            time.sleep(0.3)  # polling the server's port: there is no event to wait on
        yield base, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


# Reads the open notebook: what changed since the file was read, and what its cells show.
_OPENING = r"""
async (name) => {
  const w = window.jupyterapp.shell.currentWidget;
  const disk = (await window.jupyterapp.serviceManager.contents.get(
      name, {type: 'notebook', content: true})).content;
  const live = w.context.model.toJSON();
  const canon = x => JSON.stringify(x, (k, v) => (v && typeof v === 'object' && !Array.isArray(v))
      ? Object.fromEntries(Object.keys(v).sort().map(key => [key, v[key]])) : v);
  // JupyterLab mirrors jupyter.outputs_hidden into nbformat's legacy "collapsed" on load;
  // jupytext does not write it, so that copy is no change.
  const meta = m => (m.collapsed !== undefined && m.collapsed === (m.jupyter || {}).outputs_hidden)
      ? {...m, collapsed: undefined} : m;
  const cell = c => canon({...c, id: undefined, attachments: c.attachments || undefined,
                           metadata: meta(c.metadata || {})});
  const keys = new Set([...Object.keys(disk.metadata), ...Object.keys(live.metadata)]);
  const changed = [...keys].filter(k => canon(disk.metadata[k]) !== canon(live.metadata[k]));
  const cells = disk.cells.map((c, i) => i).filter(i => cell(disk.cells[i]) !== cell(live.cells[i] || {}));
  const tab = [...document.querySelectorAll('.lm-TabBar-tab')].find(t => t.textContent.trim() === name);
  return {dirty: w.context.model.dirty, tabDirty: !!(tab && tab.classList.contains('jp-mod-dirty')),
          changedMetadata: changed, changedCells: cells, liveMetadata: live.metadata,
          cells: [disk.cells.length, live.cells.length]};
}
"""

# Everything the checks read after Run All, as plain data.
_INSPECT = r"""
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const out = {cells: []};
  for (const c of w.content.widgets) {
    const m = c.model, item = {type: m.type};
    if (m.type === 'markdown') {
      const r = c.node.querySelector('.myst') || c.node.querySelector('.jp-MarkdownOutput');
      item.text = r ? r.textContent.replace(/\s+/g, ' ') : '';
      item.expressions = m.getMetadata('user_expressions') || [];
    } else if (m.type === 'code') {
      item.outputs = m.outputs.toJSON().map(o => ({type: o.output_type, ename: o.ename,
          evalue: o.evalue, name: o.name, text: o.text}));
      item.animations = c.node.querySelectorAll('.jp-OutputArea .animation').length;
      item.strips = [...c.node.querySelectorAll('.jp-OutputArea .anim-print-strip')]
          .map(s => ({hidden: s.hasAttribute('hidden'), shown: s.getClientRects().length > 0}));
    }
    item.inputHidden = c.inputHidden;
    item.inputPlaceholder = !!c.node.querySelector('.jp-InputPlaceholder');
    item.outputsHidden = m.type === 'code' ? c.outputHidden : null;
    out.cells.push(item);
  }
  out.katexErrors = [...w.node.querySelectorAll('.katex-error')].map(e => e.textContent.slice(0, 80));
  out.undefinedControl = w.node.innerText.includes('Undefined control sequence');
  return out;
}
"""


# What Run All has not finished: code cells not run, Markdown cells without their expressions.
_PENDING = r"""
() => { const w = window.jupyterapp.shell.currentWidget;
  return {kernel: w.sessionContext.session.kernel.status, cells: w.content.widgets.map((c, i) => {
    if (c.model.type === 'code' && c.model.executionCount === null) return `code ${i} not run`;
    const n = c.model.type === 'markdown'
        && (c.model.sharedModel.getSource().match(/\{eval\}`/g) || []).length;
    const got = n && (c.model.getMetadata('user_expressions') || []).length;
    return n && got !== n ? `markdown ${i}: ${got} of ${n} expressions evaluated` : null;
  }).filter(x => x)}; }
"""


class Lab:
    """One headless Chromium on a JupyterLab server; no request may leave 127.0.0.1."""

    def __init__(self, base_url: str, token: str, screenshots: Path):
        from playwright.sync_api import sync_playwright

        self.base_url, self.token, self.screenshots = base_url, token, screenshots
        self.external: list[str] = []
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(
            executable_path=browser.CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        self.context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = None

    def close(self):
        self.context.close()
        self.browser.close()
        self._pw.stop()

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base_url) or url.startswith("data:"):
            return route.continue_()
        path = browser_assets.local_file(url)
        if path is None:
            self.external.append(url)
            return route.abort("blockedbyclient")
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return route.fulfill(path=str(path), content_type=ctype)

    def screenshot(self, name: str) -> Path:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}.png"
        if self.page is not None:
            self.page.screenshot(path=str(path))
        return path

    def open(self, name: str, timeout_ms: int = 60_000) -> dict:
        """Open ``name`` as a double click does (its default viewer); wait for the kernel.

        Returns what differs between the file as the server reads it and the notebook model
        once the kernel is idle (:data:`_OPENING`), and the widget's class and factory."""
        if self.page is not None:
            self.page.close()
        self.page = self.context.new_page()
        self.page.goto(f"{self.base_url}lab/tree/{name}?token={self.token}", timeout=timeout_ms)
        self.page.wait_for_function(
            """(name) => { const a = window.jupyterapp; const w = a && a.shell.currentWidget;
                 return w && w.context && w.context.path === name && w.context.isReady; }""",
            arg=name, timeout=timeout_ms,
        )  # fmt: skip
        self.wait_idle(timeout_ms)
        state = self.page.evaluate(_OPENING, name)
        state["factory"] = self.page.evaluate(  # what a double click opens it with
            "(name) => window.jupyterapp.docRegistry.defaultWidgetFactory(name).name", name
        )
        state["isNotebook"] = self.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.node.classList.contains('jp-NotebookPanel')"
        )
        return state

    def wait_idle(self, timeout_ms: int = 60_000):
        self.page.wait_for_function(
            """() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;
                 return s && s.session && s.session.kernel && s.session.kernel.status === 'idle'; }""",
            timeout=timeout_ms,
        )

    def run_all(self, timeout_ms: int = 120_000) -> dict:
        """Run All (``notebook:run-all-cells``), then wait until every code cell has run, the
        kernel is idle and each Markdown cell holding ``{eval}`` roles has their results
        (jupyterlab-myst stores them in the cell's ``user_expressions`` metadata); returns
        :data:`_INSPECT`'s data."""
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        try:
            self._wait_ran(timeout_ms)
        except Exception as err:
            raise AssertionError(f"Run All did not finish: {self.page.evaluate(_PENDING)}") from err
        return self.page.evaluate(_INSPECT)

    def _wait_ran(self, timeout_ms):
        self.page.wait_for_function(
            r"""() => { const w = window.jupyterapp.shell.currentWidget;
              const idle = w.sessionContext.session.kernel.status === 'idle';
              const failed = w.content.widgets.some(c => c.model.type === 'code'
                  && c.model.outputs.toJSON().some(o => o.output_type === 'error'));
              if (failed) return idle;  // Run All stops at an error
              return w.content.widgets.every(c => {
                if (c.model.type === 'code') return c.model.executionCount !== null
                    || c.model.outputs.toJSON().some(o => o.output_type === 'error');
                if (c.model.type !== 'markdown') return true;
                const n = (c.model.sharedModel.getSource().match(/\{eval\}`/g) || []).length;
                return n === 0 || (c.model.getMetadata('user_expressions') || []).length === n;
              }) && w.sessionContext.session.kernel.status === 'idle'; }""",
            timeout=timeout_ms,
        )
        # The rendered text follows the metadata once the cell re-renders: wait for it.
        self.page.wait_for_function(
            r"""() => window.jupyterapp.shell.currentWidget.content.widgets.every(c => {
                const e = c.model.type === 'markdown' && c.model.getMetadata('user_expressions');
                if (!e || !e.length) return true;
                const r = c.node.querySelector('.myst');
                return r && e.filter(x => x.result.status === 'ok').every(
                    x => r.textContent.includes(x.result.data['text/plain'])); })""",
            timeout=30_000,
        )

    def inspect(self) -> dict:
        return self.page.evaluate(_INSPECT)


def glued_values(executed) -> dict:
    """``{key: value}`` of every ``glue`` output of an executed notebook (myst-nb's records)."""
    values = {}
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            record = out.get("metadata", {}).get("scrapbook")
            if not record:
                continue
            text = out["data"][record["mime_prefix"] + "text/plain"]
            values[record["name"]] = ast.literal_eval(text)
    return values


def roles(notebook) -> list[tuple[int, str, str, str]]:
    """``(cell index, key, fmt, plain text after the role)`` of each prose number, in order."""
    found = []
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for m in ROLE.finditer(cell.source):
            key = m.group(1) or m.group(3)
            fmt = (m.group(2) if m.group(1) else m.group(4)) or ""
            after = _PLAIN_AFTER.match(cell.source, m.end()).group(0)
            found.append((i, key, fmt, re.sub(r"\s+", " ", after)))
    return found


def expected_numbers(notebook, executed) -> list[tuple[int, str, str, str, str]]:
    """Each role of ``notebook`` with the text it must show: ``format(value, fmt)`` of the
    value glued under its key in ``executed`` (an independent nbclient run)."""
    values = glued_values(executed)
    out = []
    for i, key, fmt, after in roles(notebook):
        if key not in values:
            raise KeyError(f"{key!r} is quoted in cell {i} but no cell of the chapter glues it.")
        out.append((i, key, fmt, format(values[key], fmt), after))
    return out


def check_prose(data: dict, expected) -> list[str]:
    """Every problem of the rendered notebook ``data`` (:data:`_INSPECT`) against ``expected``
    (:func:`expected_numbers`): a number missing or wrong (each must be followed by the
    source's plain text after its role), a key or ``G["`` left in the text, an expression that
    failed, a KaTeX error, an error output, an animation shown twice."""
    problems = []
    position: dict[int, int] = {}
    for i, key, fmt, text, after in expected:
        cell = data["cells"][i]
        shown = cell.get("text", "")
        needle = text + after
        at = shown.find(needle, position.get(i, 0))
        if at < 0:
            problems.append(
                f"cell {i}: {key}:{fmt} should read {text!r} (before {after.strip()!r}); "
                f"the cell shows {shown[:300]!r}"
            )
        else:
            position[i] = at + len(text)
    for i, cell in enumerate(data["cells"]):
        shown = cell.get("text", "")
        if 'G["' in shown:
            problems.append(f"cell {i} shows an unevaluated expression: {shown[:200]!r}")
        keys = [k for (j, k, _, _, _) in expected if j == i and re.search(rf"\b{k}\b", shown)]
        if keys:
            problems.append(f"cell {i} shows the keys {keys} instead of their numbers")
        for e in cell.get("expressions", []):
            if e["result"].get("status") != "ok":
                r = e["result"]
                problems.append(
                    f"cell {i}: {e['expression']} failed: {r.get('ename')}: {r.get('evalue')}"
                )
        for o in cell.get("outputs", []) or []:
            if o["type"] == "error":
                problems.append(f"cell {i} output is an error: {o['ename']}: {o['evalue']}")
            elif o["type"] == "stream" and o["name"] == "stderr":
                problems.append(f"cell {i} wrote to stderr: {str(o['text'])[:200]}")
        if cell.get("animations", 0) > 1:
            problems.append(f"cell {i} shows {cell['animations']} animations")
        for s in cell.get("strips", []):
            if not s["hidden"] or s["shown"]:
                problems.append(f"cell {i}: an animation's print strip is shown on screen ({s})")
    problems += [f"KaTeX error: {t!r}" for t in data["katexErrors"]]
    if data["undefinedControl"]:
        problems.append("the page shows 'Undefined control sequence'")
    return problems
