"""The notes' plots, drawn with matplotlib from numbers the sections computed.

matplotlib is optional (the `plot` extra) and imported only when a picture is drawn. Each
function takes the data to show and a path, and writes a PNG through `write_atomic_with`.
Metadata that changes between runs (the software version) is left out of the file.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..files import write_atomic_with
from ..plots import MISSING

Curve = tuple[Sequence[float], Sequence[float]]  # xs, ys


def figure(width: float, height: float) -> Any:
    """A matplotlib Figure drawn with Agg (no pyplot, no window)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ModuleNotFoundError(MISSING) from None
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic_with(path, lambda f: fig.savefig(f, format="png", metadata={"Software": None}))


def style(axes: Any, title: str, xlabel: str, ylabel: str) -> None:
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
