"""Neurons and layers, recognised from labels and the shape of the graph.

The nn library labels a neuron's parameters `{name}.w{i}` and `{name}.b` and its activated
output `{name}`; an MLP names its neurons `L{layer}.N{j}`. A node belongs to a neuron when it
lies between that neuron's output and the neuron's own parameters: the output depends on it,
and it depends on one of the parameters. The inputs it reads are not members.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..engine import Value
from .graph import PARAMETER_LABEL, Graph

_NEURON_IN_LAYER = re.compile(r"^(?:(?P<layer>.+)\.)?N\d+$")


@dataclass(eq=False)
class Group:
    """A neuron (one output) or a layer (several neurons): drawn as a cluster, or as one node."""

    name: str
    kind: str  # "neuron" or "layer"
    outputs: list[Value]
    members: set[Value]
    parameters: set[Value]
    neurons: list[Group] = field(default_factory=list)  # a layer's neurons


def find_neurons(graph: Graph) -> list[Group]:
    """One group per neuron output in the graph, in topological order.

    A neuron applied to several samples has one output per sample; parameters shared by those
    outputs are drawn outside the groups (a node can sit in one cluster only).
    """
    parameters_of: dict[str, set[Value]] = {}
    for node in graph.parameters:
        match = PARAMETER_LABEL.match(node.label)
        if match and match.group("neuron"):
            parameters_of.setdefault(match.group("neuron"), set()).add(node)
    outputs = [
        node for node in graph.order if node._children and node.label in parameters_of
    ]
    uses_per_parameter: dict[Value, int] = {}
    neurons = []
    for output in outputs:
        members = _between(graph, output, parameters_of[output.label])
        for parameter in members & parameters_of[output.label]:
            uses_per_parameter[parameter] = uses_per_parameter.get(parameter, 0) + 1
        neurons.append(Group(output.label, "neuron", [output], members, set()))
    for neuron in neurons:
        own = {p for p in parameters_of[neuron.name] if p in neuron.members}
        neuron.parameters = own
        neuron.members -= {p for p in own if uses_per_parameter[p] > 1}
    return neurons


def find_layers(neurons: list[Group]) -> list[Group]:
    """Neurons named `L1.N0`, `L1.N1`... form the layer `L1`; a Layer's own `N0`, `N1`... form
    an unnamed layer. Layers keep the order of their first neuron."""
    layers: dict[str, Group] = {}
    for neuron in neurons:
        match = _NEURON_IN_LAYER.match(neuron.name)
        if not match:
            continue
        name = match.group("layer") or ""
        layer = layers.setdefault(name, Group(name, "layer", [], set(), set()))
        layer.neurons.append(neuron)
        layer.outputs += neuron.outputs
        layer.members |= neuron.members
        layer.parameters |= neuron.parameters
    return list(layers.values())


def _between(graph: Graph, output: Value, parameters: set[Value]) -> set[Value]:
    """The nodes `output` depends on that themselves depend on one of `parameters`."""
    below: set[Value] = set()
    stack = [output]
    while stack:
        node = stack.pop()
        if node not in below:
            below.add(node)
            stack += [c for c in node._children if type(c) is Value]
    reaches: set[Value] = set()
    for node in sorted(below, key=graph.index.__getitem__):  # children before parents
        if node in parameters or any(c in reaches for c in node._children):
            reaches.add(node)
    return reaches


def derivative_through(graph: Graph, neuron: Group, child: Value) -> float:
    """d(output)/d(child) summed over every path inside `neuron`: reverse mode restricted to its
    members. This labels the edge from `child` into a collapsed neuron."""
    output = neuron.outputs[0]
    d = {output: 1.0}
    total = 0.0
    for node in sorted(neuron.members, key=graph.index.__getitem__, reverse=True):
        if node not in d:
            continue
        for edge in graph.operand_edges[node]:
            if edge.child is child:
                total += d[node] * edge.local
            elif edge.child in neuron.members:
                d[edge.child] = d.get(edge.child, 0.0) + d[node] * edge.local
    return total
