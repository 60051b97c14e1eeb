"""The batch backend: one sample's tape replayed over every row at once with numpy.

Each node that depends on a per-row input becomes an array with one entry per row; a node made
only of shared inputs (a model's parameters) stays one number. Gradients follow the same rules
as the Python backend; where an array's gradient flows into a shared number, the contributions
of all rows are summed, and a sum of products is a dot product: `g_w += dot(x, g_z)`.

A neuron, `b + w0*x0 + w1*x1 + ...`, is recognized as a whole and computed as one matrix
product for all the neurons reading the same inputs (`fuse.py`), which is where the speed is.

Bad input raises the engine's error for the first row that has it, never a numpy warning and
a nan: an input that is not finite, and the domains of the ops that the engine checks (log,
exp, /, **), are checked here on every row. An overflow (a product over 1e308) is found after
the replay, by testing the outputs and gradients: the tape then replays the rows one at a time.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from ..engine import RULES
from .python_code import _identifier, operand_text
from .record import BUILT_IN, Recording, Step, constant, forward_function


class RowError(Exception):
    """Raised by generated code: this row fails; the engine's own message is fetched for it."""

    def __init__(self, row: int) -> None:
        self.row = row


def first_bad_row(mask) -> None:
    if np.any(mask):
        raise RowError(int(np.argmax(np.broadcast_to(mask, mask.shape))))


def batch_runner(recording: Recording, shared: tuple[int, ...]) -> Callable:
    """Compile the batch code; return run(inputs, seed, explain) -> (outputs, shared grads)."""
    text, indexes = batch_source(recording, shared)
    scope = _namespace(recording)
    scope.update(indexes)
    exec(compile(text, "<tape numpy>", "exec"), scope)  # noqa: S102 (generated, no user text)
    function = scope["batch_value_and_grad"]

    def run(inputs: Sequence, seed: float, explain: Callable):
        try:
            with np.errstate(all="ignore"):  # an inf or nan is found in the results instead
                outputs, grads = function(*inputs, seed)
        except RowError as bad:
            explain(inputs, shared, bad.row)
            raise AssertionError(f"row {bad.row} fails in the batch but not alone") from None
        except (ArithmeticError, ValueError, TypeError):  # from an op added with define_op
            explain(inputs, shared)
            raise
        return outputs, grads.tolist()  # plain floats, as the engine's .grad always is

    run.source = text  # type: ignore[attr-defined]
    return run


def batch_source(recording: Recording, shared: tuple[int, ...]) -> tuple[str, dict[str, object]]:
    """The generated code, and the index arrays it reads (where each layer's weights are in P)."""
    from .fuse import fused_neurons

    names = recording.arguments
    shared_inputs = [n for i in shared for n in _members(recording, i)]
    row_inputs = [n for i in range(len(names)) if i not in shared for n in _members(recording, i)]
    position = {name: k for k, name in enumerate(shared_inputs)}
    batched = set(row_inputs)
    neurons = fused_neurons(recording, batched)  # by the name of the layer's first sum
    fused = set().union(*(layer.covers for layer in neurons.values()))
    steps = [s for s in recording.steps if s.op and s.name not in fused]
    scalars = [n for n in shared_inputs if any(n in s.operands for s in steps) or n in recording.outputs]

    lines = [
        f"def batch_value_and_grad({', '.join(names)}, seed=1.0):",
        "    # the shared inputs as one vector P; the per-row ones as one row of numbers per input",
        f"    P = shared_vector({', '.join(names[i] for i in shared)})",
    ]
    if scalars:
        lines.append("    P_list = P.tolist()")
        lines += [f"    {n} = P_list[{position[n]}]" for n in scalars]
    for i in range(len(names)):
        if i in shared:
            continue
        group = recording.inputs[i]
        if isinstance(group, str):
            lines.append(f"    {group} = asarray({names[i]}, dtype=float64)")
            lines.append(f"    first_bad_row(~isfinite({group}))  # inf and nan are refused, as by Value")
        else:
            lines.append(f"    {names[i]} = asarray({names[i]}, dtype=float64).reshape(-1, {len(group)})")
            lines.append(f"    first_bad_row(~isfinite({names[i]}).all(axis=1))  # as by Value")
            columns = f"ascontiguousarray({names[i]}.T)"
            lines.append(f"    {', '.join(group)}{',' if len(group) == 1 else ''} = {columns}")
    lines.append(f"    batch_rows = len({row_inputs[0]})")
    for step in recording.steps:
        if step.name in neurons:  # every input of the layer is computed by now
            lines += neurons[step.name].forward_lines("    ")
            batched.update(neurons[step.name].outputs)
            continue
        if not step.op or step.name in fused:
            continue
        if any(isinstance(o, str) and o in batched for o in step.operands):
            batched.add(step.name)
        lines.append(f"    {step.name} = {_forward(step)}")
        lines += [f"    {check}" for check in _forward_checks(step)]

    output = recording.outputs[0]
    outs = [f"broadcast_to({operand_text(o)}, (batch_rows,))" for o in recording.outputs]
    lines += [
        "    # backward: g_v is d(output)/d(v) per row, or its sum over the rows for a shared number",
        "    G_params = zeros(len(P))",
    ]
    assigned = set(scalars)
    if scalars:
        lines.append(f"    {' = '.join('g_' + s for s in scalars)} = 0.0")
    lines.append(f"    g_{output} = full(batch_rows, seed)" if output in batched else f"    g_{output} = seed * batch_rows")
    assigned.add(output)
    constants = {s.name for s in recording.steps if s.op == "constant"}
    needed = _ancestors(recording)
    for step in reversed(recording.steps):
        if step.name in neurons:  # reached last of its layer: every consumer's gradient is in
            lines += neurons[step.name].backward_lines("    ", assigned, set(row_inputs))
            continue
        if not step.op or step.op == "constant" or step.name not in needed or step.name in fused:
            continue
        for i, operand in enumerate(step.operands):
            if isinstance(operand, float) or operand in constants or operand in row_inputs:
                continue
            lines += [f"    {check}" for check in _backward_checks(step, i)]
            lines.append("    " + _accumulate(step, i, operand, assigned, batched))
    lines += [f"    G_params[{position[n]}] += g_{n}" for n in scalars]
    lines.append(f"    return column_stack([{', '.join(outs)}]), G_params")
    lines = _free_early(lines)
    indexes: dict[str, object] = {}
    for layer in neurons.values():
        indexes.update(layer.indexes(position))
    return "\n".join(lines) + "\n", indexes


def _free_early(lines: list[str]) -> list[str]:
    """A `del` after each array's last use: a batch of 10,000 rows holds megabytes per node, and
    keeping every node's array to the end of the function measured 4x slower (fresh memory)."""
    words = [set(re.findall(r"[A-Za-z_]\w*", line.split("#")[0])) for line in lines]
    assigned = {line.split("=")[0].strip() for line in lines[1:] if re.match(r"\s+\w+ =", line)}
    last = {name: i for i, found in enumerate(words) for name in found if name in assigned}
    ending: dict[int, list[str]] = {}
    for name, i in last.items():
        if i < len(lines) - 1:
            ending.setdefault(i, []).append(name)
    freed = []
    for i, line in enumerate(lines):
        freed.append(line)
        if i in ending and not line.rstrip().endswith(":"):
            freed.append(f"    del {', '.join(sorted(ending[i]))}")
    return freed


def _members(recording: Recording, i: int) -> tuple[str, ...]:
    group = recording.inputs[i]
    return (group,) if isinstance(group, str) else group


def _shared_vector(*groups) -> np.ndarray:
    """The shared inputs, numbers and lists of numbers, as one float vector."""
    return np.concatenate([np.asarray(g, dtype=np.float64).ravel() for g in groups])


def _forward(step: Step) -> str:
    x = [operand_text(o) for o in step.operands]
    op = step.op
    if op == "constant":
        return x[0]
    if op in ("+", "*", "/"):
        return f"{x[0]} {op} {x[1]}"
    if op == "**":
        return f"power({x[0]}, {x[1]})"
    if op == "relu":
        return f"where({x[0]} > 0, {x[0]}, 0.0)"
    if op == "sigmoid":
        return f"sigmoid({x[0]})"
    if op in BUILT_IN:
        return f"{op}({x[0]})"
    return f"rows_of(forward_{_identifier(op)}, {', '.join(x)})"


def _forward_checks(step: Step) -> list[str]:
    """The engine's domain checks, on every row: the same inputs fail, and only those."""
    x = [operand_text(o) for o in step.operands]
    if step.op == "log":
        return [f"first_bad_row({x[0]} <= 0)"]
    if step.op == "exp":
        return [f"first_bad_row(isinf({step.name}) & isfinite({x[0]}))"]
    if step.op == "/":
        return [f"first_bad_row({x[1]} == 0)"]
    if step.op == "**":
        base, exponent, out = x[0], x[1], step.name
        return [
            f"first_bad_row((({base} < 0) & (floor({exponent}) != {exponent})) | (({base} == 0) & ({exponent} < 0))"
            f" | (isinf({out}) & isfinite({base}) & isfinite({exponent})))"
        ]
    return []


def _local(step: Step, i: int) -> str | None:
    """d(node)/d(operand i) over the rows (None: it is 1)."""
    x = [operand_text(o) for o in step.operands]
    op, out, xi = step.op, step.name, x[i]
    if op == "+":
        return None
    if op == "*":
        return x[1 - i]
    if op == "/":
        return f"(1.0 / {x[1]})" if i == 0 else f"(-{out} / {x[1]})"
    if op == "**":
        y = x[1]
        if i == 0:
            if isinstance(step.operands[1], float) and step.operands[1] == 0:
                return "0.0"  # x**0 is the constant 1 (as the engine's rule)
            return f"{y} * {xi} ** ({y} - 1.0)"
        return f"where({x[0]} == 0, 0.0, {out} * log({x[0]}))"
    local = {
        "exp": out, "log": f"(1.0 / {xi})", "tanh": f"(1.0 - {out} * {out})",
        "sigmoid": f"{out} * (1.0 - {out})", "relu": f"({xi} > 0)", "abs": f"sign({xi})",
    }
    if op in local:
        return local[op]
    return f"rows_of(rule_{_identifier(op)}_{i}, {', '.join([out, *x])})"


def _backward_checks(step: Step, i: int) -> list[str]:
    """The rows where the engine's rule for ** raises (an infinite or undefined derivative)."""
    if step.op != "**":
        return []
    x, y = (operand_text(o) for o in step.operands)
    if i == 0 and not (isinstance(step.operands[1], float) and step.operands[1] >= 1):
        if isinstance(step.operands[1], float) and step.operands[1] == 0:
            return []
        return [f"first_bad_row(({x} == 0) & ({y} < 1))"]
    if i == 1:
        return [f"first_bad_row({x} < 0)"]
    return []


def _accumulate(step: Step, i: int, operand: str, assigned: set[str], batched: set[str]) -> str:
    local = _local(step, i)
    upstream = f"g_{step.name}"
    local_rows = local is not None and bool(set(re.findall(r"[A-Za-z_]\w*", local)) & batched)
    if operand in batched or step.name not in batched:
        term = upstream if local is None else f"{local} * {upstream}"
    elif local is None:
        term = f"{upstream}.sum()"
    elif local_rows:
        term = f"dot({local}, {upstream})"  # the sum over rows of a product
    else:
        term = f"{local} * {upstream}.sum()"
    sign = "+=" if operand in assigned else "="
    assigned.add(operand)
    return f"g_{operand} {sign} {term}"


def _ancestors(recording: Recording) -> set[str]:
    from .python_code import _ancestors as ancestors

    return ancestors(recording, recording.outputs[0])


def _sigmoid(x):
    """s(x) = 1 / (1 + e^-x), with exp never seeing a large positive number (as the engine)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _rows_of(function: Callable, *operands):
    """An op added with define_op, computed row by row by its float function."""
    return np.frompyfunc(function, len(operands), 1)(*operands).astype(np.float64)


def _namespace(recording: Recording) -> dict[str, object]:
    names: dict[str, object] = {
        "asarray": np.asarray, "float64": np.float64, "full": np.full, "dot": np.dot,
        "where": np.where, "power": np.power, "exp": np.exp, "log": np.log, "tanh": np.tanh,
        "abs": np.abs, "sign": np.sign, "isinf": np.isinf, "isfinite": np.isfinite,
        "floor": np.floor, "broadcast_to": np.broadcast_to, "column_stack": np.column_stack,
        "sigmoid": _sigmoid, "rows_of": _rows_of, "first_bad_row": first_bad_row, "float": float,
        "stack": np.stack, "np": np, "zeros": np.zeros, "ascontiguousarray": np.ascontiguousarray,
        "shared_vector": _shared_vector,
    }
    for step in recording.steps:
        if step.op and step.op != "constant" and step.op not in BUILT_IN:
            names[f"forward_{_identifier(step.op)}"] = forward_function(step.op)
            for i, rule in enumerate(RULES[step.op]):
                names[f"rule_{_identifier(step.op)}_{i}"] = rule
    return names


__all__ = ["batch_runner", "batch_source", "constant"]
