"""Code written for micrograd runs with only the import changed.

Each test follows the shape of real public code: the nn-zero-to-hero micrograd lecture (manual
backprop node by node, its `trace`/`draw_dot` helpers), micrograd's own ops and demo, and
EurekaLabsAI/micrograd (`Value(x, _prev=..., _op=...)`, attributes on nodes, AdamW state on
parameters). The tests are written here; nothing is copied.
"""
from __future__ import annotations

import gc
import math
import random
import weakref

import pytest

from micrograd_plus import Value, grad
from micrograd_plus.nn import MLP

# ---- the constructor: Value(data, _children=(), _op='', label='') -----------------------------


def test_constructor_records_micrograds_children_and_op_in_order():
    a, b = Value(2.0), Value(-3.0)
    out = Value(a.data + b.data, (a, b), "+")
    assert out._children == (a, b) and out._op == "+" and out._prev == {a, b}
    out.backward()  # no closure: the rule for "+" applies
    assert (a.grad, b.grad) == (1.0, 1.0)


def test_constructor_takes_keywords_and_the_lectures_label():
    x = Value(0.5, label="x")
    e = Value(math.exp(x.data), _children=(x,), _op="exp", label="e")
    assert (e.label, e._op, e._children) == ("e", "exp", (x,))
    e.backward()
    assert x.grad == pytest.approx(math.exp(0.5), rel=1e-15)


def test_prev_is_accepted_as_eurekalabs_name_for_the_children():
    a, b = Value(2.0), Value(5.0)
    out = Value(a.data * b.data, _prev=(a, b), _op="*")
    assert out._children == (a, b)
    out.backward()
    assert (a.grad, b.grad) == (5.0, 2.0)
    with pytest.raises(TypeError, match="as _children or as _prev, not both"):
        Value(1.0, (a,), _prev=(b,))


def test_a_positional_label_is_a_clear_error_not_a_silently_wrong_graph():
    with pytest.raises(TypeError, match=r"not a label; did you mean label='x'\?"):
        Value(2.0, "x")
    with pytest.raises(TypeError, match=r"_children must be a tuple, list or set of operands, got 5 \(int\)"):
        Value(2.0, 5)
    with pytest.raises(TypeError, match=r"_children must be a tuple, list or set.*generator"):
        Value(2.0, (v for v in [Value(1.0)]))
    with pytest.raises(TypeError, match=r"Value: expected a Value or a real number, got 'a'"):
        Value(2.0, (Value(1.0), "a"))
    with pytest.raises(TypeError, match=r"_op must be a string naming the operation, got 3"):
        Value(2.0, (), 3)


def test_any_number_of_children_values_or_numbers_kept_in_order():
    a, b = Value(2.0), Value(3.0)
    fma = Value(a.data * 4 + b.data, (a, 4, b), "fma")
    assert fma._children == (a, 4.0, b) and fma._prev == {a, b}
    assert Value(1.0, [a, b], "pair")._children == (a, b)  # a list works too
    assert set(Value(1.0, {a, b}, "pair")._children) == {a, b}  # and micrograd's set


def test_a_node_made_inside_no_grad_records_no_children():
    from micrograd_plus import no_grad

    a = Value(2.0)
    with no_grad():
        out = Value(a.data * 2, (a,), "double")
    assert out._children == () and out._op == ""


# ---- the per-node step: node._backward() -------------------------------------------------------


def lecture_neuron():
    """The lecture's neuron o = tanh(x1*w1 + x2*w2 + b), with its intermediate labels."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n, o=o)


# The lecture's hand-worked numbers: o = 1/sqrt(2), do/dn = 1 - o^2 = 0.5.
LECTURE_GRADS = {"n": 0.5, "b": 0.5, "x1w1": 0.5, "x2w2": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}


def test_lecture_manual_backprop_one_node_at_a_time():
    v = lecture_neuron()
    v["o"].grad = 1.0
    for name in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"):  # b is a leaf: its step does nothing
        v[name]._backward()
    for name, expected in LECTURE_GRADS.items():
        assert v[name].grad == pytest.approx(expected, abs=1e-12), name


def test_lecture_topological_loop_over_prev_calling_backward_per_node():
    v = lecture_neuron()
    topo, visited = [], set()

    def build_topo(node):  # the lecture's recursive sort, reading _prev
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                build_topo(child)
            topo.append(node)

    build_topo(v["o"])
    v["o"].grad = 1.0
    for node in reversed(topo):
        node._backward()
    assert len(topo) == 10
    for name, expected in LECTURE_GRADS.items():
        assert v[name].grad == pytest.approx(expected, abs=1e-12), name


def test_a_leafs_step_is_a_no_op():
    x = Value(3.0)
    x.grad = 2.0
    x._backward()
    assert x.grad == 2.0


# ---- micrograd's way of adding an op: a _backward closure per node ------------------------------


def micrograd_style_pow(self: Value, other: float) -> Value:
    """An op written as micrograd writes them: build the node, attach a closure."""
    out = Value(self.data**other, (self,), f"**{other}")

    def _backward():
        self.grad += other * self.data ** (other - 1) * out.grad

    out._backward = _backward
    return out


def test_backward_runs_a_user_closure_for_an_op_it_has_no_rule_for():
    x = Value(3.0)
    y = micrograd_style_pow(x, 2) * x  # x^3
    assert y.data == 27.0 and y._children[0]._op == "**2"
    y.backward()
    assert x.grad == 27.0  # 3 x^2


def test_a_closure_takes_precedence_over_the_rule_of_the_same_op():
    x = Value(0.5)
    out = Value(math.tanh(x.data), (x,), "tanh")
    out._backward = lambda: setattr(x, "grad", x.grad + 42.0 * out.grad)
    out.backward()
    assert x.grad == 42.0  # the closure's derivative, not tanh's rule
    assert out._backward() is None and x.grad == 84.0  # the attribute is the closure itself


def test_a_closure_on_a_leaf_keeps_it_a_leaf_whose_grad_accumulates():
    x = Value(2.0)
    x._backward = lambda: None  # what a micrograd-style __init__ does on every node
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0 and x._children == ()


def test_an_op_with_neither_rule_nor_closure_fails_naming_it():
    x = Value(2.0)
    out = Value(x.data**2, (x,), "square")
    with pytest.raises(RuntimeError, match=r"'square' .*has no derivative rule and no _backward closure"):
        out.backward()
    with pytest.raises(RuntimeError, match="'square'"):
        out._backward()


def test_grad_refuses_a_closure_node_clearly_and_backward_still_works():
    x = Value(3.0)
    y = micrograd_style_pow(x, 2)
    for create_graph in (False, True):
        with pytest.raises(RuntimeError, match=r"'\*\*2'.* own _backward closure, which only backward\(\) can run"):
            grad(y, [x], create_graph=create_graph)
    y.backward()
    assert x.grad == 6.0


def test_closure_nodes_with_three_operands_and_constants():
    a, b = Value(2.0), Value(3.0)
    out = Value(a.data * 4 + b.data, (a, 4, b), "fma")

    def _backward():
        a.grad += 4 * out.grad
        b.grad += out.grad

    out._backward = _backward
    (out * out).backward()
    assert (a.grad, b.grad) == (2 * 11.0 * 4, 2 * 11.0)
    assert out._children == (a, 4.0, b)


# ---- attributes, as EurekaLabs' micrograd sets them ----------------------------------------------


def test_any_attribute_can_be_set_on_a_value():
    leaf, node = Value(1.0), Value(1.0) * 2
    setattr(leaf, "_vis_color", "lightgreen")
    node.note = "anything"
    assert leaf._vis_color == "lightgreen" and node.note == "anything"
    assert not hasattr(Value(1.0), "_vis_color")


def test_optimizer_state_kept_on_parameters_as_eurekalabs_adamw_does():
    # AdamW written the EurekaLabs way: moments live on the parameters as p.m and p.v
    w = Value(0.5)
    params = [w]
    for p in params:
        p.m, p.v = 0, 0
    lr, beta1, beta2 = 0.1, 0.9, 0.95
    for t in range(1, 101):
        loss = (w - 3.0) ** 2
        for p in params:
            p.grad = 0
        loss.backward()
        for p in params:
            p.m = beta1 * p.m + (1 - beta1) * p.grad
            p.v = beta2 * p.v + (1 - beta2) * p.grad**2
            m_hat, v_hat = p.m / (1 - beta1**t), p.v / (1 - beta2**t)
            p.data -= lr * m_hat / (v_hat**0.5 + 1e-8)
    assert w.data == pytest.approx(3.0, abs=0.05)


def test_a_graph_with_attributes_is_still_freed_by_reference_counting():
    gc.disable()
    try:
        x = Value(1.0)
        y = (x * 2).tanh()
        y.colour = "red"
        y.backward()
        ref = weakref.ref(y)
        del y
        assert ref() is None
    finally:
        gc.enable()


# ---- backward on a leaf, and seeds ----------------------------------------------------------------


def test_backward_on_a_leaf_with_a_grad_adds_one_as_leaves_accumulate():
    x = Value(2.0)
    x.grad = 5.0
    x.backward()
    assert x.grad == 6.0  # d x / d x = 1, accumulated (PyTorch); micrograd would set it to 1


def test_an_unseeded_mlp_draws_micrograds_weights_from_the_global_random():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs = [p.data for p in micrograd_nn.MLP(2, [16, 16, 1]).parameters()]
    random.seed(1337)
    ours = [p.data for p in MLP(2, [16, 16, 1]).parameters()]
    assert ours == theirs and len(ours) == 337


def test_an_unseeded_model_leaves_the_global_random_where_micrograd_leaves_it():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(7)
    micrograd_nn.MLP(3, [4, 1])
    after_theirs = random.random()
    random.seed(7)
    MLP(3, [4, 1])
    assert random.random() == after_theirs


def test_a_seeded_model_keeps_a_private_generator():
    random.seed(0)
    before = random.getstate()
    a = [p.data for p in MLP(2, [4, 1], seed=5).parameters()]
    assert random.getstate() == before  # the global generator was not touched
    random.seed(5)
    assert a == [p.data for p in MLP(2, [4, 1]).parameters()]  # seed=s draws what random.seed(s) gives


def micrograd_demo_printout(Value, MLP, X, y, steps):
    """micrograd's demo loop (max-margin loss, L2, SGD with a decaying rate), as it prints."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    printed = []
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        accuracy = [(yi > 0) == (score.data > 0) for yi, score in zip(y, scores)]
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        printed.append(f"step {k} loss {total.data}, accuracy {sum(accuracy) / len(accuracy) * 100}%")
    return printed


def test_micrograds_demo_prints_the_same_losses_with_only_the_import_changed():
    micrograd_engine = pytest.importorskip("micrograd.engine")
    micrograd_nn = pytest.importorskip("micrograd.nn")
    from micrograd_plus.data import make_moons

    X, labels = make_moons(n_samples=30, noise=0.1, seed=3)
    y = [2 * label - 1 for label in labels]
    theirs = micrograd_demo_printout(micrograd_engine.Value, micrograd_nn.MLP, X, y, steps=6)
    ours = micrograd_demo_printout(Value, MLP, X, y, steps=6)
    assert ours[0] == theirs[0]  # same weights, same forward: the first loss to the last digit
    # Later losses agree to the last digit or two: micrograd adds gradients in the order of a set
    # of nodes hashed by id(), so its own printout varies that much from one run to the next.
    for mine, reference in zip(ours, theirs):
        loss, accuracy = mine.split(" loss ")[1].split(", ")
        their_loss, their_accuracy = reference.split(" loss ")[1].split(", ")
        assert float(loss) == pytest.approx(float(their_loss), rel=1e-13) and accuracy == their_accuracy
    assert len(set(ours)) == 6  # the loss moves: six different lines


def test_lecture_tanh_written_with_exp_and_division_gives_the_same_gradients():
    # the lecture's second half: o = (e - 1) / (e + 1) with e = exp(2n), instead of n.tanh()
    v = lecture_neuron()
    e = (2 * v["n"]).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(v["o"].data, rel=1e-15)
    for name in ("x1", "w1", "x2", "w2", "b"):
        assert v[name].grad == pytest.approx(LECTURE_GRADS[name], abs=1e-12), name


def test_a_students_own_mlp_classes_train_on_our_value():
    # The lecture's second half defines Neuron, Layer and MLP itself (tanh neurons, weights and
    # bias drawn from the global random) and trains on four points with a squared-error loss.
    class Neuron:
        def __init__(self, nin):
            self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(random.uniform(-1, 1))

        def __call__(self, x):
            return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()

        def parameters(self):
            return self.w + [self.b]

    class Layer:
        def __init__(self, nin, nout):
            self.neurons = [Neuron(nin) for _ in range(nout)]

        def __call__(self, x):
            outs = [n(x) for n in self.neurons]
            return outs[0] if len(outs) == 1 else outs

        def parameters(self):
            return [p for n in self.neurons for p in n.parameters()]

    class StudentMLP:
        def __init__(self, nin, nouts):
            sizes = [nin] + nouts
            self.layers = [Layer(sizes[i], sizes[i + 1]) for i in range(len(nouts))]

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self):
            return [p for layer in self.layers for p in layer.parameters()]

    random.seed(42)
    n = StudentMLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(50):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert len(n.parameters()) == 41
    assert losses[-1] < 0.05 < losses[0]
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses[5:], losses[6:]))


def test_trace_graph_notebooks_neuron_matches_micrograds_numbers():
    # micrograd's trace_graph notebook: random.seed(1337), a 2-input neuron, backward, draw
    micrograd_engine = pytest.importorskip("micrograd.engine")
    micrograd_nn = pytest.importorskip("micrograd.nn")
    from micrograd_plus.nn import Neuron

    def run(Value, Neuron):
        random.seed(1337)
        n = Neuron(2)
        x = [Value(1.0), Value(-2.0)]
        y = n(x)
        y.backward()
        return [y.data] + [p.data for p in n.parameters()] + [v.grad for v in x + n.parameters()]

    assert run(Value, Neuron) == run(micrograd_engine.Value, micrograd_nn.Neuron)


def test_a_drawing_of_a_closure_node_says_its_derivative_cannot_be_read():
    from micrograd_plus import draw

    x = Value(0.5, label="x")
    out = Value(math.tanh(x.data), (x,), "tanh", label="o")
    out._backward = lambda: setattr(x, "grad", x.grad + (1 - out.data**2) * out.grad)
    out.backward()
    assert x.grad == pytest.approx(1 - math.tanh(0.5) ** 2)
    assert "∂o/∂x = ? (a closure) = nan" in draw(out).source
    with pytest.raises(RuntimeError, match="use the built-in operation 'tanh', whose rule they know"):
        grad(out, [x])
