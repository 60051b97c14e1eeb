"""Forward mode: push a direction through the graph, from the inputs up to the output.

Reverse mode (`backward`, `grad`) walks the graph once from the output down and gets
d(output)/d(every input). Forward mode walks it once from the inputs up and gets the derivative
in one direction: give each input a tangent `ẋ` (how fast it moves), and every node's tangent is

    ṅode = Σ_operands  d(node)/d(operand) · ȯperand

with the same local derivatives as backward, read from `engine.RULES`. The output's tangent is
the directional derivative Σ_i d(output)/d(x_i) · ẋ_i. With a tangent of 1 on one input and 0 on
the rest it is one entry of the gradient: one forward pass per input, one backward pass for all.

    jvp(y, [x1, x2], [1.0, 0.0])   # = dy/dx1, the same number grad(y, [x1])[0] gives
"""
from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

from .engine import RULES, Value, _data, topological_order


def jvp(output: Value, inputs: Sequence[Value], tangents: Sequence[float]) -> float:
    """The directional derivative Σ_i d(output)/d(inputs[i]) · tangents[i], by forward accumulation.

    Nodes are visited in topological order, so every operand's tangent is known before its
    result's. An input may be any node of the graph, not only a leaf: its tangent is added to
    the one flowing into it, which makes the answer equal Σ_i grad(output, inputs)[i] · tangents[i]
    in every case. `.grad` is neither read nor written.
    """
    if not isinstance(output, Value):
        raise TypeError(f"jvp: output must be a Value, got {output!r}")
    inputs, tangents = list(inputs), list(tangents)
    if len(inputs) != len(tangents):
        raise ValueError(f"jvp: {len(inputs)} inputs but {len(tangents)} tangents")
    seeds: dict[Value, float] = {}
    for position, (node, tangent) in enumerate(zip(inputs, tangents)):
        if not isinstance(node, Value):
            raise TypeError(f"jvp: inputs[{position}] must be a Value, got {node!r}")
        if isinstance(tangent, Value) or not isinstance(tangent, Real):
            raise TypeError(f"jvp: tangents[{position}] must be a real number, got {tangent!r}")
        seeds[node] = seeds.get(node, 0.0) + float(tangent)  # the same input twice: both count

    tangent_of: dict[Value, float] = {}
    for node in topological_order(output):
        total = seeds.get(node, 0.0)
        children = node._children
        if children:
            operands = [_data(child) for child in children]
            for child, rule in zip(children, RULES[node._op]):
                incoming = tangent_of.get(child, 0.0) if type(child) is not float else 0.0
                if incoming:  # a still operand adds nothing, so its rule need not be evaluated
                    total += rule(node.data, *operands) * incoming
        tangent_of[node] = total
    return tangent_of[output]
