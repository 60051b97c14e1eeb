"""Check analytic derivatives against finite differences, from anyone's test suite.

    def test_my_function():
        gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5])   # raises GradcheckError on a mismatch

For each input x_i the numeric derivative is the central difference

    n_i = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

and the analytic one a_i comes from `backward()`. A pair passes when |a - n| <= atol + rtol |n|
(PyTorch's rule: the numeric value is the reference).

A kink (relu or abs at 0) has no derivative: the one-sided differences (f(x+eps) - f(x)) / eps and
(f(x) - f(x-eps)) / eps disagree there, and keep disagreeing by the same amount as eps shrinks,
whereas on a smooth curve they differ by about eps * f''(x), which shrinks with eps. Such an
input is flagged as a kink in the report and not counted as a failure.
"""
from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .engine import Value, grad

Function = Callable[..., "Value | float"]


@dataclass(frozen=True)
class GradcheckRow:
    """One input's analytic and numeric derivative, and the verdict."""

    label: str
    value: float
    analytic: float
    numeric: float
    abs_err: float
    rel_err: float  # |a - n| / max(|a|, |n|), 0 when both are 0 (CS231n's measure)
    ok: bool
    kink: bool


@dataclass(frozen=True)
class GradcheckReport:
    """The rows of a check; `ok` when every row passed or sits on a kink."""

    title: str
    rows: tuple[GradcheckRow, ...]
    eps: float
    atol: float
    rtol: float

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> list[GradcheckRow]:
        return [row for row in self.rows if not row.ok]

    def __str__(self) -> str:
        failed, total = len(self.failures), len(self.rows)
        noun = "derivative" if total == 1 else "derivatives"
        verdict = f"failed: {failed} of {total} {noun}" if failed else f"passed: {total} {noun}"
        header = (
            f"{self.title} {verdict} checked "
            f"(eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g})"
        )
        width = max([len("input")] + [len(row.label) for row in self.rows])
        lines = [
            header,
            f"  {'input':<{width}}  {'value':>12}  {'analytic':>14}  {'numeric':>14}"
            f"  {'abs_err':>8}  {'rel_err':>8}",
        ]
        for row in self.rows:
            verdict = "ok" if row.ok and not row.kink else "FAIL" if not row.ok else (
                "kink: not differentiable here, not counted"
            )
            lines.append(
                f"  {row.label:<{width}}  {row.value:>12.6g}  {row.analytic:>14.8g}"
                f"  {row.numeric:>14.8g}  {row.abs_err:>8.1e}  {row.rel_err:>8.1e}  {verdict}"
            )
        return "\n".join(lines)


class GradcheckError(AssertionError):
    """Raised when an analytic derivative disagrees with finite differences; `.report` has all."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


def gradcheck(
    f: Function,
    inputs: Sequence[float | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Compare the gradient of `f` from `backward()` with central differences at `inputs`.

    `f` takes one Value per input and returns a Value. Raises `GradcheckError` on a mismatch,
    or returns the report with `raise_exception=False`.
    """
    point = _floats(inputs)
    labels = _labels(f, inputs)

    def analytic(xs: list[float]) -> list[float]:
        leaves = [Value(x, label=label) for x, label in zip(xs, labels)]
        output = _evaluate(f, leaves)
        output.backward()
        return [leaf.grad for leaf in leaves]

    def forward(xs: list[float]) -> float:
        return _evaluate(f, [Value(x) for x in xs]).data

    rows = _compare(forward, analytic(point), point, labels, eps, atol, rtol)
    return _finish(GradcheckReport("gradcheck", rows, eps, atol, rtol), raise_exception)


def gradgradcheck(
    f: Function,
    inputs: Sequence[float | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check second derivatives: each first derivative df/dx_i, built by
    `grad(..., create_graph=True)`, is itself gradchecked against central differences.
    The row `d2/dx_j dx_i` holds the Hessian entry."""
    point = _floats(inputs)
    labels = _labels(f, inputs)
    rows: list[GradcheckRow] = []
    for i, wrt in enumerate(labels):

        def first_derivative(xs: list[float], i: int = i) -> tuple[Value, list[Value]]:
            leaves = [Value(x, label=label) for x, label in zip(xs, labels)]
            return grad(_evaluate(f, leaves), leaves, create_graph=True)[i], leaves

        def analytic(xs: list[float]) -> list[float]:
            derivative, leaves = first_derivative(xs)
            derivative.backward()
            return [leaf.grad for leaf in leaves]

        def forward(xs: list[float]) -> float:
            return first_derivative(xs)[0].data

        row_labels = [f"d2/d{label} d{wrt}" for label in labels]
        rows += _compare(forward, analytic(point), point, row_labels, eps, atol, rtol)
    return _finish(GradcheckReport("gradgradcheck", tuple(rows), eps, atol, rtol), raise_exception)


# ---- the comparison shared by both checks -------------------------------------------------------


def _compare(
    forward: Callable[[list[float]], float],
    analytic: list[float],
    point: list[float],
    labels: list[str],
    eps: float,
    atol: float,
    rtol: float,
) -> tuple[GradcheckRow, ...]:
    f0 = forward(point)
    rows = []
    for i, (a, label) in enumerate(zip(analytic, labels)):

        def f_at(step: float, i: int = i) -> float:
            shifted = list(point)
            shifted[i] += step
            return forward(shifted)

        plus, minus = f_at(eps), f_at(-eps)
        numeric = (plus - minus) / (2 * eps)
        abs_err = abs(a - numeric)
        biggest = max(abs(a), abs(numeric))
        rel_err = abs_err / biggest if biggest else 0.0
        kink = _is_kink(f0, plus, minus, f_at(eps / 10), f_at(-eps / 10), eps, atol, rtol)
        ok = abs_err <= atol + rtol * abs(numeric) or kink
        rows.append(GradcheckRow(label, point[i], a, numeric, abs_err, rel_err, ok, kink))
    return tuple(rows)


def _is_kink(
    f0: float,
    plus: float,
    minus: float,
    plus_tenth: float,
    minus_tenth: float,
    eps: float,
    atol: float,
    rtol: float,
) -> bool:
    """One-sided slopes that disagree, by an amount that does not shrink ~10x when eps does.

    A gap within reach of rounding error says nothing: f(x + h) - f(x) carries an error of a few
    ulps of f, which one-sided slopes divide by h, so a large f (or a tiny h) makes noise that
    would otherwise pass for a kink and hide a wrong derivative.
    """
    forward, backward = (plus - f0) / eps, (f0 - minus) / eps
    gap = forward - backward
    if abs(gap) <= atol + rtol * max(abs(forward), abs(backward)):
        return False
    biggest = max(abs(f0), abs(plus), abs(minus), abs(plus_tenth), abs(minus_tenth))
    rounding = 8 * sys.float_info.epsilon * biggest / (eps / 10)  # the noise at the smaller step
    small_gap = (plus_tenth - f0) / (eps / 10) - (f0 - minus_tenth) / (eps / 10)
    if min(abs(gap), abs(small_gap)) <= 10 * rounding:
        return False
    shrink = small_gap / gap
    return not 0.05 <= shrink <= 0.2  # a smooth curve gives 0.1 (the gap is eps * f'')


def _finish(report: GradcheckReport, raise_exception: bool) -> GradcheckReport:
    if raise_exception and not report.ok:
        raise GradcheckError(report)
    return report


def _evaluate(f: Function, leaves: list[Value]) -> Value:
    output = f(*leaves)
    if isinstance(output, Value):
        return output
    if isinstance(output, (int, float)):
        return Value(output)  # a function that ignores its inputs: every derivative is 0
    raise TypeError(f"gradcheck: f must return a Value, got {output!r}")


def _floats(inputs: Sequence[float | Value]) -> list[float]:
    point = []
    for position, x in enumerate(inputs):
        x = x.data if isinstance(x, Value) else x
        if not isinstance(x, (int, float)):
            raise TypeError(f"gradcheck: inputs[{position}] must be a number, got {x!r}")
        point.append(float(x))
    return point


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
