"""The instructor's secret: a random key in a file outside the repository.

`make assignments SECRET=path` (`python -m grading build --secret path`) keys every hidden-test
input (and, with a roster, every student's visible examples) by HMAC-SHA256 of this key
(tools/assignment_cases.py, `Streams`). The file is created with 32 random bytes (64 hex digits,
mode 0600) when it does not exist. It must lie outside the repository and outside the folder the
assignments are built into, so that nothing handed out or published holds it; only its
fingerprint (the first 12 hex digits of its SHA-256) goes into the grading data.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from grading import ROOT
from grading.errors import UsageError

KEY_BYTES = 32


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_place(path: Path, forbidden: list[Path]) -> Path:
    """`path` made absolute; UsageError when it lies inside the repository or a `forbidden`
    folder (the build's output)."""
    path = Path(path).expanduser().resolve()
    for folder in [ROOT, *forbidden]:
        if _inside(path, Path(folder).resolve()):
            raise UsageError(
                f"SECRET={path} lies inside {Path(folder).resolve()}: keep the secret outside "
                "the repository and the assignments folder (e.g. ~/course-secret.key)"
            )
    return path


def load(path: Path, forbidden: list[Path] = ()) -> bytes:
    """The key in `path` (created with a random key when missing); UsageError (one line, what
    to do) for a file that is misplaced, unreadable or not a key."""
    path = check_place(path, list(forbidden))
    if not path.exists():
        if not path.parent.is_dir():
            raise UsageError(f"no folder {path.parent} for SECRET={path}: create it first")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise UsageError(
                f"cannot create the secret {path} ({error.strerror}): choose a SECRET= path "
                "you can write"
            ) from None
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(KEY_BYTES) + "\n")
        print(f"secret: created {path} (keep it; without it the grades cannot be recomputed)")
    try:
        text = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or type(error).__name__
        raise UsageError(
            f"cannot read the secret {path} ({why}): fix its permissions or point SECRET= at "
            "the file make assignments created"
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise UsageError(
            f"{path} does not hold a secret (at least 32 hex digits): point SECRET= at the file "
            "make assignments created, or at a new path to create one"
        )
    return key


def fingerprint(key: bytes | None) -> str | None:
    """What the grading data records of a key: enough to tell two keys apart, not to find one."""
    return None if key is None else hashlib.sha256(key).hexdigest()[:12]
