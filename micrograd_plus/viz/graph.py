"""The graph as the visualizer reads it: nodes in topological order, their names and kinds, and
every edge with its local derivative evaluated by the engine's own rules (`engine.RULES`).

An edge joins a result (`parent`) to one of its operands (`child`). Backward sends
`local * parent.grad` along it into `child.grad`; that product is the edge's *contribution*.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .. import engine
from ..engine import Value
from .derivatives import formula, local_derivative
from .style import printable

# Labels the nn library gives to parameters: `L1.N0.w2`, `L1.N0.b`, or `w2`, `b` (unnamed neuron).
PARAMETER_LABEL = re.compile(r"^(?:(?P<neuron>.+)\.)?(?:w\d+|b)$")
_PLAIN_NAME = re.compile(r"^[\w.]+$")
_WEIGHT = re.compile(r"^(?:.+\.)?w(\d+)$")


@dataclass(frozen=True, eq=False)
class Edge:
    """`child` is operand number `position` of `parent`; d(parent)/d(child) = `local`."""

    parent: Value
    position: int
    child: Value
    local: float
    formula: str  # the local derivative in symbols, names filled in: "x0", "1 - t²"


class Graph:
    """Everything the drawings, frames and explanations need to know about one graph.

    `grads` gives the grad shown for each node: by default the `.grad` the nodes hold; the
    backward frames use freshly computed ones (`with_fresh_grads`).
    """

    def __init__(
        self,
        root: Value,
        grads: Mapping[Value, float] | None = None,
        parameters: Iterable[Value] | None = None,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"draw: root must be a Value, got {root!r} ({type(root).__name__})")
        self.root = root
        self.order: list[Value] = engine.topological_order(root)
        self.index = {node: i for i, node in enumerate(self.order)}
        self.grads = dict(grads) if grads is not None else {n: n.grad for n in self.order}
        self.parameters = self._find_parameters(parameters)
        inputs = self._network_inputs()
        # as drawn: a label with a line break or a control character is shown escaped, everywhere
        self.names = {node: printable(str(node.label)) if node.label else inputs.get(node) or f"v{i}"
                      for i, node in enumerate(self.order)}
        self.operand_edges: dict[Value, list[Edge]] = {node: [] for node in self.order}
        self.uses: dict[Value, list[Edge]] = {node: [] for node in self.order}
        # Walk parents in backward's order, so `uses` lists contributions in the order they arrive.
        for parent in reversed(self.order):
            for position, child in enumerate(parent._children):
                if type(child) is not Value:
                    continue  # a plain-number constant: shown in the op's label, not a node
                edge = Edge(
                    parent,
                    position,
                    child,
                    local_derivative(parent, position),
                    formula(parent, position, self.name_in_formula),
                )
                self.operand_edges[parent].append(edge)
                self.uses[child].append(edge)

    @classmethod
    def with_fresh_grads(
        cls, root: Value, parameters: Iterable[Value] | None = None, reader: str = "explain"
    ) -> Graph:
        """The graph with d(root)/d(node) computed now, ignoring (and not touching) `.grad`,
        which may hold leftovers from earlier backward() calls. `reader` names the caller in
        the error for a node with its own `_backward` closure, whose steps cannot be shown."""
        graph = cls(root, parameters=parameters)
        for node in graph.order:
            if engine.has_own_backward(node):
                raise engine.closure_only_in_backward(
                    node, reader, " What it computes cannot be shown step by step (draw() still"
                    " shows the graph, marking its edges '? (a closure)')."
                )
        graph.grads = dict(zip(graph.order, engine.grad(root, graph.order)))
        return graph

    # ---- naming and classifying nodes ---------------------------------------------------------

    def node_id(self, node: Value) -> str:
        """A DOT/SVG id from the topological position: the same graph always gets the same ids."""
        return f"v{self.index[node]}"

    def name_in_formula(self, operand: Value | float) -> str:
        """A node's name, bracketed when it is not a plain word (`(1/s)`); a constant as `3`."""
        if type(operand) is not Value:
            return f"{operand:g}"
        name = self.names[operand]
        return name if _PLAIN_NAME.match(name) else f"({name})"

    def kind(self, node: Value) -> str:
        """'loss' (the root), 'parameter', 'input' (another leaf) or 'result'."""
        if node is self.root:
            return "loss"
        if node._children:
            return "result"
        return "parameter" if node in self.parameters else "input"

    def _network_inputs(self) -> dict[Value, str]:
        """Unlabelled leaves fed to neurons, named as the nn library numbers their weights: a
        leaf multiplied only by weights `...w1` is input `x1`."""
        positions: dict[Value, set[str | None]] = {}
        for parent in self.order:
            for child in parent._children:
                if type(child) is not Value or child._children or child.label:
                    continue
                others = [c for c in parent._children if c is not child]
                weight = others[0] if parent._op == "*" and len(others) == 1 else None
                match = _WEIGHT.match(weight.label) if weight in self.parameters else None
                positions.setdefault(child, set()).add(match.group(1) if match else None)
        return {node: f"x{found.pop()}" for node, found in positions.items()
                if len(found) == 1 and None not in found}

    def _find_parameters(self, given: Iterable[Value] | None) -> set[Value]:
        if given is not None:
            return set(given)
        return {
            node
            for node in self.order
            if not node._children and PARAMETER_LABEL.match(node.label)
        }

    # ---- gradients -----------------------------------------------------------------------------

    def contribution(self, edge: Edge) -> float:
        """What backward adds into `edge.child.grad` along this edge: local × upstream."""
        return edge.local * self.grads[edge.parent]

    def contributions(self, node: Value) -> list[float]:
        """Every term backward adds into `node.grad`, in the order it adds them."""
        return [self.contribution(edge) for edge in self.uses[node]]

    def is_stale(self, node: Value) -> bool:
        """True when the grad shown differs from the sum of its contributions: a leaf grad that
        accumulated over several backward() calls, or a backward() run from another root."""
        if node is self.root or not self.uses[node]:
            return False
        expected = sum(self.contributions(node))
        return abs(self.grads[node] - expected) > 1e-9 * max(1.0, abs(expected))

    def has_grads(self) -> bool:
        """Whether backward has filled in grads (the root is seeded with 1)."""
        return self.grads[self.root] != 0
