"""Local derivatives for edge labels: the number from the engine's rule table, and the formula in
symbols so a reader can check it by hand (`∂z/∂w00 = x0 = +2.0000`).

The numbers always come from `engine.RULES`, the same functions backward runs; `FORMULAS` only
says in words what each rule computes.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from ..engine import RULES, Value, _data

Name = Callable[["Value | float"], str]

# One template per operand, as in RULES: {out} is the result, {a} and {b} the operands.
FORMULAS: dict[str, tuple[str, ...]] = {
    "+": ("1", "1"),  # d(a+b)/da = 1
    "*": ("{b}", "{a}"),  # d(ab)/da = b
    "**": ("{b}·{a}^({b}-1)", "{out}·ln {a}"),  # d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
    "exp": ("e^{a}",),
    "log": ("1/{a}",),
    "tanh": ("1 - {out}²",),
    "sigmoid": ("{out}·(1 - {out})",),
    "relu": ("1 if {a}>0 else 0",),
    "abs": ("sign({a})",),
}


def local_derivative(parent: Value, position: int) -> float:
    """d(parent)/d(operand `position`), evaluated by the engine's rule on the stored numbers.

    Where the rule itself fails (x ** 0.5 at x = 0 has an infinite slope) the edge shows nan;
    backward would raise there, and the drawing should still show the forward graph.
    """
    operands = [_data(child) for child in parent._children]
    try:
        return float(RULES[parent._op][position](parent.data, *operands))
    except (ZeroDivisionError, ValueError, OverflowError):
        return math.nan


def formula(parent: Value, position: int, name: Name) -> str:
    """The local derivative in symbols, e.g. `x0` for d(x0*w00)/d(w00), `1 - t²` for tanh."""
    templates = FORMULAS.get(parent._op)
    if templates is None:
        return "?"  # an op the visualizer does not know yet: the number is still right
    out = name(parent)
    operands = [name(child) for child in parent._children]
    a, b = (operands + [""])[:2]
    exponent = parent._children[-1]
    if parent._op == "**" and position == 0 and type(exponent) is not Value:
        return _power_rule(a, exponent)
    return templates[position].format(out=out, a=a, b=b)


def _power_rule(base: str, exponent: float) -> str:
    """d(x^c)/dx with the constant worked out: `2·x`, `-1·s^-2`, `0.5·x^-0.5`."""
    lowered = exponent - 1
    if lowered == 0:
        return f"{exponent:g}"
    if lowered == 1:
        return f"{exponent:g}·{base}"
    return f"{exponent:g}·{base}^{lowered:g}"
