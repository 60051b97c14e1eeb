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

# Characters no font draws as themselves or XML cannot hold: C0 and C1 controls (line breaks and
# tabs included), line and paragraph separators, bidirectional overrides (they would reorder the
# text around them), noncharacters (U+FFFE breaks an SVG) and lone surrogates (not encodable).
_NONCHARACTERS = "".join(
    chr(plane + last) for plane in range(0, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)
)
_UNDRAWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ud800-\udfff"
    + _NONCHARACTERS + "]"
)


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


def printable(text: str) -> str:
    """`text` as it is drawn: each character that cannot be drawn as itself (see _UNDRAWABLE) is
    shown as its Python escape, `\\x0a`, `\\u202e`, `\\ud800`; all else, spaces and backslashes
    included, is kept. So `"a\\nb"` is drawn `a\\x0ab`, on one line."""
    return _UNDRAWABLE.sub(_escape_character, text)


def escape(text: str) -> str:
    """Text for a Graphviz HTML-like label, drawn exactly as `printable(text)`: XML metacharacters
    become entities, and each backslash is doubled, because Graphviz reads `\\N` and `\\G` in a
    label as the node's and the graph's name (`A\\N` would be drawn `Av7`)."""
    return html.escape(printable(text), quote=True).replace("\\", "\\\\")


def as_drawn(text: str) -> str:
    """The text Graphviz writes for a label, compared the way it is read: Graphviz writes a run
    of spaces as space, no-break space, ... (so that SVG keeps them), which reads the same."""
    return text.replace("\xa0", " ")


def _escape_character(match: re.Match) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


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
