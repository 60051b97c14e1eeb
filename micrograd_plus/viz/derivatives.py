"""Local derivatives for edge labels: the number from the engine's rule table, and the formula in
symbols so a reader can check it by hand (`∂z/∂w00 = x0 = +2.0000`).

The numbers always come from `engine.RULES`, the same functions backward runs; `FORMULAS` only
says in words what each rule of a built-in op computes. An op added with `define_op` is written
as its name with a prime (`softplus′(x)`); a node with its own `_backward` closure (micrograd's
way) has no rule to evaluate, so its edges say so, with nan for the number.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from ..engine import RULES, Value, _data, has_own_backward

Name = Callable[["Value | float"], str]

# One template per operand, as in RULES: {out} is the result, {a} and {b} the operands.
FORMULAS: dict[str, tuple[str, ...]] = {
    "+": ("1", "1"),  # d(a+b)/da = 1
    "*": ("{b}", "{a}"),  # d(ab)/da = b
    "/": ("1/{b}", "-{out}/{b}"),  # d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -(a/b)/b
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

    Where the rule itself fails (x ** 0.5 at x = 0 has an infinite slope), or there is no rule
    to run, the edge shows nan: the drawing should still show the forward graph.
    """
    rules = RULES.get(parent._op)
    if rules is None or len(rules) != len(parent._children) or has_own_backward(parent):
        return math.nan
    operands = [_data(child) for child in parent._children]
    try:
        return float(rules[position](parent.data, *operands))
    except (ZeroDivisionError, ValueError, OverflowError):
        return math.nan


def formula(parent: Value, position: int, name: Name) -> str:
    """The local derivative in symbols, e.g. `x0` for d(x0*w00)/d(w00), `1 - t²` for tanh."""
    if has_own_backward(parent):
        return "? (a closure)"  # micrograd's way: what the closure computes cannot be read
    if parent._op not in RULES:
        return "? (no rule)"
    out = name(parent)
    operands = [name(child) for child in parent._children]
    templates = FORMULAS.get(parent._op)
    if templates is None:  # an op from define_op: its name, primed, or ∂ for several operands
        if len(operands) == 1:
            return f"{parent._op}′({operands[0]})"
        return f"∂{parent._op}({', '.join(operands)})/∂{operands[position]}"
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
