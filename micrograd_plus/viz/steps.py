"""backward() replayed one node at a time, for the frames and the explanation.

Step 0 seeds the root: d(root)/d(root) = 1. Step k takes the k-th result node in reverse
topological order, whose grad is then complete (everything that uses it came earlier), and
pushes `local × grad` along each of its operand edges. A node used in several places collects
one contribution per use; its grad is known once the last one has arrived.
"""
from __future__ import annotations

from ..engine import Value
from .graph import Edge, Graph


class BackwardWalk:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.nodes = [node for node in reversed(graph.order) if node._children]
        self.step_of = {node: k for k, node in enumerate(self.nodes, 1)}  # when it pushes

    def __len__(self) -> int:
        """The number of frames: the seed, then one per result node."""
        return len(self.nodes) + 1

    def current(self, step: int) -> Value:
        return self.graph.root if step == 0 else self.nodes[step - 1]

    def pushes(self, step: int) -> list[Edge]:
        """The edges along which this step sends contributions."""
        return [] if step == 0 else self.graph.operand_edges[self.nodes[step - 1]]

    def terms(self, node: Value, step: int) -> list[float | None]:
        """The contributions to `node.grad` after `step`; None for those still to come."""
        return [self.graph.contribution(edge) if self.step_of[edge.parent] <= step else None
                for edge in self.graph.uses[node]]

    def terms_after_push(self, edge: Edge) -> list[float | None]:
        """The contributions to `edge.child.grad` just after `edge` has pushed; None for those
        still to come. One step pushes along its edges in operand order, so for `x * x` the first
        edge leaves x.grad at one of two terms and only the second completes it."""
        step = self.step_of[edge.parent]
        return [self.graph.contribution(use)
                if (self.step_of[use.parent], use.position) <= (step, edge.position) else None
                for use in self.graph.uses[edge.child]]

    def grad(self, node: Value, step: int) -> float | None:
        """`node.grad` after `step` when it is complete, else None."""
        if node is self.graph.root:
            return self.graph.grads[node]
        terms = self.terms(node, step)
        return self.graph.grads[node] if None not in terms else None

    def upstream(self, edge: Edge, step: int) -> float | None:
        """The parent's grad if the parent has pushed along `edge` by `step`."""
        return self.graph.grads[edge.parent] if self.step_of[edge.parent] <= step else None
