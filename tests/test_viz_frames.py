"""Backward frames (one laid-out SVG, edited per step), and explain()."""
import math
import re
import xml.etree.ElementTree as ET

import pytest

from micrograd_plus import Value, explain
from micrograd_plus.notes import dense_layer
from micrograd_plus.viz import backward_frames, save_frames
from micrograd_plus.viz.style import CURRENT

SVG = "{http://www.w3.org/2000/svg}"


def lecture_expression_using_a_twice():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f + a  # a is used twice, so its grad arrives in two parts
    L.label = "L"
    return L


def node_texts(frame):
    """{node id: [texts]} for the value nodes of a frame."""
    root = ET.fromstring(frame)
    return {g.get("id"): [t.text for t in g.iter(f"{SVG}text")]
            for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("node")}


def geometry(frame):
    """Every node's shapes, which must not move between frames."""
    root = ET.fromstring(frame)
    shapes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class", "").startswith("node"):
            shapes[g.get("id")] = [
                (e.get("points"), e.get("cx"), e.get("cy"))
                for e in g if e.tag in (f"{SVG}polygon", f"{SVG}ellipse")
                and e.get("stroke") != CURRENT  # the ring drawn around the current node
            ]
    return shapes


def test_one_frame_per_result_node_plus_the_seed_each_well_formed():
    frames = backward_frames(lecture_expression_using_a_twice())
    assert len(frames) == 4 + 1  # four operations, then the seed frame first
    for frame in frames:
        ET.fromstring(frame)


def test_every_frame_keeps_every_node_in_the_same_place():
    frames = backward_frames(dense_layer().E)
    first = geometry(frames[0])
    assert len(first) > 30
    for frame in frames[1:]:
        assert geometry(frame) == first
    sizes = {ET.fromstring(f).get("viewBox") for f in frames}
    assert len(sizes) == 1


def test_grads_appear_step_by_step_and_unknown_ones_show_a_question_mark():
    frames = backward_frames(lecture_expression_using_a_twice())
    seed, middle, last = node_texts(frames[0]), node_texts(frames[2]), node_texts(frames[-1])
    assert seed["v7"][-1] == "grad 1.0"  # the root, L: d L / d L = 1
    assert seed["v0"][-1] == "grad ? = ? + ?"  # a: two uses, nothing arrived yet
    assert seed["v1"][-1] == "grad ?"
    assert middle["v0"][-1] == "grad ? = 1.0 + ?"  # one of a's two contributions has arrived
    assert last["v0"][-1] == "grad 7.0 = 1.0 + 6.0"
    assert last["v3"][-1] == "grad -4.0"  # b


def test_the_current_node_is_ringed_and_its_edges_coloured():
    frames = backward_frames(lecture_expression_using_a_twice())
    root = ET.fromstring(frames[1])  # step 1 processes L
    ringed = [g.get("id") for g in root.iter(f"{SVG}g")
              if any(p.get("stroke") == CURRENT for p in g.iter(f"{SVG}polygon"))
              and g.get("class", "").startswith("node")]
    assert ringed == ["v7"]
    assert [g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "node current"] == [
        "v7"]  # marked, for a reader who steps through the frames
    coloured = sorted(g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"
                      and any(p.get("stroke") == CURRENT for p in g.iter(f"{SVG}path")))
    assert coloured == ["e7_0", "e7_1", "o7"]
    seed = ET.fromstring(frames[0])
    assert not [g for g in seed.iter(f"{SVG}g") if g.get("class") == "edge"
                and any(p.get("stroke") == CURRENT for p in g.iter(f"{SVG}path"))]
    caption = [t.text for t in root.iter(f"{SVG}text") if t.text.startswith("step 1 of 4")]
    assert caption == ["step 1 of 4: L.grad = 1.0 is complete; push it through + to v6, a"]


def test_frames_compute_grads_afresh_and_leave_grad_untouched():
    L = lecture_expression_using_a_twice()
    L.backward()
    L.backward()  # stale: the leaves now hold twice their gradient
    a = L._children[1]
    frames = backward_frames(L)
    assert node_texts(frames[-1])["v0"][-1] == "grad 7.0 = 1.0 + 6.0"
    assert a.grad == 14.0


def test_too_many_steps_are_refused_with_the_way_out():
    x = Value(0.5, label="x")
    for _ in range(30):
        x = x.tanh()
    with pytest.raises(ValueError, match="30 steps exceed max_steps=10"):
        backward_frames(x, max_steps=10)


def test_an_html_path_gets_the_live_page_instead_of_a_page_per_step(tmp_path):
    page = save_frames(lecture_expression_using_a_twice(), tmp_path / "steps.html").read_text(encoding="utf-8")
    assert '<script type="application/json" id="mg-tape">' in page and "window.micrograd" in page
    assert "<template" not in page  # no copy of the picture per step


def test_a_frame_shows_as_a_picture_in_a_notebook():
    frame = backward_frames(lecture_expression_using_a_twice())[2]
    bundle = frame._repr_mimebundle_()
    assert bundle["image/svg+xml"] == frame and frame.startswith("<?xml")
    assert bundle["text/plain"].startswith("Frame: an SVG of")


def test_any_other_path_gets_a_folder_of_numbered_svgs(tmp_path):
    folder = save_frames(lecture_expression_using_a_twice(), tmp_path / "frames")
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"frame_{k}.svg" for k in range(5)]
    ET.parse(folder / "frame_4.svg")


def test_explain_tells_each_step_with_local_derivative_and_contribution():
    text = explain(lecture_expression_using_a_twice())
    assert text.splitlines()[1] == "step 0: seed L.grad = 1 (∂L/∂L = 1)"
    assert ("step 4: e.grad = -2.0; to a through *: local ∂e/∂a = b = -3.0,"
            " contribution -3.0 × -2.0 = 6.0 (a.grad = 1.0 + 6.0 = 7.0, complete)") in text
    assert "(a.grad so far 1.0: 1 of 2 uses)" in text
    assert text.split("leaf grads:\n")[1].splitlines() == [
        "  a.grad = 7.0 = 1.0 + 6.0", "  f.grad = 4.0", "  c.grad = -2.0", "  b.grad = -4.0"]


def _uses_of_x(text):
    """What each push into x says about x.grad, in order: the part in brackets."""
    return re.findall(r"to x through .*?\((x\.grad [^)]*)\)", text)


def test_explain_shows_x_times_x_as_a_partial_sum_then_the_complete_grad():
    x = Value(3.0, label="x")
    assert _uses_of_x(explain(x * x)) == [
        "x.grad so far 3.0: 1 of 2 uses",  # the first operand edge: one of two terms
        "x.grad = 3.0 + 3.0 = 6.0, complete",  # the second, in the same step, completes it
    ]


@pytest.mark.parametrize("expression, uses", [
    (lambda x: x * x * x, ["x.grad so far 9.0: 1 of 3 uses",
                           "x.grad so far 9.0 + 9.0 = 18.0: 2 of 3 uses",
                           "x.grad = 9.0 + 9.0 + 9.0 = 27.0, complete"]),
    (lambda x: x + x + x, ["x.grad so far 1.0: 1 of 3 uses",
                           "x.grad so far 1.0 + 1.0 = 2.0: 2 of 3 uses",
                           "x.grad = 1.0 + 1.0 + 1.0 = 3.0, complete"]),
])
def test_explain_says_complete_only_after_the_last_use(expression, uses):
    text = explain(expression(Value(3.0, label="x")))
    assert _uses_of_x(text) == uses
    assert text.count("complete)") == 1


def test_a_frame_caption_says_a_value_used_twice_receives_twice():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    captions = [t.text for t in ET.fromstring(backward_frames(y)[1]).iter(f"{SVG}text")]
    assert "step 1 of 1: y.grad = 1.0 is complete; push it through * to x twice" in captions


def test_explain_reads_no_grad_and_writes_none():
    L = lecture_expression_using_a_twice()
    a = L._children[1]
    a.grad = 100.0  # a leftover that must neither show nor change
    assert "  a.grad = 7.0 = 1.0 + 6.0" in explain(L)
    assert a.grad == 100.0


def _graph_with_a_closure_node():
    """A micrograd-style op: the node made by hand, its derivative in a closure."""
    x = Value(2.0, label="x")
    out = Value(math.log1p(math.exp(2.0)), (x,), "softplus", label="s")

    def _backward():
        x.grad += (1 / (1 + math.exp(-x.data))) * out.grad

    out._backward = _backward
    return out * 3.0


@pytest.mark.parametrize("show", ["explain", "backward_frames", "save_page"])
def test_a_closure_node_is_refused_by_the_step_by_step_views_by_their_own_name(show, tmp_path):
    from micrograd_plus.viz import save_page

    root = _graph_with_a_closure_node()
    shows = {"explain": lambda: explain(root), "backward_frames": lambda: backward_frames(root),
             "save_page": lambda: save_page(root, tmp_path / "page.html")}
    with pytest.raises(RuntimeError) as caught:
        shows[show]()
    message = str(caught.value)
    assert message.startswith(show)
    assert "'s' made by 'softplus'" in message and "cannot be shown step by step" in message
    assert "grad()" not in message.split("can run.")[0]  # the reader named is the caller
    assert not (tmp_path / "page.html").exists()
    root.backward()  # backward() itself runs the closure
    assert root._children[0]._children[0].grad == pytest.approx(3.0 / (1 + math.exp(-2.0)))


def test_explain_counts_one_value_in_the_singular():
    assert explain(Value(4.0, label="x")).startswith("backward from x = 4.0 (1 value). Each step")
    assert explain(Value(4.0, label="x") * 2).startswith("backward from v1 = 8.0 (2 values).")
