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
