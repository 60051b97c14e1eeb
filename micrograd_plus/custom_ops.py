"""Your own operations, the rule-table way: `define_op(name, forward, *rules)`.

An op is a forward function on floats and one derivative rule per operand, `(out, *operands)
-> d(out)/d(operand)`, as the built-in ops in `engine.RULES`. The rules join that table, so
every reader of it serves the new op: `backward()`, `grad()` (with `create_graph=True` when the
rules use arithmetic that works on Values), `gradcheck` and the visualizer's edge labels.
(micrograd's way, a `_backward` closure on each node, works in `backward()` only.)
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

from .engine import BUILT_IN_OPS, RULES, Number, Operand, Value, _data, _node_of, _operand
from .numerics import as_float, finite

# Errors raised in a define_op forward that are re-raised with the op's name and operands
# (`math domain error` alone does not say where); other types pass through untouched.
_RENAMEABLE = (ValueError, ArithmeticError, OverflowError, ZeroDivisionError, FloatingPointError)

# Each defined op's forward on floats, with the same checks and messages as the op itself, for
# readers that replay a graph without Values (the tape). The built-in ops compute in Value's methods.
FORWARD: dict[str, Callable[..., float]] = {}


def define_op(
    name: str, forward: Callable[..., float], *rules: Callable[..., Operand]
) -> Callable[..., Value]:
    """Add an operation: `forward(*floats) -> float` computes it, and `rules[i](out, *operands)`
    gives d(out)/d(operand i), one rule per operand. Returns the op, a function of Values and
    numbers. Its rules join RULES, so backward(), grad(), gradcheck and the visualizer serve it;
    rules written with arithmetic that works on Values also give grad(create_graph=True).

        cube = define_op("cube", lambda x: x**3, lambda out, x: 3 * x * x)  # f' = 3x²
        cube(Value(2.0))  # Value(data=8.0, grad=0.0)

    See demos/08_your_own_op.py for softplus, defined this way and micrograd's way.
    """
    if not isinstance(name, str) or not name or name.strip() != name:
        raise ValueError(f"define_op: name must be a non-empty string, unpadded; got {name!r}")
    if name in BUILT_IN_OPS:
        raise ValueError(f"define_op: {name!r} is a built-in operation; choose another name")
    if not callable(forward):
        raise TypeError(f"define_op {name!r}: forward must be a function, got {forward!r}")
    if not rules:
        raise TypeError(f"define_op {name!r}: give one derivative rule per operand (none given)")
    for position, rule in enumerate(rules):
        if not callable(rule):
            raise TypeError(f"define_op {name!r}: rule {position} must be a function, got {rule!r}")
    arity = len(rules)
    _check_arity(name, forward, arity)

    def compute(*numbers: float) -> float:
        """forward(*numbers), its errors naming the op and where, its result checked finite."""
        try:
            result = forward(*numbers)
        except (ArithmeticError, ValueError) as error:
            if type(error) not in _RENAMEABLE:
                raise
            at = ", ".join(map(repr, numbers))
            raise type(error)(f"{name}({at}): {error}") from error  # which op, and where
        if type(result) is not float:
            result = as_float(result, f"{name}: the forward's result")
        if result - result:  # inf or nan
            finite(result, name, *numbers)
        return result

    def op(*operands: Value | Number) -> Value:
        if len(operands) != arity:
            raise TypeError(f"{name}: takes {arity} operand(s), one per rule; got {len(operands)}")
        operands = tuple([_operand(x, name) for x in operands])
        return _node_of(compute(*[_data(x) for x in operands]), operands, name)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = forward.__doc__
    RULES[name] = tuple(rules)
    FORWARD[name] = compute
    return op


def _check_arity(name: str, forward: Callable[..., float], arity: int) -> None:
    """A forward that cannot take one operand per rule is a mistake: say so now, not at a call."""
    try:
        inspect.signature(forward).bind(*[0.0] * arity)
    except ValueError:  # no signature to read (some built-in functions): the call will tell
        return
    except TypeError:
        raise TypeError(
            f"define_op {name!r}: forward must take {arity} operand(s), one per rule; its "
            f"signature is {inspect.signature(forward)}"
        ) from None
