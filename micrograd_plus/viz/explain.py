"""`explain(root)`: backward step by step, in words, for a terminal.

    step 4: z0.grad = -0.32; to (x0*w00) through +: local ∂z0/∂(x0*w00) = 1.0, contribution ...

Each step matches one backward frame, and the live page prints it under its picture.
"""
from __future__ import annotations

from ..engine import Value
from .graph import Edge, Graph
from .labels import chain_text, local_text, op_text, signed_sum
from .steps import BackwardWalk
from .style import number


def explain(root: Value) -> str:
    """The whole backward pass from `root` as text: one paragraph per step, then the leaves.

    Grads are computed afresh; no `.grad` is read or written.
    """
    graph = Graph.with_fresh_grads(root)
    walk = BackwardWalk(graph)
    name = graph.names[root]
    size = "1 value" if len(graph.order) == 1 else f"{len(graph.order)} values"
    lines = [
        f"backward from {name} = {number(root.data)} ({size})."
        " Each step takes the next result in reverse topological order, whose grad is now"
        " complete, and adds local derivative × grad into each of its operands' grads.",
        *step_texts(walk),
        "leaf grads:",
    ]
    for node in graph.order:
        if not node._children:
            terms = graph.contributions(node)
            sum_text = f" = {signed_sum(terms)}" if len(terms) > 1 else ""
            lines.append(f"  {graph.name_in_formula(node)}.grad = {number(graph.grads[node])}{sum_text}")
    return "\n".join(lines)


def step_texts(walk: BackwardWalk) -> list[str]:
    """One block of text per backward step; step 0 is the seed."""
    graph = walk.graph
    root = graph.name_in_formula(graph.root)  # bracketed unless a plain name
    blocks = [f"step 0: seed {root}.grad = 1 (∂{root}/∂{root} = 1)"]
    for step in range(1, len(walk)):
        node = walk.current(step)
        head = f"step {step}: {graph.name_in_formula(node)}.grad = {number(graph.grads[node])}; "
        pushes = [_push_text(walk, edge) for edge in walk.pushes(step)]
        blocks.append(head + ("\n" + " " * len(head)).join(pushes))
    return blocks


def _push_text(walk: BackwardWalk, edge: Edge) -> str:
    graph = walk.graph
    contribution = chain_text(edge.local, graph.grads[edge.parent])
    text = (f"to {graph.name_in_formula(edge.child)} through {op_text(edge.parent)}:"
            f" local {local_text(graph, edge)}, contribution {contribution}")
    terms = walk.terms_after_push(edge)
    if len(terms) > 1:
        known = [t for t in terms if t is not None]
        name = graph.name_in_formula(edge.child)
        if len(known) < len(terms):
            so_far = signed_sum(known) + (f" = {number(sum(known))}" if len(known) > 1 else "")
            text += f" ({name}.grad so far {so_far}: {len(known)} of {len(terms)} uses)"
        else:
            text += f" ({name}.grad = {signed_sum(known)} = {number(sum(known))}, complete)"
    return text
