"""The live page in a real browser (headless Chromium): its numbers equal Python's, its words
equal explain()'s, keys step, errors show the engine's message, and nothing leaves the page.

Skipped where no Chromium is installed; `.ci/run` installs one, so CI runs these.
"""
from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest

from micrograd_plus import Value, jvp
from micrograd_plus import engine
from micrograd_plus.engine import _node
from micrograd_plus.numerics import POLICY
from micrograd_plus.notes import dense_layer
from micrograd_plus.viz import draw, save_frames, save_page
from micrograd_plus.viz.explain import explain, step_texts
from micrograd_plus.viz.graph import Graph
from micrograd_plus.viz.labels import chain_text, local_text
from micrograd_plus.viz.page import BROWSER_OPS
from micrograd_plus.viz.steps import BackwardWalk
from micrograd_plus.viz.style import constant, factor, number

from . import page_graphs

pytest.importorskip("websockets")
from .browser import Browser, chromium_path  # noqa: E402  (needs websockets)

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="no Chromium installed")


@pytest.fixture(scope="module")
def browser():
    with Browser() as running:
        yield running


@pytest.fixture
def open_page(browser, tmp_path):
    """Write the page for a root and load it; afterwards, the page must have logged no error
    and requested nothing but itself."""
    pages = []

    def load(root, width=1400, height=900):
        path = save_page(root, tmp_path / f"page{len(pages)}.html")
        page = browser.open(path, width, height)
        pages.append(page)
        return page

    yield load
    for page in pages:
        assert page.errors == []
        assert page.requests == [page.url]
        page.close()


def assert_close(browser_value, python_value):
    assert browser_value == pytest.approx(python_value, rel=1e-12, abs=1e-300, nan_ok=True)


@pytest.mark.parametrize("build", [page_graphs.small, page_graphs.every_op, page_graphs.mlp_loss,
                                   lambda: dense_layer().E], ids=["small", "every op", "mlp", "notes"])
def test_after_setting_inputs_every_value_and_grad_equals_python_backward(open_page, build):
    root = build()
    page = open_page(root)
    leaves = [n["name"] for n in page.evaluate("micrograd.state()")["nodes"] if not n["op"]]
    rng = random.Random(7)
    for _ in range(2):
        values = {name: round(rng.uniform(0.2, 2.0), 3) for name in leaves}
        for name, value in values.items():
            state = page.evaluate(f"micrograd.set({name!r}, {value!r})")
        rebuilt = page_graphs.replay(root, values)
        rebuilt[-1].backward()
        assert len(state["nodes"]) == len(rebuilt)
        for shown, node in zip(state["nodes"], rebuilt):
            assert shown["error"] is None
            assert_close(shown["data"], node.data)
            assert_close(shown["grad"], node.grad)
        # forward mode: the tangents for the chosen input end at the same number backward gives
        wrt = leaves[-1]
        state = page.evaluate(f"micrograd.wrt({wrt!r})")
        leaf = next(n for n in rebuilt if n.label == wrt or not n._children and wrt.startswith("v"))
        assert_close(state["nodes"][-1]["tangent"], jvp(rebuilt[-1], [leaf], [1.0]))
        assert_close(state["nodes"][-1]["tangent"], leaf.grad)


def test_the_slider_and_the_number_field_both_recompute(open_page):
    page = open_page(page_graphs.small())
    page.evaluate("""(() => { const field = document.querySelector('#mg-inputs input[type=text]');
        field.value = '0.5'; field.dispatchEvent(new Event('input')); })()""")
    x = page.evaluate("micrograd.state()")["nodes"][0]
    assert (x["name"], x["data"], x["grad"]) == ("x", 0.5, pytest.approx(-3.0 + 1 - math.tanh(0.5) ** 2, rel=1e-12))
    page.evaluate("""(() => { const slider = document.querySelector('#mg-inputs input[type=range]');
        slider.value = '1'; slider.dispatchEvent(new Event('input')); })()""")
    assert page.evaluate("micrograd.state()")["nodes"][0]["data"] == 1.0
    assert page.evaluate("document.querySelector('#v0 .mg-data').textContent") == "data 1.0"


def test_the_page_opens_on_the_whole_graph_with_the_last_steps_words(open_page):
    page = open_page(dense_layer().E)
    state = page.evaluate("micrograd.state()")
    assert (state["mode"], state["step"]) == ("backward", state["steps"])
    assert page.evaluate("document.getElementById('mg-stage').classList.contains('fit')")
    inside = page.evaluate("""(() => { const w = document.getElementById('mg-words').getBoundingClientRect();
        const s = document.getElementById('mg-stage').getBoundingClientRect();
        return w.top >= 0 && w.bottom <= innerHeight && s.top < innerHeight; })()""")
    assert inside
    page.evaluate("micrograd.zoom(1)")
    assert page.evaluate("document.getElementById('mg-scale').textContent") == "100%"
    assert not page.evaluate("document.getElementById('mg-stage').classList.contains('fit')")


def test_arrow_keys_step_backward_with_explains_words(open_page):
    root = dense_layer().E
    page = open_page(root)
    expected = step_texts(BackwardWalk(Graph.with_fresh_grads(root)))
    steps = len(expected) - 1
    page.press("Home")
    assert page.evaluate("micrograd.state()")["words"] == expected[0]
    for k in range(1, steps + 1):
        page.press("ArrowRight")
        state = page.evaluate("micrograd.state()")
        assert state["step"] == k
        assert state["words"].split("\n(backward done")[0] == expected[k]
    page.press("ArrowRight")  # past the end: stays
    assert page.evaluate("micrograd.state()")["step"] == steps
    page.press("ArrowLeft")
    assert page.evaluate("micrograd.state()")["step"] == steps - 1
    assert page.evaluate("document.getElementById('mg-counter').textContent") == f"backward step {steps - 1} of {steps}"


def _reused(build):
    x = Value(3.0, label="x")
    y = build(x)
    y.label = "y"
    return y


def _rounded_factors():
    # ∂v3/∂a = b = 2.0 times v3.grad = c = 0.41996: `2.0 × 0.4200 = 0.8399`
    a, b, c = Value(0.41996, label="a"), Value(2.0, label="b"), Value(0.41996, label="c")
    z = a * b * c
    z.label = "z"
    return z


def _rounding_noise():
    # 0.1 + 0.2 is 0.30000000000000004: a factor off only by rounding noise stays short, `0.3`
    p, q, r = Value(0.1, label="p"), Value(0.2, label="q"), Value(1.0, label="r")
    s = (p + q) * r
    s.label = "s"
    return s


WORDED_GRAPHS = {
    "x*x": lambda: _reused(lambda x: x * x),
    "x*x*x": lambda: _reused(lambda x: x * x * x),
    "x+x+x": lambda: _reused(lambda x: x + x + x),
    "rounded factors": _rounded_factors,
    "rounding noise": _rounding_noise,
    "notes": lambda: dense_layer().E,
    "a / b": lambda: _quotient(),
    "1 / x": lambda: _reused(lambda x: 1.0 / x + x / 4.0),
}


@pytest.mark.parametrize("name", WORDED_GRAPHS)
def test_every_backward_step_says_what_explain_says_and_the_edges_agree(open_page, name):
    root = WORDED_GRAPHS[name]()
    graph = Graph.with_fresh_grads(root)
    expected = step_texts(BackwardWalk(graph))
    page = open_page(root)
    for k, block in enumerate(expected):
        assert block in explain(root)  # explain prints these very blocks, one per step
        words = page.evaluate(f"micrograd.step({k}, 'backward')")["words"]
        assert words.split("\n(backward done")[0] == block
    # after the last step every edge carries Python's label, four-digit factors included
    for node in graph.order:
        for edge in graph.operand_edges[node]:
            cell = f"#e{graph.index[node]}_{edge.position}"
            assert page.evaluate(f"document.querySelector('{cell} .mg-local').textContent") == local_text(graph, edge)
            assert page.evaluate(f"document.querySelector('{cell} .mg-chain').textContent") == chain_text(edge.local, graph.grads[node])


def test_a_value_used_three_times_shows_its_partial_sums_and_complete_once(open_page):
    page = open_page(WORDED_GRAPHS["x*x*x"]())
    words = [page.evaluate(f"micrograd.step({k}, 'backward')")["words"] for k in (1, 2)]
    lines = "\n".join(words).splitlines()
    assert [line.split("contribution ")[1] for line in lines if "x.grad" in line] == [
        "9.0 × 1.0 = 9.0 (x.grad so far 9.0: 1 of 3 uses)",
        "3.0 × 3.0 = 9.0 (x.grad so far 9.0 + 9.0 = 18.0: 2 of 3 uses)",
        "3.0 × 3.0 = 9.0 (x.grad = 9.0 + 9.0 + 9.0 = 27.0, complete)",
    ]


def test_a_rounded_factor_keeps_four_digits_and_rounding_noise_stays_short(open_page):
    page = open_page(_rounded_factors())
    words = page.evaluate("micrograd.step(2, 'backward')")["words"]
    assert "to a through *: local ∂v3/∂a = b = 2.0, contribution 2.0 × 0.4200 = 0.8399" in words
    assert page.evaluate("document.querySelector('#e3_0 .mg-chain').textContent") == "2.0 × 0.4200 = 0.8399"
    page = open_page(_rounding_noise())
    words = page.evaluate("micrograd.step(1, 'backward')")["words"]
    assert "to r through *: local ∂s/∂r = v3 = 0.3, contribution 0.3 × 1.0 = 0.3" in words


def test_a_value_used_twice_by_one_operation_gets_a_partial_sum_then_the_total(open_page):
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    page = open_page(y)
    words = page.evaluate("micrograd.step(1, 'backward')")["words"].splitlines()
    assert words[0].endswith("contribution 3.0 × 1.0 = 3.0 (x.grad so far 3.0: 1 of 2 uses)")
    assert words[1].endswith("contribution 3.0 × 1.0 = 3.0 (x.grad = 3.0 + 3.0 = 6.0, complete)")


def test_save_frames_html_page_uses_explains_words_for_a_value_used_twice(browser, tmp_path):
    x = Value(3.0, label="x")
    page = browser.open(save_frames(x * x, tmp_path / "steps.html"))
    steps = page.evaluate("micrograd.state()")["steps"]
    words = "\n".join(page.evaluate(f"micrograd.step({k}, 'backward')")["words"] for k in range(steps + 1))
    assert page.errors == [] and page.requests == [page.url]
    page.close()
    assert "(x.grad so far 3.0: 1 of 2 uses)" in words
    assert words.count("complete)") == words.count("(x.grad = 3.0 + 3.0 = 6.0, complete)") == 1


def test_a_grad_not_yet_complete_shows_a_question_mark_and_its_known_terms(open_page):
    page = open_page(page_graphs.small())  # x is used by * and tanh: two contributions
    page.evaluate("micrograd.step(2, 'backward')")  # * has pushed (step 2), tanh not yet (step 3)
    texts = page.evaluate("[...document.querySelectorAll('#v0 text')].map(t => t.textContent)")
    assert texts[1:] == ["data 2.0", "grad ? = -3.0 + ?"]
    page.evaluate("micrograd.step(3, 'backward')")
    assert page.evaluate("document.querySelector('#v0 .mg-grad').textContent") == "grad -2.929 = -3.0 + 0.07065"


def test_forward_steps_compute_values_and_tangents_node_by_node(open_page):
    page = open_page(page_graphs.small())
    state = page.evaluate("micrograd.step(0, 'forward')")
    assert state["words"].startswith("step 0: the inputs x = 2.0, y = -3.0; tangents ∂x/∂x = 1")
    assert page.evaluate("document.querySelector('#v4 .mg-data').textContent") == "data ?"
    page.press("ArrowRight")
    words = page.evaluate("micrograd.state()")["words"]
    assert words == ("step 1: v1 = tanh(x) = tanh(2.0) = 0.964\n"
                     "  tangent ∂v1/∂x = Σ local × operand's tangent = 0.07065 × 1.0 = 0.07065")
    page.press("End")
    state = page.evaluate("micrograd.state()")
    assert "the same number backward puts in x.grad = -2.929" in state["words"]
    assert page.evaluate("document.querySelector('#v4 .mg-grad').textContent") == "∂/∂x -2.929"


def test_a_domain_error_shows_the_engines_message_on_the_node(open_page):
    x = Value(2.0, label="x")
    y = (x.log() * 3.0 + 1.0).tanh()
    page = open_page(y)
    state = page.evaluate("micrograd.set('x', -1.5)")
    with pytest.raises(ValueError) as python_error:
        page_graphs.replay(y, {"x": -1.5})
    log_node = next(n for n in state["nodes"] if n["op"] == "log")
    assert log_node["error"] == str(python_error.value) == "log: input must be > 0, got -1.5"
    assert log_node["data"] is None and state["nodes"][-1]["data"] is None
    assert page.evaluate("document.querySelector('#v1 .mg-message').textContent") == str(python_error.value)
    assert str(python_error.value) in state["words"]
    assert page.evaluate("micrograd.set('x', 1.0)")["nodes"][1]["error"] is None
    assert page.evaluate("document.querySelector('#v1 .mg-message')") is None


def test_a_backward_error_shows_the_engines_message_too(open_page):
    x = Value(4.0, label="x")
    y = x.sqrt() * 2.0
    page = open_page(y)
    state = page.evaluate("micrograd.set('x', 0.0)")
    rebuilt = page_graphs.replay(y, {"x": 0.0})
    with pytest.raises(ZeroDivisionError) as python_error:
        rebuilt[-1].backward()
    assert state["nodes"][1]["error"] == str(python_error.value)
    assert all(node["grad"] is None for node in state["nodes"])


def _quotient():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    q = a / b * 2.0 + a
    q.label = "q"
    return q


@pytest.mark.parametrize("values", [{"b": 0.0}, {"b": -0.0}, {"a": 1e308, "b": 1e-10}, {"a": 1e308},
                                    {"a": 1e308, "b": 0.9}],
                         ids=["div by zero", "div by -0.0", "div overflows", "add overflows", "mul overflows"])
def test_a_division_by_zero_or_an_overflow_shows_the_engines_message_on_its_node(open_page, values):
    root = _quotient()
    page = open_page(root)
    for name, value in values.items():
        state = page.evaluate(f"micrograd.set({name!r}, {value!r})")
    with pytest.raises(ArithmeticError) as python_error:
        page_graphs.replay(root, values)
    failing = [node for node in state["nodes"] if node["error"]]
    assert [node["error"] for node in failing] == [str(python_error.value)]
    index = state["nodes"].index(failing[0])
    assert page.evaluate(f"document.querySelector('#v{index} .mg-message').textContent") == str(python_error.value)
    assert state["nodes"][-1]["data"] is None and all(node["grad"] is None for node in state["nodes"])
    assert f"{failing[0]['name']} cannot be computed: {python_error.value}." in state["words"]


def _gradient_overflows():
    # q = a / b = 1e300 is finite, but dq/db = -q/b = -1e600 is not, and tanh's 0 times that
    # is nan: backward stops at b
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    q = (a / b).tanh() + a / b
    q.label = "q"
    return q


def _product_gradient_overflows():
    # p = a * b = 1.0 and r = p * c = 1e200, but dr/db = a * c = 1e400
    a, b, c = Value(1.0, label="a"), Value(1.0, label="b"), Value(1.0, label="c")
    r = a * b * c
    r.label = "r"
    return r


def _derivative_overflows():
    # x ** -1.0 = 1e200 is finite, but its derivative -1.0 * x ** -2.0 overflows inside the rule
    x = Value(2.0, label="x")
    y = x ** -1.0 * 3.0
    y.label = "y"
    return y


@pytest.mark.parametrize("build, values, culprit", [
    (_gradient_overflows, {"b": 1e-300}, "b"),
    (_product_gradient_overflows, {"a": 1e200, "b": 1e-200, "c": 1e200}, "b"),
    (_derivative_overflows, {"x": 1e-200}, "v1"),
], ids=["gradient nan", "gradient inf", "derivative overflows"])
def test_backward_names_the_first_node_whose_gradient_is_not_finite_as_the_engine_does(
        open_page, build, values, culprit):
    root = build()
    page = open_page(root)
    for name, value in values.items():
        state = page.evaluate(f"micrograd.set({name!r}, {value!r})")
    rebuilt = page_graphs.replay(root, values)
    with pytest.raises((OverflowError, ValueError)) as python_error:
        rebuilt[-1].backward()
    message = str(python_error.value)
    assert message.startswith("backward: ")
    shown = {node["name"]: node for node in state["nodes"]}
    assert [name for name, node in shown.items() if node["error"]] == [culprit]
    assert shown[culprit]["error"] == message
    assert all(node["grad"] is None for node in state["nodes"])
    assert all(node["data"] is not None for node in state["nodes"])  # forward went through
    assert state["words"] == f"backward stops at {culprit}: {message}" + ("" if message.endswith(".") else ".")


@pytest.mark.parametrize("typed, number", [("inf", math.inf), ("-Infinity", -math.inf), (" nan ", math.nan),
                                           ("1e999", math.inf)])
def test_an_input_typed_as_inf_or_nan_shows_the_engines_refusal_instead_of_numbers(open_page, typed, number):
    page = open_page(page_graphs.small())
    type_into_x = """(text) => { const field = document.querySelector('#mg-inputs input[type=text]');
        field.value = text; field.dispatchEvent(new Event('input')); return micrograd.state(); }"""
    state = page.evaluate(f"({type_into_x})({typed!r})")
    with pytest.raises(ValueError) as refusal:
        Value(float(typed), label="x")
    x = state["nodes"][0]
    assert (x["name"], x["data"], x["error"]) == ("x", None, str(refusal.value))
    assert str(refusal.value) == f"Value: data: {number!r} is not a finite number; {POLICY}"
    assert all(node["data"] is None for node in state["nodes"] if node["name"] != "y")
    assert all(node["grad"] is None for node in state["nodes"])
    assert state["words"].startswith(f"the input x is refused: {refusal.value}.")
    assert page.evaluate("document.querySelector('#v0 .mg-message').textContent") == str(refusal.value)
    # a number again, and everything is computed again
    state = page.evaluate(f"({type_into_x})('0.5')")
    assert state["nodes"][0]["error"] is None and state["nodes"][-1]["data"] == pytest.approx(-1.5 + math.tanh(0.5))
    assert page.evaluate("document.querySelector('#v0 .mg-message')") is None


def test_text_that_is_no_number_leaves_the_input_as_it_was(open_page):
    page = open_page(page_graphs.small())
    state = page.evaluate("""(() => { const field = document.querySelector('#mg-inputs input[type=text]');
        field.value = '2..5'; field.dispatchEvent(new Event('input'));
        return [field.classList.contains('mg-bad'), micrograd.state()]; })()""")
    assert state[0] is True
    assert state[1]["nodes"][0]["data"] == 2.0 and state[1]["nodes"][0]["error"] is None


def test_clicking_a_node_writes_its_grad_as_the_sum_of_its_contributions(open_page):
    page = open_page(page_graphs.small())
    page.evaluate("document.querySelector('#v0 text').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    chain = page.evaluate("micrograd.state()")["chain"].splitlines()
    assert chain[0] == "x.grad = -3.0 (from v3) + 0.07065 (from v1) = -2.929"
    assert chain[2:4] == ["from v3 = x * y:", "  ∂v3/∂x = y = -3.0, × v3.grad 1.0 = -3.0"]
    assert chain[-4:] == ["  z → v3 → x", "    1.0 × -3.0 = -3.0", "  z → v1 → x", "    1.0 × 0.07065 = 0.07065"]
    highlighted = page.evaluate("[...document.querySelectorAll('g.mg-path')].map(g => g.id).sort()")
    assert highlighted == sorted(["e1_0", "e3_0", "e4_0", "e4_1", "o1", "o3", "o4"])


def test_every_engine_op_has_a_javascript_rule_that_gives_the_same_numbers(open_page):
    # the ops the engine has before anyone calls define_op, from a fresh interpreter
    fresh = subprocess.run([sys.executable, "-c", "from micrograd_plus import engine; print(*engine.RULES)"],
                           capture_output=True, text=True, check=True).stdout.split()
    page = open_page(page_graphs.small())
    assert set(page.evaluate("micrograd.ops")) == set(fresh) == BROWSER_OPS
    # ordinary numbers, and the edges of the float range, where results and derivatives overflow
    # (1e308 * 2.0, 1.0 / 5e-324, exp(710.0), 1e-308 ** -1.0 whose derivative overflows)
    points = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.0, 3.7, 710.0, 1e308, -1e308, 1e-308, 5e-324]
    failed, rules_failed = set(), set()  # (op, error type), (op, operand position, error type)
    for op in fresh:
        arity = len(engine.RULES[op])
        for operands in ([(a, b) for a in points for b in points] if arity == 2 else [(a,) for a in points]):
            python = _python_op(op, operands)
            script = f"micrograd.forward({op!r}, {', '.join(map(repr, operands))})"
            if isinstance(python, Exception):
                assert _browser_error(page, script) == str(python), (op, operands)
                failed.add((op, type(python).__name__))
                continue
            assert_close(page.evaluate(script), python)
            for position, rule in enumerate(engine.RULES[op]):
                try:
                    expected = rule(python, *operands)
                except (ArithmeticError, ValueError) as error:
                    expected = error
                script = f"micrograd.local({op!r}, {position}, {python!r}, {', '.join(map(repr, operands))})"
                if isinstance(expected, Exception):
                    assert _browser_error(page, script) == str(expected), (op, position, operands)
                    rules_failed.add((op, position, type(expected).__name__))
                else:
                    assert_close(page.evaluate(script), expected)
    # the grid reaches every kind of failure the engine has for these ops
    assert failed >= {("+", "OverflowError"), ("*", "OverflowError"), ("/", "OverflowError"),
                      ("/", "ZeroDivisionError"), ("**", "OverflowError"), ("**", "ZeroDivisionError"),
                      ("**", "ValueError"), ("exp", "OverflowError"), ("log", "ValueError")}
    assert rules_failed == {("**", 0, "OverflowError"), ("**", 0, "ZeroDivisionError"), ("**", 1, "ValueError")}


def _python_op(op, operands):
    a, *rest = [Value(x) for x in operands]
    try:
        node = {"+": lambda: a + rest[0], "*": lambda: a * rest[0], "/": lambda: a / rest[0],
                "**": lambda: a ** rest[0]}.get(op, lambda: getattr(a, op)())()
    except (ArithmeticError, ValueError) as error:
        return error
    return node.data


def _browser_error(page, script):
    return page.evaluate(f"(() => {{ try {{ {script}; return null; }} catch (e) {{ return e.message; }} }})()")


def test_numbers_are_printed_exactly_as_python_prints_them(open_page):
    page = open_page(page_graphs.small())
    values = [0.0, -0.0, 1.0, -2.0, 0.5, 2.0625, 2.0635, 0.125, 1e-5, 1.5e-5, 0.0001234, 12345.0, 9999.5,
              1e16, 1.2345678901234567e17, -3.3333333333333335, 1 / 3, math.pi * 1e-7, 2.5e300,
              float("inf"), float("-inf"), 0.1 + 0.2, 123456.5, 1234565.0, 5e-324]
    # and factors in a product, where a rounded number keeps all four digits
    values += [0.165, 0.16499999999999998, 0.41996, 0.8399, -0.0825, 1234.5, 12345.67, 0.3 + 1e-13,
               0.30000000000000004, 0.4999999999999999, 2.0000000000001, 1.00004e-5, 0.1 * 3, 5e-324]
    shown = page.evaluate(f"[{', '.join(_js(v) for v in values)}].map(x => [micrograd.format.number(x),"
                          " micrograd.format.factor(x), micrograd.format.constant(x), micrograd.format.pyRepr(x)])")
    assert shown == [[number(v), factor(v), constant(v), repr(v)] for v in values]
    assert [factor(v) for v in (0.165 * (1 + 1e-9), 0.41996, 0.30000000000000004)] == ["0.1650", "0.4200", "0.3"]


def _js(x: float) -> str:
    return {"inf": "Infinity", "-inf": "-Infinity"}.get(repr(x), repr(x))


def test_an_op_added_in_python_keeps_pythons_numbers_and_fixes_its_inputs(open_page, monkeypatch):
    # what define_op will do: a new op in RULES, made by the engine's own node constructor
    monkeypatch.setitem(engine.RULES, "cube", (lambda out, x: 3.0 * x * x,))
    x, w = Value(1.5, label="x"), Value(2.0, label="w")
    y = _node(x.data ** 3, x, None, "cube") * w
    y.label = "y"
    page = open_page(y)
    assert "'cube', added in Python" in page.evaluate("document.getElementById('mg-notice').textContent")
    assert "cannot recompute" in page.evaluate("(() => { try { micrograd.set('x', 1.0) } catch (e) { return e.message } })()")
    state = page.evaluate("micrograd.set('w', -0.5)")
    x_python, w_python = Value(1.5), Value(-0.5)
    y_python = _node(x_python.data ** 3, x_python, None, "cube") * w_python
    y_python.backward()
    shown = {node["name"]: node for node in state["nodes"]}
    assert_close(shown["y"]["data"], y_python.data)
    assert_close(shown["x"]["grad"], x_python.grad)  # through cube's rule, as Python evaluated it
    assert_close(shown["w"]["grad"], w_python.grad)


def test_in_a_notebook_the_page_runs_inside_its_iframe(browser, tmp_path):
    view = draw(page_graphs.small())
    cell = view._repr_mimebundle_(include=["text/html"])["text/html"]
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{cell}</body></html>", encoding="utf-8")
    page = browser.open(path)
    page.evaluate("new Promise(r => setTimeout(r, 300))")
    inside = browser.iframe()
    assert inside.evaluate("document.getElementById('mg-counter').textContent") == "backward step 3 of 3"
    state = inside.evaluate("micrograd.set('x', 0.5)")  # the page's script runs in there
    assert state["nodes"][0]["grad"] == pytest.approx(-3.0 + 1 - math.tanh(0.5) ** 2, rel=1e-12)
    assert page.errors == [] and page.requests == [page.url]
    inside.close()
    page.close()


def test_on_a_big_graph_the_numbers_off_screen_catch_up_when_scrolled_into_view(open_page):
    root = page_graphs.mlp_loss(3, (3, [6, 6, 1]))  # about 500 values
    page = open_page(root)
    assert "numbers hidden" in page.evaluate("document.getElementById('mg-scale').textContent")
    page.evaluate("micrograd.zoom(1)")  # centred on the root, far from the first layer
    before = page.evaluate("micrograd.state()")["nodes"]
    after = page.evaluate("micrograd.set('L0.N0.w0', 0.37)")["nodes"]
    changed = [i for i, (old, new) in enumerate(zip(before, after)) if new["op"] and old["data"] != new["data"]]
    first = changed[0]  # the first result the new weight moves: off screen when it was set
    text = f"document.querySelector('#v{first} .mg-data').textContent"
    assert page.evaluate(text) == f"data {number(before[first]['data'])}"
    page.evaluate(f"document.getElementById('v{first}').scrollIntoView({{block: 'center', inline: 'center'}})")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate(text) == f"data {number(after[first]['data'])}"
