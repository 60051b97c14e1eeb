"""The legend drawn with every picture: node kinds, the grad colour scale, what the numbers on
an edge mean, and for a highlighted node each path's product of local derivatives.
"""
from __future__ import annotations

from ..engine import Value
from . import html_labels as hl
from . import style
from .graph import Graph
from .highlight import PathSet
from .picture import Picture

MAX_SPELLED_OUT_EDGES = 10  # a longer highlighted path is summarised


def legend_rows(picture: Picture, visible: list[Value], largest: float,
                edge_labels_hidden: int) -> list[str]:
    """The rows under the drawing (above it, after the caption, in a backward frame)."""
    g = picture.graph
    rows = []
    if picture.caption:
        rows.append(hl.text_row(picture.caption, bold=True))
    if not picture.legend:
        return rows
    # A collapsed neuron's name cell is coloured as its output is: a result, or the root.
    shown = visible + [out for group in picture.collapsed for out in group.outputs]
    kinds = sorted({g.kind(n) for n in shown}, key=list(style.KIND_COLOURS).index)
    rows.append(hl.swatch_row("nodes:", [(style.KIND_COLOURS[k], style.KIND_NAMES[k])
                                          for k in kinds]))
    if picture.show_grads and largest:
        top = largest
        scale = [-top, -top / 10, -top / 100, 0.0, top / 100, top / 10, top]
        rows.append(hl.swatch_row(
            "grad colour:",
            [(style.grad_colour(x, largest), style.number(x)) for x in scale]))
    unlabelled = [n for n in visible if not n.label]
    inputs = sorted((n for n in unlabelled if g.names[n] != f"v{g.index[n]}"), key=g.names.get)
    if inputs:
        rows.append(hl.text_row(f"grey name ({g.names[inputs[0]]}): an unlabelled input, named"
                                f" by the weights it meets (w{g.names[inputs[0]][1:]})",
                                colour=style.NEUTRAL_GREY))
    if len(inputs) < len(unlabelled):
        first = next(n for n in unlabelled if n not in inputs)
        rows.append(hl.text_row(f"grey name ({g.names[first]}): a value with no label,"
                                " named by its position in topological order",
                                colour=style.NEUTRAL_GREY))
    collapsed_kinds = {group.kind for group in picture.collapsed}
    if "neuron" in collapsed_kinds:
        rows.append(hl.text_row("neuron box: a whole neuron drawn as one node; an edge into it"
                                " is ∂output/∂input through everything inside"))
    if "layer" in collapsed_kinds:
        rows.append(hl.text_row("layer box: a whole layer drawn as one node"))
    rows.append(hl.text_row("edge: ∂result/∂operand = formula = local derivative"
                            " (from the engine's rule for the op)"))
    if picture.show_grads:
        rows.append(hl.text_row("then: local × upstream grad = contribution, added into"
                                " the operand's grad (the chain rule)"))
        if any(len(g.uses[n]) > 1 for n in visible):
            rows.append(hl.text_row("grad g = c1 + c2: a value used in several places adds up"
                                    " one contribution per use (backward's +=)"))
        if any(g.is_stale(n) for n in visible):
            rows.append(hl.text_row(
                "≠ row: grad is not the sum of its contributions; leaf grads accumulate"
                " over backward() calls, so zero them between steps", colour=style.WARNING))
    if picture.paths is not None:
        rows += [hl.text_row(line, colour=style.HIGHLIGHT)
                 for line in path_lines(g, picture.paths)]
    if edge_labels_hidden:
        rows.append(hl.text_row(
            f"edge labels hidden: {edge_labels_hidden} labelled edges exceed"
            f" max_edge_labels={picture.max_edge_labels}; pass a larger one to see them"))
    rows += [hl.text_row(note) for note in picture.notes]
    return rows

def path_lines(g: Graph, paths: PathSet) -> list[str]:
    """Each highlighted path with its product, then their sum: the chain rule, spelled out."""
    root, target = g.names[g.root], g.names[paths.target]
    noun = "path" if paths.count == 1 else "paths"
    lines = [f"bold: the {paths.count} {noun} from {root} to {target}; multiply the local"
             f" derivatives along each path, then add the paths"]
    for number, path in enumerate(paths.listed, 1):
        nodes = [g.root] + [edge.child for edge in path.edges]
        factors = " × ".join(style.factor(edge.local) for edge in path.edges) or "1"
        if len(path.edges) > MAX_SPELLED_OUT_EDGES:
            factors = f"the {len(path.edges)} local derivatives"
        lines.append(f"path {number}: {_path_names(g, nodes)}")
        lines.append(f"product: {factors} = {style.factor(path.product)}")
    if paths.count > len(paths.listed):
        lines.append(f"… and {paths.count - len(paths.listed)} more paths")
    lines.append(f"sum over {paths.count} {noun} = {style.factor(paths.total)}"
                 f" = ∂{root}/∂{target}; {target}.grad = {style.factor(g.grads[paths.target])}")
    return lines




def _path_names(graph: Graph, nodes: list[Value]) -> str:
    """`E → log p1 → p1 → ... → w00`; a long path keeps its labelled nodes (the neurons it
    passes through) and shows each run of unlabelled ones as `…`."""
    if len(nodes) <= MAX_SPELLED_OUT_EDGES + 1:
        return " → ".join(graph.names[node] for node in nodes)
    names: list[str] = []
    for position, node in enumerate(nodes):
        if node.label or position in (0, len(nodes) - 1):
            names.append(graph.names[node])
        elif names[-1] != "…":
            names.append("…")
    return " → ".join(names)
