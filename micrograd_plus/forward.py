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

import math
from collections.abc import Sequence
from numbers import Real

from .engine import (
    Value,
    _data,
    _rules_of,
    closure_only_in_backward,
    has_own_backward,
    topological_order,
)
from .numerics import as_float, derivative_overflow, describe_node, finite


def jvp(output: Value, inputs: Sequence[Value], tangents: Sequence[float]) -> float:
    """The directional derivative Σ_i d(output)/d(inputs[i]) · tangents[i], by forward accumulation.

    Nodes are visited in topological order, so every operand's tangent is known before its
    result's. An input may be any node of the graph, not only a leaf: its tangent is added to
    the one flowing into it, which makes the answer equal Σ_i grad(output, inputs)[i] · tangents[i]
    in every case. `.grad` is neither read nor written. A tangent that is not finite stops the
    walk with an error naming the node and the op that made it, as backward does for a gradient.
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
        where = f"jvp: tangents[{position}]"
        # the same input twice: both count, and their sum must be finite too
        seeds[node] = finite(seeds.get(node, 0.0) + as_float(tangent, where), where)

    tangent_of: dict[Value, float] = {}
    for node in topological_order(output):
        total = seeds.get(node, 0.0)
        children = node._children
        if children:
            if has_own_backward(node):
                raise closure_only_in_backward(node, "jvp")
            operands = [_data(child) for child in children]
            for child, rule in zip(children, _rules_of(node, "jvp")):
                incoming = tangent_of.get(child, 0.0) if type(child) is not float else 0.0
                if not incoming:  # a still operand adds nothing: its rule need not be evaluated
                    continue
                try:
                    local = rule(node.data, *operands)
                except OverflowError as error:  # the rule's own arithmetic (y ** -2 at 1e-200)
                    raise derivative_overflow(node, error, "jvp") from None
                total += local * incoming
                if total - total:  # inf or nan: say where, as backward does for a gradient
                    raise _tangent_not_finite(node, total, local, incoming)
        tangent_of[node] = total
    return tangent_of[output]


def _tangent_not_finite(node: Value, tangent: float, local: float, incoming: float) -> ArithmeticError:
    what = "is infinite: it exceeds the float range" if math.isinf(tangent) else "is nan"
    operands = ", ".join(repr(_data(child)) for child in node._children)
    message = (f"jvp: the tangent of {describe_node(node)} {what}. It comes from {node._op!r} at "
               f"({operands}): local derivative {local!r} times operand tangent {incoming!r}.")
    return OverflowError(message) if math.isinf(tangent) else ValueError(message)
