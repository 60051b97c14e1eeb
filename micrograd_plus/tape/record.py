"""Recording a graph as a tape: one `Step` per node, in topological order.

A step names its node (a Python identifier, from the Value's label where it has a usable one),
its operation and its operands: names of earlier steps, or float constants. Everything the
backends generate is written from this list and from `engine.RULES`, nothing else.
"""
from __future__ import annotations

import inspect
import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

from .. import engine
from ..custom_ops import FORWARD
from ..engine import RULES, Value, has_own_backward, topological_order

# The operations whose forward the backends write out inline; any other op in RULES (one added
# with define_op) is computed by its forward function, found by `forward_function`.
BUILT_IN = ("+", "*", "/", "**", "exp", "log", "tanh", "sigmoid", "relu", "abs")

# Names the generated code uses for itself; a label never takes them.
RESERVED = {"exp", "log", "tanh", "sigmoid", "power", "abs", "np", "dot", "seed", "rows", "outputs",
            "rule", "math", "float", "zip", "sign", "relu", "where", "batch_rows"}


class TapeError(Exception):
    """A graph that cannot be recorded, or a tape that no longer matches its function."""


@dataclass(frozen=True)
class Step:
    name: str  # the variable holding this node's value in the generated code
    op: str  # '' for an input
    operands: tuple[str | float, ...]  # earlier steps' names, or float constants
    label: str = ""  # the node's own label, so that a replay through the engine names it as f did

    def formula(self) -> str:
        """The step as a reader writes it: `x * w`, `tanh(v2)`, `x ** 2.0`."""
        parts = [constant(o) if isinstance(o, float) else o for o in self.operands]
        if self.op in ("+", "*", "/", "**"):
            return f"{parts[0]} {self.op} {parts[1]}"
        return f"{self.op}({', '.join(parts)})"


@dataclass(frozen=True)
class Recording:
    """A traced graph: the inputs (as given to f, nested one level), the steps and the outputs."""

    inputs: tuple[str | tuple[str, ...], ...]  # a name per scalar input, a tuple per list input
    steps: tuple[Step, ...]  # inputs first, then every operation in topological order
    outputs: tuple[str | float, ...]
    single_output: bool  # f returned one Value rather than a list
    arguments: tuple[str, ...]  # f's parameter names, one per input (argI where unknown)

    def input_names(self) -> list[str]:
        return [name for group in self.inputs for name in (group if isinstance(group, tuple) else (group,))]

    def structure(self, constants: bool = True) -> tuple:
        """Everything but the names: two recordings with equal structure replay the same code.
        With constants=False, the numbers of the constants are left out too."""
        position = {step.name: i for i, step in enumerate(self.steps)}

        def ref(o: str | float) -> Any:
            return ("constant", o if constants else None) if isinstance(o, float) else position[o]

        shapes = tuple(len(g) if isinstance(g, tuple) else None for g in self.inputs)
        steps = tuple((s.op, tuple(map(ref, s.operands))) for s in self.steps)
        return shapes, steps, tuple(map(ref, self.outputs))


def record(f, example_inputs: Sequence) -> tuple[Recording, list, list]:
    """Run f once on Values made from `example_inputs` and record its graph.

    Each example input is a number, a Value (used as it is, so a model's own parameters can be
    inputs) or a list of those. Returns the recording, the Values f was called with and the
    Values (or numbers) it returned.
    """
    if isinstance(example_inputs, (str, bytes)) or not isinstance(example_inputs, Sequence):
        raise TypeError(f"trace: example_inputs must be a list of inputs, got {example_inputs!r}")
    parameters = _parameter_names(f, len(example_inputs))
    arguments = [
        _as_input(item, f"example_inputs[{i}]", parameters[i]) for i, item in enumerate(example_inputs)
    ]
    result = f(*arguments)
    single = not isinstance(result, (list, tuple))
    results = [result] if single else list(result)
    if not results:
        raise TapeError("trace: f returned an empty list; it must return a Value or a list of Values")
    for i, r in enumerate(results):
        if not isinstance(r, (Value, Real)) or isinstance(r, bool):
            raise TypeError(f"trace: f must return Values or numbers, got {r!r} as output {i}")

    leaves = [v for a in arguments for v in (a if isinstance(a, list) else [a])]
    seen_leaves: set[Value] = set()
    for v in leaves:
        if v in seen_leaves:
            raise TapeError(f"trace: the same Value {v!r} is given as two inputs")
        seen_leaves.add(v)

    # An unlabelled node is v<its position in topological order>, as the visualizer names it.
    position = {node: i for i, node in enumerate(topological_order(results[0]))} if isinstance(results[0], Value) else {}
    names = _Namer(position)
    names.used.update(p for p, a in zip(parameters, arguments) if isinstance(a, list))
    name_of: dict[Value, str] = {v: names.new(v) for v in leaves}
    steps = [Step(name_of[v], "", (), v.label) for v in leaves]
    for r in results:
        if isinstance(r, Value):
            for node in topological_order(r):
                if node not in name_of:
                    steps.append(_step(node, name_of, names))
    outputs = tuple(name_of[r] if isinstance(r, Value) else float(r) for r in results)
    grouped = []
    for a in arguments:
        if isinstance(a, list):
            grouped.append(tuple(name_of[v] for v in a))
        else:
            grouped.append(name_of[a])
    return Recording(tuple(grouped), tuple(steps), outputs, single, tuple(parameters)), arguments, results


def forward_function(op: str):
    """The float function computing op, for an op added with define_op."""
    if op not in FORWARD:
        raise TapeError(
            f"trace: op {op!r} has derivative rules in engine.RULES but was not added with "
            f"define_op, so the tape has no forward function to compute it"
        )
    return FORWARD[op]


def constant(x: float) -> str:
    """A float as Python source (inf and nan have no literal)."""
    return repr(x) if x == x and abs(x) != float("inf") else f"float({str(x)!r})"


# ---- helpers ------------------------------------------------------------------------------------


def _as_input(item: Any, where: str, label: str, nested: bool = False) -> Value | list[Value]:
    """A Value stays itself; a number becomes a Value labelled after f's parameter."""
    if isinstance(item, Value):
        return item
    if isinstance(item, Real) and not isinstance(item, bool):
        return Value(float(item), label=label)
    if not nested and isinstance(item, Sequence) and not isinstance(item, (str, bytes)):
        return [_as_input(x, f"{where}[{j}]", f"{label}{j}", True) for j, x in enumerate(item)]  # type: ignore[misc]
    raise TypeError(f"trace: {where} must be a number, a Value or a list of them, got {item!r}")


def _parameter_names(f, count: int) -> list[str]:
    """f's positional parameter names, where they can be read and used; else arg0, arg1, ..."""
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    usable = len(names) >= count and all(
        n.isidentifier() and n not in RESERVED and not n.startswith(("g_", "rows_")) for n in names[:count]
    )
    return names[:count] if usable and len(set(names[:count])) == count else [f"arg{i}" for i in range(count)]


def _step(node: Value, name_of: dict[Value, str], names: _Namer) -> Step:
    """The step of one node; a leaf that is not an input becomes a constant."""
    children = node._children
    if not children:  # a Value made inside f (a bias start, a zero): its number is baked in
        name_of[node] = names.new(node)
        return Step(name_of[node], "constant", (node.data,), node.label)
    op = node._op
    if op not in RULES or has_own_backward(node):
        raise TapeError(
            f"trace: cannot record op {op!r}: a tape replays the rules in engine.RULES, and this "
            f"node has {'its own _backward closure' if op in RULES else 'no rule there'} (an op "
            f"written micrograd's way, with a _backward closure, works in backward() only); "
            f"add the op with define_op"
        )
    if len(children) != len(RULES[op]):
        raise TapeError(f"trace: op {op!r} has {len(children)} operands but {len(RULES[op])} rules")
    if op not in BUILT_IN:
        forward_function(op)  # fail now, at trace time, if it cannot be replayed
    operands = tuple(c if isinstance(c, float) else name_of[c] for c in children)
    name_of[node] = names.new(node)
    return Step(name_of[node], op, operands, node.label)


class _Namer:
    """Unique identifiers: a label made into one where it reads well, else v<position>."""

    def __init__(self, position: dict[Value, int]) -> None:
        self.used: set[str] = set()
        self.count = 0
        self.position = position

    def new(self, node: Value) -> str:
        name = re.sub(r"[.\[\]]", "_", node.label)
        if not name.isidentifier() or keyword.iskeyword(name) or name in RESERVED or name.startswith("g_"):
            name = f"v{self.position[node]}" if node in self.position else ""
        if not name or name in self.used:
            base = name
            while not name or name in self.used:
                self.count += 1
                name = f"{base}_{self.count}" if base else f"v{self.count}"
        self.used.add(name)
        return name
