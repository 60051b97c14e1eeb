"""Activation functions and softmax, made of `Value` operations.

`relu`, `sigmoid`, `tanh` and `linear` take one Value (or number) and return a Value, or take a
list and return a list. `softmax` and `log_softmax` take the list of a sample's logits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import reduce
from numbers import Real
from operator import add

from .engine import Value

Scalar = Value | float | int  # a number is turned into a constant leaf Value


def relu(x: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    """f(x) = max(0, x),  f'(x) = 1 if x > 0 else 0 (0 at the kink, as PyTorch)"""
    return _elementwise(Value.relu, x, "relu")


def sigmoid(x: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    """f(x) = 1 / (1 + e^-x),  f'(x) = f(x) (1 - f(x))"""
    return _elementwise(Value.sigmoid, x, "sigmoid")


def tanh(x: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    """f(x) = tanh x,  f'(x) = 1 - tanh^2 x"""
    return _elementwise(Value.tanh, x, "tanh")


def linear(x: Scalar | Sequence[Scalar]) -> Value | list[Value]:
    """f(x) = x,  f'(x) = 1 (the output of a regression model, or of logits)"""
    return _elementwise(_identity, x, "linear")


def _identity(v: Value) -> Value:
    return v


# The activations a layer can be built with, by name.
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "linear": _identity,
}


def log_softmax(logits: Sequence[Scalar]) -> list[Value]:
    """log softmax(z)_i = z_i - log sum_j e^(z_j), computed as (z_i - m) - log sum_j e^(z_j - m).

    m = max_j z_j is subtracted as a plain number, not as a graph node. Softmax does not change
    when every logit is shifted by the same amount, so the exact derivative through m is zero and
    needs no edge (a `max` node would route gradient to the largest logit, and split ties).
    After the shift the largest exponent is e^0 = 1: nothing overflows (e^1000 would), and the
    sum is at least 1, so its log always exists.
    """
    z = _values(logits, "log_softmax")
    m = max(v.data for v in z)
    shifted = [v - m for v in z]
    log_total = _sum([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]


def softmax(logits: Sequence[Scalar]) -> list[Value]:
    """softmax(z)_i = e^(z_i) / sum_j e^(z_j) = exp(log_softmax(z)_i), stable for any logits.

    d softmax_i / d z_j = softmax_i (delta_ij - softmax_j).
    """
    return [v.exp() for v in log_softmax(logits)]


# ---- helpers shared by the nn modules -----------------------------------------------------------


def _sum(values: Sequence[Value]) -> Value:
    """v0 + v1 + ... without the `0 +` node that the built-in sum() would put in the graph."""
    return reduce(add, values)


def _as_value(x: Scalar, where: str) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return Value(x)
    raise TypeError(f"{where}: expected a Value or a number, got {x!r} ({type(x).__name__})")


def _values(xs: Sequence[Scalar], where: str) -> list[Value]:
    if not isinstance(xs, Sequence) or not xs:
        raise ValueError(f"{where}: expected a non-empty list of logits, got {xs!r}")
    return [_as_value(x, where) for x in xs]


def _elementwise(f: Callable[[Value], Value], x, where: str) -> Value | list[Value]:
    if isinstance(x, Sequence):
        return [f(_as_value(v, where)) for v in x]
    return f(_as_value(x, where))
