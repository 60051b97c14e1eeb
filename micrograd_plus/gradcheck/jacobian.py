"""Compare an analytic Jacobian with finite differences: per input, or fast along random directions.

Per input, column i of the Jacobian costs one search over steps with x_i nudged (about 20 to 60
evaluations of F). Along a random direction v, the one number J v costs the same search with every
input nudged at once, however many inputs there are: a few directions check a whole model. A wrong
entry shows in J v unless v happens to cancel it, which random Gaussian directions do with
probability 0 (an entry wrong by less than rtol times the whole row can hide, though). A direction
that is not confirmed is followed by the per-input check, which names the entry.
"""
from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from .numeric import Function, directional_derivative, numeric_jacobian
from .report import GradcheckRow, judge, judge_all

FAST_DIRECTIONS = 2
Label = Callable[[int, int], str]  # (output j, input i or direction k) -> the row's name


def check_jacobian(
    forward: Function,
    point: list[float],
    jacobian: Sequence[Sequence[float]],
    label: Label,
    *,
    eps: float | None,
    atol: float,
    rtol: float,
    fast: bool = False,
    seed: int = 0,
    along: Label | None = None,
    noise: float = 0.0,
) -> tuple[list[GradcheckRow], str]:
    """Rows judging jacobian[j][i] = d output_j / d x_i, and a note for the report.
    `label(j, i)` names a row; in fast mode `along(j, k)` names output j along direction v_k.
    `noise`: the rounding error of `forward` at the point, when the caller can tell."""
    if fast:
        along = along or (lambda j, k: f"d[{j}]/dv{k}")
        rows = _along_random_directions(forward, point, jacobian, along, eps, atol, rtol, seed, noise)
        if all(row.ok for row in rows):
            return rows, f"fast: the derivative along {FAST_DIRECTIONS} random directions v (seed {seed})"
        note = "fast: a random direction was not confirmed, so every input was re-checked"
        return rows + _per_input(forward, point, jacobian, label, eps, atol, rtol, noise), note
    return _per_input(forward, point, jacobian, label, eps, atol, rtol, noise), ""


def _per_input(forward, point, jacobian, label, eps, atol, rtol, noise) -> list[GradcheckRow]:
    estimates = numeric_jacobian(forward, point, eps, noise)
    labels = [[label(j, i) for i in range(len(point))] for j in range(len(jacobian))]
    return judge_all(labels, point, jacobian, estimates, atol, rtol)


def _along_random_directions(forward, point, jacobian, along, eps, atol, rtol, seed, noise) -> list[GradcheckRow]:
    generator = random.Random(seed)
    rows = []
    for k in range(1, FAST_DIRECTIONS + 1):
        gaussian = [generator.gauss(0.0, 1.0) for _ in point]
        largest = max(abs(g) for g in gaussian) or 1.0
        # each input moves in proportion to its own size, as the per-input steps do
        direction = [g / largest * max(abs(x), 1.0) for g, x in zip(gaussian, point)]
        estimates = directional_derivative(forward, point, direction, eps, noise)
        for j, (row, estimate) in enumerate(zip(jacobian, estimates)):
            derivative = sum(a * d for a, d in zip(row, direction))
            # the terms' sizes, not their sum, set the tolerance: a sum that cancels to almost
            # nothing is still only as precise as its largest term
            size = sum(abs(a * d) for a, d in zip(row, direction))
            rows.append(judge(along(j, k), math.nan, derivative, estimate, size, atol + rtol * size, rtol))
    return rows
