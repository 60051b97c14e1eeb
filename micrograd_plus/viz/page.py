"""The live page: one self-contained HTML file in which a reader changes any input and watches
every value and gradient move, steps through backward and forward one node at a time, and clicks
a node to see its grad written out as the sum of its contributions.

Graphviz lays the graph out once, as for `draw`. The page carries that SVG, the graph's tape
(every node in topological order: its operation, its operands by position, the constants) and
the engine's rules written again in JavaScript (`page_engine.js`; the words are in
`page_words.js`, the picture and controls in `page.js`), and recomputes everything itself:

    save_page(root, "page.html")        # micrograd-plus graph EXPR ... --out page.html

so the file grows with the graph, not with the number of steps, and needs no network.
An operation the JavaScript does not know (one added with `define_op`) keeps the numbers Python
computed; the inputs below it are fixed, and the page says why.
"""
from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from ..engine import Value
from ..files import write_atomic
from . import dot, labels
from .graph import Graph
from .picture import Picture
from .renderer import render
from .structure import find_layers, find_neurons
from .svg_edit import SvgDocument, cell_fill, replace_text

# The operations page_engine.js recomputes; a test keeps this, the script and engine.RULES in step.
BROWSER_OPS = frozenset({"+", "*", "/", "**", "exp", "log", "tanh", "sigmoid", "relu", "abs"})
TRY_BOTH_DIRECTIONS = 150  # values; a bigger graph is laid out once, left to right
SCREEN = (1000, 650)  # the picture's room on a laptop's screen, in pixels
LESSON = ("Forward mode needs one pass per input to find each ∂root/∂input;"
          " backward (reverse) mode finds all of them in one pass.")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <p class="mg-lesson">{lesson}</p>
  <p id="mg-notice" class="mg-notice" hidden></p>
</header>
<nav id="mg-toolbar" aria-label="stepping">
  <span class="mg-modes" role="group" aria-label="which pass">
    <button type="button" id="mg-backward" aria-pressed="true">backward</button>
    <button type="button" id="mg-forward" aria-pressed="false">forward</button>
  </span>
  <label id="mg-wrt-label" hidden>tangents ∂/∂ <select id="mg-wrt"></select></label>
  <span class="mg-steps">
    <button type="button" id="mg-previous" aria-label="previous step">&#9664;</button>
    <span id="mg-counter" aria-live="polite"></span>
    <button type="button" id="mg-next" aria-label="next step">&#9654;</button>
  </span>
  <span class="mg-zoom" role="group" aria-label="zoom">
    <button type="button" id="mg-zoom-out" aria-label="zoom out">&minus;</button>
    <button type="button" id="mg-fit">fit</button>
    <button type="button" id="mg-zoom-in" aria-label="zoom in">+</button>
    <span id="mg-scale"></span>
  </span>
  <span class="mg-hint">&larr; &rarr; keys step; click a node for its chain rule, double-click to zoom to it</span>
</nav>
<pre id="mg-words" aria-live="polite"></pre>
<main>
  <div id="mg-stage" class="fit">
{svg}
  </div>
  <aside>
    <section>
      <h2>inputs</h2>
      <div id="mg-inputs"></div>
    </section>
    <section>
      <h2>chain rule</h2>
      <pre id="mg-chain">Click a node to see its grad as the sum of its contributions.</pre>
    </section>
    <section class="mg-legend">
      <h2>reading the picture</h2>
      <p><span class="mg-swatch mg-input"></span>input <span class="mg-swatch mg-parameter"></span>parameter
         <span class="mg-swatch mg-root"></span>root</p>
      <p>grad colour: <span class="mg-swatch mg-negative"></span>negative
         <span class="mg-swatch mg-positive"></span>positive, deeper for larger |grad|</p>
      <p>each edge: ∂result/∂operand = formula = local derivative; below it
         local × upstream grad = contribution (backward) or local × operand's tangent (forward)</p>
      <p><span class="mg-orange">orange</span>: the current step's node and edges;
         <span class="mg-purple">purple</span>: the paths from the root to the clicked node;
         ? = not computed yet</p>
    </section>
  </aside>
</main>
<script type="application/json" id="mg-tape">{tape}</script>
<script>
{engine_js}
</script>
<script>
{words_js}
</script>
<script>
{js}
</script>
</body>
</html>
"""


def page_html(root: Value, *, parameters: Iterable[Value] | None = None,
              title: str | None = None) -> str:
    """The live page for the graph below `root`, as one HTML string."""
    graph = _graph(root, parameters)
    title = title or f"{graph.names[root]}: a live graph"
    return _PAGE.format(
        title=html.escape(title),
        lesson=html.escape(LESSON),
        css=_asset("page.css"),
        svg=_svg(graph),
        # `<` escaped, so no text in a label can close the script element
        tape=json.dumps(_tape(graph), ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c"),
        engine_js=_asset("page_engine.js"),
        words_js=_asset("page_words.js"),
        js=_asset("page.js"),
    )


def save_page(root: Value, path: str | Path, *, parameters: Iterable[Value] | None = None,
              title: str | None = None) -> Path:
    """Write the live page for `root` to `path` (an .html file); return the path."""
    return write_atomic(path, page_html(root, parameters=parameters, title=title))


def _graph(root: Value, parameters: Iterable[Value] | None) -> Graph:
    try:
        return Graph.with_fresh_grads(root, parameters, "save_page (the live page)")
    except (ArithmeticError, ValueError):
        # backward fails here (x ** 0.5 at x = 0): lay out with zero grads; the page itself
        # reports the engine's message on the node
        graph = Graph(root, parameters=parameters)
        graph.grads = {node: 0.0 for node in graph.order}
        return graph


def _tape(graph: Graph) -> dict:
    """The graph as the page's script reads it: nodes in topological order, operands by index
    (a constant as {"c": number}), and for each operand edge the words of its label."""
    unknown = {node._op for node in graph.order if node._children} - BROWSER_OPS
    fixed = _leaves_below([n for n in graph.order if n._op in unknown])
    nodes = []
    for node in graph.order:
        entry = {"name": graph.names[node], "formulaName": graph.name_in_formula(node),
                 "data": _number(node.data), "op": node._op}
        if node.label:  # as the engine's messages quote it (the name may be made printable)
            entry["labelRepr"] = repr(node.label)
        if node._children:
            entry["args"] = [graph.index[c] if type(c) is Value else {"c": _number(c)}
                             for c in node._children]
            entry["opText"] = labels.op_text(node)
            edges = graph.operand_edges[node]
            entry["heads"] = [f"∂{graph.name_in_formula(node)}/∂{graph.name_in_formula(e.child)}"
                              for e in edges]
            entry["formulas"] = [e.formula for e in edges]
            if node._op in unknown:  # the page keeps Python's numbers for these
                entry["local"] = [_number(e.local) for e in edges]
        elif node in fixed:
            entry["fixed"] = fixed[node]
        nodes.append(entry)
    return {"root": graph.index[graph.root], "nodes": nodes, "unknownOps": sorted(unknown)}


def _leaves_below(frozen: list[Value]) -> dict[Value, str]:
    """Each leaf that feeds an operation the page cannot recompute, with the reason."""
    fixed: dict[Value, str] = {}
    for node in frozen:
        stack = [node]
        seen = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            children = [c for c in current._children if type(c) is Value]
            if not children and current is not node:
                fixed.setdefault(current, f"fixed: it feeds {node._op!r}, an operation added in"
                                          " Python that this page cannot recompute")
            stack.extend(children)
    return fixed


def _number(x: float) -> float | str:
    """JSON has no inf or nan: those travel as strings the script turns back into numbers.
    (The engine keeps every value finite; a derivative Python could not evaluate, kept for an
    op the page cannot recompute, is nan.)"""
    return x if math.isfinite(x) else repr(x)


def _svg(graph: Graph) -> str:
    """The drawing laid out once, with classes on the texts the script rewrites."""
    neurons = find_neurons(graph)
    picture = Picture(graph, neurons, find_layers(neurons), show_grads=True, legend=False,
                      max_edge_labels=10**9)
    doc = SvgDocument(_laid_out(graph, dot.build(picture)))
    for node in graph.order:
        node_id = graph.node_id(node)
        group = doc.groups[node_id]
        _tag(doc.text(node_id, labels.data_text(node)), "mg-data")
        grad = doc.text(node_id, labels.grad_text(graph.grads[node], graph.contributions(node)))
        _tag(grad, "mg-grad")
        fill = cell_fill(group, grad)
        if fill is not None:
            fill.set("class", "mg-fill")
        group.set("data-node", str(graph.index[node]))
        if node._children:
            doc.groups[f"{node_id}_op"].set("data-node", str(graph.index[node]))
        for edge in graph.operand_edges[node]:
            edge_id = f"e{graph.index[node]}_{edge.position}"
            _tag(doc.text(edge_id, labels.local_text(graph, edge)), "mg-local")
            _tag(doc.text(edge_id, labels.chain_text(edge.local, graph.grads[node])), "mg-chain")
    for group in doc.groups.values():  # Graphviz's ids ("v0->v1_op") make poor tooltips
        for title in [t for t in group if t.tag.endswith("}title")]:
            group.remove(title)
    doc.root.set("id", "mg-svg")
    return doc.to_string().split("\n", 1)[1]  # no XML prologue inside HTML


def _laid_out(graph: Graph, digraph) -> str:
    """The SVG in whichever direction shows the whole graph larger on a landscape screen.

    Top to bottom, as code reads, fits a small graph at 1.3 to 2 times the size of draw()'s left
    to right (measured: the notes, a neuron); an MLP's hundreds of parameters in one top row make
    it wider than long, so a big graph, which is laid out once to save time, goes left to right.
    """
    directions = ["TB", "LR"] if len(graph.order) <= TRY_BOTH_DIRECTIONS else ["LR"]
    layouts = []
    for direction in directions:
        digraph.graph_attr["rankdir"] = direction
        layouts.append(render(digraph.source, "svg").decode("utf-8"))
    return max(layouts, key=_fitted_scale)  # the first, top to bottom, on a tie


def _fitted_scale(svg: str) -> float:
    width, height = (float(v) for v in re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', svg).groups())
    return min(SCREEN[0] / width, SCREEN[1] / height)


def _tag(element, name: str) -> None:
    replace_text(element, element.text)  # centred in its cell, so a new number stays centred
    element.set("class", name)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
