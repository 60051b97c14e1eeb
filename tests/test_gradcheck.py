"""gradcheck and gradgradcheck on functions of Values: right derivatives pass, wrong ones fail and
are named, kinks are judged by their one-sided derivatives, and every order is checked."""
from __future__ import annotations

import math

import pytest

import micrograd_plus.engine as engine
from micrograd_plus import GradcheckError, Value, gradcheck, gradgradcheck
from micrograd_plus.gradcheck.jacobian import FAST_DIRECTIONS
from micrograd_plus.gradcheck.numeric import MAX_STEPS
from micrograd_plus.nn import MLP


def test_correct_derivatives_pass_with_a_row_per_input():
    report = gradcheck(lambda w, x: (w * x).tanh() + w**2, [0.5, -1.5])
    assert report.ok
    assert [row.label for row in report.rows] == ["w", "x"]
    w_row = report.rows[0]
    assert w_row.value == 0.5
    assert w_row.analytic == pytest.approx(-1.5 * (1 - math.tanh(-0.75) ** 2) + 1.0)
    assert w_row.abs_err < 1e-9 and w_row.error < 1e-9
    assert str(report).startswith("gradcheck passed: 2 derivatives checked (steps searched")


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
    failing = [line for line in message.splitlines() if line.rstrip().endswith("FAIL")]
    assert len(failing) == 1 and failing[0].split()[0] == "a"
    assert caught.value.report.failures[0].label == "a"


def test_without_raising_a_mismatch_returns_a_failed_report(monkeypatch):
    monkeypatch.setitem(engine.RULES, "exp", (lambda out, x: 2 * out,))
    report = gradcheck(lambda x: x.exp(), [1.0], raise_exception=False)
    assert not report.ok
    row = report.rows[0]
    assert row.analytic == pytest.approx(2 * math.e, rel=1e-12)
    assert row.numeric == pytest.approx(math.e, rel=1e-9)
    assert row.rel_err == pytest.approx(0.5, rel=1e-6)
    assert row.verdict == "FAIL"


def test_a_fixed_eps_is_still_available_and_named_in_the_header():
    report = gradcheck(lambda x: x.exp(), [1.0], eps=1e-6)
    assert str(report).startswith("gradcheck passed: 1 derivative checked (eps=1e-06, atol=0, rtol=0.001)")
    assert report.rows[0].step in (1e-6, 5e-7)  # Richardson over eps, eps/2 and eps/4


# ---- kinks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [Value.relu, Value.abs], ids=["relu", "abs"])
def test_a_kink_is_judged_by_its_one_sided_derivatives(op):
    report = gradcheck(lambda x: op(x) * 3, [0.0])
    assert report.ok and report.rows[0].kink
    assert "kink  not differentiable here" in str(report)  # the verdict said once
    assert "kink" not in report.rows[0].note.split(";")[0]
    assert "one-sided derivatives" in report.rows[0].note


def test_an_analytic_value_outside_the_one_sided_derivatives_fails_at_a_kink(monkeypatch):
    monkeypatch.setitem(engine.RULES, "relu", (lambda out, x: 100.0,))  # relu'(0) reported as 100
    report = gradcheck(lambda x: x.relu(), [0.0], raise_exception=False)
    assert report.rows[0].verdict == "FAIL"
    assert "not between the one-sided derivatives 0 (left) and 1 (right)" in report.rows[0].note


def test_a_kink_just_beside_the_point_uses_the_clean_side_and_says_so():
    # with eps = 1e-6, the central difference at 0 straddles the kink of relu at 5e-7
    report = gradcheck(lambda x: (x - 5e-7).relu(), [0.0], eps=1e-6)
    row = report.rows[0]
    assert report.ok and row.method == "left side" and row.numeric == 0.0
    assert "left side used" in row.note


@pytest.mark.parametrize(
    ("f", "x"),
    [(lambda x: 1 / x, 0.01), (lambda x: x.exp(), 30.0), (lambda x: (x * 50).tanh(), 0.01)],
    ids=["1/x near 0", "exp(30)", "steep tanh"],
)
def test_strong_curvature_is_not_mistaken_for_a_kink(f, x):
    report = gradcheck(f, [x])
    assert report.ok and not report.rows[0].kink


def test_rounding_noise_on_a_large_function_is_not_mistaken_for_a_kink():
    # detach() hides one of the two uses of x, so the analytic derivative is x, not 2x; the
    # large constant makes one-sided slopes noisy, which must not excuse the mismatch as a kink.
    report = gradcheck(lambda x: x.detach() * x + 1e8, [0.3], raise_exception=False)
    assert not report.ok and report.rows[0].verdict == "FAIL"
    assert not report.rows[0].kink


# ---- unresolvable points and small gradients ---------------------------------------------------


def test_a_derivative_swamped_by_the_functions_size_is_unresolved_not_failed():
    report = gradcheck(lambda y: -((y + y) + Value(100.0).exp()), [0.3], raise_exception=False)
    row = report.rows[0]
    assert row.analytic == -2.0 and row.verdict == "unresolved"
    assert report.failures == [] and report.unresolved == [row] and not report.ok
    assert "neither confirmed nor refuted" in row.note
    assert str(report).startswith("gradcheck unresolved: 1 of 1 derivative could not be checked")
    assert "unresolved  f's rounding error" in str(report)  # the verdict said once
    with pytest.raises(GradcheckError, match="unresolved"):  # a check that checked nothing must say so
        gradcheck(lambda y: -((y + y) + Value(100.0).exp()), [0.3])


def test_a_zero_derivative_beside_others_passes():
    report = gradcheck(lambda x, y: x * 2 + y * 0, [1.0, 2.0])
    assert report.ok and report.rows[1].analytic == 0.0


def test_a_small_gradient_is_judged_on_its_own_scale():
    # d/dx 1e-8 x^2 = 1e-8 at 0.5, far below torch's atol = 1e-5; detach() hides one use of x,
    # so the analytic derivative is half the true one, and that must fail
    report = gradcheck(lambda x: 1e-8 * x.detach() * x, [0.5], raise_exception=False)
    assert report.rows[0].analytic == pytest.approx(5e-9) and report.rows[0].verdict == "FAIL"
    assert gradcheck(lambda x: 1e-8 * x * x, [0.5]).ok


@pytest.mark.parametrize(
    ("f", "x"),
    [(lambda x: (x * 1e5).tanh(), 1e-5), (lambda x: x * x + 1e8, 0.3)],
    ids=["tanh(1e5 x) at 1e-5 needs a tiny step", "x*x + 1e8 at 0.3 needs a large one"],
)
def test_both_step_size_hard_cases_pass(f, x):
    row = gradcheck(f, [x]).rows[0]
    assert row.error < 1e-4 * abs(row.numeric)  # far inside rtol = 1e-3, so 1% off fails


def test_rounding_inside_f_counts_not_just_the_size_of_its_result():
    # 1 - tanh(x)^2 at 10 is 8e-9 made from numbers near 1: its rounding error is near 1e-16, not
    # 1e-24, and must neither fake a kink nor fail a right derivative
    row = gradcheck(lambda x: 1 - x.tanh() ** 2, [10.0]).rows[0]
    assert row.verdict == "ok" and not row.kink
    # the second derivative of tanh(x^2) at 4.2 is -2.8e-13, below what differences of its first
    # derivative (quantized in steps of 1e-15) can see: unresolved, never FAIL
    report = gradcheck(lambda x: (x * x).tanh(), [4.2], order=2, raise_exception=False)
    assert [row.verdict for row in report.rows] == ["unresolved", "unresolved"]


# ---- several outputs ----------------------------------------------------------------------------


def _softmax(*logits: Value) -> list[Value]:
    exps = [z.exp() for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def test_several_outputs_check_the_whole_jacobian_naming_each_pair():
    report = gradcheck(_softmax, [0.5, -1.0, 2.0])
    assert report.ok and len(report.rows) == 9
    assert [row.label for row in report.rows[:4]] == ["df[0]/dx[0]", "df[0]/dx[1]", "df[0]/dx[2]", "df[1]/dx[0]"]
    s = [math.exp(z) / sum(math.exp(v) for v in (0.5, -1.0, 2.0)) for z in (0.5, -1.0, 2.0)]
    jacobian = [row.analytic for row in report.rows]
    expected = [s[j] * ((j == i) - s[i]) for j in range(3) for i in range(3)]  # by hand: s_j (d_ij - s_i)
    assert jacobian == pytest.approx(expected, rel=1e-12)


def test_a_wrong_rule_in_one_output_names_the_output_and_input(monkeypatch):
    monkeypatch.setitem(engine.RULES, "tanh", (lambda out, x: 1.0,))
    report = gradcheck(lambda a, b: [a * b, b.tanh()], [0.3, 0.7], raise_exception=False)
    assert [row.label for row in report.failures] == ["df[1]/db"]


# ---- every order ----------------------------------------------------------------------------------


def test_gradgradcheck_checks_first_derivatives_against_f_and_the_hessian_against_them():
    report = gradgradcheck(lambda x, y: x * x * y, [1.5, 2.0])  # gradient [2xy, x^2], Hessian [[2y, 2x], [2x, 0]]
    assert report.ok
    labels = [row.label for row in report.rows]
    assert labels == ["df/dx", "df/dy", "d2f/dx dx", "d2f/dy dx", "d2f/dx dy", "d2f/dy dy"]
    assert [row.analytic for row in report.rows] == pytest.approx([6.0, 2.25, 4.0, 3.0, 3.0, 0.0])


def test_gradgradcheck_catches_a_rule_that_is_right_only_to_first_order(monkeypatch):
    # Reading `.data` inside a rule gives the right number but records no graph, so the second
    # derivative through it is lost.
    monkeypatch.setitem(engine.RULES, "tanh", (lambda out, x: 1.0 - engine._data(out) ** 2,))
    gradcheck(lambda x: x.tanh(), [0.4])
    with pytest.raises(GradcheckError, match="gradgradcheck failed") as caught:
        gradgradcheck(lambda x: x.tanh(), [0.4])
    assert [row.label for row in caught.value.report.failures] == ["d2f/dx dx"]


def _no_accumulation(root, on_values):
    """engine._backpropagate with the bug of overwriting instead of adding over paths."""
    grads = {root: 1.0}
    for node in reversed(engine.topological_order(root)):
        for child, rule in zip(node._children, engine.RULES[node._op] if node._children else ()):
            if type(child) is not float:
                out = node if on_values else node.data
                operands = node._children if on_values else [engine._data(c) for c in node._children]
                grads[child] = rule(out, *operands) * grads[node]
    return grads


GRAD_ONLY_BUGS = {
    "swapped * operands": ("RULES", "*", (lambda out, a, b: a, lambda out, a, b: b)),
    "zero + rule": ("RULES", "+", (lambda out, a, b: 0.0, lambda out, a, b: 0.0)),
    "no accumulation over paths": ("_backpropagate", None, _no_accumulation),
}


@pytest.mark.parametrize("bug", list(GRAD_ONLY_BUGS))
def test_bugs_that_live_only_in_grad_fail_at_order_two(monkeypatch, bug):
    where, key, replacement = GRAD_ONLY_BUGS[bug]
    if where == "RULES":
        monkeypatch.setitem(engine.RULES, key, replacement)
    else:
        monkeypatch.setattr(engine, "_backpropagate", replacement)
    f = lambda x, y: x * y * x + y  # noqa: E731  (x on two paths, a sum, products of unequal factors)
    gradcheck(f, [0.7, -1.3])  # backward() applies + and * itself: order 1 cannot see these bugs
    for report in (
        gradgradcheck(f, [0.7, -1.3], raise_exception=False),
        gradcheck(f, [0.7, -1.3], order=2, raise_exception=False),
    ):
        assert any(row.label.startswith("df/") for row in report.failures), str(report)


def test_order_three_checks_every_order_up_to_three():
    report = gradcheck(lambda x, y: x**3 * y + y.exp(), [0.6, 0.2], order=3)
    assert len(report.rows) == 2 + 4 + 8
    third = {row.label: row.analytic for row in report.rows if row.label.startswith("d3f/")}
    assert third["d3f/dx dx dx"] == pytest.approx(6 * 0.2)  # d3/dx3 of x^3 y = 6y
    assert third["d3f/dy dy dy"] == pytest.approx(math.exp(0.2))


def test_a_bug_at_order_two_also_fails_at_order_three(monkeypatch):
    monkeypatch.setitem(engine.RULES, "tanh", (lambda out, x: 1.0 - engine._data(out) ** 2,))
    report = gradcheck(lambda x: x.tanh(), [0.4], order=3, raise_exception=False)
    assert "d2f/dx dx" in [row.label for row in report.failures]


# ---- fast mode -------------------------------------------------------------------------------------


def _counting(f):
    calls = []

    def counted(*xs):
        calls.append(1)
        return f(*xs)

    return counted, calls


def test_fast_mode_cost_does_not_grow_with_the_number_of_inputs():
    costs = []
    for n in (5, 50):
        f, calls = _counting(lambda *xs: sum((x * x).tanh() for x in xs))
        report = gradcheck(f, [0.1 * i - 1.0 for i in range(n)], fast=True)
        assert report.ok and len(report.rows) == 2  # two random directions
        costs.append(len(calls))
    # each direction is one search over at most MAX_STEPS steps, whatever the number of inputs
    bound = FAST_DIRECTIONS * (2 * MAX_STEPS + 1) + 3
    assert all(cost <= bound for cost in costs) and abs(costs[0] - costs[1]) < 10
    f, calls = _counting(lambda *xs: sum((x * x).tanh() for x in xs))
    gradcheck(f, [0.1 * i - 1.0 for i in range(50)])
    assert len(calls) > 10 * costs[1]  # the per-input check pays per input


def _network_loss(model: MLP):
    """loss(*parameters) for `model`: the same network, with its parameters as f's inputs and
    tanh hidden units, at one input, as f(*Values) for gradcheck."""

    def loss(*parameters: Value) -> Value:
        activations, position = [Value(0.5), Value(-1.5)], 0
        for layer in model.layers:
            outputs = []
            for neuron in layer.neurons:
                n = len(neuron.w)
                w, b = parameters[position : position + n], parameters[position + n]
                position += n + 1
                z = sum((wi * xi for wi, xi in zip(w, activations)), b)
                outputs.append(z.tanh() if neuron.nonlin else z)
            activations = outputs
        return activations[0] * activations[0]

    return loss


def test_fast_mode_checks_a_models_parameters_and_names_the_culprits_on_a_failure(monkeypatch):
    model = MLP(2, [4, 1], seed=0)  # 4 hidden units of 3 parameters, then a linear unit of 5
    point = [p.data for p in model.parameters()]
    report = gradcheck(_network_loss(model), point, fast=True)
    assert report.ok and len(report.rows) == 2 and "random directions" in report.note
    monkeypatch.setitem(engine.RULES, "tanh", (lambda out, x: 1.0 - out,))  # wrong in every hidden unit
    report = gradcheck(_network_loss(model), point, fast=True, raise_exception=False)
    assert not report.ok and "re-checked" in report.note
    assert len(report.rows) == 2 + len(point)  # the failed directions, then every input
    culprits = [row.label for row in report.failures if not row.label.startswith("df/dv")]
    assert culprits == [f"x[{i}]" for i in range(12)]  # the hidden units' parameters, and only those


# ---- mistakes in the call ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: gradcheck(lambda x: x, 0.3), TypeError, r"got the single number 0.3: write \[0.3\]"),
        (lambda: gradcheck(lambda x: x, Value(0.3)), TypeError, r"write \[0.3\]"),
        (lambda: gradcheck(lambda x: x, []), ValueError, "inputs is empty"),
        (lambda: gradcheck(lambda x: x, "3"), TypeError, "inputs must be a list of numbers"),
        (lambda: gradcheck(lambda x: x, [True]), TypeError, r"inputs\[0\] must be a number, got True"),
        (lambda: gradcheck(lambda x: x, [math.nan]), ValueError, r"inputs\[0\] must be finite"),
        (lambda: gradcheck(3.0, [1.0]), TypeError, "f must be a function"),
        (lambda: gradcheck(lambda x, y: x, [1.0]), TypeError, "f cannot be called with 1 arguments"),
        (lambda: gradcheck(lambda x: x, [1.0], eps=0), ValueError, "eps must be a positive number or None"),
        (lambda: gradcheck(lambda x: x, [1.0], rtol=-1), ValueError, "rtol must be a number >= 0"),
        (lambda: gradcheck(lambda x: x, [1.0], order=0), ValueError, "order must be an integer >= 1"),
        (lambda: gradcheck(lambda x: 4.0, [1.0]), TypeError, "f returned the plain number 4.0, not a Value"),
        (lambda: gradcheck(lambda x: x.data * 2, [1.0]), TypeError, "the graph back to the inputs is lost"),
        (lambda: gradcheck(lambda x: "x", [1.0]), TypeError, "f must return a Value or a list of Values, got 'x'"),
        (lambda: gradcheck(lambda x: [x, 2.0], [1.0]), TypeError, r"output \[1\] is 2.0"),
    ],
)
def test_every_mistake_in_the_call_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_fast_mode_at_order_two_names_each_direction_and_derivative():
    report = gradcheck(lambda x, y: (x * y).tanh() + x**3, [0.3, -0.7], order=2, fast=True)
    labels = [row.label for row in report.rows]
    assert labels == ["df/dv1", "df/dv2", "d2f/dv1 dx", "d2f/dv1 dy", "d2f/dv2 dx", "d2f/dv2 dy"]
    assert report.ok
