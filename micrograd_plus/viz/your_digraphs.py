"""Your own `graphviz.Digraph`s (the lecture's `draw_dot`) rendered by micrograd_plus's `dot`.

The graphviz package runs an executable named `dot` from PATH. A virtual environment with only
micrograd_plus installed has none: its `dot` is graphviz-pure, under another name. One line,

    micrograd_plus.viz.use_bundled_dot()

points the graphviz package at that renderer, so `Digraph.render()`, `.pipe()` and a notebook's
display of a Digraph work with no system Graphviz. Nothing happens until you call it: importing
micrograd_plus never changes the graphviz package.
"""
from __future__ import annotations

from pathlib import Path

from .renderer import find_dot


def use_bundled_dot() -> Path:
    """Make the graphviz package render with the `dot` micrograd_plus uses (graphviz-pure, or
    what MICROGRAD_PLUS_DOT names), and return its path. It lasts until the process ends."""
    # graphviz builds every command from this one module attribute (graphviz >= 0.20).
    from graphviz.backend import dot_command

    dot = find_dot()
    dot_command.DOT_BINARY = dot
    return dot
