"""Every path from the root down to one node, with its product of local derivatives.

The multivariate chain rule in one line: d(root)/d(node) is the sum, over every path from the
root to the node, of the product of the local derivatives along that path. `PathSet.total` is
that sum, and equals the node's grad after a fresh backward().
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine import Value
from .graph import Edge, Graph

MAX_LISTED_PATHS = 12


@dataclass(frozen=True)
class Path:
    edges: tuple[Edge, ...]  # from the root downwards

    @property
    def product(self) -> float:
        return math.prod(edge.local for edge in self.edges)


@dataclass(frozen=True)
class PathSet:
    target: Value
    edges: frozenset[Edge]  # every edge on some path
    nodes: frozenset[Value]  # every node on some path
    listed: tuple[Path, ...]  # the first MAX_LISTED_PATHS paths, in edge order
    count: int  # how many paths there are (can be far more than listed)
    total: float  # the sum of all path products: d(root)/d(target)


def paths_to(graph: Graph, target: Value, max_listed: int = MAX_LISTED_PATHS) -> PathSet:
    """All root-to-`target` paths. Counts and sums by dynamic programming, so a graph with
    millions of paths is still quick; only the first `max_listed` are spelled out."""
    if target not in graph.index:
        raise ValueError(
            f"highlight: {target!r} is not in the graph of the root {graph.names[graph.root]!r}"
        )
    count: dict[Value, int] = {}
    total: dict[Value, float] = {}
    for node in graph.order:  # children before parents
        if node is target:
            count[node], total[node] = 1, 1.0
            continue
        onward = [e for e in graph.operand_edges[node] if e.child in count]
        if onward:
            count[node] = sum(count[e.child] for e in onward)
            total[node] = sum(e.local * total[e.child] for e in onward)
    edges = frozenset(
        edge for node in count for edge in graph.operand_edges[node] if edge.child in count
    )
    return PathSet(
        target,
        edges,
        frozenset(count),
        _first_paths(graph, target, count, max_listed),
        count[graph.root],
        total[graph.root],
    )


def _first_paths(
    graph: Graph, target: Value, on_path: dict[Value, int], limit: int
) -> tuple[Path, ...]:
    """Depth-first from the root, with an explicit stack (paths can be thousands of edges long)."""
    paths: list[Path] = []
    stack: list[tuple[Value, tuple[Edge, ...]]] = [(graph.root, ())]
    while stack and len(paths) < limit:
        node, so_far = stack.pop()
        if node is target:
            paths.append(Path(so_far))
            continue
        onward = [e for e in graph.operand_edges[node] if e.child in on_path]
        stack += [(e.child, so_far + (e,)) for e in reversed(onward)]
    return tuple(paths)
