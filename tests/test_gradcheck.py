"""gradcheck and gradgradcheck: they pass right derivatives, catch wrong ones, and flag kinks."""
from __future__ import annotations

import math

import pytest

import micrograd_plus.engine as engine
from micrograd_plus import GradcheckError, Value, gradcheck, gradgradcheck


def test_correct_derivatives_pass_with_a_row_per_input():
    report = gradcheck(lambda w, x: (w * x).tanh() + w**2, [0.5, -1.5])
    assert report.ok
    assert [row.label for row in report.rows] == ["w", "x"]
    w_row = report.rows[0]
    assert w_row.value == 0.5
    assert w_row.analytic == pytest.approx(-1.5 * (1 - math.tanh(-0.75) ** 2) + 1.0)
    assert w_row.abs_err < 1e-8
    assert str(report).startswith("gradcheck passed: 2 derivatives checked")


def test_inputs_without_parameter_names_are_labelled_by_position():
    report = gradcheck(lambda *xs: xs[0] * xs[1], [2.0, 3.0])
    assert [row.label for row in report.rows] == ["x[0]", "x[1]"]


def test_a_wrong_rule_raises_gradcheck_error_naming_the_input(monkeypatch):
    monkeypatch.setitem(engine.RULES, "tanh", (lambda out, x: 1.0 + out * out,))
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda a, b: a.tanh() + b, [0.3, 2.0])
    message = str(caught.value)
    assert isinstance(caught.value, AssertionError)
    assert message.startswith("gradcheck failed: 1 of 2 derivatives")
    failing = [line for line in message.splitlines() if line.endswith("FAIL")]
    assert len(failing) == 1 and failing[0].split()[0] == "a"
    assert caught.value.report.failures[0].label == "a"


def test_without_raising_a_mismatch_returns_a_failed_report(monkeypatch):
    monkeypatch.setitem(engine.RULES, "exp", (lambda out, x: 2 * out,))
    report = gradcheck(lambda x: x.exp(), [1.0], raise_exception=False)
    assert not report.ok
    row = report.rows[0]
    assert row.analytic == pytest.approx(2 * 2.718281828, rel=1e-9)
    assert row.numeric == pytest.approx(2.718281828, rel=1e-6)
    assert row.rel_err == pytest.approx(0.5, rel=1e-6)


@pytest.mark.parametrize("op", [Value.relu, Value.abs], ids=["relu", "abs"])
def test_a_kink_is_flagged_not_failed(op):
    report = gradcheck(lambda x: op(x) * 3, [0.0])
    assert report.ok
    assert report.rows[0].kink
    assert "kink" in str(report)


@pytest.mark.parametrize(
    ("f", "x"),
    [(lambda x: 1 / x, 0.01), (lambda x: x.exp(), 30.0), (lambda x: (x * 50).tanh(), 0.01)],
    ids=["1/x near 0", "exp(30)", "steep tanh"],
)
def test_strong_curvature_is_not_mistaken_for_a_kink(f, x):
    report = gradcheck(f, [x])
    assert report.ok and not report.rows[0].kink


def test_a_function_that_ignores_its_input_has_zero_derivative():
    report = gradcheck(lambda x: 4.0, [1.0])
    assert report.rows[0].analytic == 0.0 and report.ok


def test_f_must_return_a_value():
    with pytest.raises(TypeError, match="gradcheck: f must return a Value, got 'x'"):
        gradcheck(lambda x: "x", [1.0])


def test_gradgradcheck_checks_every_hessian_entry():
    report = gradgradcheck(lambda x, y: x * x * y, [1.5, 2.0])  # Hessian [[2y, 2x], [2x, 0]]
    assert report.ok
    labels = [row.label for row in report.rows]
    assert labels == ["d2/dx dx", "d2/dy dx", "d2/dx dy", "d2/dy dy"]
    assert [row.analytic for row in report.rows] == pytest.approx([4.0, 3.0, 3.0, 0.0])


def test_gradgradcheck_catches_a_rule_that_is_right_only_to_first_order(monkeypatch):
    # Reading `.data` inside a rule gives the right number but records no graph, so the second
    # derivative through it is lost: exactly the bug gradgradcheck is for.
    monkeypatch.setitem(engine.RULES, "tanh", (lambda out, x: 1.0 - engine._data(out) ** 2,))
    gradcheck(lambda x: x.tanh(), [0.4])
    with pytest.raises(GradcheckError, match="gradgradcheck failed"):
        gradgradcheck(lambda x: x.tanh(), [0.4])


def test_rounding_noise_on_a_large_function_is_not_mistaken_for_a_kink():
    # detach() hides one of the two uses of x, so the analytic derivative is x, not 2x; the
    # large constant makes one-sided slopes noisy, which must not excuse the mismatch as a kink.
    report = gradcheck(lambda x: x.detach() * x + 1e8, [0.3], raise_exception=False)
    assert not report.ok
    assert not report.rows[0].kink
