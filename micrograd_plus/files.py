"""A user's files: written so that nothing is ever half-written, read so that nothing is too big.

A plain `open(path, "w")` empties the old file before the new content exists: an exception, a full disk
or a kill in between leaves neither version. Instead we write a temporary file in the same folder,
flush it to disk, then `os.replace` it over the target, which is atomic on POSIX and Windows. Any
failure before the replace leaves the previous file byte-identical.

Reading JSON (`read_json`) is bounded: the size is checked before anything is read, so a huge
file or a device such as /dev/zero is refused instead of filling memory, and every error names
the file.
"""
from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

MAX_JSON_BYTES = 64 * 2**20  # 64 MiB: about 2.5 million saved numbers, far more than any model here


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
    try:
        descriptor, temporary = _create_beside(target)
    except OSError as error:
        raise _naming(error, target) from None
    try:
        with os.fdopen(descriptor, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        _keep_permissions(target, temporary)
        os.replace(temporary, target)
    except BaseException as error:
        _remove_quietly(temporary)
        if isinstance(error, OSError):
            raise _naming(error, target) from None
        raise
    return target


def _naming(error: OSError, target: Path) -> OSError:
    """The error about the temporary file, told about the file the user asked for."""
    if error.filename is None:
        return error
    return type(error)(error.errno, error.strerror, str(target))


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


def read_json(path: str | os.PathLike, *, max_bytes: int = MAX_JSON_BYTES, what: str = "file") -> Any:
    """The JSON document in `path`, read as UTF-8, refused with a message naming the file when it
    is larger than `max_bytes`, not a file, not UTF-8 or not valid JSON.

    Every number is read as a float (`1e999` and a 400-digit integer become inf), so the caller's
    finiteness check names the key instead of the parser failing on a number it cannot hold.
    """
    with open(path, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISDIR(mode):
            raise ValueError(f"{path}: not a regular file, so not a saved {what}")
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise ValueError(f"{path}: {size:,} bytes is far larger than any saved {what} "
                             f"(the limit is {max_bytes:,} bytes)")
        data = f.read(max_bytes + 1)  # a pipe has no size: stop just past the limit
    if len(data) > max_bytes:
        raise ValueError(f"{path}: more than {max_bytes:,} bytes, far larger than any saved {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text (byte {error.start}), so not a saved {what}") from None
    try:
        return json.loads(text, parse_int=float, parse_constant=float)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON, {error.msg} at line {error.lineno} "
                         f"column {error.colno}") from None
    except RecursionError:
        raise ValueError(f"{path}: JSON nested too deeply to be a saved {what}") from None
