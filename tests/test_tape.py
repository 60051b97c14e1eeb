"""Tapes: a traced graph replayed as generated code gives the engine's numbers, its errors and
its derivatives, on the operation catalogue, on random graphs and on a model."""

from __future__ import annotations

import math
import random
import re
import subprocess
import sys
import textwrap
import warnings

import pytest

from micrograd_plus import Value, define_op, engine, grad
from micrograd_plus.nn import MLP
from micrograd_plus.tape import TapeError, trace

from .catalogue import CASE_IDS, CASE_POINTS


def engine_value_and_grad(f, point):
    inputs = [Value(x) for x in point]
    out = f(*inputs)
    out.backward()
    return out.data, [x.grad for x in inputs]


# ---- the same numbers as the engine, to the last bit --------------------------------------------


@pytest.mark.parametrize(("case", "point"), CASE_POINTS, ids=CASE_IDS)
def test_tape_replays_every_catalogue_op_exactly_as_backward(case, point):
    shifted = [x * 0.9 for x in point]  # traced at the point, replayed at another
    tape = trace(case.f, list(point))
    value, grads = tape.value_and_grad(*shifted)
    assert (value, grads) == engine_value_and_grad(case.f, shifted)
    assert tape(*shifted) == value


def random_graph(rng: random.Random, inputs: list[Value], operations: int) -> Value:
    """A random expression whose every op stays inside its domain for inputs in [0.5, 1.5]."""
    pool = list(inputs)
    for _ in range(operations):
        a, b = rng.choice(pool), rng.choice(pool)
        kind = rng.randrange(11)
        if kind == 0:
            node = a + b
        elif kind == 1:
            node = a * b
        elif kind == 2:
            node = a * rng.uniform(-2, 2)
        elif kind == 3:
            node = a.tanh()
        elif kind == 4:
            node = a.sigmoid()
        elif kind == 5:
            node = (a * 0.1).exp()
        elif kind == 6:
            node = (a * a + 1.0).log()
        elif kind == 7:
            node = (a - 0.3).relu()
        elif kind == 8:
            node = (a - 0.2).abs()
        elif kind == 9:
            node = (a * a + 0.5) ** rng.choice([2.0, 0.5, -1.0, 3.0])
        else:
            node = (b * b + 1.0) ** (a.tanh() * 0.5)  # a Value exponent
        pool.append(node)
    return sum(pool[len(inputs):], pool[-1])  # every node reaches the output, some twice


@pytest.mark.parametrize("seed", range(12))
def test_tape_matches_backward_and_grad_on_random_graphs(seed):
    rng = random.Random(seed)
    f = lambda *xs: random_graph(random.Random(seed), list(xs), 40)  # noqa: E731
    tape = trace(f, [rng.uniform(0.5, 1.5) for _ in range(4)])
    point = [rng.uniform(0.5, 1.5) for _ in range(4)]
    value, grads = tape.value_and_grad(*point)
    assert (value, grads) == engine_value_and_grad(f, point)
    inputs = [Value(x) for x in point]
    assert grads == pytest.approx(grad(f(*inputs), inputs), rel=1e-13)  # RULES, evaluated directly


def test_source_shows_backward_as_code_with_each_rule_as_a_comment():
    tape = trace(lambda x, w, b: (x * w + b).tanh(), [2.0, -0.5, 0.1])
    assert "def value_and_grad(x, w, b, seed=1.0):" in tape.source
    assert "g_w += x * g_v3  # d(x * w)/dw = x" in tape.source
    assert "g_v4 = (1.0 - v5 * v5) * g_v5  # d tanh(v4)/dv4 = 1 - tanh(v4)**2" in tape.source
    assert len(tape) == 3


def test_labels_name_the_variables_and_model_parameters_are_inputs():
    model = MLP(2, [3, 1], seed=0)
    tape = trace(lambda params, x: model(x), [model.parameters(), [0.5, -1.0]])
    assert "L0_N0_w0, L0_N0_w1, L0_N0_b" in tape.source
    new = [p.data + 0.25 for p in model.parameters()]
    value, (g_params, g_x) = tape.value_and_grad(new, [0.3, 0.2])
    for p, x in zip(model.parameters(), new):
        p.data = x
    x = [Value(0.3), Value(0.2)]
    out = model(x)
    model.zero_grad()
    out.backward()
    assert value == out.data and g_params == [p.grad for p in model.parameters()]
    assert g_x == [xi.grad for xi in x]


def test_extra_outputs_are_carried_along_and_only_the_first_is_differentiated():
    tape = trace(lambda x: [x * x, x.exp()], [1.0])
    assert tape(2.0) == [4.0, pytest.approx(7.389056098930650)]
    (square, _), (d,) = tape.value_and_grad(2.0)
    assert (square, d) == (4.0, 4.0)


def test_python_batch_sums_gradients_over_rows_as_one_graph_would():
    tape = trace(lambda w, x: (w * x).tanh(), [0.5, 1.0])
    rows = [0.1, -2.0, 3.0]
    outputs, (g_w,) = tape.batch_value_and_grad(0.5, rows, seed=1 / 3)
    w = Value(0.5)
    total = sum(((w * x).tanh() for x in rows), Value(0.0)) * (1 / 3)
    total.backward()
    assert g_w == pytest.approx(w.grad, rel=1e-15)
    assert [o[0] for o in outputs] == [tape(0.5, x) for x in rows]


# ---- bad input and what cannot be traced --------------------------------------------------------


def test_bad_input_at_replay_gets_the_engines_error_naming_the_op():
    tape = trace(lambda x: (x.log() * 2.0).exp(), [2.0])
    with pytest.raises(ValueError, match=r"^log: input must be > 0, got -1.0 \(at tape step v1 = log\(x\)\)"):
        tape(-1.0)
    with pytest.raises(OverflowError, match="exp: .* exceeds the float range"):
        tape.value_and_grad(1e200)
    root = trace(lambda x: x**0.5, [4.0])
    with pytest.raises(ValueError, match="pow: negative base -4.0 with non-integer exponent 0.5"):
        root(-4.0)
    with pytest.raises(ZeroDivisionError, match="pow backward: .* infinite at x = 0"):
        root.value_and_grad(0.0)


def test_a_bad_row_in_a_batch_is_named():
    tape = trace(lambda w, x: (w * x).log(), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"^row 2: log: input must be > 0, got -3.0"):
        tape.batch_value_and_grad(1.0, [1.0, 2.0, -3.0, -4.0])


# ---- non-finite numbers: the engine's policy, on both backends ----------------------------------

NON_FINITE_CASES = {  # f, a point where the engine raises; each in the reviewer's words
    "a quotient over the float range": (lambda x, y: x / y, (1.0, 1e-310)),
    "a gradient over the float range": (lambda x, y: x / y, (1.0, 1e-200)),
    "a product over the float range": (lambda x, y: x * y, (1e308, 10.0)),
    "a nan input": (lambda x, y: x * y, (float("nan"), 2.0)),
    "an infinite input": (lambda x, y: x * y, (1.0, float("-inf"))),
    "log's gradient at the smallest float": (lambda x, y: (x.exp() * 0.0 + y).log(), (1.0, 5e-324)),
}


def engine_error(f, point) -> Exception:
    """What the engine raises computing f at point and its backward (inputs labelled as trace does)."""
    with pytest.raises((ArithmeticError, ValueError)) as caught:
        x, y = (Value(v, label=name) for v, name in zip(point, "xy"))
        f(x, y).backward()
    return caught.value


@pytest.mark.parametrize("name", NON_FINITE_CASES)
def test_a_replay_raises_the_engines_error_where_the_engine_would(name):
    f, point = NON_FINITE_CASES[name]
    expected = engine_error(f, point)
    tape = trace(f, [1.0, 2.0])
    with pytest.raises(type(expected), match="^" + re.escape(str(expected))):
        tape.value_and_grad(*point)
    if not str(expected).startswith("backward"):  # the forward alone fails too
        with pytest.raises(type(expected), match="^" + re.escape(str(expected))):
            tape(*point)


@pytest.mark.parametrize("backend", ["python", "numpy"])
@pytest.mark.parametrize("name", NON_FINITE_CASES)
def test_a_batch_names_the_row_where_the_engine_would_raise(name, backend):
    if backend == "numpy":
        pytest.importorskip("numpy")
    f, point = NON_FINITE_CASES[name]
    expected = engine_error(f, point)
    tape = trace(f, [1.0, 2.0])
    # y shared (its gradient is summed over the rows, as the engine's would be), x one per row:
    # the first row fails (and a bad shared input is refused before any row is computed)
    where = "row 0: " if math.isfinite(point[1]) else ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would fail the test
        with pytest.raises(type(expected), match="^" + where + re.escape(str(expected))):
            tape.batch_value_and_grad([point[0], 1.0], point[1], shared=(1,), backend=backend)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_batch_refuses_a_non_finite_shared_input_with_values_message(backend):
    if backend == "numpy":
        pytest.importorskip("numpy")
    tape = trace(lambda w, x: w[0] * x + w[1], [[1.0, 2.0], 3.0])
    expected = engine_error(lambda x, y: x * y, (float("nan"), 1.0))
    with pytest.raises(ValueError, match="^" + re.escape(str(expected)) + "$"):
        tape.batch_value_and_grad([1.0, float("nan")], [1.0, 2.0], backend=backend)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_gradient_summed_over_the_rows_past_the_float_range_is_an_error(backend):
    if backend == "numpy":
        pytest.importorskip("numpy")
    tape = trace(lambda w, x: w * x, [1.0, 1.0])
    _, (g_w,) = tape.batch_value_and_grad(1.0, [1e308, 1e308], seed=0.5, backend=backend)
    assert g_w == 1e308  # each row alone is fine, and so is their sum
    with pytest.raises(OverflowError, match="^backward: the gradient of the input 'w' is inf: the sum over the rows"):
        tape.batch_value_and_grad(1.0, [1e308, 1e308], backend=backend)


def test_an_overflow_that_a_later_op_hides_goes_unseen_by_a_tape():
    """The price of checking only the results (README, "Also good to know"): tanh(inf) is 1.0."""
    f = lambda x, y: (x * y).tanh()  # noqa: E731
    with pytest.raises(OverflowError, match=r"^mul: 1e\+308 \* 10.0 exceeds the float range"):
        f(Value(1e308), Value(10.0))
    assert trace(f, [1.0, 2.0]).value_and_grad(1e308, 10.0) == (1.0, [0.0, 0.0])


def test_wrong_inputs_are_refused_clearly():
    tape = trace(lambda params, x: params[0] * x, [[1.0, 2.0], 3.0])
    with pytest.raises(TypeError, match="expected 2 inputs, got 1"):
        tape([1.0, 2.0])
    with pytest.raises(ValueError, match="input 0 must be a list of 2 numbers"):
        tape([1.0], 2.0)
    with pytest.raises(TypeError, match="input 1 must be numbers, got 'a'"):
        tape([1.0, 2.0], "a")


def test_a_node_with_a_hand_written_backward_cannot_be_traced():
    def softplus_by_closure(x: Value) -> Value:  # micrograd's way of adding an op
        out = Value(math.log1p(math.exp(x.data)), (x,), "softplus_by_closure")

        def _backward():
            x.grad += out.grad / (1 + math.exp(-x.data))

        out._backward = _backward
        return out

    with pytest.raises(TapeError, match="cannot record op 'softplus_by_closure': a tape replays the rules in engine.RULES"):
        trace(softplus_by_closure, [0.5])


def test_an_op_added_with_define_op_is_replayed_by_its_forward_and_rules():
    cube = define_op("cube_for_the_tape", lambda x: x * x * x, lambda out, x: 3.0 * x * x)
    tape = trace(lambda x: cube(x) * 2.0, [1.0])
    assert "rule_cube_for_the_tape_0(" in tape.source
    assert tape.value_and_grad(2.0) == (16.0, [24.0])
    with pytest.raises(OverflowError, match="cube_for_the_tape"):  # the op's own message
        tape(1e200)


def test_check_detects_a_branch_that_changes_the_ops():
    tape = trace(lambda x: x.relu() if x.data > 0 else x.tanh(), [1.0])
    tape.check(0.5)
    with pytest.raises(TapeError, match=r"shape depends on the numbers: step 1 was v1 = relu\(x\), now v1 = tanh\(x\)"):
        tape.check(-0.5)


def test_check_detects_a_graph_whose_numbers_depend_on_the_inputs():
    def hand_relu(x: Value) -> Value:
        return x * 1.0 if x.data > 0 else x * 0.0

    tape = trace(hand_relu, [1.0])
    tape.check(2.0)  # the same branch: the same shape
    assert tape(-3.0) == -3.0  # the baked-in branch: silently not relu, which is why check exists
    with pytest.raises(TapeError, match=r"the graph's numbers depend on the inputs, .*: step 1 was v1 = x \* 1.0, now v1 = x \* 0.0"):
        tape.check(-3.0)


# ---- the Python backend needs only the standard library; the numpy backend is optional -------


def test_python_backend_runs_with_numpy_blocked():
    script = textwrap.dedent(
        """
        import sys
        sys.modules["numpy"] = None  # any import of numpy now fails
        from micrograd_plus.tape import trace
        tape = trace(lambda x, y: (x * y).tanh() + x.log(), [1.0, 2.0])
        value, grads = tape.value_and_grad(2.0, 0.5)
        outputs, (g_x,) = tape.batch_value_and_grad(2.0, [0.5, 1.0])
        print(round(value, 6), round(g_x, 6))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    # tanh(1) + log 2; and the sum over y = 0.5, 1 of y (1 - tanh(2y)^2) + 1/2, worked by hand
    assert done.stdout.split() == ["1.454741", "1.280638"]


@pytest.fixture
def moons_tape():
    pytest.importorskip("numpy")
    model = MLP(2, [16, 16, 1], seed=1)
    tape = trace(lambda p, x, y: [(1 + -y * model(x)).relu(), model(x)], [model.parameters(), [0.1, 0.2], 1.0])
    rng = random.Random(0)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(30)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(30)]
    return model, tape, X, y


def test_numpy_batch_matches_the_engine_on_a_model(moons_tape):
    model, tape, X, y = moons_tape
    params = [p.data for p in model.parameters()]
    outputs, (g_numpy,) = tape.batch_value_and_grad(params, X, y, seed=1 / len(X), backend="numpy")
    python_outputs, (g_python,) = tape.batch_value_and_grad(params, X, y, seed=1 / len(X))
    total = sum(((1 + -t * model(x)).relu() for x, t in zip(X, y)), Value(0.0)) * (1 / len(X))
    model.zero_grad()
    total.backward()
    engine_grads = [p.grad for p in model.parameters()]
    assert g_python == pytest.approx(engine_grads, rel=1e-12, abs=1e-15)
    assert list(g_numpy) == pytest.approx(engine_grads, rel=1e-12, abs=1e-15)
    assert outputs.shape == (30, 2)
    assert outputs.ravel().tolist() == pytest.approx([v for o in python_outputs for v in o], rel=1e-13)
    assert "ZT0 = W0 @ XT0" in tape._batch[("numpy", (0,))].source  # the neurons became a matrix product


def test_numpy_batch_names_the_bad_row_without_a_warning():
    pytest.importorskip("numpy")
    tape = trace(lambda w, x: (w * x).log() + (w * x * 100.0).exp(), [1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would fail the test
        with pytest.raises(ValueError, match=r"^row 1: log: input must be > 0, got -2.0"):
            tape.batch_value_and_grad(1.0, [1.0, -2.0, -3.0], backend="numpy")
        with pytest.raises(OverflowError, match=r"^row 2: exp: .* exceeds the float range"):
            tape.batch_value_and_grad(1.0, [1.0, 2.0, 30.0], backend="numpy")
        outputs, _ = tape.batch_value_and_grad(1.0, [1.0, 2.0], backend="numpy")
    assert outputs[:, 0].tolist() == pytest.approx([tape(1.0, 1.0), tape(1.0, 2.0)], rel=1e-14)


def test_numpy_batch_replays_every_catalogue_op():
    np = pytest.importorskip("numpy")
    for case, point in CASE_POINTS:
        if len(point) != 1:
            continue
        tape = trace(lambda w, x: case.f(w * x), [1.0, point[0]])
        rows = [point[0], point[0] * 0.9]
        outputs, (g_w,) = tape.batch_value_and_grad(1.0, rows, backend="numpy")
        expected = [tape.value_and_grad(1.0, x) for x in rows]
        assert outputs[:, 0] == pytest.approx(np.array([v for v, _ in expected]), rel=1e-14), case.name
        assert g_w == pytest.approx(sum(g[0] for _, g in expected), rel=1e-13), case.name


def test_check_accepts_changed_constants_only_where_the_tape_still_agrees_with_the_engine():
    from micrograd_plus.activations import log_softmax

    # log_softmax subtracts max(z) as a plain number: another constant, the same function
    tape = trace(lambda a, b: log_softmax([a, b * 2.0])[0], [0.5, 0.1])
    tape.check(3.0, -1.0)
    scale = Value(2.0)  # used by f but not an input: its number is baked in
    scaled = trace(lambda x: x * scale, [1.0])
    scale.data = 5.0
    assert scaled(1.0) == 2.0  # the tape still multiplies by the number it recorded
    with pytest.raises(TapeError, match=r"numbers depend on the inputs, .*: step 1 was v0 = the constant 2.0, now v0 = the constant 5.0"):
        scaled.check(1.0)


def test_a_division_op_in_the_rule_table_is_replayed_by_both_backends(monkeypatch):
    """Division as an op of its own (issue 9 makes it one): d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b."""
    monkeypatch.setitem(engine.RULES, "/", (lambda out, a, b: 1.0 / b, lambda out, a, b: -out / b))
    divide = lambda a, b: engine._node(a.data / b.data, a, b, "/")  # noqa: E731
    f = lambda w, x: divide(x, w).tanh() + divide(w, x * x)  # noqa: E731
    tape = trace(f, [2.0, 0.5])
    assert "g_w += -v4 / w * g_v4  # d(x / w)/dw = -(x / w) / w" in tape.source
    for w, x in [(2.0, 0.5), (-1.5, 3.0)]:
        inputs = [Value(w), Value(x)]
        assert tape.value_and_grad(w, x)[1] == pytest.approx(grad(f(*inputs), inputs), rel=1e-15)
    rows = [0.5, 3.0, -2.0]
    _, (g_w,) = tape.batch_value_and_grad(2.0, rows)
    assert g_w == pytest.approx(sum(tape.value_and_grad(2.0, x)[1][0] for x in rows), rel=1e-14)
    with pytest.raises(ZeroDivisionError, match="^row 1: div: division by zero"):
        tape.batch_value_and_grad(2.0, [0.5, 0.0])
    pytest.importorskip("numpy")  # the rest is the batch backend's
    _, (g_numpy,) = tape.batch_value_and_grad(2.0, rows, backend="numpy")
    assert g_numpy == pytest.approx(g_w, rel=1e-14)
    with pytest.raises(ZeroDivisionError, match="^row 1: div: division by zero"):
        tape.batch_value_and_grad(2.0, [0.5, 0.0], backend="numpy")
