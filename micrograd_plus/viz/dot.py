"""Graph -> DOT: a node per value, an ellipse per operation, edges labelled with their local
derivative (and, after backward, the chain-rule product), neuron and layer clusters, a legend.

Data flows left to right, as in micrograd's `draw_dot`: operand -> op -> result. The derivative
d(result)/d(operand) sits on the operand's edge into the op, since each operand has its own.
Ids come from topological positions (`v7`, `v7_op`, `e7_0`), so output is deterministic.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import graphviz

from ..engine import Value
from . import html_labels as hl
from . import labels, style
from .graph import Edge, Graph
from .legend import legend_rows
from .picture import Picture
from .structure import Group, derivative_through


@dataclass
class _DrawnEdge:
    tail: str
    head: str
    id: str
    lines: list[str]
    on_path: bool = False
    ports: bool = False  # leave the tail's right side, enter the head's left side


def build(picture: Picture) -> graphviz.Digraph:
    return _Builder(picture).digraph()


class _Builder:
    def __init__(self, picture: Picture) -> None:
        self.p = picture
        self.g = picture.graph
        self.group_of, self.hidden_parameters = _hidden_nodes(self.g, picture.collapsed)
        self.group_ids = {id(group): _group_id(self.g, group) for group in picture.collapsed}
        self.visible = [node for node in self.g.order
                        if node not in self.group_of and node not in self.hidden_parameters]
        shown = self.visible + [out for group in picture.collapsed for out in group.outputs]
        self.largest = max((abs(self.g.grads[n]) for n in shown if not math.isnan(self.g.grads[n])),
                           default=0.0)
        self.edge_labels_hidden = 0
        self.ordered_layers = False  # set when neurons are kept in order (_keep_in_order)

    # ---- the whole digraph --------------------------------------------------------------------

    def digraph(self) -> graphviz.Digraph:
        dg = graphviz.Digraph(
            "micrograd_plus",
            graph_attr={
                "rankdir": "LR",
                "bgcolor": "white",  # readable on a notebook's dark theme too
                "fontname": style.FONT,
                "fontsize": str(style.NODE_FONT_SIZE),
                "nodesep": "0.25",
                # collapsed layers are joined by many edges, which need room to fan out
                "ranksep": "1.5" if self.p.collapsed and self.p.layers else "0.35",
            },
            node_attr={"fontname": style.FONT, "fontsize": str(style.NODE_FONT_SIZE)},
            edge_attr={"fontname": style.FONT, "fontsize": str(style.EDGE_FONT_SIZE),
                       "arrowsize": "0.7"},
        )
        edges = self._edges()
        buckets = self._node_statements()
        self._emit_clusters(dg, buckets)
        if self.ordered_layers:  # a second crossing-minimization pass would rotate that order
            dg.attr(remincross="false")
        for edge in edges:
            dg.edge(edge.tail, edge.head, **self._edge_attributes(edge))
        if self.p.legend or self.p.caption:
            rows = legend_rows(self.p, self.visible, self.largest, self.edge_labels_hidden)
            dg.attr(label=hl.html(hl.table(rows)),
                    labelloc="t" if self.p.caption else "b", labeljust="l")
        return dg

    # ---- nodes ---------------------------------------------------------------------------------

    def _node_statements(self) -> dict[int | None, list[tuple[str, dict[str, str]]]]:
        """Node statements, bucketed by the id() of the cluster they sit in (None: top level)."""
        cluster_of = {}
        for neuron in self._expanded_neurons():
            for member in neuron.members:
                cluster_of[member] = id(neuron)
        buckets: dict[int | None, list[tuple[str, dict[str, str]]]] = {}
        for node in self.visible:
            bucket = buckets.setdefault(cluster_of.get(node), [])
            bucket.append((self.g.node_id(node), self._value_node(node)))
            if node._children:
                bucket.append((f"{self.g.node_id(node)}_op", self._op_node(node)))
        for group in sorted(self.p.collapsed, key=lambda g: _natural(g.name)):
            owner = self._boxed_layer_of(group) if group.kind == "neuron" else None
            bucket = buckets.setdefault(id(owner) if owner else None, [])
            bucket.append((self.group_ids[id(group)], self._group_node(group)))
        return buckets

    def _value_node(self, node: Value) -> dict[str, str]:
        g = self.g
        kind = g.kind(node)
        rows = [
            hl.name_cell(g.names[node], not node.label, kind),
            hl.cell(hl.escape(labels.data_text(node))),
        ]
        grad = g.grads[node]
        terms = g.contributions(node) if self.p.show_grads else []
        stale = self.p.show_grads and g.is_stale(node)
        rows.append(hl.cell(hl.escape(labels.grad_text(grad, [] if stale else terms)),
                            fill=style.grad_colour(grad, self.largest)))
        if stale:  # say so, rather than print a sum that does not add up
            rows.append(hl.cell(hl.escape(labels.stale_text(terms)), colour=style.WARNING))
        is_target = self.p.paths is not None and node is self.p.paths.target
        table = hl.table(rows, border=3 if is_target else 0,
                         colour=style.HIGHLIGHT if is_target else None)
        return {"label": hl.html(table), "shape": "plain", "id": g.node_id(node)}

    def _op_node(self, node: Value) -> dict[str, str]:
        return {
            "label": hl.html(hl.escape(labels.op_text(node))),
            "shape": "ellipse",
            "style": "filled",
            "fillcolor": style.OP_FILL,
            "margin": "0.04,0.02",
            "width": "0.3",
            "height": "0.3",
            "id": f"{self.g.node_id(node)}_op",
        }

    def _group_node(self, group: Group) -> dict[str, str]:
        parameters = len(group.parameters)
        if group.kind == "neuron":
            output = group.outputs[0]
            grad = self.g.grads[output]
            activation = "linear" if output._op == "+" else output._op
            rows = [
                hl.cell(hl.escape(f"neuron {group.name}"), bold=True,
                        fill=style.KIND_COLOURS[self.g.kind(output)]),
                hl.cell(hl.escape(f"{activation}, {parameters} params")),
                hl.cell(hl.escape(labels.data_text(output))),
                hl.cell(hl.escape(labels.grad_text(grad)),
                        fill=style.grad_colour(grad, self.largest)),
            ]
        else:
            holds_root = self.g.root in group.outputs
            rows = [
                hl.cell(hl.escape(f"layer {group.name}".rstrip()), bold=True,
                        fill=style.KIND_COLOURS["loss"] if holds_root else None),
                hl.cell(hl.escape(
                    f"{_count(len(group.neurons), 'neuron')} · {parameters} params")),
            ]
        holds_target = self.p.paths is not None and self.p.paths.target in group.members
        table = hl.table(rows, border=3 if holds_target else 0,
                         colour=style.HIGHLIGHT if holds_target else None)
        return {"label": hl.html(table), "shape": "plain", "id": self.group_ids[id(group)]}

    # ---- clusters -------------------------------------------------------------------------------

    def _expanded_neurons(self) -> list[Group]:
        collapsed = {id(group) for group in self.p.collapsed}
        inside_collapsed_layer = {
            id(neuron) for layer in self.p.layers if id(layer) in collapsed
            for neuron in layer.neurons
        }
        return [n for n in self.p.neurons
                if id(n) not in collapsed and id(n) not in inside_collapsed_layer]

    def _boxed_layers(self) -> list[Group]:
        """Layers drawn as a box: not collapsed, and with all neurons open or all collapsed. A
        box around one open neuron among collapsed ones would span every rank of the open
        neuron, pushing the next layer below it instead of beside it."""
        collapsed = {id(group) for group in self.p.collapsed}
        return [layer for layer in self.p.layers if id(layer) not in collapsed
                and len({id(n) in collapsed for n in layer.neurons}) == 1]

    def _boxed_layer_of(self, neuron: Group) -> Group | None:
        for layer in self._boxed_layers():
            if any(n is neuron for n in layer.neurons):
                return layer
        return None

    def _emit_clusters(self, dg: graphviz.Digraph, buckets: dict) -> None:
        for name, attributes in buckets.get(None, []):
            dg.node(name, **attributes)
        if self.p.collapsed:  # the network's inputs x0, x1... top to bottom, beside its neurons
            inputs = sorted((n for n in self.visible
                             if not n._children and re.fullmatch(r"x\d+", self.g.names[n])),
                            key=lambda n: _natural(self.g.names[n]))
            self._keep_in_order(dg, [self.g.node_id(n) for n in inputs], in_cluster=False)
        expanded = {id(n) for n in self._expanded_neurons()}
        in_a_layer = set()
        for layer in self._boxed_layers():
            with dg.subgraph(name=f"cluster_{_group_id(self.g, layer)}") as box:
                box.attr(label=hl.html(hl.escape(f"layer {layer.name}".rstrip())),
                         style="rounded", color="#9ca3af", fontcolor=style.NEUTRAL_GREY)
                for name, attributes in buckets.get(id(layer), []):
                    box.node(name, **attributes)
                neurons = sorted(layer.neurons, key=lambda n: _natural(n.name))
                self._keep_in_order(box, [self.group_ids[id(n)] for n in neurons
                                          if id(n) in self.group_ids], in_cluster=True)
                for neuron in layer.neurons:
                    in_a_layer.add(id(neuron))
                    if id(neuron) in expanded:
                        self._emit_neuron(box, neuron, buckets)
        for neuron in self.p.neurons:
            if id(neuron) in expanded and id(neuron) not in in_a_layer:
                self._emit_neuron(dg, neuron, buckets)

    def _keep_in_order(self, box: graphviz.Digraph, ids: list[str], in_cluster: bool) -> None:
        """Nodes of one rank stacked top to bottom in the order of `ids` (N0, N1, N2... down a
        layer; inputs x0, x1...). Left alone, Graphviz orders them to shorten edges (N7...N0,
        N15...N8). An invisible edge between neighbours in one rank fixes their order; left to
        right, Graphviz puts its tail above its head at the top level but below it inside a
        cluster (measured; the tests check the order drawn)."""
        if len(ids) > 1:
            with box.subgraph() as rank:
                rank.attr(rank="same")
                for upper, lower in zip(ids, ids[1:]):
                    rank.edge(*((lower, upper) if in_cluster else (upper, lower)), style="invis")
            self.ordered_layers = True

    def _emit_neuron(self, parent: graphviz.Digraph, neuron: Group, buckets: dict) -> None:
        with parent.subgraph(name=f"cluster_{_group_id(self.g, neuron)}") as box:
            box.attr(label=hl.html(hl.escape(f"neuron {neuron.name}")), style="rounded,dashed",
                     color="#9ca3af", fontcolor=style.NEUTRAL_GREY)
            for name, attributes in buckets.get(id(neuron), []):
                box.node(name, **attributes)

    # ---- edges ----------------------------------------------------------------------------------

    def _edges(self) -> list[_DrawnEdge]:
        """Every drawn edge. An edge into a collapsed group is merged with the others from the
        same tail, and labelled with the derivative through the whole group."""
        g, paths = self.g, self.p.paths
        drawn: list[_DrawnEdge] = []
        merged: dict[tuple[str, str], _DrawnEdge] = {}
        for parent in g.order:
            parent_group = self.group_of.get(parent)
            if parent_group is None and parent._children:
                on_path = paths is not None and parent in paths.nodes and parent is not paths.target
                drawn.append(_DrawnEdge(f"{g.node_id(parent)}_op", g.node_id(parent),
                                        f"o{g.index[parent]}", [], on_path))
            for edge in g.operand_edges[parent]:
                child_group = self.group_of.get(edge.child)
                if edge.child in self.hidden_parameters or (
                        parent_group is not None and parent_group is child_group):
                    continue  # inside one collapsed group
                tail = self.group_ids[id(child_group)] if child_group else g.node_id(edge.child)
                on_path = paths is not None and edge in paths.edges
                if parent_group is None:
                    drawn.append(_DrawnEdge(tail, f"{g.node_id(parent)}_op",
                                            f"e{g.index[parent]}_{edge.position}",
                                            self._edge_lines(edge), on_path))
                    continue
                head = self.group_ids[id(parent_group)]
                into = merged.get((tail, head))
                if into is None:
                    # out of the right side, into the left, as in a network diagram: edges then
                    # keep clear of the layer titles above the boxes
                    into = merged[(tail, head)] = _DrawnEdge(tail, head, f"m_{tail}_{head}", [],
                                                             ports=True)
                    drawn.append(into)
                into.on_path |= on_path
                if parent_group.kind == "neuron" and not into.lines:
                    into.lines = self._through_group_lines(parent_group, edge.child)
        labelled = sum(1 for edge in drawn if edge.lines)
        if labelled > self.p.max_edge_labels:
            # All of them, even on a highlighted path: Graphviz gives each label room between
            # the ranks, and a few labels among hundreds of unlabelled edges make the unlabelled
            # ones loop around them. The legend lists each path's product instead.
            self.edge_labels_hidden = labelled
            for edge in drawn:
                edge.lines = []
        return drawn

    def _edge_lines(self, edge: Edge) -> list[str]:
        lines = [labels.local_text(self.g, edge)]
        if self.p.show_grads:
            lines.append(labels.chain_text(edge.local, self.g.grads[edge.parent]))
        return lines

    def _through_group_lines(self, group: Group, child: Value) -> list[str]:
        """d(neuron output)/d(child) through everything inside the neuron."""
        output = group.outputs[0]
        local = derivative_through(self.g, group, child)
        lines = [f"∂{self.g.name_in_formula(output)}/∂{self.g.name_in_formula(child)} "
                 f"= {style.factor(local)}"]
        if self.p.show_grads:
            lines.append(labels.chain_text(local, self.g.grads[output]))
        return lines

    def _edge_attributes(self, edge: _DrawnEdge) -> dict[str, str]:
        attributes = {"id": edge.id}
        if edge.ports:
            attributes.update(tailport="e", headport="w")
        highlighting = self.p.paths is not None
        if edge.lines:
            colour = style.HIGHLIGHT if edge.on_path else (
                style.NEUTRAL_GREY if highlighting else None)
            attributes["label"] = hl.lines(edge.lines, colour=colour, bold=edge.on_path)
        if edge.on_path:
            attributes.update(color=style.HIGHLIGHT, penwidth="2.5")
        elif highlighting:
            attributes["color"] = style.DIMMED
        return attributes


def _hidden_nodes(
    graph: Graph, collapsed: Iterable[Group]
) -> tuple[dict[Value, Group], set[Value]]:
    """The nodes inside collapsed groups, each with its group; and the parameters used only
    inside them that belong to none (shared by several samples), which the groups' labels count."""
    group_of = {member: group for group in collapsed for member in group.members}
    unowned = {
        parameter
        for group in collapsed
        for parameter in group.parameters
        if parameter not in group_of and all(e.parent in group_of for e in graph.uses[parameter])
    }
    return group_of, unowned


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _natural(name: str) -> list:
    """`L0.N2` before `L0.N10`."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _group_id(graph: Graph, group: Group) -> str:
    prefix = "n" if group.kind == "neuron" else "layer"
    return f"{prefix}{graph.index[group.outputs[0]]}"
