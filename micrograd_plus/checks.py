"""Argument checks shared by the nn library, so that every bad setting fails the same clear way:
naming where it happened, what it is, and the value that was given."""
from __future__ import annotations

import math
from numbers import Real


def positive_int(n: object, where: str, what: str) -> int:
    """n itself, when it is a whole number >= 1 (a bool is not a count)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n!r}")
    return n


def finite_number(x: object, where: str, what: str) -> float:
    """x as a float, when it is a real number other than nan and +-inf."""
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
        raise ValueError(f"{where}: {what} must be a finite number, got {x!r}")
    return float(x)


def non_negative(x: object, where: str, what: str) -> float:
    """x as a float, when it is finite and >= 0 (a rate, a strength, a decay)."""
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{where}: {what} must be a finite number >= 0, got {x!r}")
    return float(x)
