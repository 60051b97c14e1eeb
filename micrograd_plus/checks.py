"""Argument checks shared by the nn library, so that every bad setting fails the same clear way:
naming where it happened, what it is, and the value that was given."""
from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

from .engine import Value


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


def is_rows(X: object) -> bool:
    """Whether X can be read as a list: a sequence (not a string), or a numpy array of one or more
    dimensions, whose rows and numbers index, iterate and multiply a Value as a list's do."""
    if isinstance(X, (str, bytes)):
        return False
    return isinstance(X, Sequence) or getattr(X, "ndim", 0) >= 1 and hasattr(X, "__array__")


def feature_rows(X: object, where: str) -> None:
    """Every row of X holds the same number of finite numbers (a row may also be one number).
    The error names the row and column: nan, inf, a string, a ragged row."""
    if not is_rows(X):
        raise ValueError(f"{where}: X must be a list of rows of numbers, got {X!r:.60}")
    width = None
    for i, row in enumerate(X):
        if isinstance(row, (Real, Value)):
            _feature(row, where, f"row {i}")
            continue
        if not is_rows(row):
            raise ValueError(f"{where}: row {i} is {row!r:.60}, not a list of numbers")
        if width is None:
            width, first = len(row), i
        elif len(row) != width:
            raise ValueError(f"{where}: row {i} has {len(row)} features but row {first} has {width};"
                             " every row needs the same number")
        for j, x in enumerate(row):
            _feature(x, where, f"row {i}, column {j}")


def _feature(x: object, where: str, at: str) -> None:
    value = x.data if isinstance(x, Value) else x
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{where}: {at} is {x!r:.40} ({type(x).__name__}), not a number")
    if not math.isfinite(value):
        raise ValueError(f"{where}: {at} is {value}; data must be finite numbers")


def distribution(target: Sequence, where: str, what: str) -> list[float]:
    """A one-hot (or probability) target: entries in [0, 1] that sum to 1, as floats."""
    values = [finite_number(t, where, what) for t in target]
    if any(not 0 <= t <= 1 for t in values) or abs(sum(values) - 1) > 1e-6:
        raise ValueError(f"{where}: {what} {list(target)!r:.60} is not one-hot (nor probabilities):"
                         " its entries must be between 0 and 1 and sum to 1")
    return values
