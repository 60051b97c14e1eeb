"""jvp: forward-mode accumulation through the rule table agrees with grad, with finite
differences and with derivatives worked out by hand."""
from __future__ import annotations

import math
import random

import pytest

from micrograd_plus import Value, grad, jvp
from micrograd_plus.gradcheck import gradcheck

from .catalogue import CASE_IDS, CASE_POINTS


def test_a_unit_tangent_gives_one_partial_derivative_worked_by_hand():
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    z = x * y + x.tanh()  # dz/dx = y + 1 - tanh(x)², dz/dy = x
    assert jvp(z, [x, y], [1.0, 0.0]) == pytest.approx(-3.0 + 1 - math.tanh(2.0) ** 2, rel=1e-15)
    assert jvp(z, [x, y], [0.0, 1.0]) == 2.0


@pytest.mark.parametrize("case, point", CASE_POINTS, ids=CASE_IDS)
def test_every_direction_matches_the_gradient_from_backward(case, point):
    rng = random.Random(hash(case.name) % 1000)
    inputs = [Value(p, label=f"x{i}") for i, p in enumerate(point)]
    output = case.f(*inputs)
    gradient = grad(output, inputs)
    for _ in range(3):
        direction = [rng.uniform(-2.0, 2.0) for _ in inputs]
        expected = sum(g * t for g, t in zip(gradient, direction))
        assert jvp(output, inputs, direction) == pytest.approx(expected, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("case, point", CASE_POINTS, ids=CASE_IDS)
def test_each_partial_derivative_passes_gradcheck(case, point):
    # gradcheck compares backward() with finite differences; jvp must give the same analytic
    # numbers, so it is checked against the differences through a function whose backward is jvp's
    inputs = [Value(p) for p in point]
    output = case.f(*inputs)
    forward_gradient = [jvp(output, inputs, [1.0 if j == i else 0.0 for j in range(len(inputs))])
                        for i in range(len(inputs))]
    report = gradcheck(case.f, list(point), raise_exception=False)
    for row, forward in zip(report.rows, forward_gradient):
        assert forward == pytest.approx(row.analytic, rel=1e-12, abs=1e-300)
        if not row.kink:
            assert abs(forward - row.numeric) <= 1e-5 + 1e-4 * abs(row.numeric)


def test_a_shared_node_adds_the_tangent_of_each_use():
    x = Value(3.0, label="x")
    y = x * x + x  # dy/dx = 2x + 1 = 7
    assert jvp(y, [x], [1.0]) == 7.0


def test_an_inner_node_as_input_counts_like_grad_does():
    x = Value(0.5, label="x")
    h = (x * 2.0).tanh()
    y = h * x
    expected = sum(g * t for g, t in zip(grad(y, [x, h]), [0.3, -1.2]))
    assert jvp(y, [x, h], [0.3, -1.2]) == pytest.approx(expected, rel=1e-14)


def test_grad_fields_are_neither_read_nor_written():
    x = Value(1.5, label="x")
    x.grad = 42.0
    y = x.exp()
    assert jvp(y, [x], [1.0]) == pytest.approx(math.exp(1.5), rel=1e-15)
    assert x.grad == 42.0 and y.grad == 0.0


def test_an_input_the_output_does_not_use_contributes_nothing():
    x, unused = Value(1.0, label="x"), Value(5.0, label="unused")
    assert jvp(x * 3.0, [x, unused], [1.0, 1.0]) == 3.0


@pytest.mark.parametrize(
    "arguments, error, words",
    [
        (([Value(1.0)], [1.0, 2.0]), ValueError, "1 inputs but 2 tangents"),
        (([1.0], [1.0]), TypeError, "inputs[0] must be a Value"),
        (([Value(1.0)], ["a"]), TypeError, "tangents[0] must be a real number"),
    ],
)
def test_bad_arguments_are_named(arguments, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        jvp(Value(1.0) * 2.0, *arguments)


def test_an_infinite_tangent_is_refused_by_name():
    with pytest.raises(ValueError, match=r"jvp: tangents\[0\]: inf is not a finite number"):
        jvp(Value(1.0) * 2.0, [Value(1.0)], [math.inf])


def test_a_node_with_its_own_backward_closure_is_named_not_a_bare_key_error():
    x = Value(2.0, label="x")
    out = Value(math.log1p(math.exp(2.0)), (x,), "softplus")  # micrograd's way of adding an op
    out._backward = lambda: None
    with pytest.raises(RuntimeError, match=r"jvp: the node made by 'softplus' .* own _backward "
                                           r"closure.*define_op\('softplus'"):
        jvp(out * 2.0, [x], [1.0])


def test_an_op_without_a_rule_is_named():
    x = Value(2.0, label="x")
    out = Value(3.0, (x,), "mystery")
    with pytest.raises(RuntimeError, match=r"jvp: the node made by 'mystery' .* no derivative rule"):
        jvp(out, [x], [1.0])


def test_a_rule_that_overflows_names_the_op_and_its_operands():
    y = Value(1e-200, label="y")  # d(y^-1)/dy = -y^-2 = -1e400, beyond the float range
    with pytest.raises(OverflowError, match=r"jvp: the derivative of '\*\*' at \(1e-200, -1.0\) "
                                            r"exceeds the float range"):
        jvp(y**-1.0, [y], [1.0])


def test_an_infinite_tangent_is_reported_with_its_node_not_returned():
    y = Value(1e-200, label="y")  # d(1/y)/dy = -1/y² = -1e400: the rule returns -inf
    with pytest.raises(OverflowError, match=r"jvp: the tangent of the node made by '/' \(data "
                                            r"1e\+200\) is infinite.*local derivative -inf"):
        jvp(1 / y, [y], [1.0])
    with pytest.raises(OverflowError, match=r"local derivative 2.0 times operand tangent 1e\+308"):
        jvp(y * 2.0, [y], [1e308])  # a finite rule, a tangent pushed past the range
