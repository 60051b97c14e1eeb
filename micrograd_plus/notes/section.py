"""What one section of the notes is: prose, worked lines, pictures and the numbers behind them.

A section is built by a function that computes everything with the engine first and then writes
the text from the computed values, so the text cannot say a number the code did not compute.
The same section is printed on the terminal (`text`) and written into docs/notes.md (`markdown`).
"""
from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..gradcheck import gradcheck
from ..viz.style import number

WIDTH = 100  # terminal text is wrapped to this many columns


class Worked(tuple):
    """Lines of formulas and numbers, shown as they are (monospace), never re-wrapped."""


Block = str | Worked  # a str is a paragraph of prose


@dataclass(frozen=True)
class Figure:
    """A picture of a section: `draw(path)` writes it to `path` (PNG or SVG, by `filename`)."""

    filename: str
    caption: str
    draw: Callable[[Path], Path]
    inline: bool = True  # False: too large to read at page width, so the page links to it


@dataclass(frozen=True)
class Section:
    """One finished section of the notes.

    `values` holds every number the text states that was computed (by the engine, an optimizer
    or the data module), by name, so tests can compare each one with a hand computation.
    """

    name: str  # as on the command line: "cross-entropy"
    heading: str  # as in the notes: "Categorical Cross-Entropy Loss"
    notes_said: str  # the notes' own words, quoted before the answer ("" for an empty section)
    blocks: tuple[Block, ...]
    values: dict[str, float] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()

    @property
    def text(self) -> str:
        """The section for a terminal: prose wrapped, worked lines indented, pictures named."""
        lines = [f"{self.heading} (micrograd-plus notes --section {self.name})", ""]
        said = self.notes_said or "(nothing: the section is empty)"
        lines += _wrap("The notes say: " + " / ".join(" ".join(line.split()) for line in said.splitlines()),
                       "  | ")
        for block in self.blocks:
            lines.append("")
            if isinstance(block, Worked):
                lines += ["  " + line for line in block]
            else:
                lines += _wrap(block, "")
        if self.figures:
            lines.append("")
            lines += _wrap("Pictures (written with --out): "
                           + "; ".join(f"{f.filename}, {f.caption}" for f in self.figures), "")
        return "\n".join(lines)

    def markdown(self, images: str) -> str:
        """The section's body for docs/notes.md; pictures are linked from the folder `images`."""
        parts = ["> " + "  \n> ".join(self.notes_said.splitlines()) if self.notes_said
                 else "> *(The notes leave this section empty.)*"]
        for block in self.blocks:
            if isinstance(block, Worked):
                parts.append("```text\n" + "\n".join(block) + "\n```")
            else:
                parts.append(block)
        for figure in self.figures:
            if figure.inline:
                parts.append(f"![{figure.caption}]({images}/{figure.filename})\n\n*{figure.caption}*")
            else:
                parts.append(f"Full size (wide): [{figure.caption}]({images}/{figure.filename}).")
        return "\n\n".join(parts)

    def save_figures(self, out: Path) -> list[tuple[Path, str]]:
        """Write every picture into `out`; return each file with its caption."""
        out.mkdir(parents=True, exist_ok=True)
        return [(figure.draw(out / figure.filename), figure.caption) for figure in self.figures]


def checked(f: Callable, inputs: Sequence[float]) -> str:
    """Run gradcheck on f at inputs (it raises on a mismatch) and say so in a few words."""
    report = gradcheck(f, list(inputs))
    count = len(report.rows)
    if any(row.kink for row in report.rows):
        raise ValueError(f"checked: {report.title} met a kink; check a point with a derivative")
    noun = "derivative agrees" if count == 1 else "derivatives agree"
    return f"gradcheck: {count} {noun} with finite differences"


def checked_at(f: Callable, points: Sequence[float]) -> str:
    """gradcheck a function of one variable at several points at once.

    Σ_i f(x_i) has ∂/∂x_i = f'(x_i), so one check of the sum checks f' at every point.
    """
    def total(*xs):
        out = f(xs[0])
        for x in xs[1:]:
            out = out + f(x)
        return out

    return checked(total, points)


def vector(values: Sequence[float]) -> str:
    """[0.5, -0.32, 2.0], every entry as `number` prints it."""
    return "[" + ", ".join(number(v) for v in values) + "]"


def paren(x: float) -> str:
    """A negative factor in brackets, so `2.0·(-0.5)` reads as a product."""
    return f"({number(x)})" if x < 0 else number(x)


def _wrap(paragraph: str, prefix: str) -> list[str]:
    return textwrap.wrap(paragraph, WIDTH, initial_indent=prefix, subsequent_indent=prefix or "",
                         break_on_hyphens=False)
