"""highlight=node: every path from the root to the node, whose products sum to its grad."""
import math
import xml.etree.ElementTree as ET

import pytest

from micrograd_plus import Value, draw, grad
from micrograd_plus.notes import dense_layer
from micrograd_plus.viz.graph import Graph
from micrograd_plus.viz.highlight import paths_to

SVG = "{http://www.w3.org/2000/svg}"


def test_a_diamond_has_two_paths_whose_products_are_worked_out_by_hand():
    x = Value(3.0, label="x")
    a = x * 2.0  # da/dx = 2
    a.label = "a"
    b = x**2  # db/dx = 2x = 6
    b.label = "b"
    out = a * b  # dout/da = b = 9, dout/db = a = 6
    out.label = "out"
    out.backward()
    found = paths_to(Graph(out), x)
    assert found.count == 2
    assert sorted(path.product for path in found.listed) == [9 * 2, 6 * 6]
    assert found.total == 18 + 36 == x.grad


def test_path_products_sum_to_the_grad_in_the_notes_example():
    layer = dense_layer()
    graph = Graph(layer.E)
    for node in (layer.W[0][0], layer.W[1][2], *layer.x, layer.z[1]):
        found = paths_to(graph, node)
        assert math.isclose(sum(p.product for p in found.listed), node.grad, rel_tol=1e-12)
        assert math.isclose(found.total, node.grad, rel_tol=1e-12)
    assert paths_to(graph, layer.W[0][0]).count == 1
    assert paths_to(graph, layer.x[0]).count == 4  # through e1 directly, and through s from all z_j


def test_millions_of_paths_are_counted_without_being_listed():
    x = Value(1.0, label="x")
    node = x
    for _ in range(22):  # each step doubles the number of paths: node + node
        node = node + node
    found = paths_to(Graph(node), x)
    assert found.count == 2**22
    assert len(found.listed) == 12
    assert found.total == grad(node, [x])[0] == 2**22


def test_the_drawing_makes_the_paths_bold_and_lists_their_products():
    layer = dense_layer()
    view = draw(layer.E, highlight=layer.W[0][0])
    svg = ET.fromstring(view.svg())
    shown = [t.text for t in svg.iter(f"{SVG}text")]
    assert "bold: the 1 path from E to w00; multiply the local derivatives along each path," \
           " then add the paths" in shown
    assert "path 1: E → log p1 → p1 → 1/s → s → e0+e1 → e0 → z0 → x0·w00 → w00" in shown
    assert ("product: -1.0 × 120.9 × 0.6703 × -0.0001522 × 1.0 × 1.0 × 6.686 × 1.0 × 2.0"
            " = 0.1650") in shown
    assert "sum over 1 path = 0.1650 = ∂E/∂w00; w00.grad = 0.1650" in shown
    bold = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "edge"
            and any(p.get("stroke-width") == "2.5" for p in g.iter(f"{SVG}path"))]
    assert len(bold) == 2 * 9  # nine result nodes on the path, each with two edges drawn


def test_highlighting_a_node_outside_the_graph_is_refused():
    a = Value(1.0, label="a")
    with pytest.raises(ValueError, match="is not in the graph of the root"):
        draw(a * 2, highlight=Value(5.0, label="stranger"))
