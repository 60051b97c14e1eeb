"""Numbers entering the engine: real, representable as a float, and finite.

The policy (README, "Non-finite numbers"): inf and nan are refused where they would enter a
Value, and an operation whose result is not finite raises, naming itself and its operands. So
every `data` in a graph is finite, and `backward` only has to watch the gradients.
The engine calls these only off its fast paths, or after a cheap test has already failed.
"""
from __future__ import annotations

import math
from numbers import Real

POLICY = "micrograd_plus refuses inf and nan (see 'Non-finite numbers' in the README)"


def as_float(x: object, where: str) -> float:
    """`x` as a float: a real number, and not an int too large for one (10**400)."""
    if type(x) is float:
        return x
    if not isinstance(x, Real):
        raise TypeError(f"{where} must be a real number, got {x!r} ({type(x).__name__})")
    try:
        return float(x)
    except OverflowError:
        raise OverflowError(
            f"{where} is {describe(x)}, too large for a float (the largest is about 1.8e308)"
        ) from None


def finite(x: float, op: str, *operands: float, symbol: str = "") -> float:
    """`x` when it is finite; otherwise the error naming `op` and the operands it came from.

    With no operands, `x` is a number entering a graph (`Value(nan)`, a constant `v * inf`).
    With a `symbol`, the two operands are shown as `a symbol b` (`1e308 * 10.0`).
    """
    if math.isfinite(x):
        return x
    for operand in operands:
        if not math.isfinite(operand):
            raise ValueError(f"{op}: the operand {operand!r} is not a finite number; {POLICY}")
    if not operands:
        raise ValueError(f"{op}: {x!r} is not a finite number; {POLICY}")
    if symbol and len(operands) == 2:
        expression = f"{operands[0]!r} {symbol} {operands[1]!r}"
    else:
        expression = f"{op}({', '.join(map(repr, operands))})"
    if math.isinf(x):
        raise OverflowError(f"{op}: {expression} exceeds the float range (it would be {x!r})")
    raise ValueError(f"{op}: {expression} is not a number (nan); {POLICY}")


def describe(x: object) -> str:
    """A short description of any object for an error message (huge ints without all digits)."""
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 10**30:
        digits = int(math.log10(abs(x))) + 1
        return f"an int of {digits} digits ({'-' if x < 0 else ''}about 10**{digits - 1})"
    text = repr(x)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(x).__name__})"


# ---- float arithmetic with clear errors (the engine's forward passes) ---------------------------


def divide(x: float, y: float) -> float:
    """x / y as Python computes it, with clear errors for a zero or an overflowing quotient."""
    if y == 0:
        raise ZeroDivisionError(f"div: division by zero ({x!r} / {y!r})")
    return finite(x / y, "div", x, y, symbol="/")


def power(x: float, y: float) -> float:
    """x ** y with clear errors where Python would return a complex number or fail tersely."""
    if x < 0 and not y.is_integer():
        raise ValueError(
            f"pow: negative base {x!r} with non-integer exponent {y!r} has no real value"
        )
    if x == 0 and y < 0:
        raise ZeroDivisionError(f"pow: 0.0 cannot be raised to a negative power ({y!r})")
    try:
        return x**y
    except OverflowError:
        raise OverflowError(f"pow: {x!r} ** {y!r} exceeds the float range") from None


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e^-x) in two branches, so that exp never sees a large positive argument."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


# ---- what went wrong in a backward pass, in words ---------------------------------------------
# These read a node only through the graph protocol: `data`, `label`, `_op`, `_children`.


def describe_node(node) -> str:
    label = f" {node.label!r}" if node.label else ""
    return f"the node{label} made by {node._op!r} (data {node.data!r})"


def derivative_overflow(node, error: OverflowError, reader: str = "backward") -> OverflowError:
    """A rule's own arithmetic overflowed (x ** -2 at 1e-200): say which op, at which numbers."""
    operands = ", ".join(repr(c if type(c) is float else c.data) for c in node._children)
    return OverflowError(
        f"{reader}: the derivative of {node._op!r} at ({operands}) exceeds the float range"
        f" ({error.args[-1]})"
    )


def gradient_not_finite(node, gradient: float, uses: list) -> ArithmeticError:
    """The first node whose gradient is inf (OverflowError) or nan (ValueError), and the use
    that made it so: `uses` lists (parent, local derivative, parent's gradient) for each."""
    what = "is infinite: it exceeds the float range" if math.isinf(gradient) else "is nan"
    culprit = ""
    for parent, local, upstream in uses:
        if not math.isfinite(local * upstream):
            operands = ", ".join(repr(c if type(c) is float else c.data) for c in parent._children)
            culprit = (f" It comes from {parent._op!r} at ({operands}): local derivative "
                       f"{local!r} times upstream gradient {upstream!r}.")
            break
    label = f" {node.label!r}" if node.label else ""
    message = f"backward: the gradient of the node{label} with data {node.data!r} {what}.{culprit}"
    return OverflowError(message) if math.isinf(gradient) else ValueError(message)
