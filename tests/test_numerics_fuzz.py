"""Seeded fuzzing of the non-finite policy: across random expressions over numbers from 1e-320 to
1e308, every operation and every backward pass either gives finite numbers (equal to Python's
where Python's are finite) or raises an error that names the operation. Never inf or nan, never
a bare `math range error` or `(34, 'Numerical result out of range')`.
"""
from __future__ import annotations

import math
import operator
import random

import pytest

from micrograd_plus import Value

UNARY = {
    "exp": (Value.exp, math.exp),
    "log": (Value.log, math.log),
    "tanh": (Value.tanh, math.tanh),
    "sigmoid": (Value.sigmoid, None),
    "relu": (Value.relu, lambda x: max(x, 0.0)),
    "abs": (Value.abs, abs),
    "sqrt": (Value.sqrt, math.sqrt),
    "neg": (Value.__neg__, lambda x: -x),
}
BINARY = {  # the same Python operator on Values and, as the reference, on floats
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
}
# Every message starts with the name of what failed: an operation or backward.
NAMED = ("add:", "mul:", "div:", "pow:", "exp:", "log:", "sqrt:", "sub:", "backward:", "pow backward:")


def number(rng: random.Random) -> float:
    """Mostly ordinary numbers, often extremes: subnormals, 1e300s, exact zeros, integers."""
    kind = rng.random()
    if kind < 0.1:
        return 0.0
    if kind < 0.2:
        return float(rng.randint(-4, 4))
    sign = rng.choice([-1.0, 1.0])
    return sign * 10 ** rng.uniform(-320, 308) if kind < 0.6 else sign * rng.uniform(0, 5)


def is_named(error: Exception) -> bool:
    return str(error).startswith(NAMED)


def test_random_operations_give_python_s_finite_numbers_or_a_named_error():
    rng = random.Random(2026)
    tried = named_errors = 0
    for _ in range(20_000):
        a, b = number(rng), number(rng)
        if rng.random() < 0.4:
            name = rng.choice(list(UNARY))
            op, reference = UNARY[name]
            make, expected = (lambda: op(Value(a))), reference
            args = (a,)
        else:
            name = rng.choice(list(BINARY))
            op = expected = BINARY[name]
            other = b if rng.random() < 0.5 else Value(b)
            make = lambda: op(Value(a), other)  # noqa: E731
            args = (a, b)
        tried += 1
        try:
            result = make()
        except (ArithmeticError, ValueError) as error:
            assert is_named(error), (name, args, error)
            named_errors += 1
            continue
        assert math.isfinite(result.data), (name, args, result)
        if expected is not None:
            try:
                python = expected(*args)
            except (ArithmeticError, ValueError):
                continue  # Python fails where we succeed: 0 ** 0.5 and friends are fine here
            if isinstance(python, float) and math.isfinite(python):
                assert result.data == pytest.approx(python, rel=1e-15, abs=0.0), (name, args)
    assert tried == 20_000 and 1000 < named_errors < tried - 1000  # both outcomes were exercised


def test_random_graphs_backpropagate_finite_gradients_or_name_the_node():
    rng = random.Random(7)
    finished = reported = 0
    for _ in range(2_000):
        leaves = [Value(number(rng)) for _ in range(3)]
        nodes = list(leaves)
        try:
            for _ in range(6):
                if rng.random() < 0.4:
                    nodes.append(UNARY[rng.choice(list(UNARY))][0](rng.choice(nodes)))
                else:
                    op = BINARY[rng.choice(list(BINARY))]
                    nodes.append(op(rng.choice(nodes), rng.choice(nodes)))
        except (ArithmeticError, ValueError) as error:
            assert is_named(error), error
            continue
        try:
            nodes[-1].backward()
        except (ArithmeticError, ValueError) as error:
            assert is_named(error), error
            reported += 1
            continue
        assert all(math.isfinite(leaf.grad) for leaf in leaves)
        finished += 1
    assert finished > 200 and reported > 20  # both outcomes were exercised
