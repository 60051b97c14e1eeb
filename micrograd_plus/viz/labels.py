"""The words and numbers on nodes and edges. Drawings, backward frames and explanations all
take their text from here, so a frame can find a label in the SVG by its exact text.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..engine import Value
from .graph import Edge, Graph
from .style import constant, factor, number

MAX_SUM_TERMS = 4  # more contributions than this are summarised as "sum of 16"
UNKNOWN = "?"


def op_text(node: Value) -> str:
    """The operation, with any plain-number operand folded in: `*`, `* -1`, `** 2`, `2 **`."""
    children = node._children
    constants = [(i, c) for i, c in enumerate(children) if type(c) is not Value]
    if not constants:
        return node._op
    position, value = constants[0]
    if len(children) == 1 or position > 0:
        return f"{node._op} {constant(value)}"
    return f"{constant(value)} {node._op}"


def data_text(node: Value) -> str:
    return f"data {number(node.data)}"


def grad_text(total: float | None, terms: Sequence[float | None] = ()) -> str:
    """`grad -0.34`, or for a node used several times the sum that made it:
    `grad -0.34 = -0.64 + 0.3`. None stands for a value not yet computed (`?`)."""
    head = f"grad {UNKNOWN if total is None else number(total)}"
    if len(terms) < 2:
        return head
    if len(terms) > MAX_SUM_TERMS:
        return f"{head} = sum of {len(terms)}"
    return f"{head} = {signed_sum(terms)}"


def stale_text(terms: Sequence[float]) -> str:
    """Shown under a grad that is not the sum of its contributions (a stale leaf grad)."""
    summed = f"{signed_sum(terms)} = {number(sum(terms))}" if len(terms) > 1 else number(terms[0])
    return f"≠ {summed}, the sum of its contributions"


def signed_sum(terms: Sequence[float | None]) -> str:
    """`-0.64 + 0.3 - 0.1`; an unknown term is `?`."""
    parts = []
    for i, term in enumerate(terms):
        if term is None:
            parts.append(UNKNOWN if i == 0 else f"+ {UNKNOWN}")
        elif i == 0:
            parts.append(number(term))
        else:
            parts.append(f"{'-' if term < 0 else '+'} {number(abs(term))}")
    return " ".join(parts)


def local_text(graph: Graph, edge: Edge) -> str:
    """`∂z0/∂w00 = x0 = 2.0`: which derivative, its formula, its value (written as it is in
    the product on the next line, `chain_text`)."""
    value = factor(edge.local)
    head = (
        f"∂{graph.name_in_formula(edge.parent)}/∂{graph.name_in_formula(edge.child)}"
    )
    if edge.formula in ("?", value, constant(edge.local)):
        return f"{head} = {value}"
    return f"{head} = {edge.formula} = {value}"


def chain_text(local: float, upstream: float | None) -> str:
    """`local × upstream = contribution`, e.g. `2.0 × -0.32 = -0.64`, `2.0 × 0.4200 = 0.8399`."""
    if upstream is None:
        return f"{factor(local)} × {UNKNOWN} = {UNKNOWN}"
    return f"{factor(local)} × {factor(upstream)} = {factor(local * upstream)}"
