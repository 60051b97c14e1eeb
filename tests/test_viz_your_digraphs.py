"""use_bundled_dot(): a graphviz.Digraph built by the user's own code (the micrograd lecture's
`draw_dot`) renders with micrograd_plus's dot when no system Graphviz is installed."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

graphviz = pytest.importorskip("graphviz")
from graphviz.backend import dot_command  # noqa: E402

from micrograd_plus import Value  # noqa: E402
from micrograd_plus.viz import find_dot, renderer, use_bundled_dot  # noqa: E402


def lecture_draw_dot(root: Value) -> graphviz.Digraph:
    """The shape of the lecture's helper: nodes from a walk over _prev, records, op nodes by id."""
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


@pytest.fixture
def no_system_graphviz(monkeypatch, tmp_path):
    """Nothing named dot on PATH, no override; graphviz's setting is restored afterwards."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    monkeypatch.setattr(dot_command, "DOT_BINARY", dot_command.DOT_BINARY)


def neuron() -> Value:
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(6.88, label="b")
    o = (x * w + b).tanh()
    o.label = "o"
    o.backward()
    return o


def test_without_the_line_the_lectures_picture_needs_a_system_graphviz(no_system_graphviz):
    with pytest.raises(graphviz.ExecutableNotFound):
        lecture_draw_dot(neuron()).pipe()


def test_one_line_makes_the_lectures_draw_dot_render_and_display(no_system_graphviz, tmp_path):
    assert use_bundled_dot() == find_dot()
    dot = lecture_draw_dot(neuron())
    svg = ET.fromstring(dot.pipe())
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"o", "data 0.7064", "grad 1.0000", "tanh", "+", "*"} <= texts
    rendered = dot.render(tmp_path / "gout")  # the lecture's dot.render('gout')
    assert rendered.endswith("gout.svg") and ET.parse(rendered)
    assert dot._repr_image_svg_xml().startswith("<?xml")  # what a notebook displays
    png = graphviz.Digraph(format="png")
    png.edge("x", "y")
    assert png.pipe()[:4] == b"\x89PNG"


def test_importing_micrograd_plus_leaves_the_graphviz_package_alone():
    code = ("import micrograd_plus, micrograd_plus.viz, micrograd_plus.nn\n"
            "from graphviz.backend import dot_command\n"
            "print(dot_command.DOT_BINARY)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert printed.stdout.strip() == "dot"
