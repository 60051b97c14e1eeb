"""How things look: number format, text escaping, fonts and colours, in one place.

Numbers have 4 significant digits (`2.0`, `-0.9917`, `0.0001522`): short enough to keep edge
labels compact, and unlike a fixed `%.4f` they do not round small gradients to zero. The font is
monospace, so a text's width is known exactly when a backward frame swaps it.
"""
from __future__ import annotations

import html
import math
import re

FONT = "Courier"  # monospace, so text width is exactly 0.6 em per character
CHAR_WIDTH_EM = 0.6  # Courier's advance width; used to re-centre text edited in an SVG
NODE_FONT_SIZE = 11
EDGE_FONT_SIZE = 10

# Node kinds: the fill of the name cell, and what the legend calls them.
KIND_COLOURS = {
    "input": "#e5e7eb",  # grey: data you feed in
    "parameter": "#bbf7d0",  # green: what training changes
    "result": "#ffffff",  # white: made by an operation
    "loss": "#fde68a",  # gold: the root, where backward starts
}
KIND_NAMES = {
    "input": "input (a leaf you made)",
    "parameter": "parameter (a leaf training changes)",
    "result": "result of an operation",
    "loss": "root: backward starts here",
}
OP_FILL = "#f3f4f6"
NEUTRAL_GREY = "#6b7280"  # secondary text: generated names, hints
HIGHLIGHT = "#7c3aed"  # purple: a highlighted path (not used by the grad scale)
CURRENT = "#ea580c"  # orange: the node being processed in a backward frame
DIMMED = "#c4c4c4"
WARNING = "#b91c1c"  # dark red: a grad that does not add up

# A diverging scale for the grad: blue for negative, red for positive, white for zero. The depth
# follows the size on a log scale over DECADES powers of ten below the largest |grad|, because
# grads in one graph often span several orders of magnitude.
NEGATIVE = (33, 102, 172)
POSITIVE = (178, 24, 43)
MAX_TINT = 0.65  # the strongest fill still leaves black text readable
MIN_TINT = 0.08  # any non-zero grad gets at least a hint of colour
DECADES = 3

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def number(x: float) -> str:
    """A value as printed everywhere: 4 significant digits, `2.0`, `-0.32`, `0.08248`, `1e+06`."""
    text = f"{x:.4g}"
    if re.fullmatch(r"-?\d+", text):
        text += ".0"  # `2.0`, so a number never reads as an index
    return text


def factor(x: float) -> str:
    """A number in a product such as `2.0 × 0.4200 = 0.8399`: as `number` when that is exact
    (floating-point noise aside: 0.4999999999999999 is 0.5), else with all 4 significant digits,
    trailing zeros kept, so the factors and the product visibly carry the same precision
    (`0.42` there would make the arithmetic look wrong)."""
    text = number(x)
    if not math.isfinite(x) or math.isclose(float(text), x, rel_tol=1e-12):
        return text
    return f"{x:#.4g}"


def constant(x: float) -> str:
    """A plain-number operand, as short as it reads: `3`, `-1`, `0.5`."""
    return f"{x:g}"


def escape(text: str) -> str:
    """Text for a Graphviz HTML-like label: XML metacharacters escaped, control characters
    (which XML forbids, so they would break the SVG) shown as `\\xNN`."""
    visible = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return html.escape(visible, quote=True)


def grad_colour(grad: float, largest: float) -> str:
    """White for 0, deeper blue (negative) or red (positive) as |grad| nears the largest |grad|."""
    if not grad or not largest or math.isnan(grad):
        return "#ffffff"
    if math.isinf(largest):
        share = 1.0 if math.isinf(grad) else 0.0
    else:
        share = min(max(math.log10(abs(grad) / largest) / DECADES + 1, 0.0), 1.0)
    tint = MIN_TINT + (MAX_TINT - MIN_TINT) * share
    r, g, b = NEGATIVE if grad < 0 else POSITIVE
    mixed = (round(255 + (c - 255) * tint) for c in (r, g, b))
    return "#{:02x}{:02x}{:02x}".format(*mixed)
