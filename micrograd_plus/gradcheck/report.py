"""Verdicts and the report: one row per derivative checked, a table a reader can act on.

Each analytic derivative a is judged against a numeric estimate n whose error is about e:

    FAIL        |a - n| > atol + rtol |n| + 3e       wrong, beyond any doubt in the numeric value
    ok          |a - n| <= tol + e, where e <= tol = atol + rtol max(|a|, |n|): confirmed on its
                own scale; or a and n are both exactly 0
    ok          the same with tol = atol + rtol S, S the largest derivative of the same output:
                a tiny entry beside large ones (a saturated unit) need only be right to the
                precision of the whole gradient
    unresolved  otherwise: the finite differences cannot tell, so say so instead of blaming a
    kink        the one-sided derivatives differ: a passes if it lies between them

Tolerances are relative to each derivative's own size, so a gradient of 1e-8 that is off by 1%
fails; atol (0 by default) adds an absolute floor.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .numeric import NOISE_MARGIN, Estimate

DOUBT = 3  # error estimates are estimates: a mismatch must exceed three of them to be called wrong


@dataclass(frozen=True)
class GradcheckRow:
    """One derivative: where it was taken, the analytic and numeric values, and the verdict."""

    label: str  # which derivative: "x", "dy[1]/dx", "d2f/dy dx"
    value: float  # the input's value at the point (nan for a random direction)
    analytic: float
    numeric: float
    error: float  # the estimated error of `numeric`
    verdict: str  # "ok", "kink", "FAIL" or "unresolved"
    note: str  # why, when the verdict needs a reason
    method: str  # the numeric value's source: "central", "right side", "left side" or "kink"
    step: float

    @property
    def ok(self) -> bool:
        return self.verdict in ("ok", "kink")

    @property
    def kink(self) -> bool:
        return self.method == "kink"

    @property
    def abs_err(self) -> float:
        return abs(self.analytic - self.numeric)

    @property
    def rel_err(self) -> float:
        """|a - n| / max(|a|, |n|), 0 when both are 0 (CS231n's measure)."""
        biggest = max(abs(self.analytic), abs(self.numeric))
        return self.abs_err / biggest if biggest else 0.0


def judge(
    label: str, value: float, analytic: float, estimate: Estimate, row_scale: float, atol: float, rtol: float
) -> GradcheckRow:
    """The verdict on one analytic derivative; `row_scale` is the largest derivative of its output."""
    a, n, e = analytic, estimate.value, estimate.error

    def row(verdict: str, note: str = "") -> GradcheckRow:
        return GradcheckRow(label, value, a, n, e, verdict, note, estimate.method, estimate.step)

    if not math.isfinite(a):
        return row("FAIL", f"the analytic derivative is {a}")
    if estimate.method == "kink":
        low, high = sorted((estimate.left, estimate.right))
        slack = atol + rtol * max(abs(low), abs(high)) + e
        sides = f"the one-sided derivatives {estimate.left:.6g} (left) and {estimate.right:.6g} (right)"
        if low - slack <= a <= high + slack:
            return row("kink", f"not differentiable here; analytic lies between {sides}")
        return row("FAIL", f"kink: analytic is not between {sides}")
    side = _side_note(estimate)
    own, whole = atol + rtol * max(abs(a), abs(n)), atol + rtol * row_scale
    gap = abs(a - n)
    if gap > atol + rtol * abs(n) + DOUBT * e:
        return row("FAIL", side)
    if (gap <= own + e and e <= own) or a == n == 0:
        return row("ok", side)
    if gap <= whole + e and e <= whole:
        return row("ok", "right to the precision of the whole gradient (this entry is tiny beside it)")
    return row("unresolved", _why_unresolved(estimate, a))


def _side_note(estimate: Estimate) -> str:
    if estimate.method == "right side":
        return "right side used: the left differences do not settle (kink or jump to the left?)"
    if estimate.method == "left side":
        return "left side used: the right differences do not settle (kink or jump to the right?)"
    return ""


def _why_unresolved(estimate: Estimate, analytic: float) -> str:
    rounding = NOISE_MARGIN * estimate.noise / estimate.step
    if rounding >= estimate.error / 4:
        return (
            f"f's rounding error (±{estimate.noise:.1g}) over the largest useful step leaves "
            f"±{estimate.error:.1g}, so analytic {analytic:.6g} can be neither confirmed nor refuted"
        )
    return (
        f"the finite differences do not settle (numeric {estimate.value:.6g} "
        f"± {estimate.error:.1g}); try another point"
    )


def judge_all(
    labels: Sequence[Sequence[str]],
    values: Sequence[float],
    analytic: Sequence[Sequence[float]],
    estimates: Sequence[Sequence[Estimate]],
    atol: float,
    rtol: float,
) -> list[GradcheckRow]:
    """Rows for a Jacobian: analytic[j][i] against estimates[j][i], output j, input i."""
    rows = []
    for j, (row_labels, row_analytic, row_estimates) in enumerate(zip(labels, analytic, estimates)):
        scale = max([abs(a) for a in row_analytic] + [abs(e.value) for e in row_estimates] + [0.0])
        for label, value, a, estimate in zip(row_labels, values, row_analytic, row_estimates):
            rows.append(judge(label, value, a, estimate, scale, atol, rtol))
    return rows


@dataclass(frozen=True)
class GradcheckReport:
    """The rows of a check; `ok` when every row passed (a kink whose analytic value lies between
    the one-sided derivatives passes). `failures` and `unresolved` list the others."""

    title: str
    rows: tuple[GradcheckRow, ...]
    settings: str  # how the numeric values were found, and the tolerances
    note: str = ""  # a line under the header (fast mode says what it did)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> list[GradcheckRow]:
        return [row for row in self.rows if row.verdict == "FAIL"]

    @property
    def unresolved(self) -> list[GradcheckRow]:
        return [row for row in self.rows if row.verdict == "unresolved"]

    def __str__(self) -> str:
        failed, unresolved, total = len(self.failures), len(self.unresolved), len(self.rows)
        noun = "derivative" if total == 1 else "derivatives"
        if failed:
            verdict = f"failed: {failed} of {total} {noun} checked"
            verdict += f", {unresolved} unresolved" if unresolved else ""
        elif unresolved:
            verdict = f"unresolved: {unresolved} of {total} {noun} could not be checked"
        else:
            verdict = f"passed: {total} {noun} checked"
        lines = [f"{self.title} {verdict} ({self.settings})"]
        if self.note:
            lines.append(f"  {self.note}")
        width = max([len("input")] + [len(row.label) for row in self.rows])
        lines.append(
            f"  {'input':<{width}}  {'value':>11}  {'analytic':>14}  {'numeric':>14}  {'± error':>8}"
            f"  {'rel_err':>7}  verdict"
        )
        for row in self.rows:
            note = f"  {row.note}" if row.note else ""
            value = "" if math.isnan(row.value) else f"{row.value:.6g}"  # a direction has no one value
            lines.append(
                f"  {row.label:<{width}}  {value:>11}  {row.analytic:>14.8g}  {row.numeric:>14.8g}"
                f"  {row.error:>8.1e}  {row.rel_err:>7.1e}  {row.verdict}{note}"
            )
        return "\n".join(lines)


class GradcheckError(AssertionError):
    """Raised when a derivative is wrong or cannot be checked; `.report` holds every row."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


def finish(report: GradcheckReport, raise_exception: bool) -> GradcheckReport:
    if raise_exception and not report.ok:
        raise GradcheckError(report)
    return report


def settings(eps: float | None, atol: float, rtol: float) -> str:
    steps = "steps searched" if eps is None else f"eps={eps:g}"
    return f"{steps}, atol={atol:g}, rtol={rtol:g}"
