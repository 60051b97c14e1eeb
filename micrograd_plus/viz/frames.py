"""Backward as a sequence of pictures that do not move.

Graphviz lays the graph out once, with every final grad in place. Each frame is that SVG with
texts swapped (`?` for grads not computed yet, partial sums for `+=`), the current node ringed
and the edges it pushes along coloured. Re-running the layout per frame would shift nodes,
because a label's width changes the layout (measured; see the visualizer notes).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..engine import Value
from ..files import write_atomic
from . import dot, labels, style
from .graph import Graph
from .picture import Picture
from .renderer import render
from .page import save_page
from .steps import BackwardWalk
from .structure import find_layers, find_neurons
from .svg_edit import SvgDocument, cell_fill, colour_edge, replace_text, ring

MAX_STEPS = 200
_NOTE = ("orange: the node whose grad is complete at this step, and the edges it pushes"
         " along; ? = not computed yet")


class Frame(str):
    """One backward step as an SVG document: a str, which a notebook shows as the picture."""

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"image/svg+xml": str(self), "text/plain": f"Frame: an SVG of {len(self):,} characters"}


def backward_frames(
    root: Value, *, parameters: Iterable[Value] | None = None, max_steps: int = MAX_STEPS
) -> list[Frame]:
    """One SVG document per backward step, in reverse topological order; step 0 is the seed.

    Grads are computed afresh (`.grad` is neither read nor written), so stale leaf grads from
    earlier backward() calls do not show up.
    """
    return _frames(_walk(root, parameters, max_steps))


def save_frames(
    root: Value, path: str | Path, *, parameters: Iterable[Value] | None = None,
    max_steps: int = MAX_STEPS,
) -> Path:
    """A folder of numbered SVG files, one per step. A path ending in `.html` gets the live
    page instead (`save_page`), which steps through the same pictures and much more, at the
    size of one picture rather than one per step. Returns the path."""
    path = Path(path)
    if path.suffix.lower() in (".html", ".htm"):
        return save_page(root, path, parameters=parameters)
    walk = _walk(root, parameters, max_steps)
    frames = _frames(walk)
    path.mkdir(parents=True, exist_ok=True)
    width = len(str(len(frames) - 1))
    for step, frame in enumerate(frames):
        write_atomic(path / f"frame_{step:0{width}d}.svg", frame)
    return path


def _walk(root: Value, parameters: Iterable[Value] | None, max_steps: int) -> BackwardWalk:
    walk = BackwardWalk(Graph.with_fresh_grads(root, parameters, "backward_frames"))
    if len(walk) - 1 > max_steps:
        raise ValueError(
            f"backward_frames: {len(walk) - 1} steps exceed max_steps={max_steps}; step through"
            " a smaller graph (one sample, one neuron), or pass a larger max_steps"
        )
    return walk


def _frames(walk: BackwardWalk) -> list[Frame]:
    """Lay out once, with the longest caption in place, then edit a copy per step."""
    graph = walk.graph
    captions = [_caption(walk, step) for step in range(len(walk))]
    neurons = find_neurons(graph)
    picture = Picture(graph, neurons, find_layers(neurons), caption=max(captions, key=len),
                          notes=[_NOTE], max_edge_labels=10**9)
    laid_out = render(dot.build(picture).source, "svg").decode("utf-8")
    return [Frame(_frame(laid_out, walk, step, captions)) for step in range(len(walk))]


def _caption(walk: BackwardWalk, step: int) -> str:
    graph = walk.graph
    total = len(walk) - 1
    if step == 0:
        root = graph.names[graph.root]
        return f"step 0 of {total}: forward done; seed {root}.grad = 1 (∂{root}/∂{root} = 1)"
    node = walk.current(step)
    names = [graph.names[edge.child] for edge in walk.pushes(step)]
    # x * x pushes into x twice: say so once ("to x twice"), not "to x, x"
    children = [_times(name, names.count(name)) for name in dict.fromkeys(names)]
    if len(children) > 3:
        children = children[:3] + [f"{len(children) - 3} more"]
    return (f"step {step} of {total}: {graph.names[node]}.grad ="
            f" {style.number(graph.grads[node])} is complete; push it through"
            f" {labels.op_text(node)} to {', '.join(children)}")


def _times(name: str, count: int) -> str:
    """`x`, `x twice`, `x 3 times`."""
    return name if count == 1 else f"{name} twice" if count == 2 else f"{name} {count} times"


def _frame(laid_out: str, walk: BackwardWalk, step: int, captions: list[str]) -> str:
    graph = walk.graph
    doc = SvgDocument(laid_out)
    replace_text(doc.text(None, max(captions, key=len)), captions[step], centred=False)
    for node in graph.order:
        node_id = graph.node_id(node)
        element = doc.text(node_id, labels.grad_text(graph.grads[node], graph.contributions(node)))
        grad = walk.grad(node, step)
        if grad is None:
            fill = cell_fill(doc.groups[node_id], element)
            if fill is not None:
                fill.set("fill", "#ffffff")
        replace_text(element, labels.grad_text(grad, walk.terms(node, step)))
    pushing = walk.pushes(step)  # none in the seed frame
    for parent in graph.order:
        for edge in graph.operand_edges[parent]:
            edge_id = f"e{graph.index[parent]}_{edge.position}"
            final = labels.chain_text(edge.local, graph.grads[parent])
            element = doc.text(edge_id, final)
            replace_text(element, labels.chain_text(edge.local, walk.upstream(edge, step)))
            if edge in pushing:
                element.set("fill", style.CURRENT)
                colour_edge(doc.groups[edge_id], style.CURRENT, 2.5)
    current = walk.current(step)
    ring(doc.groups[graph.node_id(current)], style.CURRENT, 3)
    doc.groups[graph.node_id(current)].set("class", "node current")  # for a reader's own CSS or script
    if pushing:
        colour_edge(doc.groups[f"o{graph.index[current]}"], style.CURRENT, 2.5)
    return doc.to_string()
