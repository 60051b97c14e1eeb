"""The live page as a file: self-contained, small, safe with any label, and written by
save_page, GraphView, `graph --out page.html` and `notes`. (In a browser: test_viz_page_browser.)"""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import pytest

from micrograd_plus import Value, engine
from micrograd_plus.engine import _node
from micrograd_plus.cli import main
from micrograd_plus.notes import dense_layer
from micrograd_plus.viz import draw, save_page
from micrograd_plus.viz.page import BROWSER_OPS, page_html

from . import page_graphs

NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def tape_of(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="mg-tape">(.*?)</script>', page, re.S)[1])


def test_the_page_fetches_nothing_and_loads_no_other_file():
    page = page_html(page_graphs.every_op())
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= NAMESPACES
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|\bhref=|@import|url\(", page)


def test_the_tape_lists_every_node_in_topological_order_with_its_operands():
    page = page_html(page_graphs.small())
    tape = tape_of(page)
    assert [(n["name"], n["op"], n.get("args")) for n in tape["nodes"]] == [
        ("x", "", None), ("v1", "tanh", [0]), ("y", "", None), ("v3", "*", [0, 2]), ("z", "+", [3, 1])]
    assert tape["root"] == 4 and tape["unknownOps"] == []
    assert tape["nodes"][3]["heads"] == ["∂v3/∂x", "∂v3/∂y"] and tape["nodes"][3]["formulas"] == ["y", "x"]


def strict_tape_of(page: str) -> dict:
    """The tape as JavaScript's JSON.parse reads it: a bare NaN or Infinity is an error."""
    def refuse(word):
        raise ValueError(f"{word} is not JSON")
    text = re.search(r'<script type="application/json" id="mg-tape">(.*?)</script>', page, re.S)[1]
    return json.loads(text, parse_constant=refuse)


def test_constants_travel_to_the_last_bit_and_non_finite_numbers_cannot_enter():
    a = Value(2.0, label="a")
    root = (a * 3.0 + 0.30000000000000004) / 7.0 * 5e-324 + 1e308 + 1.0 / a
    constants = [arg["c"] for n in strict_tape_of(page_html(root))["nodes"] for arg in n.get("args", ())
                 if type(arg) is dict]
    assert sorted(constants) == [5e-324, 0.30000000000000004, 1.0, 3.0, 7.0, 1e308]
    # so no graph holds inf or nan for the tape to carry: the engine refuses them at the door
    with pytest.raises(ValueError, match="Value: data: inf is not a finite number"):
        Value(float("inf"), label="x")
    with pytest.raises(ValueError, match="mul: the operand nan is not a finite number"):
        a * float("nan")


def test_a_derivative_python_could_not_evaluate_travels_as_nan_text(monkeypatch):
    # an op the page cannot recompute keeps Python's local derivatives; where its rule fails
    # (0.5 / out at out = 0) Python's edge label shows nan, and so must the tape, as valid JSON
    monkeypatch.setitem(engine.RULES, "halfroot", (lambda out, x: 0.5 / out,))
    x = Value(0.0, label="x")
    root = _node(0.0, x, None, "halfroot") * 2.0
    node = next(n for n in strict_tape_of(page_html(root))["nodes"] if n["op"] == "halfroot")
    assert node["local"] == ["nan"]


def test_the_tape_quotes_each_label_as_the_engines_messages_do():
    tape = tape_of(page_html(Value(1.0, label="it's") * Value(2.0) + Value(3.0, label="w")))
    quoted = {n["name"]: n.get("labelRepr") for n in tape["nodes"] if not n["op"]}
    assert sorted(quoted.values(), key=str) == ['"it\'s"', "'w'", None]


def test_a_label_cannot_break_out_of_the_script_or_the_svg():
    x = Value(1.0, label="</script><script>alert(1)</script>")
    page = page_html(x * 2.0)
    assert page.count("</script>") == 4  # the tape and the three scripts
    assert tape_of(page)["nodes"][0]["name"] == "</script><script>alert(1)</script>"


def test_every_op_the_engine_has_is_one_the_page_recomputes():
    fresh = subprocess.run([sys.executable, "-c", "from micrograd_plus import engine; print(*engine.RULES)"],
                           capture_output=True, text=True, check=True).stdout.split()
    assert set(fresh) == BROWSER_OPS


def test_the_notes_page_is_under_300_kb(tmp_path):
    size = save_page(dense_layer().E, tmp_path / "notes.html").stat().st_size
    assert size < 300_000


def test_a_500_node_page_is_under_5_mb(tmp_path):
    loss = page_graphs.mlp_loss(samples=3, sizes=(3, [6, 6, 1]))
    nodes = len(tape_of(page_html(loss))["nodes"])
    assert 450 <= nodes <= 600
    assert save_page(loss, tmp_path / "big.html").stat().st_size < 5_000_000


def test_graph_view_offers_the_page_inline_in_a_notebook(tmp_path):
    view = draw(page_graphs.small())
    inline = view._repr_mimebundle_(include=["text/html"])["text/html"]
    assert inline.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in inline
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', inline)[1])
    assert srcdoc == view.page().html
    assert "window.micrograd" in view.save(tmp_path / "g.html").read_text(encoding="utf-8")


def test_the_command_line_writes_the_page_for_an_expression(tmp_path, capsys):
    out = tmp_path / "neuron.html"
    assert main(["graph", "tanh(x*w + b)", "x=2", "w=-0.5", "b=0.1", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    names = [n["name"] for n in tape_of(out.read_text(encoding="utf-8"))["nodes"]]
    assert {"x", "w", "b"} <= set(names) and names[-1].startswith("tanh(")


def test_the_notes_command_writes_the_page(tmp_path, capsys):
    assert main(["notes", "--out", str(tmp_path)]) == 0
    assert f"wrote {tmp_path / 'page.html'}: the live page" in capsys.readouterr().out
    assert len(tape_of((tmp_path / "page.html").read_text(encoding="utf-8"))["nodes"]) == 26
