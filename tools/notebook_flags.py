"""Static flags of a submission: what its source does that an honest answer has no need to.

`flags(notebook)` reads the code cells (IPython magics turned into Python first) with `ast`, and
lists, each once:

- assignments to attributes of an imported module or of builtins (`np.allclose = ...`,
  `mfnet_lite.transport.w2 = ...`, `builtins.print = ...`), also through `setattr`/`delattr`,
  `vars(m)[...]`, `m.__dict__[...]`; `sys.stdout`/`sys.stderr` reassigned is its own flag;
- imports of `mfnet_lite`, `otter`, and of modules that start processes, touch other files or
  change the interpreter (`subprocess`, `multiprocessing`, `ctypes`, `shutil`, `signal`, `pty`,
  `importlib`, `gc`, `inspect`);
- calls that start processes (`os.system`, `os.fork`, `os.exec*`, `os.spawn*`, `os.posix_spawn`,
  `os.kill`, `subprocess.*`, shell escapes `!cmd`, `%%bash`, `%system`);
- file paths that point at the grader: string constants under `/proc`, holding `..`, `tests/`,
  `autograder`, `.zip`, `results.json`, `grading`, `.csv`, or any absolute path outside `/tmp`;
  and calls that open a file (`open`, `os.open`, `Path.write_text`, ...);
- dynamic code: `exec`, `eval`, `compile`, `__import__`, `getattr(module, non-literal)`;
- cells that do not parse.

It misses what only running shows: code built from strings at run time and hidden behind
`exec` (the `exec` itself is flagged), attribute paths reached through objects (`x.__class__`),
patches made by an imported file. tools/sandbox_run.py's audit hook reports processes, network
and file access as they happen; both lists go to the CSV.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path

SUSPECT_IMPORTS = {
    "mfnet_lite": "imports mfnet_lite",
    "otter": "imports otter (the grader)",
    "subprocess": "imports subprocess (starts processes)",
    "multiprocessing": "imports multiprocessing (starts processes)",
    "ctypes": "imports ctypes",
    "shutil": "imports shutil (copies and deletes files)",
    "signal": "imports signal",
    "pty": "imports pty",
    "importlib": "imports importlib (dynamic imports)",
    "gc": "imports gc (reaches any object)",
    "inspect": "imports inspect",
}
PROCESS_CALLS = {
    "system",
    "popen",
    "fork",
    "forkpty",
    "execv",
    "execve",
    "execvp",
    "execl",
    "execlp",
    "spawnv",
    "spawnl",
    "posix_spawn",
    "posix_spawnp",
    "kill",
    "killpg",
    "_exit",
    "abort",
    "Popen",
    "run",
    "call",
    "check_call",
    "check_output",
    "getoutput",
    "getstatusoutput",
    "start_new_session",
    "setsid",
    "daemon",
    "Process",
}
FILE_MODULES = {"os", "shutil", "io", "pathlib", "Path", "tempfile"}
FILE_CALLS = {
    "open",
    "unlink",
    "remove",
    "rename",
    "replace",
    "rmtree",
    "copy",
    "copyfile",
    "chmod",
    "chown",
    "truncate",
    "symlink",
    "link",
    "mkdir",
    "makedirs",
    "listdir",
    "scandir",
    "walk",
    "NamedTemporaryFile",
    "TemporaryDirectory",
    "mkstemp",
}
PATH_METHODS = {"write_text", "write_bytes", "read_text", "read_bytes", "iterdir", "glob"}
NUMPY_FILE_CALLS = {
    "save",
    "savez",
    "savetxt",
    "load",
    "loadtxt",
    "fromfile",
    "tofile",
    "genfromtxt",
}
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__"}
PATH_HINTS = ("../", "tests/", "autograder", ".zip", "results.json", "grading", ".csv")


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


class _Visitor(ast.NodeVisitor):
    def __init__(self):
        self.modules = {"builtins", "__builtins__"}
        self.found: list[str] = []

    def flag(self, text: str) -> None:
        if text not in self.found:
            self.found.append(text)

    def visit_Import(self, node):
        for alias in node.names:
            self.modules.add((alias.asname or alias.name).split(".")[0])
            self._suspect(alias.name)

    def visit_ImportFrom(self, node):
        for alias in node.names:  # `from numpy import linalg`: a module, maybe
            self.modules.add(alias.asname or alias.name)
        self._suspect(node.module or "")

    def _suspect(self, module: str) -> None:
        top = module.split(".")[0]
        if top in SUSPECT_IMPORTS:
            self.flag(SUSPECT_IMPORTS[top])

    def _target(self, target: ast.AST) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            for t in target.elts:
                self._target(t)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            text = ast.unparse(target)
            if text in ("sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"):
                self.flag(f"reassigns {text}")
            elif _root_name(target) in self.modules:
                self.flag(f"patches {text}")

    def visit_Assign(self, node):
        for target in node.targets:
            self._target(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for target in node.targets:
            self._target(target)

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        root = _root_name(func)
        if (
            name in ("setattr", "delattr")
            and node.args
            and _root_name(node.args[0]) in self.modules
        ):
            self.flag(f"patches {ast.unparse(node.args[0])} through {name}")
        elif (
            name == "getattr"
            and node.args
            and len(node.args) > 1
            and not isinstance(node.args[1], ast.Constant)
            and _root_name(node.args[0]) in self.modules
        ):
            self.flag(f"looks up a computed attribute of {ast.unparse(node.args[0])}")
        elif name in DYNAMIC_CALLS:
            self.flag(f"runs code built at run time ({name})")
        elif name in ("_exit", "abort") and root == "os":
            self.flag(f"ends its own process ({ast.unparse(func)})")
        elif name in PROCESS_CALLS and root in ("os", "subprocess", "multiprocessing", "pty"):
            self.flag(f"starts or signals processes ({ast.unparse(func)})")
        elif name in ("system", "getoutput") and root == "get_ipython":
            self.flag("starts processes (a shell command: ! or %%bash)")
        elif (
            name in ("run_cell_magic", "run_line_magic")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in ("bash", "sh", "script", "system", "sx", "writefile", "run")
        ):
            self.flag(f"runs the magic %{node.args[0].value}")
        elif (
            (isinstance(func, ast.Name) and name == "open")
            or (name in FILE_CALLS and root in FILE_MODULES)
            or name in PATH_METHODS
            or (name in NUMPY_FILE_CALLS and root in ("np", "numpy"))
        ):
            self.flag(f"opens or changes a file ({ast.unparse(func)})")
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and len(node.value) < 500:
            text = node.value
            pathlike = " " not in text and "\n" not in text and len(text) > 1
            if (
                text.startswith("/proc")
                or pathlike
                and (
                    any(h in text for h in PATH_HINTS)
                    or (text.startswith("/") and not text.startswith("/tmp"))
                )
            ):
                self.flag(f"refers to the path {text[:80]!r}")


def otter_cell(source: str) -> bool:
    """otter's own cells, exactly as `otter assign` writes them (tools/sandbox_run.py skips them
    too): the init cell and `grader.check("qN")`."""
    text = source.strip()
    return bool(
        re.fullmatch(
            r'# Initialize Otter\nimport otter\ngrader = otter\.Notebook\("[\w.-]+"\)', text
        )
        or re.fullmatch(r'grader\.check\("q\d+"\)', text)
    )


def setup_cell(source: str) -> bool:
    """The unchanged set-up cell that tools/colab.py puts first in each student notebook (for
    Colab): it runs nothing where mfnet_lite imports, as in the grading sandbox."""
    return source.startswith("# Set-up for Colab") and _colab().is_setup_cell(source)


@functools.cache
def _colab():
    import importlib.util

    spec = importlib.util.spec_from_file_location("colab", Path(__file__).with_name("colab.py"))
    colab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(colab)
    return colab


def python_source(cell: str) -> str:
    """A cell's Python, with IPython's magics and shell escapes turned into calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell)


def flags(notebook: Path | bytes) -> list[str]:
    """The static flags of a notebook (a file, or its bytes; see the module docstring)."""
    try:
        raw = notebook if isinstance(notebook, bytes) else Path(notebook).read_bytes()
        nb = json.loads(raw.decode("utf-8"))
        cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return ["not a readable notebook"]
    visitor = _Visitor()
    for i, cell in enumerate(cells, 1):
        if otter_cell(cell) or setup_cell(cell):
            continue
        try:
            tree = ast.parse(python_source(cell))
        except (SyntaxError, ValueError):
            visitor.flag(f"cell {i} does not parse")
            continue
        visitor.visit(tree)
    return visitor.found
