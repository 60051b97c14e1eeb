"""Check derivatives written by hand, for functions of plain numbers (floats, lists, numpy arrays).

    check_derivative(f, df, x)   df(x) is the gradient of f (or its Jacobian, shaped f(x).shape + x.shape)
    check_vjp(f, vjp, x)         vjp(x, u) = d(u . f(x))/dx, the shape of every hand-written
                                 `backward(dvalues)`: u plays dvalues, the result plays dinputs

The same finite differences, verdicts, report and GradcheckError as gradcheck. numpy is never
imported unless x is a numpy array (then the user has it already).
"""
from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from numbers import Real

from ..engine import Value
from .jacobian import check_jacobian
from .numeric import rounding_of
from .report import GradcheckReport, finish, settings

UPSTREAM_VECTORS = 3


def check_derivative(
    f: Callable,
    df: Callable,
    x: object,
    *,
    eps: float | None = None,
    atol: float = 0.0,
    rtol: float = 1e-3,
    fast: bool = False,
    seed: int = 0,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Compare df(x) with finite differences of f at x.

    f maps x (a number, a list of numbers or a numpy array) to a number, list or array. df(x)
    returns the derivative: a number for a number, the gradient (shaped like x) for a scalar f,
    else the Jacobian shaped f(x).shape + x.shape (d f[j] / d x[i] at [j][i]).
    """
    title = "check_derivative"
    _check_functions(title, f=f, df=df)
    point, rebuild, names = _flat_input(title, x)
    f0, shape = _flat_output(title, "f(x)", f(rebuild(point)))
    n, m = len(point), len(f0)
    found = _flatten(df(rebuild(point)), title, "df(x)")
    if len(found) != m * n:
        expected = f"{n}, shaped like x" if m == 1 else f"{m * n}, the Jacobian shaped f(x).shape + x.shape"
        raise ValueError(f"{title}: df(x) returned {len(found)} numbers; expected {expected}")
    jacobian = [found[j * n : (j + 1) * n] for j in range(m)]

    def forward(xs: list[float]) -> list[float]:
        return _flat_output(title, "f(x)", f(rebuild(xs)))[0]

    def label(j: int, i: int) -> str:
        return names[i] if m == 1 else f"df[{j}]/d{names[i]}"

    def along(j: int, k: int) -> str:
        return f"df/dv{k}" if m == 1 else f"df[{j}]/dv{k}"

    options = dict(eps=eps, atol=atol, rtol=rtol, fast=fast, seed=seed, along=along)
    rows, note = check_jacobian(forward, point, jacobian, label, **options)
    return finish(GradcheckReport(title, tuple(rows), settings(eps, atol, rtol), note), raise_exception)


def check_vjp(
    f: Callable,
    vjp: Callable,
    x: object,
    *,
    eps: float | None = None,
    atol: float = 0.0,
    rtol: float = 1e-3,
    fast: bool = False,
    seed: int = 0,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Compare vjp(x, u) with finite differences of u . f(x), for 3 random upstream vectors u
    (Gaussian, seeded by `seed`, shaped like f(x)). Rows `d(u1.f)/dx[i]` name the vector and input."""
    title = "check_vjp"
    _check_functions(title, f=f, vjp=vjp)
    point, rebuild, names = _flat_input(title, x)
    y = f(rebuild(point))
    _, shape = _flat_output(title, "f(x)", y)
    generator = random.Random(seed)
    upstream = [[generator.gauss(0.0, 1.0) for _ in range(math.prod(shape))] for _ in range(UPSTREAM_VECTORS)]
    jacobian = []
    for u in upstream:
        found = _flatten(vjp(rebuild(point), _like(y, shape, u)), title, "vjp(x, u)")
        if len(found) != len(point):
            raise ValueError(f"{title}: vjp(x, u) returned {len(found)} numbers; expected {len(point)}, shaped like x")
        jacobian.append(found)

    def forward(xs: list[float]) -> list[float]:
        outputs = _flat_output(title, "f(x)", f(rebuild(xs)))[0]
        return [sum(a * b for a, b in zip(u, outputs)) for u in upstream]

    # the projections' rounding is that of their largest terms (f's own insides are hidden)
    outputs = _flat_output(title, "f(x)", y)[0]
    noise = rounding_of([sum(abs(a * b) for a, b in zip(u, outputs)) for u in upstream])

    def label(k: int, i: int) -> str:
        return f"d(u{k + 1}.f)/d{names[i]}"

    def along(k: int, direction: int) -> str:
        return f"d(u{k + 1}.f)/dv{direction}"

    options = dict(eps=eps, atol=atol, rtol=rtol, fast=fast, seed=seed, along=along, noise=noise)
    rows, note = check_jacobian(forward, point, jacobian, label, **options)
    return finish(GradcheckReport(title, tuple(rows), settings(eps, atol, rtol), note), raise_exception)


# ---- numbers, lists and arrays, flattened and rebuilt -----------------------------------------------


def _check_functions(title: str, **functions: object) -> None:
    for name, function in functions.items():
        if not callable(function):
            raise TypeError(f"{title}: {name} must be a function, got {function!r}")


def _flat_input(title: str, x: object) -> tuple[list[float], Callable[[list[float]], object], list[str]]:
    """x as a list of floats, a function making an x of the same kind from such a list, and names."""
    if _is_array(x):
        import numpy  # only reached when x is already a numpy array

        shape = x.shape
        point = _finite(title, "x", _flatten(x, title, "x"))
        names = ["x"] if shape == () else [f"x[{','.join(map(str, i))}]" for i in numpy.ndindex(*shape)]
        return point, lambda xs: numpy.array(xs, dtype=float).reshape(shape), names
    if isinstance(x, Real) and not isinstance(x, bool):
        return _finite(title, "x", [float(x)]), lambda xs: xs[0], ["x"]
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, Real) and not isinstance(v, bool) for v in x):
        return _finite(title, "x", [float(v) for v in x]), list, [f"x[{i}]" for i in range(len(x))]
    raise TypeError(
        f"{title}: x must be a number, a non-empty flat list of numbers or a numpy array, got {x!r}"
    )


def _flat_output(title: str, what: str, output: object) -> tuple[list[float], tuple[int, ...]]:
    """f's result as a list of floats, and its shape (() for a number)."""
    if isinstance(output, Value):
        raise TypeError(f"{title}: {what} returned a Value; for functions of Values use gradcheck")
    shape = tuple(output.shape) if _is_array(output) else (len(output),) if isinstance(output, (list, tuple)) else ()
    return _finite(title, what, _flatten(output, title, what)), shape


def _flatten(found: object, title: str, what: str) -> list[float]:
    if hasattr(found, "tolist") and not isinstance(found, Real):
        found = found.tolist()  # a numpy array or scalar, without importing numpy
    if isinstance(found, Real) and not isinstance(found, bool):
        return [float(found)]
    if isinstance(found, Sequence) and not isinstance(found, str) and not isinstance(found, bool):
        return [number for item in found for number in _flatten(item, title, what)]
    raise TypeError(f"{title}: {what} must give numbers, got {found!r}")


def _finite(title: str, what: str, numbers: list[float]) -> list[float]:
    for i, number in enumerate(numbers):
        if not math.isfinite(number):
            raise ValueError(f"{title}: {what} holds {number} at flat index {i}; it must be finite")
    return numbers


def _like(y: object, shape: tuple[int, ...], flat: list[float]) -> object:
    """An upstream vector of the same kind and shape as y = f(x): a number, a list or an array."""
    if _is_array(y):
        import numpy

        return numpy.array(flat).reshape(shape)
    return flat[0] if shape == () else flat


def _is_array(x: object) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "tolist")
