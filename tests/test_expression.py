"""Command-line expressions: the allow-list, the graph they build, and errors that point."""
from __future__ import annotations

import math

import pytest

from micrograd_plus import Value, topological_order
from micrograd_plus.expression import ExpressionError, parse, parse_assignments


def test_expression_builds_a_graph_on_labelled_leaves():
    expression = parse("tanh(x * w + b) - 2 ** -y / 4")
    assert expression.names == ("x", "w", "b", "y")
    root, leaves = expression.evaluate({"x": 2.0, "w": -0.5, "b": 0.1, "y": 1.0})
    assert root.data == pytest.approx(math.tanh(-0.9) - 2**-1 / 4)
    assert [leaf.label for leaf in leaves.values()] == ["x", "w", "b", "y"]
    root.backward()
    assert leaves["w"].grad == pytest.approx(2.0 * (1 - math.tanh(-0.9) ** 2))


def test_every_allowed_function_can_be_called():
    root, _ = parse("exp(x) + log(x) + tanh(x) + sigmoid(x) + relu(x) + abs(x) + sqrt(x)").evaluate({"x": 0.5})
    expected = math.exp(0.5) + math.log(0.5) + math.tanh(0.5) + 1 / (1 + math.exp(-0.5)) + 0.5 + 0.5 + math.sqrt(0.5)
    assert root.data == pytest.approx(expected)


def test_a_function_of_a_constant_stays_a_constant():
    root, _ = parse("x * exp(0)").evaluate({"x": 3.0})
    assert root._children == (root._children[0], 1.0)


def test_build_uses_the_leaves_it_is_given():
    x = Value(3.0)
    root = parse("x * x").build({"x": x})
    root.backward()
    assert x.grad == 6.0


@pytest.mark.parametrize(
    ("text", "message", "caret"),
    [
        ("x.__class__ + 1", "attribute access not allowed", "^^^^^^^^^^^"),
        ("a[0] * 2", "subscripts not allowed", "^^^^"),
        ("__import__('os')", "only these functions can be called", "^^^^^^^^^^"),
        ("print(x)", "only these functions can be called", "^^^^^"),
        ("(lambda: 1)()", "lambdas not allowed", None),
        ("[i for i in x]", "comprehensions not allowed", "^^^^^^^^^^^^^^"),
        ("x < 2", "comparisons not allowed", "^^^^^"),
        ("'s' + x", "'s' is not a real number", "^^^"),
        ("True + x", "True is not a real number", "^^^^"),
        ("exp(x, 2)", "exp takes exactly one argument", "^^^^^^^^^"),
        ("exp + x", "exp is a function: call it, as in exp(x)", "^^^"),
        ("x +", "this is not valid arithmetic", None),
        ("x // 2", "the operator // is not allowed", "^^^^^^"),
        ("x + y % 2", "the operator % is not allowed", "    ^^^^^"),
        ("x + y ** -+2", "the operator unary + is not allowed", None),
        ("tanh(x)(2)", "only these functions can be called", "^^^^^^^"),
        ("2(x)", "only these functions can be called", "^"),
        ("x * 1e400", "this number is beyond the float range", "    ^^^^^"),
        ("x * " + "9" * 400, "this number is beyond the float range", None),
    ],
)
def test_anything_outside_the_allow_list_is_rejected_with_a_pointer(text, message, caret):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(message)
    assert lines[1].strip() == text
    if caret is not None:
        assert lines[2][2:].rstrip() == caret  # the caret sits under the offending part


def test_values_must_match_the_names():
    expression = parse("x * y")
    with pytest.raises(ExpressionError, match=r"no value for y: add y=NUMBER"):
        expression.evaluate({"x": 1.0})
    with pytest.raises(ExpressionError, match=r"z given a value but not used"):
        expression.evaluate({"x": 1.0, "y": 2.0, "z": 3.0})
    with pytest.raises(ExpressionError, match="has no variables"):
        parse("2 * 3").evaluate({})


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["x"], r"'x' is not NAME=VALUE"),
        (["2=3"], r"'2=3' is not NAME=VALUE"),
        (["x=abc"], r"x: 'abc' is not a number"),
        (["x=nan"], r"x: 'nan' is not a finite number"),
        (["x=1", "x=2"], r"x is given a value twice"),
    ],
)
def test_assignments_reject_each_kind_of_mistake(pairs, message):
    with pytest.raises(ExpressionError, match=message):
        parse_assignments(pairs)


def test_assignments_read_numbers():
    assert parse_assignments(["x=2", "y=-0.5", "z=1e-3"]) == {"x": 2.0, "y": -0.5, "z": 0.001}


def test_each_sub_expression_is_labelled_with_its_text():
    root, leaves = parse("tanh(x*w + b) * 2 - x / w").evaluate({"x": 2.0, "w": -0.5, "b": 0.1})
    labels = {node.label for node in topological_order(root)}
    assert {"x * w", "x * w + b", "tanh(x * w + b)", "x / w", "x", "w", "b"} <= labels
    assert root.label == "f"  # the whole text is too long to be a readable name


def test_the_hidden_step_of_subtraction_carries_its_text():
    # a - b is built as a + (b * -1): no node is left as a bare v1
    root, _ = parse("x / w - y").evaluate({"x": 2.0, "w": -0.5, "y": 3.0})
    labels = [node.label for node in topological_order(root)]
    assert "" not in labels
    assert {"x / w", "-y", "x / w - y"} <= set(labels)


def test_a_long_sub_expression_is_named_by_its_text_cut_short():
    root, _ = parse("exp(-x) / (1 + y*y*y*y + x*x*x) + x").evaluate({"x": 1.0, "y": 2.0})
    labels = [node.label for node in topological_order(root)]
    assert "" not in labels
    assert "1 + y * y * y * y + x *…" in labels  # 24 characters, the last one the ellipsis
    assert all(len(label) <= 24 for label in labels)
    assert root.label == "f"


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("x + 1/0", ZeroDivisionError, r"div: division by zero \(1.0 / 0.0\)"),
        ("x + (-8)**(1/3)", ValueError, "pow: negative base -8.0 with non-integer exponent"),
        ("x * 10**400", OverflowError, r"pow: 10.0 \*\* 400.0 exceeds the float range"),
    ],
)
def test_arithmetic_on_constants_gets_the_engines_checks(text, error, message):
    with pytest.raises(error, match=message):
        parse(text).evaluate({"x": 1.0})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x*" * 330 + "x", "operations nest more than 100 deep"),
        ("-" * 329 + "x", "operations nest more than 100 deep"),
        ("x**" * 300 + "x", "operations nest more than 100 deep"),
        ("exp(" * 101 + "x" + ")" * 101, "operations nest more than 100 deep"),
        ("-" * 100_000 + "x", "the expression is 100,001 characters long; the limit is 1,000"),
        ("x+" * 2000 + "x", "the expression is 4,001 characters long; the limit is 1,000"),
    ],
)
def test_expressions_beyond_the_size_limits_are_one_clear_error(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse(text)


def test_expressions_up_to_the_limits_work():
    root, _ = parse("x+" * 100 + "x").evaluate({"x": 0.5})  # 100 nested additions, the limit
    assert root.data == 101 * 0.5
    root, _ = parse("-" * 100 + "x").evaluate({"x": 0.5})
    assert root.data == 0.5
