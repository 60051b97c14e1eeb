"""Hostile labels: every label is drawn as its own text (escaped where it cannot be drawn) in a
well-formed SVG, in the backward frames and on the stepper page.

The expected texts below are written by hand; the fuzz test then draws seeded random labels made
of the same troublesome pieces and checks the same promises.
"""
from __future__ import annotations

import html
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


def check_page(page: str, labels: list[str]) -> None:
    page.encode("utf-8")  # strict: no lone surrogate survived
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]", page)
    for svg in re.findall(r'<template class="frame">(.*?)<pre>', page, flags=re.S):
        ET.fromstring(svg)
    words = html.unescape(" ".join(re.findall(r"<pre>(.*?)</pre>", page, flags=re.S)))
    for label in labels:
        assert printable(label) in words


@pytest.mark.parametrize(("label", "drawn"), HOSTILE, ids=[repr(label) for label, _ in HOSTILE])
def test_a_hostile_label_is_drawn_as_its_own_text(tmp_path, label, drawn):
    root, leaves = graph_with([label, "b"])
    assert drawn_names(draw(root).svg(), root, leaves) == [drawn, "b"]
    page = save_frames(root, tmp_path / "steps.html").read_text(encoding="utf-8")
    check_page(page, [label])
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
        check_page(save_frames(root, tmp_path / "steps.html").read_text(encoding="utf-8"), labels)
        tried += len(labels)
    assert tried == 32


def test_printable_keeps_what_can_be_drawn_and_is_idempotent():
    text = "w₁ + λ·x² é \\ {a|b} <tag> &amp; 10%"
    assert printable(text) == text
    for label, drawn in HOSTILE:
        assert printable(printable(label)) == printable(label) == drawn
