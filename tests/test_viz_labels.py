"""Hostile labels: every label is drawn as its own text (escaped where it cannot be drawn) in a
well-formed SVG, in the pictures, in explain's words and on the live page (its SVG, its tape,
and in a real browser the texts a reader sees).

The expected texts below are written by hand; the fuzz test then draws seeded random labels made
of the same troublesome pieces and checks the same promises.
"""
from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET

import pytest

from micrograd_plus import Value
from micrograd_plus.viz import draw, explain, save_frames
from micrograd_plus.viz.graph import Graph
from micrograd_plus.viz.style import as_drawn, printable

SVG_TEXT = "{http://www.w3.org/2000/svg}text"
SVG_G = "{http://www.w3.org/2000/svg}g"

HOSTILE = [
    ("\n", r"\x0a"),
    ("\t", r"\x09"),
    ("\r", r"\x0d"),
    ("a\nb", r"a\x0ab"),
    ("\x00", r"\x00"),
    ("\x1b[31mred", r"\x1b[31mred"),
    ("\x85", r"\x85"),
    ("  lead", "  lead"),
    ("trail  ", "trail  "),
    ("A\\N\\G", "A\\N\\G"),
    ("\\L\\E\\H\\T\\l\\r\\n", "\\L\\E\\H\\T\\l\\r\\n"),
    ("\\", "\\"),
    ("\\x0a", "\\x0a"),
    ("\ufffe", r"\ufffe"),
    ("\uffff", r"\uffff"),
    ("\U0001fffe", r"\U0001fffe"),
    ("\ud800", r"\ud800"),
    ("x\udfffy", r"x\udfffy"),
    ("\u202eevil", r"\u202eevil"),
    ("line\u2028sep", r"line\u2028sep"),
    ("<script>&amp;]]>", "<script>&amp;]]>"),
    ('"quoted"', '"quoted"'),
    ("∂L/∂w ²", "∂L/∂w ²"),
]

PIECES = [label for label, _ in HOSTILE] + ["w", "x0", " ", "\\", "&", "<", ">", "{", "}", "|", "é", "λ"]


def graph_with(labels: list[str]) -> tuple[Value, list[Value]]:
    """out = sum of leaf_i * (i + 1), one leaf per label, backward done."""
    leaves = [Value(0.5 * (i + 1), label=label) for i, label in enumerate(labels)]
    out = leaves[0] * 1.0
    for i, leaf in enumerate(leaves[1:], start=2):
        out = out + leaf * float(i)
    out.label = "out"
    out.backward()
    return out, leaves


def drawn_names(svg: str, root: Value, leaves: list[Value]) -> list[str]:
    """The first text of each leaf's node group: its name cell."""
    ids = Graph(root).node_id
    groups = {g.get("id"): g for g in ET.fromstring(svg).iter(SVG_G)}  # parses: well-formed
    return [as_drawn(next(groups[ids(leaf)].iter(SVG_TEXT)).text or "") for leaf in leaves]


# Characters a label must never bring into the page as themselves: C0 and C1 controls (a page's
# own line breaks and tabs aside), line and paragraph separators, bidi overrides, noncharacters.
NOT_IN_A_PAGE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                           "\ufdd0-\ufdef" + "".join(chr(p + 0xFFFE) + chr(p + 0xFFFF) for p in range(0, 0x110000, 0x10000))
                           + "]")
TAPE = re.compile(r'<script type="application/json" id="mg-tape">(.*?)</script>', flags=re.S)


def check_page(page: str, root: Value, leaves: list[Value]) -> None:
    """The live page is strictly UTF-8, holds no undrawable character, its SVG is well-formed
    XML with each leaf named `printable(label)`, and its tape is JSON that carries those names
    and cannot end the script element early."""
    page.encode("utf-8")  # strict: no lone surrogate survived
    assert not NOT_IN_A_PAGE.search(page)
    (svg,) = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    expected = [as_drawn(printable(leaf.label)) for leaf in leaves]
    assert drawn_names(svg, root, leaves) == expected
    (tape,) = TAPE.findall(page)  # exactly one, ending where the page's own script tag ends
    assert "<" not in tape  # so no `</script` or `<!--` inside a label can end it early
    nodes = json.loads(tape)["nodes"]
    index = Graph(root).index
    assert [nodes[index[leaf]]["name"] for leaf in leaves] == [printable(leaf.label) for leaf in leaves]


@pytest.mark.parametrize(("label", "drawn"), HOSTILE, ids=[repr(label) for label, _ in HOSTILE])
def test_a_hostile_label_is_drawn_as_its_own_text(tmp_path, label, drawn):
    root, leaves = graph_with([label, "b"])
    assert drawn_names(draw(root).svg(), root, leaves) == [drawn, "b"]
    page = save_frames(root, tmp_path / "steps.html").read_text(encoding="utf-8")
    check_page(page, root, leaves)
    assert drawn in explain(root)


def test_fuzzed_labels_are_drawn_as_their_own_text_in_pictures_and_pages(tmp_path):
    rng = random.Random(10)
    tried = 0
    for _ in range(4):
        labels = []
        for _ in range(8):
            parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 4))]
            parts += [chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 2))]
            rng.shuffle(parts)
            labels.append("".join(parts))
        root, leaves = graph_with(labels)
        names = drawn_names(draw(root).svg(), root, leaves)
        assert names == [as_drawn(printable(label)) for label in labels]
        check_page(save_frames(root, tmp_path / "steps.html").read_text(encoding="utf-8"), root, leaves)
        tried += len(labels)
    assert tried == 32


def test_printable_keeps_what_can_be_drawn_and_is_idempotent():
    text = "w₁ + λ·x² é \\ {a|b} <tag> &amp; 10%"
    assert printable(text) == text
    for label, drawn in HOSTILE:
        assert printable(printable(label)) == printable(label) == drawn


def test_in_the_browser_the_live_page_shows_every_hostile_label_as_its_printable_text(tmp_path):
    pytest.importorskip("websockets")
    from .browser import Browser, chromium_path

    if chromium_path() is None:
        pytest.skip("no Chromium installed")
    # all but "\\x0a", which is drawn as "\n" is, by design: two inputs of one name
    labels = [label for label, _ in HOSTILE if label != "\\x0a"]
    root, leaves = graph_with(labels)
    expected = [printable(label) for label in labels]
    ids = Graph(root).node_id
    with Browser() as browser:
        page = browser.open(save_frames(root, tmp_path / "steps.html"))
        state = page.evaluate("micrograd.state()")
        names = [page.evaluate(f"document.querySelector('#{ids(leaf)} text').textContent") for leaf in leaves]
        inputs = page.evaluate("[...document.querySelectorAll('#mg-inputs label')].map(l => l.textContent)")
        words = [page.evaluate(f"micrograd.step({k}, 'backward')")["words"] for k in range(state["steps"] + 1)]
        chains = [page.evaluate(f"micrograd.select({name!r})") for name in expected]
        assert page.errors == [] and page.requests == [page.url]
        page.close()
    assert [as_drawn(name) for name in names] == [as_drawn(name) for name in expected]
    assert sorted(inputs) == sorted(expected)
    assert [node["name"] for node in state["nodes"] if not node["op"]] == [
        printable(leaf.label) for leaf in Graph(root).order if not leaf._children]
    for name, chain in zip(expected, chains):
        assert any(name in text for text in words)  # the step that pushes into it names it
        assert chain.startswith(name) or chain.startswith(f"({name})")
