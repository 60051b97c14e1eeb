"""define_op: an operation added as a forward function and one derivative rule per operand.

Its rules join RULES, so every reader of the table serves it: backward(), grad() (with
create_graph when the rules use Value arithmetic), gradcheck and the visualizer.
"""
from __future__ import annotations

import math

import pytest

import micrograd_plus.engine as engine
from micrograd_plus import Value, define_op, draw, grad, gradcheck, gradgradcheck


@pytest.fixture(autouse=True)
def restore_rules():
    """Each test's ops leave RULES as they found it, so no test sees another's."""
    saved = dict(engine.RULES)
    yield
    engine.RULES.clear()
    engine.RULES.update(saved)


def _sigmoid(x):
    return x.sigmoid() if isinstance(x, Value) else 1 / (1 + math.exp(-x))


def softplus_op():
    # f(x) = ln(1 + e^x) (stable form), f'(x) = sigmoid(x)
    return define_op(
        "softplus",
        lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))),
        lambda out, x: _sigmoid(x),
    )


def test_a_defined_op_computes_its_value_and_backward_uses_its_rule():
    softplus = softplus_op()
    x = Value(0.5, label="x")
    y = softplus(x)
    assert (y._op, y._children) == ("softplus", (x,))
    assert y.data == pytest.approx(math.log(1 + math.exp(0.5)), rel=1e-15)
    (y * 2).backward()
    assert x.grad == pytest.approx(2 / (1 + math.exp(-0.5)), rel=1e-15)


@pytest.mark.parametrize("point", [-30.0, -1.5, 0.0, 0.7, 30.0])
def test_a_defined_op_passes_gradcheck_and_gradgradcheck(point):
    softplus = softplus_op()
    assert gradcheck(lambda x: softplus(x * x - 1), [point]).ok
    if point == 30.0:
        # softplus''(30) = 9.3e-14 is below what differences of f' can resolve: said so, not passed
        report = gradgradcheck(lambda x: softplus(x), [point], raise_exception=False)
        assert [row.verdict for row in report.rows] == ["ok", "unresolved"]
    else:
        gradgradcheck(lambda x: softplus(x), [point])  # sigmoid' = s(1 - s), via create_graph


def test_create_graph_gives_the_second_derivative_through_the_rule():
    softplus = softplus_op()
    x = Value(0.3)
    (first,) = grad(softplus(x), [x], create_graph=True)
    (second,) = grad(first, [x])
    s = 1 / (1 + math.exp(-0.3))
    assert first.data == pytest.approx(s, rel=1e-15)
    assert second == pytest.approx(s * (1 - s), rel=1e-14)


def test_a_rule_that_only_works_on_floats_says_why_create_graph_fails():
    softplus = define_op("softplus", lambda x: math.log1p(math.exp(x)), lambda out, x: 1 / (1 + math.exp(-x)))
    x = Value(0.3)
    assert grad(softplus(x), [x]) == [pytest.approx(1 / (1 + math.exp(-0.3)))]  # floats: fine
    with pytest.raises(TypeError, match=r"rule of 'softplus' for operand 0 does not work on Values"):
        grad(softplus(x), [x], create_graph=True)


def test_three_operands_with_a_constant_in_the_middle():
    # f(a, c, b) = a * c + b; each rule gets (out, a, c, b)
    fma = define_op("fma", lambda a, c, b: a * c + b,
                    lambda out, a, c, b: c, lambda out, a, c, b: a, lambda out, a, c, b: 1.0)
    a, b = Value(2.0), Value(-1.0)
    out = fma(a, 3, b)
    assert out._children == (a, 3.0, b) and out.data == 5.0
    (out * out).backward()
    assert (a.grad, b.grad) == (2 * 5.0 * 3.0, 2 * 5.0)
    assert gradcheck(lambda a, c, b: fma(a, c, b).tanh(), [0.4, -1.2, 0.3]).ok
    assert grad(out, [a, b]) == [3.0, 1.0]


def test_a_defined_op_accepts_plain_numbers_and_reflects_them_in_the_graph():
    hypot = define_op("hypot", math.hypot, lambda out, x, y: x / out, lambda out, x, y: y / out)
    y = Value(4.0)
    out = hypot(3, y)
    assert out.data == 5.0 and out._children == (3.0, y)
    out.backward()
    assert y.grad == pytest.approx(0.8)
    assert hypot(3, 4).data == 5.0  # numbers alone still give a Value


def test_the_visualizer_labels_a_defined_ops_edges_with_its_name_and_rule():
    softplus = softplus_op()
    hypot = define_op("hypot", math.hypot, lambda out, x, y: x / out, lambda out, x, y: y / out)
    x, w = Value(0.0, label="x"), Value(4.0, label="w")
    y = softplus(x)
    y.label = "y"
    h = hypot(y * 0 + 3, w)
    h.label = "h"
    source = draw(h).source
    assert "∂y/∂x = softplus′(x) = 0.5" in source
    assert "∂h/∂w = ∂hypot(" in source and "/∂w = 0.8" in source


def test_define_op_refuses_bad_definitions_and_calls_clearly():
    with pytest.raises(ValueError, match="'\\*' is a built-in operation"):
        define_op("*", lambda a, b: a * b, lambda out, a, b: b, lambda out, a, b: a)
    with pytest.raises(ValueError, match="non-empty string"):
        define_op("", lambda x: x, lambda out, x: 1.0)
    with pytest.raises(TypeError, match="one derivative rule per operand"):
        define_op("f", lambda x: x)
    with pytest.raises(TypeError, match="rule 0 must be a function"):
        define_op("f", lambda x: x, 1.0)
    with pytest.raises(TypeError, match=r"forward must take 2 operand\(s\), one per rule; its signature is \(x\)"):
        define_op("f", lambda x: x, lambda out, x, y: 1.0, lambda out, x, y: 1.0)
    twice = define_op("twice", lambda x: 2 * x, lambda out, x: 2.0)
    with pytest.raises(TypeError, match=r"twice: takes 1 operand\(s\), one per rule; got 2"):
        twice(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="twice: expected a Value or a real number, got 'a'"):
        twice("a")


def test_errors_in_a_defined_forward_name_the_op_and_its_operands():
    mylog = define_op("mylog", math.log, lambda out, x: 1 / x)
    with pytest.raises(ValueError, match=r"mylog\(-1.0\): (math domain error|expected a positive input)"):
        mylog(Value(-1.0))
    blowup = define_op("blowup", lambda x: 1e308 * x, lambda out, x: 1e308)
    with pytest.raises(OverflowError, match=r"blowup: blowup\(10.0\) exceeds the float range"):
        blowup(Value(10.0))
    text = define_op("text", lambda x: "oops", lambda out, x: 0.0)
    with pytest.raises(TypeError, match="text: the forward's result must be a real number, got 'oops'"):
        text(Value(1.0))


def test_redefining_an_op_replaces_its_rule():
    f = define_op("f", lambda x: 2 * x, lambda out, x: 2.0)
    g = define_op("f", lambda x: 3 * x, lambda out, x: 3.0)  # a notebook cell run twice, edited
    x = Value(1.0)
    assert f(x).data == 2.0 and g(x).data == 3.0
    g(x).backward()
    assert x.grad == 3.0
