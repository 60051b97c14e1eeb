"""Layers found in a tape, for the batch backend: neurons as one matrix product.

A neuron records as a chain `((b + w0*x0) + w1*x1) + ...`: one node per product and per
addition. Where every weight and the bias are shared inputs (parameters), every x is a per-row
array and the chain's inner nodes are used nowhere else, the whole chain is z = b + x . w; the
neurons that read the same x's in the same order form a layer, computed for all rows at once:

    Z = X @ W.T + b            forward, X is (rows, k), W is (neurons, k)
    dW = G.T @ X, db = sum(G), dX = G @ W     backward, G = dL/dZ is (rows, neurons)

The arithmetic is the chain rule of + and * summed in another order (so equal to rounding).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .record import Recording


@dataclass
class Layer:
    """Neurons reading the same inputs; the names of their sums, weights, biases and inputs."""

    index: int
    sums: list[str]  # one per neuron
    weights: list[list[str]]  # [neuron][input]
    biases: list[str | None]
    inputs: list[str]  # the x's, per-row arrays
    covers: set[str]  # every step computed by this layer (products, partial sums, sums)

    @property
    def outputs(self) -> list[str]:
        return self.sums

    def forward_lines(self, indent: str) -> list[str]:
        """Rows are the last axis: each neuron's sum comes out as one contiguous row."""
        k = self.index
        lines = [
            f"{indent}# layer {k}: {len(self.sums)} neurons b + w . x as one matrix product",
            f"{indent}XT{k} = stack([{', '.join(self.inputs)}])",
            f"{indent}W{k} = P[index_W{k}]",
            f"{indent}ZT{k} = W{k} @ XT{k}" + (f" + P[index_b{k}][:, None]" if self.biases[0] else ""),
            f"{indent}{', '.join(self.sums)}{',' if len(self.sums) == 1 else ''} = ZT{k}",
        ]
        return lines

    def backward_lines(self, indent: str, assigned: set[str], skip: set[str]) -> list[str]:
        """The layer's share of the chain rule; `skip` names inputs whose gradient is not wanted."""
        k = self.index
        upstream = ", ".join(f"g_{s}" if s in assigned else "np.zeros(batch_rows)" for s in self.sums)
        # a parameter that sits in two places (a model called twice) needs np.add.at to add both
        add = "G_params[index_{p}{k}] += {value}" if self.unique else "np.add.at(G_params, index_{p}{k}, {value})"
        lines = [
            f"{indent}# layer {k}: dW = G X^T, db = row sums of G, dX = W^T G (G = dL/dZ, one row per neuron)",
            f"{indent}GT{k} = stack([{upstream}])",
            f"{indent}" + add.format(p="W", k=k, value=f"GT{k} @ XT{k}.T"),
        ]
        if self.biases[0]:
            lines.append(f"{indent}" + add.format(p="b", k=k, value=f"GT{k}.sum(axis=1)"))
        wanted = [(i, x) for i, x in enumerate(self.inputs) if x not in skip]
        if wanted:
            lines.append(f"{indent}dXT{k} = W{k}.T @ GT{k}")
        for i, x in wanted:
            lines.append(f"{indent}g_{x} {'+=' if x in assigned else '='} dXT{k}[{i}]")
            assigned.add(x)
        return lines

    def indexes(self, position: dict[str, int]) -> dict[str, object]:
        """Where the layer's weights and biases sit in the vector of shared inputs."""
        import numpy as np

        found = {f"index_W{self.index}": np.array([[position[w] for w in row] for row in self.weights])}
        if self.biases[0]:
            found[f"index_b{self.index}"] = np.array([position[b] for b in self.biases])
        return found

    @property
    def unique(self) -> bool:
        """Every weight and bias in one place only, so += is enough."""
        names = [w for row in self.weights for w in row] + [b for b in self.biases if b]
        return len(set(names)) == len(names)


def fused_neurons(recording: Recording, batched: set[str]) -> dict[str, Layer]:
    """Layer by the name of its first sum in the tape (where its forward is written)."""
    shared = {n for n in recording.input_names() if n not in batched}
    steps = {s.name: s for s in recording.steps}
    uses = Counter(o for s in recording.steps for o in s.operands if isinstance(o, str))
    uses.update(o for o in recording.outputs if isinstance(o, str))
    rows = _rows_of(recording, batched)

    def product(name) -> tuple[str, str] | None:
        """(weight, x) when `name` is w * x with a shared w and a per-row x, used once."""
        step = steps.get(name) if isinstance(name, str) else None
        if step is None or step.op != "*" or uses[name] != 1:
            return None
        a, b = step.operands
        if a in shared and isinstance(b, str) and b in rows:
            return a, b
        if b in shared and isinstance(a, str) and a in rows:
            return b, a
        return None

    chains: dict[str, tuple[str | None, list[tuple[str, str]], set[str]]] = {}
    extended: set[str] = set()  # partial sums that a longer chain continues
    for step in recording.steps:  # in order, so a chain's lower part is known before its top
        if step.op != "+" or not isinstance(step.operands[1], str):
            continue
        left, right = step.operands
        term = product(right)
        if term is None:
            continue
        if isinstance(left, str) and left in chains and uses[left] == 1:
            bias, terms, covers = chains[left]
            chains[step.name] = (bias, [*terms, term], covers | {step.name, right})
            extended.add(left)
        elif left in shared:
            chains[step.name] = (left, [term], {step.name, right})
        elif product(left) is not None:
            chains[step.name] = (None, [product(left), term], {step.name, left, right})
    tops = [name for name in chains if name not in extended]

    groups: dict[tuple, list[str]] = {}
    for top in tops:
        bias, terms, _ = chains[top]
        groups.setdefault((bias is None, tuple(x for _, x in terms)), []).append(top)
    layers: dict[str, Layer] = {}
    order = {s.name: i for i, s in enumerate(recording.steps)}
    for number, ((_, inputs), sums) in enumerate(groups.items()):
        layer = Layer(
            index=number,
            sums=sums,
            weights=[[w for w, _ in chains[s][1]] for s in sums],
            biases=[chains[s][0] for s in sums],
            inputs=list(inputs),
            covers=set().union(*(chains[s][2] for s in sums)),
        )
        layers[min(sums, key=order.__getitem__)] = layer
    return layers


def _rows_of(recording: Recording, batched: set[str]) -> set[str]:
    """Every step that has one value per row: it depends on a per-row input."""
    rows = set(batched)
    for step in recording.steps:
        if any(isinstance(o, str) and o in rows for o in step.operands):
            rows.add(step.name)
    return rows
