"""The sandbox a student notebook runs in: its user id, its interpreter, its limits.

`isolation()` says what this machine allows (a user id per notebook as root, no network with
`unshare --net`); `sandbox_runtime()` checks before the first notebook that the sandbox's user
can import what the notebooks need (else stages a readable copy, else refuses: EnvironmentProblem);
`run_notebook()` runs one notebook's bytes in a throw-away folder (grading/sandbox_run.py), in a
session of its own, under the limits of `Limits`, and returns its answers as text and the facts
of the run.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from grading import HERE, ROOT
from grading.errors import EnvironmentProblem, UsageError

RUNNER = (HERE / "sandbox_run.py").read_text()
FORMAT = (HERE / "answer_format.py").read_text()
MAX_ANSWERS = 64 * 2**20
MODULES = {"pot": "ot"}  # import names of the requirements that differ from their package's
MEMORY_LIMIT = "memory limit exceeded — needs review"
DISK_LIMIT = "disk limit exceeded — needs review"


@dataclass(frozen=True)
class Limits:
    """What one notebook's process may use (instructors.md lists the defaults; `make grade`
    sets them with MEMORY=, DISK=, PROCESSES=, TIMEOUT=).

    memory_mb: its address space (RLIMIT_AS; NumPy raises MemoryError beyond it: the row says
        "memory limit exceeded — needs review" and the batch goes on). It counts mapped, not
        resident, memory: Python + NumPy + POT + IPython map about 1.5 GB here.
    disk_mb: the largest file it may write (RLIMIT_FSIZE) and the total its sandbox folder may
        hold (checked every 0.2 s; beyond it the session is killed).
    processes: processes of its own user id at once (RLIMIT_NPROC; with a user id of its own,
        i.e. as root, only: without one the count would include the grader's).
    """

    memory_mb: int = 4096
    disk_mb: int = 256
    processes: int = 256

    def __post_init__(self):
        for name in ("memory_mb", "disk_mb", "processes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"{name} must be a whole number >= 1; got {value!r}")


def folder_bytes(folder: Path) -> int:
    """The bytes of the files under `folder` (as allocated on disk), never raising."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
    return total


def isolation() -> dict:
    """What this machine allows: a user id per notebook (root only, from the first range of ids
    that `setpriv` can switch to here), no network (`unshare --net`)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return {"user": False, "net": False}
    uids = None
    for low, high in ((200_000, 2_000_000), (50_000, 65_000)):  # a container may map only 64 Ki
        probe = ["setpriv", f"--reuid={low}", f"--regid={low}", "--clear-groups", "true"]
        if subprocess.run(probe, capture_output=True).returncode == 0:
            uids = (low, high)
            break
    net = (
        shutil.which("unshare")
        and subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0
    )
    return {"user": uids is not None, "uids": uids, "net": bool(net)}


def fresh_uid(low: int, high: int) -> int:
    """A user id in [low, high) that no account and no running process has (the sandbox's)."""
    import pwd

    while True:
        uid = random.randrange(low, high)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if not processes_of(uid=uid):
                return uid


def processes_of(uid: int | None = None, token: str | None = None) -> list[int]:
    """Ids of the running processes of `uid`, or whose environment holds `token`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if uid is not None and entry.stat().st_uid == uid:
                found.append(int(entry.name))
            elif token is not None and token.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# What every notebook's process needs, beyond the assignment's own requirements: IPython runs
# the cells (grading/sandbox_run.py), otter is imported by the notebook's first cell.
SANDBOX_MODULES = ("numpy", "ot", "mfnet_lite", "otter", "IPython")
PREFLIGHT = """
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException as error:
        print(f"{name}: {type(error).__name__}: {str(error)[:200]}")
        sys.exit(1)
"""


def default_runtime() -> dict:
    """This interpreter and this checkout, as they are."""
    return {
        "python": sys.executable,
        "pythonpath": str(ROOT),
        "package_dir": str(ROOT / "mfnet_lite"),
        "staged": None,
    }


def sandbox_env(home: Path, runtime: dict, token: str | None = None) -> dict:
    """The environment of a notebook's process (and of the preflight): nothing of ours but PATH."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "OPENBLAS_NUM_THREADS": "1",
        "MFNET_LITE_PROGRESS": "0",
        "PYTHONPATH": runtime["pythonpath"],
        # POT imports every array library it finds (PyTorch: seconds); the answers are NumPy.
        **{f"POT_BACKEND_DISABLE_{b}": "1" for b in ("PYTORCH", "JAX", "TENSORFLOW", "CUPY")},
    }
    if token:
        env[token.split("=")[0]] = token.split("=")[1]
    return env


def sandbox_command(command: list[str], box: dict, uid: int | None) -> list[str]:
    """`command` as the sandbox runs it: as `uid` without capabilities, without network."""
    if uid is None:
        return command
    command = [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
        *command,
    ]
    return ["unshare", "--net", "--", *command] if box["net"] else command


def cannot_import(runtime: dict, box: dict, modules: list[str]) -> str:
    """'' when the sandbox's user can import every module of `modules` with `runtime`'s
    interpreter, else the first failure (module: error) in one line."""
    home = Path(tempfile.mkdtemp(prefix="grade-preflight-"))
    uid = None
    try:
        if box["user"]:
            uid = fresh_uid(*box["uids"])
            os.chown(home, uid, uid)
        command = sandbox_command([runtime["python"], "-c", PREFLIGHT, *modules], box, uid)
        try:
            proc = subprocess.run(
                command,
                cwd=home,
                env=sandbox_env(home, runtime),
                capture_output=True,
                text=True,
                timeout=300,
                start_new_session=True,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{runtime['python']}: {type(error).__name__}: {error}"
        finally:
            if uid is not None:
                kill_all(processes_of(uid=uid))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if proc.returncode == 0:
        return ""
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return lines[-1] if lines else f"exit status {proc.returncode}"


def _base_interpreters() -> list[str]:
    """Interpreters of this Python version that may be readable by anyone: the venv's base
    first, then the system's."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    found = []
    for candidate in (
        getattr(sys, "_base_executable", None),
        os.path.realpath(sys.executable),
        f"/usr/bin/{version}",
        f"/usr/local/bin/{version}",
    ):
        if candidate and os.path.isfile(candidate) and candidate not in found:
            found.append(candidate)
    return found


def stage_runtime(python: str) -> dict:
    """A copy of what the notebooks need that any user can read: a venv in a fresh folder under
    the system's temporary folder, whose interpreter is `python` and whose site-packages are
    this venv's (hard links where the file system allows, else copies: the files stay root's
    and read-only to others), and a copy of mfnet_lite. Removed after the batch
    (`shutil.rmtree(runtime["staged"])`). Nothing of the repository but mfnet_lite goes in:
    no assignment, reference or submission."""
    import site
    import sysconfig

    staged = Path(tempfile.mkdtemp(prefix="grade-runtime-"))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (staged / "bin").mkdir()
    (staged / "bin" / "python").symlink_to(python)
    (staged / "pyvenv.cfg").write_text(
        f"home = {Path(python).parent}\ninclude-system-site-packages = false\n"
        f"version = {sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}\n"
    )
    target = staged / "lib" / version / "site-packages"
    target.parent.mkdir(parents=True)
    ours = [Path(p) for p in site.getsitepackages() if Path(p).is_dir()]
    ours = ours or [Path(sysconfig.get_paths()["purelib"])]
    for source in ours:
        done = False
        if shutil.which("cp"):  # hard links: 55k files in ~1 s where a copy takes a minute
            proc = subprocess.run(
                ["cp", "-a", "--link", f"{source}/.", str(target)], capture_output=True
            )
            done = proc.returncode == 0
        if not done:
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    shutil.copytree(
        ROOT / "mfnet_lite",
        staged / "src" / "mfnet_lite",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for folder in [staged, *(p for p in staged.rglob("*") if p.is_dir() and not p.is_symlink())]:
        folder.chmod(0o755)
    return {
        "python": str(staged / "bin" / "python"),
        "pythonpath": str(staged / "src"),
        "package_dir": str(staged / "src" / "mfnet_lite"),
        "staged": str(staged),
    }


def sandbox_runtime(box: dict, modules: list[str]) -> tuple[dict, str]:
    """The interpreter the notebooks run with, and a line for the log. This interpreter and this
    checkout when the sandbox's user can import `modules` with them; else a readable staged
    copy (stage_runtime) that it can; else EnvironmentProblem saying what to change."""
    runtime = default_runtime()
    why = cannot_import(runtime, box, modules)
    if not why:
        return runtime, f"sandbox interpreter {runtime['python']} (imports checked)"
    if not box["user"]:  # the sandbox is this user: staging cannot help
        raise EnvironmentProblem(
            f"the grading sandbox cannot import what the assignment needs with {sys.executable} "
            f"({why}): install the requirements into this venv (make venv) and run again"
        )
    for python in _base_interpreters():
        staged = stage_runtime(python)
        if not cannot_import(staged, box, modules):
            return staged, (
                f"sandbox interpreter: the sandbox's user cannot import from {sys.executable} "
                f"({why}); it runs a readable copy in {staged['staged']} (interpreter {python})"
            )
        shutil.rmtree(staged["staged"], ignore_errors=True)
    raise EnvironmentProblem(
        f"the grading sandbox's user cannot import what the assignment needs ({why}) with "
        f"{sys.executable}, nor with a readable copy under {tempfile.gettempdir()}: move the "
        "repository and its venv to a folder every user can enter (e.g. /srv or /opt; "
        "not a 0700 home such as /root), or run make grade as a user other than root"
    )


def run_notebook(
    notebook: bytes,
    grading: dict,
    timeout: float,
    box: dict,
    watched: list[str],
    runtime: dict | None = None,
    limits: Limits | None = None,
):
    """Run one notebook (its bytes) in a sandbox under `limits` (default `Limits()`); return
    (answers text or None, run facts). `runtime` is what `sandbox_runtime` chose (default: this
    interpreter and this checkout)."""
    runtime = runtime or default_runtime()
    limits = limits or Limits()
    sandbox = Path(tempfile.mkdtemp(prefix="grade-"))
    (sandbox / "submission.ipynb").write_bytes(notebook)
    token = f"MFNET_GRADE_RUN={os.getpid()}-{random.getrandbits(64):x}"
    env = sandbox_env(sandbox, runtime, token)
    uid = None
    if box["user"]:
        uid = fresh_uid(*box["uids"])
        os.chown(sandbox, uid, uid)
        os.chown(sandbox / "submission.ipynb", uid, uid)
    command = sandbox_command([runtime["python"], "-c", RUNNER], box, uid)
    sandbox.chmod(0o700)

    def set_limits():  # in the child, before exec: memory, file size, (own uid) processes
        memory, disk = limits.memory_mb * 2**20, limits.disk_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (disk, disk))
        if uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))

    audit_read, audit_write = os.pipe()
    orders = {
        "notebook": "submission.ipynb",
        "format": FORMAT,
        "audit_fd": audit_write,
        "questions": {
            q: {"function": s["function"], "args": [c["args"] for c in s["cases"]]}
            for q, s in grading["questions"].items()
        },
        "package_dir": runtime["package_dir"],
        "watched": watched,
        "imports": [MODULES.get(r, r) for r in grading.get("requirements", [])],
    }
    events: list[str] = []
    reader = threading.Thread(target=_read_events, args=(audit_read, events), daemon=True)
    output = tempfile.TemporaryFile()
    start = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=sandbox,
        env=env,
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        pass_fds=(audit_write,),
        preexec_fn=set_limits,
    )
    os.close(audit_write)
    reader.start()
    try:
        proc.stdin.write(json.dumps(orders).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    timed_out = disk_full = False
    deadline = start + timeout
    while proc.poll() is None:  # the time limit, and the disk its folder holds
        if time.monotonic() >= deadline:
            timed_out = True
            break
        if folder_bytes(sandbox) > limits.disk_mb * 2**20:
            disk_full = True
            break
        try:
            proc.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            pass
    # The whole session, then whatever escaped it: every process of the sandbox's own user id
    # (as root), or every process of ours that still carries this run's token in its environment.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()
    kill_all(processes_of(uid=uid) if uid is not None else processes_of(token=token))
    seconds = time.monotonic() - start
    reader.join(timeout=1.0)
    answers = progress = None
    try:
        if (sandbox / "answers.json").stat().st_size <= MAX_ANSWERS:
            answers = (sandbox / "answers.json").read_text()
    except (OSError, UnicodeDecodeError):
        pass
    try:
        progress = int((sandbox / "progress").read_text()[:20])
    except (OSError, ValueError):
        pass
    output.seek(0, os.SEEK_END)
    output.seek(max(0, output.tell() - 3000))
    tail = output.read().decode(errors="replace")
    shutil.rmtree(sandbox, ignore_errors=True)
    facts = {
        "timed_out": timed_out,
        "disk_full": disk_full,
        "memory": any(e.startswith("limit: memory") for e in events),
        "returncode": proc.returncode,
        "seconds": seconds,
        "events": events,
        "progress": progress,
        "output": tail,
    }
    return answers, facts


def _read_events(fd: int, events: list[str]) -> None:
    with os.fdopen(fd, "rb") as stream:
        for line in stream:
            try:
                event = json.loads(line)
            except ValueError:
                event = "wrote garbage to the audit stream"
            if isinstance(event, str) and event not in events and len(events) < 50:
                events.append(event[:200])
