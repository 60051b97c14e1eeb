"""Demo 8: add your own operation, softplus(x) = ln(1 + e^x), in two ways, and check both.

1. micrograd's way: make the result node yourself and attach a `_backward` closure that adds
   the local derivative times out.grad into x.grad. backward() runs it; but the closure is
   opaque, so grad(..., create_graph=True) and the visualizer cannot use it.
2. The rule-table way: `define_op(name, forward, *rules)`, one rule per operand giving
   d(out)/d(operand). The rule joins the engine's table, so backward(), grad() with
   create_graph (second derivatives), gradcheck and the visualizer all serve the new op.

softplus'(x) = e^x / (1 + e^x) = sigmoid(x), and softplus''(x) = sigmoid(x) (1 - sigmoid(x)).
Run: python demos/08_your_own_op.py
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from micrograd_plus import GradcheckError, Value, define_op, draw, grad, gradcheck, gradgradcheck
from micrograd_plus.files import write_atomic
from micrograd_plus.viz import RendererNotFound


def softplus_of_a_float(x: float) -> float:
    """ln(1 + e^x) in a form that never overflows: max(x, 0) + ln(1 + e^-|x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def sigmoid(x: float | Value) -> float | Value:
    """sigmoid(x), for a float (in backward) or a Value (under create_graph=True)."""
    if isinstance(x, Value):
        return x.sigmoid()
    if x >= 0:  # two branches: exp never overflows, and e^x / (1 + e^x) keeps tiny values exact
        return 1.0 / (1.0 + math.exp(-x))
    return math.exp(x) / (1.0 + math.exp(x))


# ---- 1. micrograd's way: a node and a closure ----------------------------------------------


def softplus_micrograd(x: Value) -> Value:
    out = Value(softplus_of_a_float(x.data), (x,), "softplus")

    def _backward() -> None:
        x.grad += sigmoid(x.data) * out.grad  # local derivative times upstream

    out._backward = _backward
    return out


# ---- 2. the rule-table way: define_op -------------------------------------------------------

softplus = define_op(
    "softplus",
    softplus_of_a_float,  # forward, on floats
    lambda out, x: sigmoid(x),  # d softplus(x) / dx, on floats or Values
)


def checked_everywhere(check, f, points: list[float]) -> str:
    """Run gradcheck or gradgradcheck at every point (each raises on a mismatch); one line."""
    for x0 in points:
        check(f, [x0])
    return f"{check.__name__} passed at x = {', '.join(f'{x0:g}' for x0 in points)}"


def main(out: Path = Path("out/08_your_own_op"), quick: bool = False) -> None:
    points = [-2.0, 0.5] if quick else [-30.0, -2.0, 0.0, 0.5, 3.0, 30.0]
    lines = ["softplus(x) = ln(1 + e^x), d/dx = sigmoid(x)", ""]

    lines.append("1. micrograd's way: Value(data, (x,), 'softplus') and out._backward = closure")
    for x0 in points:
        x = Value(x0)
        y = softplus_micrograd(x)
        y.backward()
        lines.append(f"   x = {x0:+6.1f}: softplus = {y.data:.6g}, backward gives {x.grad:.6g}"
                     f" (sigmoid: {sigmoid(x0):.6g})")
    lines.append("   " + checked_everywhere(gradcheck, softplus_micrograd, points))
    try:
        gradgradcheck(softplus_micrograd, [0.5])
    except RuntimeError as error:  # the closure cannot be evaluated on Values
        lines.append(f"   second derivative refused: {str(error).split('. ')[0]}.")
    lines.append("")

    lines.append("2. the rule-table way: define_op('softplus', forward, rule)")
    for x0 in points:
        x = Value(x0)
        (first,) = grad(softplus(x), [x], create_graph=True)
        (second,) = grad(first, [x])
        s = sigmoid(x0)
        lines.append(f"   x = {x0:+6.1f}: softplus' = {first.data:.6g}, softplus'' = {second:.6g}"
                     f" (s(1 - s): {s * (1 - s):.6g})")
    lines.append("   " + checked_everywhere(gradcheck, softplus, points))
    lines.append("   " + checked_everywhere(gradgradcheck, softplus, points))
    try:  # and a wrong rule is caught, as any engine op's would be
        wrong = define_op("softplus_wrong", softplus_of_a_float, lambda out, x: out)
        gradcheck(wrong, [0.5])
    except GradcheckError as error:
        lines.append("   a wrong rule (d/dx = softplus itself): " + str(error).splitlines()[0])

    out.mkdir(parents=True, exist_ok=True)
    x = Value(0.5, label="x")
    y = softplus(x)
    y.label = "y"
    y.backward()
    view = draw(y)
    edge = re.search(r"∂y/∂x = softplus′\(x\) = [\d.]+", view.source).group()
    lines.append("")
    lines.append(f"the visualizer labels the new op's edge from its rule: {edge}")
    try:
        lines.append(f"wrote {view.save(out / 'softplus.svg')}")
    except RendererNotFound as error:
        lines.append(f"no picture: {str(error).splitlines()[0]}")

    text = "\n".join(lines)
    write_atomic(out / "report.txt", text + "\n")
    print(text)
    print(f"\nwrote {out / 'report.txt'}")


if __name__ == "__main__":
    main()
