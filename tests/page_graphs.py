"""Graphs for the live-page tests, and `replay`: the same graph rebuilt in Python at new input
values, which is what the page's numbers are compared with."""
from __future__ import annotations

from micrograd_plus import Value
from micrograd_plus.engine import topological_order
from micrograd_plus.nn import MLP


def small() -> Value:
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    z = x * y + x.tanh()
    z.label = "z"
    return z


def every_op() -> Value:
    """Each operation at least once, a constant on each side, and a value used three times."""
    a, b, c = Value(0.7, label="a"), Value(-1.3, label="b"), Value(2.5, label="c")
    s = (a * b).sigmoid() + (b * 2.0).relu() + (c - a).abs()
    t = (c.log() + 2 ** a) * (b ** 2) + c ** a + (a / c).exp() + a.tanh() * 3.0 + 1.0 / b
    out = s * t + a
    out.label = "out"
    return out


def mlp_loss(samples: int = 1, sizes=(3, [4, 4, 1])) -> Value:
    """A small MLP's squared error over `samples` points: the lecture's graph."""
    model = MLP(*sizes, seed=1)
    xs = [[0.5 * (i + 1), -1.0 + 0.3 * i, 0.25][: sizes[0]] for i in range(samples)]
    loss = sum(((model(x) - (1.0 if i % 2 else -1.0)) ** 2 for i, x in enumerate(xs)), Value(0.0, label="zero"))
    loss.label = "loss"
    return loss


def replay(root: Value, values: dict[str, float]) -> list[Value]:
    """The graph below `root` built again from its operations, with the leaves named in `values`
    (by their names on the page: the label, or `v<position>`) set anew; returns the new nodes in
    the old topological order."""
    order = topological_order(root)
    new: dict[Value, Value] = {}
    for position, node in enumerate(order):
        if not node._children:
            name = node.label or f"v{position}"
            new[node] = Value(values.get(name, node.data), label=node.label)
            continue
        a, *rest = [new[c] if type(c) is Value else c for c in node._children]
        if node._op == "+":
            new[node] = a + rest[0]
        elif node._op == "*":
            new[node] = a * rest[0]
        elif node._op == "/":
            new[node] = a / rest[0]
        elif node._op == "**":
            new[node] = a ** rest[0]
        else:
            new[node] = getattr(a, node._op)()
    return [new[node] for node in order]
