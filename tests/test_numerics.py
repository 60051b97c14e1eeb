"""Numerics: exact division, huge ints, and the policy for non-finite numbers.

Policy: inf and nan never enter a graph (a Value, an operand), an operation whose result is not
finite raises naming the operation and its operands, and backward names the first node whose
gradient is not finite. Every error names the operation; none is a bare errno tuple.
"""
from __future__ import annotations

import math
import random

import pytest

from micrograd_plus import Value, grad

INF, NAN = math.inf, math.nan


def test_division_is_pythons_division_wherever_that_is_finite():
    rng = random.Random(11)
    pairs = [(1e-310, 1e-310), (0.0, 1e-310), (1e-300, 1e10), (7.0, 3.0), (0.1, 3.0), (-5e-324, 2.0)]
    pairs += [(rng.uniform(-1e3, 1e3), rng.choice([-1, 1]) * 10 ** rng.uniform(-300, 300)) for _ in range(500)]
    for x, y in pairs:
        assert (Value(x) / y).data == x / y  # exactly: a / b is one operation, not a * b**-1
        assert (Value(x) / Value(y)).data == x / y
        assert (x / Value(y)).data == x / y


def test_division_has_the_quotient_rules_and_their_second_derivatives():
    a, b = Value(3.0), Value(-2.0)
    q = a / b
    q.backward()
    assert (q._op, q._children) == ("/", (a, b))
    assert (a.grad, b.grad) == (-0.5, -0.75)  # 1/b, -a/b^2
    dq_da, dq_db = grad(a / b, [a, b], create_graph=True)
    assert grad(dq_db, [a, b]) == [pytest.approx(-0.25), pytest.approx(-0.75)]  # -1/b^2, 2a/b^3


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value(NAN), ValueError, r"Value: data: nan is not a finite number; micrograd_plus refuses inf and nan"),
        (lambda: Value(INF), ValueError, r"Value: data: inf is not a finite number"),
        (lambda: Value(-INF), ValueError, r"Value: data: -inf is not a finite number"),
        (lambda: Value(1.0) * INF, ValueError, r"mul: the operand inf is not a finite number"),
        (lambda: INF * Value(1.0), ValueError, r"mul: the operand inf is not a finite number"),
        (lambda: Value(0.0) * NAN, ValueError, r"mul: the operand nan is not a finite number"),
        (lambda: Value(1.0) + NAN, ValueError, r"add: the operand nan is not a finite number"),
        (lambda: Value(1.0) - INF, ValueError, r"sub: inf is not a finite number"),
        (lambda: Value(1.0) / INF, ValueError, r"div: inf is not a finite number"),  # 1/inf = 0 would hide it
        (lambda: Value(1.0) ** INF, ValueError, r"pow: inf is not a finite number"),  # 1**inf = 1 would too
        (lambda: Value(1.0, (Value(2.0), NAN), "f"), ValueError, r"Value: nan is not a finite number"),
        (lambda: Value(1e308) * 10, OverflowError, r"mul: 1e\+308 \* 10.0 exceeds the float range \(it would be inf\)"),
        (lambda: Value(1e308) + Value(1e308), OverflowError, r"add: 1e\+308 \+ 1e\+308 exceeds the float range"),
        (lambda: Value(-1e308) - 1e308, OverflowError, r"add: -1e\+308 \+ -1e\+308 exceeds the float range \(it would be -inf\)"),
        (lambda: Value(1e308) / 1e-10, OverflowError, r"div: 1e\+308 / 1e-10 exceeds the float range"),
        (lambda: 1e300 / Value(1e-300), OverflowError, r"div: 1e\+300 / 1e-300 exceeds the float range"),
        (lambda: Value(1e300 * 1e10, (), "*"), ValueError, r"Value \(the result of '\*'\): inf is not a finite number"),
        (lambda: Value(10**400), OverflowError, r"Value: data is an int of 401 digits \(about 10\*\*400\), too large for a float"),
        (lambda: Value(-(10**400)), OverflowError, r"Value: data is an int of 401 digits \(-about 10\*\*400\)"),
        (lambda: Value(1.0) * 10**400, OverflowError, r"mul: operand is an int of 401 digits"),
        (lambda: Value(2.0) ** 10**400, OverflowError, r"pow: operand is an int of 401 digits"),
        (lambda: Value(2.0) - 10**4000, OverflowError, r"sub: operand is an int of 4001 digits"),
    ],
)
def test_non_finite_and_unrepresentable_numbers_are_refused_naming_the_operation(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_huge_ints_that_fit_a_float_are_fine():
    assert Value(10**300).data == 1e300
    assert (Value(1.0) * 2**1000).data == 2.0**1000


def test_backward_of_an_overflowing_power_rule_names_the_operation():
    x = Value(1e-200)
    with pytest.raises(OverflowError, match=r"backward: the derivative of '\*\*' at \(1e-200, -1.0\) exceeds the float range"):
        (x**-1).backward()
    with pytest.raises(OverflowError, match=r"grad\(\): the derivative of '\*\*' at \(1e-200, -1.0\) exceeds"):
        grad(x**-1, [x])


def test_backward_of_one_over_a_tiny_number_names_the_division():
    x = Value(1e-200, label="x")
    with pytest.raises(OverflowError, match=r"the gradient of the node 'x' with data 1e-200 is infinite.* It comes from '/' at \(1.0, 1e-200\)"):
        (1 / x).backward()


def test_log_of_the_smallest_float_has_an_infinite_gradient_and_says_so():
    x = Value(5e-324)
    y = x.log()
    assert y.data == pytest.approx(-744.44, abs=0.01)  # the value itself is finite
    with pytest.raises(OverflowError, match=r"data 5e-324 is infinite: it exceeds the float range. It comes from 'log' at \(5e-324\): local derivative inf"):
        y.backward()
    with pytest.raises(OverflowError, match=r"It comes from 'log'"):
        grad(y, [x])


def test_backward_names_the_first_node_whose_gradient_overflows():
    # a * 1e300 * 1e300 is finite forward (1e-300 * 1e300 = 1, then 1e300) but da = 1e600
    a = Value(1e-300, label="a")
    middle = a * 1e300
    middle.label = "middle"
    out = middle * 1e300
    with pytest.raises(OverflowError, match=r"gradient of the node 'a' with data 1e-300 is infinite.*'\*' at \(1e-300, 1e\+300\): local derivative 1e\+300 times upstream gradient 1e\+300"):
        out.backward()
    assert middle.grad == 1e300  # every node above the reported one has its (finite) gradient


def test_a_nan_gradient_is_reported_as_a_value_error():
    # a user's own closure that produces nan: backward reports the node it reached
    x = Value(1.0, label="x")
    out = Value(2.0, (x,), "odd")
    out._backward = lambda: setattr(x, "grad", x.grad + NAN)
    with pytest.raises(ValueError, match=r"the gradient of the node 'x' with data 1.0 is nan"):
        out.backward()


def test_results_near_the_float_limits_are_kept():
    assert (Value(1e308) * 1.5).data == 1.5e308
    assert (Value(5e-324) * 0.5).data == 0.0  # underflow to 0 is finite, as Python
    assert (Value(709.0).exp()).data == math.exp(709.0)
    x = Value(1e-150)
    (x * x).backward()
    assert x.grad == 2e-150
