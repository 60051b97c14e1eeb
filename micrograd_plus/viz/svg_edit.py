"""Small edits to an SVG that Graphviz already laid out: swap a text, recolour a cell or an edge,
ring a node. Positions are never touched, so every frame made this way lines up exactly.

Graphviz writes each node as `<g id="v7" class="node">` and each edge as `<g id="e7_0"
class="edge">` (the ids come from our DOT), with the table cells inside as `<polygon>` and
`<text>` elements in label order. A text to edit is found by its exact content, which the
caller knows because it wrote the label.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .style import CHAR_WIDTH_EM, as_drawn, printable

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)
_G, _TEXT, _POLYGON, _PATH = (f"{{{SVG}}}{tag}" for tag in ("g", "text", "polygon", "path"))


class SvgDocument:
    """A parsed SVG with its node and edge groups indexed by id."""

    def __init__(self, svg: str) -> None:
        self.root = ET.fromstring(svg)
        self.groups = {g.get("id"): g for g in self.root.iter(_G) if g.get("id")}

    def text(self, group_id: str | None, content: str) -> ET.Element:
        """The `<text>` that draws exactly `content` (as `style.printable` shows it), in a group
        (None: anywhere)."""
        scope = self.root if group_id is None else self.groups[group_id]
        wanted = as_drawn(printable(content))
        for element in scope.iter(_TEXT):
            if as_drawn(element.text or "") == wanted:
                return element
        raise LookupError(f"no text {content!r} in {group_id or 'the SVG'}")

    def to_string(self) -> str:
        body = ET.tostring(self.root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body


def replace_text(element: ET.Element, new: str, *, centred: bool = True) -> None:
    """Put `new` where the old text was. Graphviz anchors cell text at its left end, so a
    shorter text is re-anchored at the old text's middle to stay centred (monospace widths)."""
    if centred and element.get("text-anchor") == "start":
        size = float(element.get("font-size", "14"))
        middle = float(element.get("x")) + len(element.text or "") * CHAR_WIDTH_EM * size / 2
        element.set("x", f"{middle:.2f}")
        element.set("text-anchor", "middle")
    element.text = printable(new)


def cell_fill(group: ET.Element, text: ET.Element) -> ET.Element | None:
    """The filled `<polygon>` behind a table cell's text (Graphviz draws it just before)."""
    children = list(group)
    for element in reversed(children[: children.index(text)]):
        if element.tag == _POLYGON and element.get("fill") not in (None, "none"):
            return element
        if element.tag == _TEXT:
            return None  # reached the previous cell: this one has no fill
    return None


def colour_edge(group: ET.Element, colour: str, width: float) -> None:
    """Recolour an edge's line and arrowhead."""
    for element in group:
        if element.tag == _PATH:
            element.set("stroke", colour)
            element.set("stroke-width", f"{width:g}")
        elif element.tag == _POLYGON:
            element.set("stroke", colour)
            element.set("fill", colour)


def ring(group: ET.Element, colour: str, width: float, pad: float = 3.0) -> None:
    """Draw a rectangle around everything in a node group."""
    xs, ys = [], []
    for element in group.iter(_POLYGON):
        for point in element.get("points", "").split():
            x, y = point.split(",")
            xs.append(float(x))
            ys.append(float(y))
    for element in group.iter(f"{{{SVG}}}ellipse"):
        cx, cy = float(element.get("cx")), float(element.get("cy"))
        rx, ry = float(element.get("rx")), float(element.get("ry"))
        xs += [cx - rx, cx + rx]
        ys += [cy - ry, cy + ry]
    if not xs:
        return
    left, right, top, bottom = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    ET.SubElement(group, _POLYGON, {
        "fill": "none", "stroke": colour, "stroke-width": f"{width:g}",
        "points": f"{left:.2f},{top:.2f} {right:.2f},{top:.2f} {right:.2f},{bottom:.2f}"
                  f" {left:.2f},{bottom:.2f} {left:.2f},{top:.2f}",
    })
