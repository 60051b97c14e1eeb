"""Hard cases for a derivative checker, each with the verdict gradcheck must give.

Each case is a function of one float, its derivative worked out by hand, a point, and two verdicts:
with the right derivative, and with a wrong one (1% off unless the case says otherwise). The same
cases were run by hand through torch.autograd.gradcheck for comparison (see the issue's closing
note); torch is never needed here.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple


class HardCase(NamedTuple):
    name: str
    f: Callable[[float], float]
    df: Callable[[float], float]  # the right derivative, worked out by hand
    x: float
    right: str  # our verdict with df: "ok", "kink", "FAIL" or "unresolved"
    wrong: str  # our verdict with `bad`
    bad: Callable[[float], float] | None = None  # a wrong derivative; None means df * 1.01
    eps: float | None = None  # a fixed step, where the case is about one
    why: str = ""


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


CASES = [
    HardCase(
        "tanh(1e5 x) at 1e-5", lambda x: math.tanh(1e5 * x), lambda x: 1e5 * (1 - math.tanh(1e5 * x) ** 2),
        1e-5, "ok", "FAIL", why="needs a step below 1e-7",
    ),
    HardCase(
        "x^2 + 1e8 at 0.3", lambda x: x * x + 1e8, lambda x: 2 * x, 0.3, "ok", "FAIL",
        why="rounding of 1e8 swamps small steps: needs a large one",
    ),
    HardCase(
        "1e-8 x^2 at 0.5, wrong = doubled", lambda x: 1e-8 * x * x, lambda x: 2e-8 * x, 0.5, "ok", "FAIL",
        bad=lambda x: 4e-8 * x, why="a gradient far below any absolute tolerance, judged on its own scale",
    ),
    HardCase("1e-8 x^2 at 0.5", lambda x: 1e-8 * x * x, lambda x: 2e-8 * x, 0.5, "ok", "FAIL"),
    HardCase(
        "-(2y + e^100) at 0.3", lambda y: -((y + y) + math.exp(100)), lambda y: -2.0, 0.3,
        "unresolved", "unresolved", why="f = -2.7e43: a change of 2 per unit is below its rounding",
    ),
    HardCase(
        "relu at 0, relu'(0) = 0 vs 100", lambda x: max(x, 0.0), lambda x: 0.0, 0.0, "kink", "FAIL",
        bad=lambda x: 100.0, why="any analytic value between the one-sided 0 and 1 is a subgradient",
    ),
    HardCase(
        "|x| at 0, 0 vs 1.5", abs, lambda x: 0.0, 0.0, "kink", "FAIL", bad=lambda x: 1.5,
    ),
    HardCase(
        "|x| at 3e-7", abs, lambda x: 1.0, 3e-7, "ok", "FAIL", why="a kink 3e-7 away, inside eps = 1e-6",
    ),
    HardCase(
        "|x| at 3e-7, eps=1e-6", abs, lambda x: 1.0, 3e-7, "ok", "FAIL", eps=1e-6,
        why="the fixed step straddles the kink: the right side is used",
    ),
    HardCase(
        "relu(x - 5e-7) at 0, eps=1e-6", lambda x: max(x - 5e-7, 0.0), lambda x: 0.0, 0.0, "ok", "FAIL",
        bad=lambda x: 0.01, eps=1e-6, why="a kink on the right within the step: the left side is used",
    ),
    HardCase(
        "tanh(1e5 x) at 1e-5, eps=1e-4, off by 3e4", lambda x: math.tanh(1e5 * x),
        lambda x: 1e5 * (1 - math.tanh(1e5 * x) ** 2), 1e-5, "unresolved", "unresolved",
        bad=lambda x: 1e5 * (1 - math.tanh(1e5 * x) ** 2) - 3e4, eps=1e-4,
        why="the step is far too large to say anything; torch calls it a kink and passes the wrong one",
    ),
    HardCase("1/x at 0.01", lambda x: 1 / x, lambda x: -1 / x**2, 0.01, "ok", "FAIL"),
    HardCase("e^x at 30", math.exp, math.exp, 30.0, "ok", "FAIL"),
    HardCase(
        "tanh(50 x) at 0.01", lambda x: math.tanh(50 * x), lambda x: 50 * (1 - math.tanh(50 * x) ** 2), 0.01,
        "ok", "FAIL",
    ),
    HardCase(
        "log x at 1e-7", math.log, lambda x: 1 / x, 1e-7, "ok", "FAIL",
        why="steps larger than x leave the domain: they are skipped",
    ),
    HardCase(
        "x^3 at 0, wrong = 1e-3", lambda x: x**3, lambda x: 3 * x * x, 0.0, "ok", "FAIL", bad=lambda x: 1e-3,
    ),
    HardCase(
        "sigmoid at 30", _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), 30.0, "unresolved", "unresolved",
        why="9e-14 beside f = 1: rounding resolves it to a few percent, not to rtol = 1e-3",
    ),
    HardCase(
        "sin(1/x) at 0.01", lambda x: math.sin(1 / x), lambda x: -math.cos(1 / x) / x**2, 0.01, "ok", "FAIL",
    ),
]
