"""Finding and running a Graphviz `dot` executable, which lays out DOT and writes SVG or PNG.

Where the executable comes from, first match wins:
1. `MICROGRAD_PLUS_DOT`: a path, or a command on PATH (`MICROGRAD_PLUS_DOT=dot` picks a system
   Graphviz). When it is set, it is used or the render fails; it is never silently skipped.
2. `graphviz-pure` beside this Python (pip installs it with micrograd_plus). Found through
   `sysconfig`, so it works when the virtual environment is not activated (a Jupyter kernel).
3. `graphviz-pure` on PATH.
4. A system Graphviz `dot` on PATH (apt, brew, conda).

graphviz-pure gives the same bytes on every platform, which is what makes golden-file tests work.
We call the executable ourselves (no global patching of the graphviz package), and pass its
warnings on to `logging`.

A `dot` that hangs is stopped after a timeout: `render(..., timeout=seconds)`, else the
environment variable `MICROGRAD_PLUS_DOT_TIMEOUT`, else DEFAULT_TIMEOUT (60 s; 2,000 values lay
out in about 1 s), at most MAX_TIMEOUT (a day). What it writes is checked before anyone saves it: SVG must be an SVG document,
PNG must start with the PNG signature; anything else is a RenderError.
"""
from __future__ import annotations

import logging
import math
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ENV_VAR = "MICROGRAD_PLUS_DOT"
TIMEOUT_ENV_VAR = "MICROGRAD_PLUS_DOT_TIMEOUT"
DEFAULT_TIMEOUT = 60.0  # seconds
# A day. The operating system's wait takes milliseconds in a C int (about 24 days at most), and a
# layout that runs for longer than a day has hung.
MAX_TIMEOUT = 86_400.0
FORMATS = ("svg", "png")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

log = logging.getLogger("micrograd_plus.viz")

HOW_TO_GET_ONE = (
    "Get one in any of these ways:\n"
    "  pip install graphviz-pure                            (a self-contained dot; the default)\n"
    "  apt-get install graphviz   or   brew install graphviz  (a system Graphviz)\n"
    f"  export {ENV_VAR}=/path/to/dot                    (any dot executable)\n"
    "The DOT source needs no renderer: it is always available as `view.source`."
)
# graphviz-pure lacks metrics for non-ASCII glyphs (∂ × ²) and says so on every render. It then
# uses the width of a space, which in our monospace font is exactly right, so this is noise.
_HARMLESS = "no value for width of non-ASCII character"


class RendererNotFound(RuntimeError):
    """No `dot` executable to lay out the graph. The message says how to get one."""


class RenderError(RuntimeError):
    """`dot` ran and failed; the message carries its error output."""


def find_dot() -> Path:
    """The `dot` executable to use, per the order in this module's docstring."""
    override = os.environ.get(ENV_VAR)
    if override:
        found = _executable(override)
        if found is None:
            # The likeliest cause is a stale setting: say first that unsetting it is the fix.
            default = _default_dot()
            fix = (f"unset {ENV_VAR} to use {default}, or set it to a dot executable."
                   if default is not None else f"unset {ENV_VAR}, then get a dot.\n{HOW_TO_GET_ONE}")
            raise RendererNotFound(
                f"{ENV_VAR} is set to {override!r}, which is not an executable file or a command"
                f" on PATH.\nFix: {fix}"
            ) from FileNotFoundError(2, "No such file or directory", override)
        return found
    found = _default_dot()
    if found is not None:
        return found
    raise RendererNotFound(
        f"no Graphviz `dot` executable found (looked for {ENV_VAR}, {_beside_python()},"
        f" and graphviz-pure or dot on PATH).\n{HOW_TO_GET_ONE}"
    ) from FileNotFoundError(2, "No such file or directory", "dot")


def _default_dot() -> Path | None:
    """The first of graphviz-pure beside Python, graphviz-pure on PATH, a system dot."""
    for candidate in (str(_beside_python()), "graphviz-pure", "dot"):
        found = _executable(candidate)
        if found is not None:
            return found
    return None


def _beside_python() -> Path:
    suffix = ".exe" if sys.platform == "win32" else ""
    return Path(sysconfig.get_path("scripts")) / f"graphviz-pure{suffix}"


def render(source: str, fmt: str = "svg", *, dpi: int = 96, timeout: float | None = None) -> bytes:
    """Lay out DOT `source` and return the picture as bytes (`fmt` is 'svg' or 'png').

    `timeout` (seconds) stops a `dot` that hangs; None reads MICROGRAD_PLUS_DOT_TIMEOUT, else 60.
    """
    if fmt not in FORMATS:
        raise ValueError(f"render: format must be one of {FORMATS}, got {fmt!r}")
    seconds = _timeout(timeout)
    dot = find_dot()
    command = [str(dot), f"-T{fmt}"]
    if fmt == "png":
        command.append(f"-Gdpi={dpi}")
    try:
        result = subprocess.run(command, input=source.encode("utf-8"), capture_output=True,
                                timeout=seconds)
    except subprocess.TimeoutExpired:  # run() has killed it
        raise RenderError(
            f"{dot} -T{fmt} did not finish within {seconds:g} s and was stopped; allow longer"
            f" with render(..., timeout=SECONDS) or {TIMEOUT_ENV_VAR}=SECONDS"
        ) from None
    except OSError as error:  # vanished, or not executable, between look-up and run
        raise RendererNotFound(f"could not run {dot}: {error}.\n{HOW_TO_GET_ONE}") from error
    messages = result.stderr.decode("utf-8", "replace").splitlines()
    if result.returncode != 0:
        raise RenderError(
            f"{dot} -T{fmt} failed with exit code {result.returncode}:\n" + "\n".join(messages)
        )
    for message in messages:
        if message.strip():
            log.log(logging.DEBUG if _HARMLESS in message else logging.WARNING,
                    "dot: %s", message)
    if not _looks_like(fmt, result.stdout):
        raise RenderError(f"{dot} -T{fmt} succeeded but did not write {fmt.upper()}: its output"
                          f" begins {result.stdout[:40]!r}; is {dot} really Graphviz's dot?")
    return result.stdout


def _timeout(timeout: float | None) -> float:
    """The timeout to use: the argument, else the environment variable, else the default."""
    where = "render: timeout"
    if timeout is None:
        text = os.environ.get(TIMEOUT_ENV_VAR, "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        where = f"{TIMEOUT_ENV_VAR}={text!r}"
        try:
            timeout = float(text)
        except ValueError:
            timeout = math.nan
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(
            f"{where} must be a positive number of seconds, at most {MAX_TIMEOUT:,.0f} (a day)"
        )
    return float(timeout)


def _looks_like(fmt: str, output: bytes) -> bool:
    """A cheap check that `output` is the format asked for (no full parse of a large SVG)."""
    if fmt == "png":
        return output.startswith(_PNG_SIGNATURE)
    try:
        text = output.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False
    head = text[:1000].lstrip("\ufeff")
    opens_as_svg = head.startswith(("<?xml", "<svg", "<!DOCTYPE svg", "<!--")) and "<svg" in head
    return opens_as_svg and text.endswith(">")


def _executable(name_or_path: str) -> Path | None:
    """A path to a runnable file, or a command resolved on PATH; None when there is none."""
    path = Path(name_or_path).expanduser()
    if path.name != name_or_path:  # a path, not a bare command name
        return path if path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which(name_or_path)
    return Path(found) if found else None
