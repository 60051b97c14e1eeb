"""Every operation once, as (name, function on Values, the same function on floats, points).

One catalogue feeds both the value tests and the derivative checks in test_engine.py, so a new
operation is tested both ways by adding one line. Points include extremes (around +-30) and points
a little way from the kinks of relu and abs (far enough that central differences do not straddle).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple


class Case(NamedTuple):
    name: str
    f: Callable  # takes Values (or floats, for the ops that accept both)
    reference: Callable  # the same function on floats, written independently
    points: list[tuple[float, ...]]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x > -700 else 0.0


BINARY = [(1.5, -2.0), (-30.0, 29.5), (0.25, 0.75)]
POSITIVE = [(1e-3,), (0.5,), (2.0,), (30.0,)]
ANY = [(-30.0,), (-1.5,), (-1e-3,), (1e-3,), (0.7,), (30.0,)]

CASES = [
    Case("add", lambda a, b: a + b, lambda a, b: a + b, BINARY),
    Case("radd", lambda a: 3 + a, lambda a: 3 + a, ANY),
    Case("sub", lambda a, b: a - b, lambda a, b: a - b, BINARY),
    Case("rsub", lambda a: 3 - a, lambda a: 3 - a, ANY),
    Case("mul", lambda a, b: a * b, lambda a, b: a * b, BINARY),
    Case("rmul", lambda a: 3 * a, lambda a: 3 * a, ANY),
    Case("neg", lambda a: -a, lambda a: -a, ANY),
    Case("div", lambda a, b: a / b, lambda a, b: a / b, BINARY),
    Case("div by number", lambda a: a / 4, lambda a: a / 4, ANY),
    Case("rdiv", lambda a: 3 / a, lambda a: 3 / a, ANY),
    Case("square", lambda a: a**2, lambda a: a**2, ANY),
    Case("cube", lambda a: a**3, lambda a: a**3, ANY),
    Case("inverse", lambda a: a**-1, lambda a: a**-1, ANY),
    Case("power 1.5", lambda a: a**1.5, lambda a: a**1.5, POSITIVE),
    Case("power of a Value", lambda a, b: a**b, lambda a, b: a**b, [(0.5, 1.5), (2.0, -0.5), (3.0, 2.0)]),
    Case("rpow", lambda a: 2**a, lambda a: 2**a, ANY),
    Case("exp", lambda a: a.exp(), math.exp, ANY),
    Case("log", lambda a: a.log(), math.log, POSITIVE),
    Case("sqrt", lambda a: a.sqrt(), math.sqrt, POSITIVE),
    Case("tanh", lambda a: a.tanh(), math.tanh, ANY),
    Case("sigmoid", lambda a: a.sigmoid(), _sigmoid, ANY),
    Case("relu", lambda a: a.relu(), lambda a: max(a, 0.0), ANY),
    Case("abs", lambda a: a.abs(), abs, ANY),
    Case(
        "composite",
        lambda a, b: (a * b + b.exp()).tanh() - (a**2 + 1).log() / b,
        lambda a, b: math.tanh(a * b + math.exp(b)) - math.log(a**2 + 1) / b,
        [(0.3, -0.8), (-1.2, 0.4), (2.0, 1.5)],
    ),
]

# The points where each case is checked, flattened so pytest names every (case, point) pair.
CASE_POINTS = [
    (case, point) for case in CASES for point in case.points
]
CASE_IDS = [f"{case.name}-{point}" for case, point in CASE_POINTS]
