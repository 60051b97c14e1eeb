"""Writing a user's files so that nothing is ever half-written.

A plain `open(path, "w")` empties the old file before the new content exists: an exception, a full disk
or a kill in between leaves neither version. Instead we write a temporary file in the same folder,
flush it to disk, then `os.replace` it over the target, which is atomic on POSIX and Windows. Any
failure before the replace leaves the previous file byte-identical.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str | os.PathLike, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write `content` (text or bytes) to `path` atomically; return the path written."""
    data = content.encode(encoding) if isinstance(content, str) else content
    return write_atomic_with(path, lambda f: f.write(data))


def write_atomic_with(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
    """Call `write(f)` on a temporary binary file beside `path`, then move it into place.

    For writers that want a file object (matplotlib's `savefig`, `json.dump` through a wrapper).
    If `write` raises, the temporary file is removed and `path` is untouched.
    """
    target = Path(path)
    descriptor, temporary = _create_beside(target)
    try:
        with os.fdopen(descriptor, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        _keep_permissions(target, temporary)
        os.replace(temporary, target)
    except BaseException:
        _remove_quietly(temporary)
        raise
    return target


def _create_beside(target: Path) -> tuple[int, str]:
    """Open a new, unused file next to `target`, with the mode a plain open() would give it."""
    while True:
        temporary = str(target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp"))
        try:
            # 0o666 filtered by the umask, like open(); O_EXCL: never reuse someone else's file
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue


def _keep_permissions(target: Path, temporary: str) -> None:
    """Replacing a file should not change who may read it: copy the old file's mode, if any."""
    try:
        os.chmod(temporary, target.stat().st_mode & 0o7777)
    except FileNotFoundError:
        pass


def _remove_quietly(temporary: str) -> None:
    try:
        os.remove(temporary)
    except FileNotFoundError:
        pass
