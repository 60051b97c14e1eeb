"""Graphviz HTML-like labels: small tables for value nodes, collapsed groups, edges and the legend.

Every piece of user text goes through `style.escape`, so a label like `<script>` is drawn as text.
The result is returned wrapped in `<...>`, which the graphviz package passes through unquoted.
"""
from __future__ import annotations

from collections.abc import Sequence

from . import style
from .style import escape


def html(table: str) -> str:
    return f"<{table}>"


def cell(text: str, *, fill: str | None = None, bold: bool = False, colour: str | None = None,
         align: str | None = None, border: int | None = None) -> str:
    """One table row holding one cell of (already escaped) text."""
    if bold:
        text = f"<B>{text}</B>"
    if colour:
        text = f'<FONT COLOR="{colour}">{text}</FONT>'
    attributes = "".join(
        f' {name}="{value}"'
        for name, value in (("BGCOLOR", fill), ("ALIGN", align), ("BORDER", border))
        if value is not None
    )
    return f"<TR><TD{attributes}>{text}</TD></TR>"


def table(rows: Sequence[str], *, border: int = 0, colour: str | None = None) -> str:
    """Rows in a table of bordered cells; `border` > 0 frames the whole table (in `colour`)."""
    colour = f' COLOR="{colour}"' if colour else ""
    return (f'<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"{colour}>'
            + "".join(rows) + "</TABLE>")


def name_cell(name: str, generated: bool, kind: str) -> str:
    """The node's label in bold on its kind's colour; a generated name (`v7`) in grey."""
    fill = style.KIND_COLOURS[kind]
    if generated:
        return cell(escape(name), fill=fill, colour=style.NEUTRAL_GREY)
    return cell(escape(name), fill=fill, bold=True)


def lines(texts: Sequence[str], *, colour: str | None = None, bold: bool = False) -> str:
    """Lines of text without borders: an edge label."""
    rows = [cell(escape(text), colour=colour, bold=bold, border=0) for text in texts]
    return html('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                + "".join(rows) + "</TABLE>")


def swatch_row(title: str, swatches: Sequence[tuple[str, str]]) -> str:
    """A legend row: a title, then coloured cells, each with its caption."""
    cells = "".join(
        f'<TD BGCOLOR="{fill}" BORDER="1">{escape(text)}</TD>' for fill, text in swatches
    )
    inner = (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT">{escape(title)}</TD>{cells}</TR></TABLE>'
    )
    return f'<TR><TD ALIGN="LEFT" BORDER="0">{inner}</TD></TR>'


def text_row(text: str, *, colour: str | None = None, bold: bool = False) -> str:
    """A legend row of plain text."""
    body = escape(text)
    if bold:
        body = f"<B>{body}</B>"
    if colour:
        body = f'<FONT COLOR="{colour}">{body}</FONT>'
    return f'<TR><TD ALIGN="LEFT" BORDER="0">{body}</TD></TR>'
