"""gradcheck and gradgradcheck: the engine's derivatives of a function of Values, at any order.

    def test_my_function():
        gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5])   # raises GradcheckError on a mismatch

`f` takes one Value per input and returns a Value or a list of Values. Order 1 checks what
`backward()` leaves in each input's `.grad`, for every (output, input) pair. Order k > 1 checks
`grad(..., create_graph=True)` at every order from 1 to k, each against finite differences of the
order below: grad()'s first derivatives against f itself, its second derivatives against finite
differences of its first, and so on. So a bug in grad() shows at the order where it lives.
"""
from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Sequence
from numbers import Real

from ..engine import RULES, Value, grad
from .jacobian import check_jacobian
from .numeric import Function as NumericFunction
from .report import GradcheckReport, GradcheckRow, finish, settings

Function = Callable[..., "Value | Sequence[Value]"]  # f itself; numeric.Function is its numeric twin


def gradcheck(
    f: Function,
    inputs: Sequence[float | Value],
    *,
    eps: float | None = None,
    atol: float = 0.0,
    rtol: float = 1e-3,
    order: int = 1,
    fast: bool = False,
    seed: int = 0,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Compare the derivatives of `f` at `inputs` with finite differences.

    eps: None searches the steps for each derivative (Richardson extrapolation, with an error
    estimate); a number uses the steps eps, eps/2 and eps/4 only. A derivative passes when
    |analytic - numeric| <= atol + rtol |numeric| + the numeric value's estimated error.
    order: 1 checks backward(); k > 1 checks grad(create_graph=True) at orders 1..k.
    fast: check along random directions (seeded by `seed`), at a cost that does not grow with
    the number of inputs; on a failure every input is re-checked, naming the culprit.
    Raises GradcheckError when a derivative is wrong or cannot be resolved, or returns the
    report with `raise_exception=False`.
    """
    options = dict(eps=eps, atol=atol, rtol=rtol, fast=fast, seed=seed)
    return finish(_check("gradcheck", f, inputs, order, options), raise_exception)


def gradgradcheck(
    f: Function,
    inputs: Sequence[float | Value],
    *,
    eps: float | None = None,
    atol: float = 0.0,
    rtol: float = 1e-3,
    fast: bool = False,
    seed: int = 0,
    raise_exception: bool = True,
) -> GradcheckReport:
    """gradcheck(f, inputs, order=2): grad()'s first derivatives against f, and its second
    derivatives (the Hessian, rows `d2f/dy dx` = d/dy of df/dx) against differences of the first."""
    options = dict(eps=eps, atol=atol, rtol=rtol, fast=fast, seed=seed)
    return finish(_check("gradgradcheck", f, inputs, 2, options), raise_exception)


def _check(title: str, f: Function, inputs: Sequence[float | Value], order: int, options: dict) -> GradcheckReport:
    eps, atol, rtol = options["eps"], options["atol"], options["rtol"]
    point = _point(title, inputs)
    _check_call(title, f, point, eps, atol, rtol, order)
    labels = _labels(f, inputs)
    outputs = _outputs(title, f, [Value(x, label=label) for x, label in zip(point, labels)])
    names = ["f"] if len(outputs) == 1 else [f"f[{j}]" for j in range(len(outputs))]
    n = len(point)
    rows: list[GradcheckRow] = []
    notes: list[str] = []
    for level in range(1, order + 1):
        below = _derivative_names(names, labels, level - 1)  # what is differentiated at this level
        if order == 1:  # what users call: backward()
            jacobian = _backward_jacobian(title, f, point, labels)
        else:  # grad(create_graph=True) at this order
            derivatives = [d.data for d in _derivatives(title, f, point, labels, level)]
            jacobian = [derivatives[j * n : (j + 1) * n] for j in range(len(below))]

        def label(j: int, i: int, below: list = below) -> str:
            if order == 1 and len(names) == 1:
                return labels[i]  # one gradient: its rows are simply the inputs
            return _derivative_name(below[j], labels[i])

        def along(j: int, k: int, below: list = below) -> str:
            return _derivative_name(below[j], f"v{k}")

        forward = _forward(title, f, labels, level - 1)
        noise = _rounding_error(_derivatives(title, f, point, labels, level - 1))  # once: it costs a walk
        more, note = check_jacobian(forward, point, jacobian, label, along=along, noise=noise, **options)
        rows += more
        notes.append(note)
    note = "; ".join(dict.fromkeys(note for note in notes if note))  # each different note once
    return GradcheckReport(title, tuple(rows), settings(eps, atol, rtol), note)


# ---- evaluating f and its derivatives -----------------------------------------------------------


def _backward_jacobian(title: str, f: Function, point: list[float], labels: list[str]) -> list[list[float]]:
    """d output_j / d x_i from backward(), one backward pass per output."""
    leaves = [Value(x, label=label) for x, label in zip(point, labels)]
    jacobian = []
    for output in _outputs(title, f, leaves):
        for leaf in leaves:
            leaf.grad = 0.0  # leaves accumulate across backward() calls
        output.backward()
        jacobian.append([leaf.grad for leaf in leaves])
    return jacobian


def _derivatives(title: str, f: Function, point: list[float], labels: list[str], level: int) -> list[Value]:
    """Every derivative of order `level` of every output, by grad(create_graph=True), as Values:
    output j's derivative d/dx_a d/dx_b ... sits at index j n^level + ... + b n + a."""
    leaves = [Value(x, label=label) for x, label in zip(point, labels)]
    values = _outputs(title, f, leaves)
    for _ in range(level):
        values = [d for value in values for d in grad(value, leaves, create_graph=True)]
    return values


def _forward(title: str, f: Function, labels: list[str], level: int) -> NumericFunction:
    """The point -> the derivatives of order `level`, as numbers."""

    def forward(xs: list[float]) -> list[float]:
        return [value.data for value in _derivatives(title, f, xs, labels, level)]

    return forward


def _rounding_error(roots: list[Value]) -> float:
    """The largest rounding error in the roots' data, to first order: every operation rounds its
    result (eps |out|) and passes on its operands' errors times |d out / d operand| (RULES).
    So 1 - tanh(x)^2 at x = 20 gets the error of the numbers near 1 it was made from."""
    error: dict[Value, float] = {}
    for node in _in_order(roots):
        operands = node._children
        passed = 0.0
        rules = RULES.get(node._op) if operands else ()
        if rules is None:  # an operation with only a micrograd-style _backward: take |d| <= 1
            passed = sum(error[child] for child in operands if type(child) is not float)
        elif operands:
            data = [child if type(child) is float else child.data for child in operands]
            for child, rule in zip(operands, rules):
                if type(child) is not float:
                    try:
                        passed += abs(rule(node.data, *data)) * error[child]
                    except (ArithmeticError, ValueError):  # an infinite slope (sqrt at 0)
                        passed = math.inf
        error[node] = sys.float_info.epsilon * abs(node.data) + passed
    return max(error[root] for root in roots)


def _in_order(roots: list[Value]) -> list[Value]:
    """Every node below the roots, each after its operands (one walk for all the roots)."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in node._children if type(child) is not float)
    return order


def _derivative_names(names: list[str], labels: list[str], level: int) -> list[tuple[str, tuple[str, ...]]]:
    """(function, variables) for each derivative of order `level`, in _derivatives' order."""
    found = [(name, ()) for name in names]
    for _ in range(level):
        found = [(name, variables + (label,)) for name, variables in found for label in labels]
    return found


def _derivative_name(of: tuple[str, tuple[str, ...]], wrt: str) -> str:
    """d/d`wrt` of `of`: df/dx, then d2f/dy dx (d/dy of df/dx), d3f/dz dy dx, ..."""
    name, variables = of
    variables = (wrt,) + tuple(reversed(variables))
    power = "" if len(variables) == 1 else str(len(variables))
    return f"d{power}{name}/" + " ".join(f"d{v}" for v in variables)


def _outputs(title: str, f: Function, leaves: list[Value]) -> list[Value]:
    output = f(*leaves)
    if isinstance(output, Value):
        return [output]
    if isinstance(output, Real):
        raise TypeError(
            f"{title}: f returned the plain number {output!r}, not a Value, so the graph back to "
            f"the inputs is lost (was .data, float() or math.* used on a Value?); to check a "
            f"function of plain numbers, use check_derivative"
        )
    if isinstance(output, Sequence) and not isinstance(output, str) and len(output) > 0:
        for j, item in enumerate(output):
            if not isinstance(item, Value):
                raise TypeError(f"{title}: f must return Values; output [{j}] is {item!r}")
        return list(output)
    raise TypeError(f"{title}: f must return a Value or a list of Values, got {output!r}")


# ---- the inputs ---------------------------------------------------------------------------------


def _point(title: str, inputs: object) -> list[float]:
    if isinstance(inputs, (Real, Value)):
        shown = inputs.data if isinstance(inputs, Value) else inputs
        raise TypeError(
            f"{title}: inputs must be a list with one number per argument of f, got the single "
            f"number {shown!r}: write [{shown!r}]"
        )
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"{title}: inputs must be a list of numbers, one per argument of f, got {inputs!r}")
    if len(inputs) == 0:
        raise ValueError(f"{title}: inputs is empty; give one number per argument of f")
    point = []
    for position, x in enumerate(inputs):
        x = x.data if isinstance(x, Value) else x
        if isinstance(x, bool) or not isinstance(x, Real):
            raise TypeError(f"{title}: inputs[{position}] must be a number, got {x!r}")
        if not math.isfinite(x):
            raise ValueError(f"{title}: inputs[{position}] must be finite, got {x!r}")
        point.append(float(x))
    return point


def _check_call(title: str, f: object, point: list[float], eps, atol, rtol, order) -> None:
    if not callable(f):
        raise TypeError(f"{title}: f must be a function, got {f!r}")
    try:
        inspect.signature(f).bind(*point)
    except TypeError:
        raise TypeError(f"{title}: f cannot be called with {len(point)} arguments, one per input") from None
    except ValueError:
        pass  # no signature to read (a builtin): the call itself will tell
    if eps is not None and not (isinstance(eps, Real) and 0 < eps < math.inf):
        raise ValueError(f"{title}: eps must be a positive number or None (search the steps), got {eps!r}")
    for name, tolerance in (("atol", atol), ("rtol", rtol)):
        if not (isinstance(tolerance, Real) and 0 <= tolerance < math.inf):
            raise ValueError(f"{title}: {name} must be a number >= 0, got {tolerance!r}")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"{title}: order must be an integer >= 1, got {order!r}")


def _labels(f: Function, inputs: Sequence[float | Value]) -> list[str]:
    """Row names: the inputs' own labels when they are labelled Values, else the names of f's
    parameters when they fit (`def f(w, x)` gives rows w and x), else x[0], x[1], ..."""
    labels = [x.label if isinstance(x, Value) else "" for x in inputs]
    if all(labels) and len(set(labels)) == len(labels):
        return labels
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) == len(inputs) == len(parameters):
        return positional
    return [f"x[{i}]" for i in range(len(inputs))]
