"""Neuron and layer clusters: membership from labels and graph shape, collapsing, auto-collapse.

The builders here make labelled graphs by hand, following the nn library's naming contract
(`L{layer}.N{j}.w{i}`, `.b`, output labelled `L{layer}.N{j}`); other viz tests import them.
"""
import random
import re
import warnings
import xml.etree.ElementTree as ET

import pytest

from micrograd_plus import Value, grad
from micrograd_plus.viz import draw
from micrograd_plus.viz.graph import Graph
from micrograd_plus.viz.structure import find_layers, find_neurons
from micrograd_plus.viz.style import KIND_COLOURS

SVG = "{http://www.w3.org/2000/svg}"


def neuron(name, inputs, rng, activation="tanh"):
    """act(b + Σ w_i x_i), labelled as the nn library labels a Neuron called `name`."""
    weights = [Value(rng.uniform(-1, 1), label=f"{name}.w{i}") for i in range(len(inputs))]
    total = sum((w * x for w, x in zip(weights, inputs)), Value(0.1, label=f"{name}.b"))
    out = total.tanh() if activation == "tanh" else total
    out.label = name
    return out


def mlp(inputs, sizes, seed=0):
    """An MLP's forward pass on one sample; the last layer is linear, as in micrograd."""
    rng = random.Random(seed)
    for layer, size in enumerate(sizes):
        activation = None if layer == len(sizes) - 1 else "tanh"
        inputs = [neuron(f"L{layer}.N{j}", inputs, rng, activation) for j in range(size)]
    return inputs


def mlp_loss(sizes=(16, 16, 1), seed=0):
    xs = [Value(0.5, label="x0"), Value(-1.5, label="x1")]
    (out,) = mlp(xs, list(sizes), seed)
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss, xs


def svg_texts(svg):
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_neuron_members_lie_between_its_output_and_its_parameters():
    x0, x1 = Value(2.0, label="x0"), Value(-1.0, label="x1")
    out = neuron("N0", [x0, x1], random.Random(1))
    (group,) = find_neurons(Graph(out))
    labels = {node.label for node in group.members if node.label}
    assert labels == {"N0", "N0.w0", "N0.w1", "N0.b"}
    assert x0 not in group.members and x1 not in group.members
    assert len(group.members) == 3 + 2 + 2 + 1  # parameters, products, sums, tanh


def test_a_layer_1_neuron_does_not_swallow_layer_0():
    loss, _ = mlp_loss((2, 2, 1))
    neurons = {n.name: n for n in find_neurons(Graph(loss))}
    layer0_output = next(iter(neurons["L0.N0"].outputs))
    assert layer0_output not in neurons["L1.N0"].members
    assert all(not p.label.startswith("L0") for p in neurons["L1.N0"].members if p.label)
    layers = {layer.name: layer for layer in find_layers(list(neurons.values()))}
    assert set(layers) == {"L0", "L1", "L2"}
    assert sorted(n.name for n in layers["L1"].neurons) == ["L1.N0", "L1.N1"]


def test_expanded_neurons_and_layers_are_drawn_as_labelled_clusters():
    loss, _ = mlp_loss((2, 1))
    source = draw(loss, collapse=None).source
    assert source.count("subgraph cluster_") == 2 + 1 + 2  # 2 layers, 3 neurons
    assert "neuron L0.N1" in source and "layer L1" in source


def test_collapsed_neuron_edge_carries_the_derivative_through_the_neuron():
    x0, x1 = Value(2.0, label="x0"), Value(-1.0, label="x1")
    out = neuron("L0.N0", [x0, x1], random.Random(1))
    loss = (out - 0.5) ** 2
    loss.backward()
    source = draw(loss, collapse="neuron").source
    assert "L0.N0.w0" not in source  # the parameters are inside the collapsed node
    d_out_d_x1 = grad(out, [x1])[0]
    assert f"∂L0.N0/∂x1 = {d_out_d_x1:.4g}" in source
    assert "tanh, 3 params" in source


def test_big_mlp_collapses_by_itself_with_a_warning_and_stays_small():
    loss, _ = mlp_loss()  # MLP(2, [16, 16, 1]) on one sample: about 980 values
    with pytest.warns(UserWarning, match="each neuron is drawn as one node"):
        view = draw(loss)
    svg = view.svg()
    nodes = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) <= 45  # 33 neurons, 2 inputs, the loss's few nodes
    texts = svg_texts(svg)
    assert "neuron L1.N15" in texts and "collapsed: " in " ".join(texts)
    width, height = (float(ET.fromstring(svg).get(k).rstrip("pt")) for k in ("width", "height"))
    assert width < 30 * 72 and height < 40 * 72  # inches; the full graph is 200+ inches wide


def test_collapse_none_draws_every_value_without_warning():
    loss, _ = mlp_loss((3, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source = draw(loss, collapse=None).source
    assert "L0.N2.w1" in source


def test_collapse_by_layer_and_by_name():
    loss, _ = mlp_loss((3, 2, 1))
    assert "layer L0" in draw(loss, collapse="layer").source
    named = draw(loss, collapse={"L1"}).source
    assert "L1.N0.w0" not in named and "L0.N0.w0" in named
    with pytest.raises(ValueError, match="no neuron or layer named \\['L7'\\]"):
        draw(loss, collapse={"L7"})
    with pytest.raises(ValueError, match="collapse must be"):
        draw(loss, collapse="neurons")


def test_highlight_inside_a_collapsed_neuron_frames_the_neuron_and_lists_the_paths():
    loss, _ = mlp_loss()
    target = next(n for n in Graph(loss).order if n.label == "L0.N3.w1")
    with pytest.warns(UserWarning):
        svg = draw(loss, highlight=target).svg()
    framed = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "node"
              and any(p.get("stroke") == "#7c3aed" for p in g.iter(f"{SVG}polygon"))]
    assert ["neuron L0.N3" in svg_texts(ET.tostring(g, encoding="unicode")) for g in framed] == [
        True]
    shown = svg_texts(svg)
    assert "bold: the 16 paths from loss to L0.N3.w1; multiply the local derivatives along" \
           " each path, then add the paths" in shown
    assert f"sum over 16 paths = {target.grad:.4g} = ∂loss/∂L0.N3.w1;" \
           f" L0.N3.w1.grad = {target.grad:.4g}" in shown


def test_explicit_parameters_are_styled_as_parameters():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = a * b
    unstyled = draw(out).source
    styled = draw(out, parameters=[a]).source
    parameter_fill = '<TD BGCOLOR="#bbf7d0"><B>a</B>'
    assert parameter_fill not in unstyled and parameter_fill in styled


def drawn_mlp(seed=0):
    """micrograd's MLP(2, [16, 16, 1]) on one sample of unlabelled inputs, as a user calls it."""
    from micrograd_plus.nn import MLP

    out = MLP(2, [16, 16, 1], seed=seed)([Value(0.5), Value(-1.0)])
    out.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it collapses by itself, and says so
        return ET.fromstring(draw(out).svg())


def text_positions(svg):
    """[(text, x, y)] for every text element, y growing downwards."""
    return [(t.text, float(t.get("x")), float(t.get("y"))) for t in svg.iter(f"{SVG}text")]


def test_a_collapsed_layer_lists_its_neurons_in_order_top_to_bottom():
    shown = text_positions(drawn_mlp())
    for layer in ("L0", "L1"):
        titles = sorted((y, text) for text, _, y in shown if text and text.startswith(f"neuron {layer}."))
        assert [text for _, text in titles] == [f"neuron {layer}.N{j}" for j in range(16)]


def test_unlabelled_network_inputs_are_named_by_the_weights_they_meet():
    shown = text_positions(drawn_mlp())
    inputs = sorted((y, text) for text, _, y in shown if text in ("x0", "x1", "v0", "v3"))
    assert [text for _, text in inputs] == ["x0", "x1"]  # named, and in order top to bottom


def test_a_leaf_that_meets_other_things_than_weights_keeps_its_position_name():
    a, w = Value(2.0), Value(3.0, label="N0.w1")
    graph = Graph(a * w + a)  # a is also added, so it is not simply input 1
    assert graph.names[a] == "v0"


def test_the_collapsed_root_is_coloured_as_the_root_and_the_legend_lists_every_kind():
    svg = drawn_mlp()
    root_cell = [g for g in svg.iter(f"{SVG}g") if any(t.text == "neuron L2.N0" for t in g.iter(f"{SVG}text"))]
    fills = {p.get("fill") for g in root_cell for p in g.iter(f"{SVG}polygon")}
    assert KIND_COLOURS["loss"] in fills
    shown = [text for text, _, _ in text_positions(svg)]
    for kind in ("input (a leaf you made)", "result of an operation", "root: backward starts here"):
        assert kind in shown
    assert any(text and text.startswith("neuron box: a whole neuron drawn as one node") for text in shown)


def points_along(path_d, steps=20):
    """Points along a Graphviz edge path `M p0 C p1 p2 p3 p4 p5 p6 ...` (cubic Béziers)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_d)]
    p = list(zip(numbers[::2], numbers[1::2]))
    for i in range(0, len(p) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p[i:i + 4]
        for k in range(steps + 1):
            t = k / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
            yield a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def test_no_edge_passes_through_a_layer_title():
    svg = drawn_mlp()
    titles = [(x, y) for text, x, y in text_positions(svg) if text in ("layer L0", "layer L1", "layer L2")]
    assert len(titles) == 3
    half_width, height = 4 * 0.6 * 11, 11  # "layer L2" in 11 pt Courier, centred on x, baseline y
    for path in svg.iter(f"{SVG}path"):
        for px, py in points_along(path.get("d", "")):
            for x, y in titles:
                assert not (abs(px - x) < half_width and y - height < py < y + 2), (x, y)
