"""Attachment bytes in a folder, named by their SHA-256: written once, shared by replicas.

The folder is `settings.attachments_folder` (by default `attachments` in the data
folder). A file is written to a temporary name and renamed into place, so a reader
never sees half of one; the same bytes uploaded twice are stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def path_of(folder: Path, sha256: str) -> Path:
    if not _DIGEST.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return folder / sha256[:2] / sha256


def store(folder: Path, content: bytes) -> str:
    """Keep `content` under its digest (unless it is already there); return the digest."""
    sha256 = digest(content)
    target = path_of(folder, sha256)
    if target.is_file():
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256


def read(folder: Path, sha256: str) -> bytes:
    return path_of(folder, sha256).read_bytes()
