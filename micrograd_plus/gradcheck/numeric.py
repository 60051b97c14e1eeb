"""Numeric derivatives along one direction, each with an estimate of its own error.

For phi(t) = F(x + t d) (every output of F at once) the derivative phi'(0) is estimated three ways,
at the steps h = h0, h0/2, h0/4, ...:

    central  D(h) = (phi(h) - phi(-h)) / 2h      error ~ h^2
    right    P(h) = (phi(h) - phi(0)) / h        error ~ h
    left     M(h) = (phi(0) - phi(-h)) / h       error ~ h

Richardson extrapolation cancels the leading error term of two neighbouring steps:
central R = D(h/2) + (D(h/2) - D(h)) / 3, one-sided R = 2 P(h/2) - P(h). How far neighbouring
extrapolations disagree estimates the error that is left; rounding adds about
eps_machine * |phi| / h, which grows as h shrinks. Each estimate keeps the step where the sum is
smallest, so a function that needs a tiny step (tanh(1e5 x)) and one that needs a large one
(x^2 + 1e8, whose rounding noise swamps small steps) are both measured well.

A kink shows as left and right derivatives that disagree by more than their errors. When they agree,
the most precise of the three is kept, so a kink a little way off the point, which spoils the
central difference and one side, leaves the other side to give the derivative.
"""
from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The rounding error of one evaluation of F is not always a few ulps of its result: 1 - tanh(x)^2
# near x = 20 is 1e-17 made from numbers near 1, and wrong by 1e-16. So the caller passes the
# `noise` at the point when it can work it out (values.py does, through the graph), and each step
# takes the larger of that and a few roundings of the outputs it sees (`rounding_of`).
Probe = Callable[[float], Sequence[float]]  # t -> every output of F at x + t d

NOISE_MARGIN = 4  # the rounding error of a difference quotient: up to NOISE_MARGIN * noise / h
LARGEST_STEP = 0.5  # times max(|x|, 1): the search starts here and halves
MAX_STEPS = 40  # down to 0.5 * 2**-39, about 1e-12, when nothing settles sooner
MIN_STEPS = 6


@dataclass(frozen=True)
class Estimate:
    """A numeric derivative `value`, its estimated `error`, and how it was obtained."""

    value: float
    error: float
    step: float
    method: str  # "central", "right side", "left side", or "kink"
    left: float = math.nan  # the one-sided derivatives, kept when they matter
    right: float = math.nan
    noise: float = 0.0  # the rounding error of one evaluation of F


def estimate_derivatives(
    probe: Probe, f0: Sequence[float], noise: float, steps: Sequence[float] | None, scale: float
) -> list[Estimate]:
    """phi'(0) for every output, by the search over steps, or over the given `steps` only.

    A step where F raises an ArithmeticError or ValueError (it left F's domain) or is not finite
    is skipped, unless the steps are the user's own.
    """
    fixed = steps is not None
    central = [_Column(2, _central, fixed) for _ in f0]
    right = [_Column(1, _right, fixed) for _ in f0]
    left = [_Column(1, _left, fixed) for _ in f0]
    sequence = steps if fixed else [scale * LARGEST_STEP / 2**k for k in range(MAX_STEPS)]
    error: Exception | None = None
    for count, h in enumerate(sequence):
        plus, error = _side(probe, h, error, fixed)
        minus, error = _side(probe, -h, error, fixed)
        seen = [values for values in (f0, plus, minus) if values]
        step_noise = max([noise] + [rounding_of(values) for values in seen])
        for j, value in enumerate(f0):
            p = plus[j] if plus else None
            m = minus[j] if minus else None
            for column in (central[j], right[j], left[j]):
                column.add(h, value, p, m, step_noise)
        if not fixed and count >= MIN_STEPS and all(c.settled(h) for c in central):
            break  # rounding alone would now exceed the best error found: smaller steps cannot win
    columns = list(zip(central, right, left))
    if all(column.unsettled is None for three in columns for column in three):
        raise error if error is not None else ValueError("no step gave a finite difference")
    return [_combine(*(column.best or column.unsettled for column in three)) for three in columns]


def _side(probe: Probe, t: float, error: Exception | None, fixed: bool):
    try:
        values = [float(v) for v in probe(t)]
    except (ArithmeticError, ValueError) as raised:
        if fixed:
            raise  # at a step the user chose, leaving the domain is the user's to know
        return None, raised
    if not all(math.isfinite(v) for v in values):
        return None, error if error is not None else ValueError(f"F is not finite at step {t:g}")
    return values, error


def _central(h: float, f0: float, plus: float | None, minus: float | None) -> float | None:
    return None if plus is None or minus is None else (plus - minus) / (2 * h)


def _right(h: float, f0: float, plus: float | None, minus: float | None) -> float | None:
    return None if plus is None else (plus - f0) / h


def _left(h: float, f0: float, plus: float | None, minus: float | None) -> float | None:
    return None if minus is None else (f0 - minus) / h


class _Column:
    """One difference quotient at halving steps, extrapolated, with the best estimate so far."""

    def __init__(self, order: int, quotient: Callable, fixed: bool) -> None:
        self.fixed = fixed
        self.factor = 2**order - 1  # Richardson: R = D(h/2) + (D(h/2) - D(h)) / (2^order - 1)
        self.convergence = 4**order  # R's error ~ h^(2 order): 16 per halving for central, 4 for a side
        self.quotient = quotient
        self.previous: tuple[float, float, float] | None = None  # (h, D, noise) at the last step
        self.extrapolated: list[tuple[float, float, float, float]] = []  # (h, R, rounding, |D - D before|)
        self.best: Estimate | None = None
        self.unsettled: Estimate | None = None

    def add(self, h: float, f0: float, plus: float | None, minus: float | None, noise: float) -> None:
        quotient = self.quotient(h, f0, plus, minus)
        if quotient is None:  # a gap: Richardson needs neighbouring steps, so start a new run
            self.previous, self.extrapolated = None, []
            return
        if self.previous is None:
            self.previous = (h, quotient, noise)
            if self.unsettled is None:  # shown, with an unknown error, if nothing better comes
                self.unsettled = Estimate(quotient, math.inf, h, "", noise=noise)
            return
        _, before, before_noise = self.previous
        richardson = quotient + (quotient - before) / self.factor
        rounding = NOISE_MARGIN * max(noise, before_noise) / h
        self.previous = (h, quotient, noise)
        run = self.extrapolated
        run.append((h, richardson, rounding, abs(quotient - before)))
        if len(run) < (2 if self.fixed else 3):
            return
        # R at the step before last: its distance from the better R after it, or (in case the
        # two agree by a fluke of cancelling terms) its predecessor's distance from it, shrunk by
        # the rate at which the error falls per halving, whichever is larger. The user's fixed
        # steps give no predecessor: there the quotients' own change stands in, to be safe.
        (h1, r1, _, change1), (_, r2, rounding2, change2) = run[-2:]
        if change2 > change1 * 2 / (self.factor + 1) + rounding2:  # converging, they shrink by 2^order
            return  # not converging at these steps (they are too large): no error bound at all
        drift = change1 if self.fixed else abs(run[-3][1] - r1) / self.convergence
        self._offer(h1, r1, max(abs(r1 - r2), drift) + rounding2, noise)

    def _offer(self, h: float, value: float, error: float, noise: float) -> None:
        if self.best is None or error < self.best.error:
            self.best = Estimate(value, error, h, "", noise=noise)

    def settled(self, h: float) -> bool:
        if self.best is None or self.previous is None:
            return False
        return NOISE_MARGIN * self.previous[2] / h > 4 * self.best.error


def _differ(right: Estimate, left: Estimate) -> bool:
    """Sides that differ by more than twice their errors, and by more than a millionth (below
    that no tolerance could tell a kink from a smooth curve, so none is called)."""
    gap = abs(right.value - left.value)
    return gap > 2 * (right.error + left.error) and gap > 1e-6 * max(abs(right.value), abs(left.value))


def _combine(central: Estimate | None, right: Estimate | None, left: Estimate | None) -> Estimate:
    """One derivative from the three: a kink when the sides disagree, else the most precise."""
    sides = {
        "left": left.value if left is not None else math.nan,
        "right": right.value if right is not None else math.nan,
    }
    if right is not None and left is not None and _differ(right, left):
        return Estimate(
            (right.value + left.value) / 2,
            max(right.error, left.error),
            min(right.step, left.step),
            "kink",
            noise=max(right.noise, left.noise),
            **sides,
        )
    # central differences are the most accurate; a side wins only by a clear margin (a nearby
    # kink or the edge of f's domain spoils the central differences)
    candidates = [(central, "central", 1.0), (right, "right side", 4.0), (left, "left side", 4.0)]
    best, method, _ = min((c for c in candidates if c[0] is not None), key=lambda c: c[0].error * c[2])
    return Estimate(best.value, best.error, best.step, method, noise=best.noise, **sides)


# ---- Jacobians: one column per input, or one derivative along a direction ------------------------

Function = Callable[[list[float]], list[float]]  # the point -> every output


def numeric_jacobian(
    forward: Function, point: list[float], eps: float | None, noise: float = 0.0
) -> list[list[Estimate]]:
    """estimates[j][i] ~ d output_j / d x_i. With `eps` the steps are eps, eps/2 and eps/4 only;
    without, they are searched from 0.5 max(|x_i|, 1) down. `noise`: F's rounding error, if known."""
    f0 = forward(point)
    columns = []
    for i, x in enumerate(point):

        def probe(t: float, i: int = i) -> list[float]:
            shifted = list(point)
            shifted[i] += t
            return forward(shifted)

        columns.append(estimate_derivatives(probe, f0, noise, _steps(eps), max(abs(x), 1.0)))
    return [list(row) for row in zip(*columns)]


def directional_derivative(
    forward: Function, point: list[float], direction: list[float], eps: float | None, noise: float = 0.0
) -> list[Estimate]:
    """estimates[j] ~ d/dt output_j(x + t d) at t = 0: all inputs moved at once, for one probe's cost."""

    def probe(t: float) -> list[float]:
        return forward([x + t * d for x, d in zip(point, direction)])

    return estimate_derivatives(probe, forward(point), noise, _steps(eps), 1.0)


def rounding_of(outputs: Sequence[float]) -> float:
    """The rounding error of outputs computed out of sight: a few roundings of the largest."""
    return 4 * sys.float_info.epsilon * max((abs(y) for y in outputs), default=0.0)


def _steps(eps: float | None) -> list[float] | None:
    return None if eps is None else [eps, eps / 2, eps / 4]
