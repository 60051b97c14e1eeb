"""`draw(root)`: the public entry point, and `GraphView`, the picture it returns.

A GraphView holds the DOT source (always available, no renderer needed) and renders it on
demand with `dot`, caching each format. In a notebook it displays as SVG plus a line of text
(a PNG, which is several times larger, only when a front end asks for `image/png`); without a
renderer it shows a text hint instead of a traceback. `view.page()` is the live page of the
same graph, which a notebook shows inline.
"""
from __future__ import annotations

import base64
import html
import warnings
from collections.abc import Collection, Iterable
from pathlib import Path

import graphviz

from ..engine import Value
from ..files import write_atomic
from . import dot
from .graph import Graph
from .highlight import paths_to
from .page import page_html
from .picture import Picture
from .renderer import RendererNotFound, RenderError, render
from .structure import Group, find_layers, find_neurons
from .style import number

MAX_VALUES = 150  # above this many values a drawing collapses neurons by itself
MAX_EDGE_LABELS = 80
PAGE_HEIGHT_IN_NOTEBOOK = 720  # pixels: room for the toolbar, the words and a useful picture


class GraphView:
    """A drawn graph: `.source` (DOT), `.svg()`, `.png()`, `.save(path)`, `.digraph`."""

    def __init__(self, digraph: graphviz.Digraph, summary: str, node_count: int,
                 root: Value | None = None, parameters: Iterable[Value] | None = None) -> None:
        self.digraph = digraph
        self.summary = summary
        self.node_count = node_count
        self.root = root  # for the live page
        self.parameters = None if parameters is None else list(parameters)
        self._renders: dict[tuple[str, str], bytes] = {}

    @property
    def source(self) -> str:
        """The DOT text. Needs no renderer."""
        return self.digraph.source

    def svg(self) -> str:
        return self._render("svg").decode("utf-8")

    def png(self) -> bytes:
        return self._render("png")

    def page(self, title: str | None = None) -> LivePage:
        """The live page of this graph: every value drawn, recomputed in the browser."""
        if self.root is None:
            raise ValueError("page: this GraphView was made without its root; use draw(root).page()")
        return LivePage(page_html(self.root, parameters=self.parameters, title=title))

    def save(self, path: str | Path) -> Path:
        """Write `.svg`, `.png`, `.dot` (also `.gv`) or `.html` (the live page), by the suffix,
        atomically (a failed render or write leaves any previous file as it was)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".dot", ".gv"):
            write_atomic(path, self.source)
        elif suffix in (".svg", ".png"):
            write_atomic(path, self._render(suffix[1:]))
        elif suffix in (".html", ".htm"):
            self.page().save(path)
        else:
            raise ValueError(f"save: cannot tell the format of {str(path)!r}; "
                             "use a name ending in .svg, .png, .dot or .html")
        return path

    def _render(self, fmt: str) -> bytes:
        key = (fmt, self.source)  # keyed by the source, in case `.digraph` was edited
        if key not in self._renders:
            self._renders[key] = render(self.source, fmt)
        return self._renders[key]

    def _repr_mimebundle_(self, include: Collection[str] | None = None,
                          exclude: Collection[str] | None = None) -> dict[str, str]:
        """SVG and text for Jupyter; only text (with the fix) when nothing can render.

        A PNG (`image/png`) or the live page (`text/html`, an iframe) only when `include` names it.
        """
        wanted = ["image/svg+xml", "text/plain"] if include is None else [
            m for m in ("image/svg+xml", "image/png", "text/html", "text/plain") if m in include]
        wanted = [m for m in wanted if exclude is None or m not in exclude]
        bundle = {"text/plain": repr(self)} if "text/plain" in wanted else {}
        try:
            if "image/svg+xml" in wanted:
                bundle["image/svg+xml"] = self.svg()
            if "image/png" in wanted:
                bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
            if "text/html" in wanted and self.root is not None:
                bundle["text/html"] = self.page()._repr_html_()
        except (RendererNotFound, RenderError) as error:
            return {"text/plain": f"{self!r}\nNo picture: {error}"}
        return bundle

    def __repr__(self) -> str:
        return f"GraphView: {self.summary}"


class LivePage:
    """The live page as HTML: `.html`, `.save(path)`; a notebook shows it inline in an iframe."""

    def __init__(self, page: str) -> None:
        self.html = page

    def save(self, path: str | Path) -> Path:
        return write_atomic(path, self.html)

    def _repr_html_(self) -> str:
        # srcdoc keeps the page whole and its ids apart from the notebook's; scripts only
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts"'
                f' style="width: 100%; height: {PAGE_HEIGHT_IN_NOTEBOOK}px; border: 1px solid #e5e7eb"'
                ' title="micrograd_plus live page"></iframe>')

    def __repr__(self) -> str:
        return f"LivePage: {len(self.html):,} characters of HTML; .save('page.html') to open it in a browser"


def draw(
    root: Value,
    highlight: Value | None = None,
    *,
    collapse: str | Collection[str] | None = "auto",
    parameters: Iterable[Value] | None = None,
    show_grads: bool | None = None,
    max_values: int = MAX_VALUES,
    max_edge_labels: int = MAX_EDGE_LABELS,
    legend: bool = True,
) -> GraphView:
    """Draw the graph that computed `root`.

    Each value shows its label, data and grad; each edge d(result)/d(operand), and after
    backward the chain-rule product `local × upstream = contribution`.
    - `highlight`: a node; every path from `root` to it is drawn in bold with its product.
    - `collapse`: "auto" (each neuron becomes one node when the graph has more than
      `max_values` values), "neuron", "layer", None (draw every value), or a collection of
      neuron/layer names such as {"L0"}.
    - `parameters`: the parameter leaves, when they are not labelled the nn way (`L0.N1.w0`).
    - `show_grads`: show grads and chain-rule products; by default when backward has run.
    """
    graph = Graph(root, parameters=parameters)
    paths = paths_to(graph, highlight) if highlight is not None else None
    neurons = find_neurons(graph)
    layers = find_layers(neurons)
    collapsed, notes = _collapsed_groups(graph, neurons, layers, collapse, max_values)
    picture = Picture(
        graph, neurons, layers, collapsed, paths,
        show_grads=graph.has_grads() if show_grads is None else show_grads,
        legend=legend, notes=notes, max_edge_labels=max_edge_labels,
    )
    hidden = sum(len(group.members) for group in collapsed)
    summary = (f"{len(graph.order)} values, {sum(1 for n in graph.order if n._children)} ops"
               f"{f', {len(collapsed)} collapsed groups' if collapsed else ''};"
               f" root {graph.names[root]} = {number(root.data)}")
    return GraphView(dot.build(picture), summary, 2 * (len(graph.order) - hidden), root, parameters)


def _collapsed_groups(
    graph: Graph,
    neurons: list[Group],
    layers: list[Group],
    collapse: str | Collection[str] | None,
    max_values: int,
) -> tuple[list[Group], list[str]]:
    """Which neuron/layer groups become single nodes, and a legend note saying why."""
    by_layer = layers + [n for n in neurons if not any(n in layer.neurons for layer in layers)]
    if collapse is None:
        return [], []
    if collapse == "neuron":
        return neurons, []
    if collapse == "layer":
        return by_layer, []
    if isinstance(collapse, str) and collapse != "auto":
        raise ValueError(f"draw: collapse must be 'auto', 'neuron', 'layer', None or a"
                         f" collection of group names, got {collapse!r}")
    if collapse != "auto":
        return _named_groups(neurons + layers, collapse), []
    count = len(graph.order)
    if count <= max_values:
        return [], []
    if not neurons:
        warnings.warn(f"draw: {count} values exceed max_values={max_values} and there are no"
                      " neurons or layers to collapse, so the picture will be large; draw a"
                      " smaller part, or pass highlight= to pick out one node's paths",
                      stacklevel=3)
        return [], []
    choice, mode = neurons, "neuron"
    shown = count - sum(len(n.members) for n in choice) + len(choice)
    if shown > max_values:
        choice, mode = by_layer, "layer"
    message = (f"{count} values exceed max_values={max_values}, so each {mode} is drawn as one"
               f" node; draw(..., collapse=None) draws every value")
    warnings.warn(f"draw: {message}", stacklevel=3)
    return choice, [f"collapsed: {message}"]


def _named_groups(groups: list[Group], names: Collection[str]) -> list[Group]:
    known = {group.name for group in groups}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(f"draw: no neuron or layer named {unknown}; the graph has {sorted(known)}")
    return [group for group in groups if group.name in names]
