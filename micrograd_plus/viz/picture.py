"""`Picture`: every choice that decides what one drawing shows, gathered by `draw` (or by the
backward frames) and read by the DOT builder and the legend."""
from __future__ import annotations

from dataclasses import dataclass, field

from .graph import Graph
from .highlight import PathSet
from .structure import Group


@dataclass
class Picture:
    """Everything that decides what a drawing shows."""

    graph: Graph
    neurons: list[Group] = field(default_factory=list)
    layers: list[Group] = field(default_factory=list)
    collapsed: list[Group] = field(default_factory=list)  # groups drawn as a single node
    paths: PathSet | None = None
    show_grads: bool = True
    legend: bool = True
    notes: list[str] = field(default_factory=list)  # extra legend lines
    caption: str | None = None  # a line above everything (backward frames)
    max_edge_labels: int = 80
