"""What a drawing shows: labels, data, grads, local derivatives from the engine's rules,
chain-rule products, `+=` at fan-out; escaping; determinism and golden files.

Regenerate the golden files after an intended change with
    MICROGRAD_PLUS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_viz_dot.py
and look at the new picture before committing it.
"""
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_plus import Value, draw
from micrograd_plus.engine import BUILT_IN_OPS, RULES, _data
from micrograd_plus.viz import find_dot
from micrograd_plus.viz.derivatives import FORMULAS
from micrograd_plus.viz.graph import Graph

SVG = "{http://www.w3.org/2000/svg}"
GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("MICROGRAD_PLUS_REGEN_GOLDEN") == "1"


def texts(svg):
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def lecture_expression():
    """Karpathy's first lecture example: L = (a*b + c) * f."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def tiny():
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    y = (x * w).tanh()
    y.label = "y"
    y.backward()
    return y


def test_svg_parses_and_shows_every_label_data_grad_and_edge_derivative():
    L = lecture_expression()
    L.backward()
    shown = texts(draw(L).svg())
    for expected in ("a", "data 2.0", "grad 6.0", "b", "grad -4.0", "e", "data -6.0",
                     "grad -2.0", "d", "data 4.0", "f", "grad 4.0", "L", "data -8.0", "grad 1.0",
                     "∂e/∂a = b = -3.0", "-3.0 × -2.0 = 6.0",  # local × upstream = contribution
                     "∂L/∂d = f = -2.0", "-2.0 × 1.0 = -2.0", "∂d/∂c = 1.0"):
        assert expected in shown, expected


def test_before_backward_edges_show_only_the_local_derivative():
    source = draw(lecture_expression()).source
    assert "∂e/∂a = b = -3.0" in source
    assert "×" not in source  # no chain-rule products, no legend line about them


def test_every_edge_value_is_the_engines_rule_evaluated():
    x = Value(0.7, label="x")
    parts = [x + 1.5, x * 3, 1 / x, x**3, 2**x, x.exp(), x.log(), x.tanh(), x.sigmoid(),
             x.relu(), x.abs()]
    root = sum(parts[1:], parts[0])
    root.backward()
    graph = Graph(root)
    assert {node._op for node in graph.order if node._children} >= BUILT_IN_OPS
    source = draw(root).source
    for node in graph.order:
        for edge in graph.operand_edges[node]:
            operands = [_data(c) for c in node._children]
            expected = RULES[node._op][edge.position](node.data, *operands)
            assert edge.local == expected
            assert f"{graph.names[node]}/∂" in source and f"= {expected:.4g}" in source


def test_every_built_in_rule_has_a_written_formula_per_operand():
    assert set(FORMULAS) == BUILT_IN_OPS  # ops from define_op are written generically
    for op in BUILT_IN_OPS:
        assert len(FORMULAS[op]) == len(RULES[op]), op


def test_formulas_name_the_operands():
    x = Value(3.0, label="x")
    t = x.tanh()
    t.label = "t"
    source = draw(t * x**2).source
    assert "∂t/∂x = 1 - t² = " in source
    assert "= 2·x = 6.0" in source  # d(x**2)/dx with the constant worked out


def test_a_quotient_shows_its_two_rules_in_symbols_and_a_constant_folded_in():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    q = a / b
    q.label = "q"
    source = draw(q + 1.0 / a + a / 4.0).source
    assert "∂q/∂a = 1/b = 0.5" in source and "∂q/∂b = -q/b = -0.75" in source  # -a/b² = -(a/b)/b
    assert "∂v2/∂a = -v2/a = -0.1111" in source  # v2 = 1 / a: d/da = -(1/a)/a
    assert "∂v1/∂a = 1/4 = 0.25" in source  # v1 = a / 4: the constant written in
    for op in ("label=<1 />", "label=</ 4>"):
        assert op in source


def test_constants_are_folded_into_the_operation():
    x = Value(1.5, label="x")
    source = draw((x * 3 - 1) ** 2 + 2**x).source
    for op in ("label=<* 3>", "label=<+ -1>", "label=<** 2>", "label=<2 **>"):
        assert op in source
    assert source.count("shape=plain") == 6  # x and five results; no node for a constant


def test_a_value_used_twice_shows_its_grad_as_the_sum_of_contributions():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    out = a * b + a  # d/da = b + 1 = -2: contributions -3 (through *) and 1 (through +)
    out.backward()
    shown = texts(draw(out).svg())
    assert "grad -2.0 = 1.0 - 3.0" in shown
    assert any(text.startswith("grad g = c1 + c2") for text in shown)  # the legend explains


def test_a_stale_leaf_grad_is_flagged():
    a = Value(2.0, label="a")
    out = a * a
    out.backward()
    out.backward()  # the leaf accumulates: a.grad = 8, its contributions sum to 4
    shown = texts(draw(out).svg())
    assert "grad 8.0" in shown
    assert "≠ 2.0 + 2.0 = 4.0, the sum of its contributions" in shown
    assert any("leaf grads accumulate" in text for text in shown)


def test_hostile_labels_show_as_text_and_the_svg_stays_well_formed():
    hostile = '<script>"&{|}'
    x = Value(1.0, label=hostile)
    y = x * 2
    y.label = "bell\x07"
    svg = draw(y).svg()
    root = ET.fromstring(svg)  # well-formed
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "<script" not in svg
    assert hostile in texts(svg)
    assert "bell\\x07" in texts(svg)
    assert f"∂(bell\\x07)/∂({hostile}) = 2.0" in texts(svg)


def test_node_ids_follow_topological_order_and_output_is_byte_identical():
    first, second = draw(lecture_expression()), draw(lecture_expression())
    assert first.source == second.source
    assert first.svg() == second.svg()
    assert first.png() == second.png()
    ids = re.findall(r"\bid=(v\d+)\b", first.source)
    assert ids == [f"v{i}" for i in range(len(ids))]
    assert not re.search(r"\d{9,}", first.source)  # no id() numbers anywhere


def test_golden_dot_and_svg_for_a_tiny_graph():
    view = draw(tiny())
    svg = view.svg()
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / "tiny.dot").write_text(view.source, encoding="utf-8")
        (GOLDEN / "tiny.svg").write_text(svg, encoding="utf-8")
    assert view.source == (GOLDEN / "tiny.dot").read_text(encoding="utf-8")
    if not find_dot().name.startswith("graphviz-pure"):
        pytest.skip("the golden SVG is graphviz-pure's layout; another dot lays out differently")
    assert svg == (GOLDEN / "tiny.svg").read_text(encoding="utf-8")


def test_legend_explains_kinds_colours_and_edges():
    shown = " | ".join(texts(draw(tiny()).svg()))
    for phrase in ("input (a leaf you made)", "root: backward starts here", "grad colour:",
                   "edge: ∂result/∂operand = formula = local derivative",
                   "local × upstream grad = contribution"):
        assert phrase in shown
    assert draw(tiny(), legend=False).source.count("grad colour") == 0


def test_grad_colours_run_from_blue_through_white_to_red():
    from micrograd_plus.viz.style import grad_colour

    assert grad_colour(0.0, 5.0) == "#ffffff"
    blue, red = grad_colour(-5.0, 5.0), grad_colour(5.0, 5.0)
    assert int(blue[5:7], 16) > int(blue[1:3], 16)  # more blue than red
    assert int(red[1:3], 16) > int(red[5:7], 16)
    faint, deep = grad_colour(0.005, 5.0), grad_colour(0.5, 5.0)
    assert faint != "#ffffff" and int(faint[3:5], 16) > int(deep[3:5], 16)


def test_draw_refuses_a_non_value_root():
    with pytest.raises(TypeError, match="root must be a Value, got 3.0"):
        draw(3.0)


def test_edge_labels_give_factors_and_product_the_same_significant_digits():
    # 1 - y² = 0.419974...: printed short as 0.42 it would make 2.0 × 0.42 = 0.8399 look wrong
    shown = texts(draw(tiny()).svg())
    assert "∂y/∂v2 = 1 - y² = 0.4200" in shown
    assert "0.4200 × 1.0 = 0.4200" in shown
    assert "2.0 × 0.4200 = 0.8399" in shown  # 2.0 is exact, so it stays short
    assert "-0.5 × 0.4200 = -0.2100" in shown


def test_exact_products_stay_short():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.backward()
    shown = texts(draw(c).svg())
    assert "-3.0 × 1.0 = -3.0" in shown and "2.0 × 1.0 = 2.0" in shown


def test_floating_point_noise_does_not_count_as_rounding():
    a, b = Value(0.1 + 0.2, label="a"), Value(2.0, label="b")  # a = 0.30000000000000004
    c = a * b
    c.backward()
    assert "0.3 × 1.0 = 0.3" in texts(draw(c).svg())
