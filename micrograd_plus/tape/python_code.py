"""The Python backend: a recording written out as straight-line Python, compiled once.

Forward is one assignment per node. Backward walks the nodes in reverse and, for each operand,
adds local derivative x upstream gradient into the operand's gradient `g_<name>`, in the same
order as `Value.backward()`, so the results agree with the engine's to the last bit. The local
derivatives of the built-in ops are written inline with their rule as a comment; any other op
calls its function from `engine.RULES`.

Standard library only: this module must import without numpy.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from ..engine import RULES, Value
from .record import BUILT_IN, Recording, Step, constant, forward_function


def operand_text(o: str | float) -> str:
    return constant(o) if isinstance(o, float) else o


def forward_expression(step: Step) -> str:
    """The right-hand side computing one node from its operands, on floats."""
    x = [operand_text(o) for o in step.operands]
    op = step.op
    if op == "constant":
        return x[0]
    if op in ("+", "*", "/"):
        return f"{x[0]} {op} {x[1]}"  # dividing by zero raises, and the engine's message follows
    if op == "**":
        exponent = step.operands[1]
        if isinstance(exponent, float) and exponent.is_integer() and not isinstance(step.operands[0], float):
            return f"{x[0]} ** {x[1]}"  # a whole exponent of a float is always real
        return f"power({x[0]}, {x[1]})"  # checked: a negative base may need a whole exponent
    if op == "relu":
        return f"{x[0]} if {x[0]} > 0 else 0.0"
    if op == "sigmoid":  # the engine's two branches: exp never sees a large positive number
        return f"1.0 / (1.0 + exp(-{x[0]})) if {x[0]} >= 0 else exp({x[0]}) / (1.0 + exp({x[0]}))"
    if op in BUILT_IN:
        return f"{op}({x[0]})"
    return f"{op_function(op)}({', '.join(x)})"


def local_derivative(step: Step, i: int) -> tuple[str | None, str]:
    """d(node)/d(operand i) as an expression (None: it is 1), and the rule, as a comment."""
    x = [operand_text(o) for o in step.operands]
    op, out, xi = step.op, step.name, x[i]
    if op == "+":
        return None, f"d({x[0]} + {x[1]})/d{xi} = 1"
    if op == "*":
        return x[1 - i], f"d({x[0]} * {x[1]})/d{xi} = {x[1 - i]}"
    if op == "/" and i == 0:
        return f"1.0 / {x[1]}", f"d({x[0]} / {x[1]})/d{xi} = 1 / {x[1]}"
    if op == "/":
        return f"-{out} / {x[1]}", f"d({x[0]} / {x[1]})/d{xi} = -({x[0]} / {x[1]}) / {x[1]}"
    if op == "**" and i == 0 and isinstance(step.operands[1], float) and step.operands[1] >= 1:
        y = step.operands[1]  # never the rule's special cases (y = 0, or x = 0 with y < 1)
        return f"{x[1]} * {xi} ** {constant(y - 1.0)}", f"d({xi} ** y)/d{xi} = y * {xi} ** (y - 1)"
    inline = {
        "exp": (out, f"d exp({xi})/d{xi} = exp({xi})"),
        "log": (f"1.0 / {xi}", f"d log({xi})/d{xi} = 1 / {xi}"),
        "tanh": (f"(1.0 - {out} * {out})", f"d tanh({xi})/d{xi} = 1 - tanh({xi})**2"),
        "sigmoid": (f"{out} * (1.0 - {out})", f"d s({xi})/d{xi} = s({xi}) (1 - s({xi}))"),
        "relu": (f"(1.0 if {xi} > 0 else 0.0)", f"d relu({xi})/d{xi} = 1 if {xi} > 0 else 0"),
        "abs": (f"(1.0 if {xi} > 0 else -1.0 if {xi} < 0 else 0.0)", f"d |{xi}|/d{xi} = sign({xi})"),
    }
    if op in inline:
        return inline[op]
    arguments = ", ".join([out, *x])
    doc = (RULES[op][i].__doc__ or "").strip().splitlines()
    return f"{rule_function(op, i)}({arguments})", f"engine.RULES[{op!r}][{i}]" + (f": {doc[0]}" if doc else "")


def checked_power(x: float, y: float) -> float:
    """x ** y through the engine's own operation: its checks and its error messages."""
    return (Value(x) ** y).data


def op_function(op: str) -> str:
    return "forward_" + _identifier(op)


def rule_function(op: str, i: int) -> str:
    return f"rule_{_identifier(op)}_{i}"


def namespace(recording: Recording) -> dict[str, object]:
    """The names the generated Python refers to: math functions, checked power, rules."""
    names: dict[str, object] = {
        "exp": math.exp, "log": math.log, "tanh": math.tanh, "power": checked_power,
        "abs": abs, "float": float, "zip": zip,
    }
    for step in recording.steps:
        if step.op and step.op != "constant":
            for i, rule in enumerate(RULES[step.op]):
                names[rule_function(step.op, i)] = rule
            if step.op not in BUILT_IN:
                names[op_function(step.op)] = forward_function(step.op)
    return names


def backward_lines(
    recording: Recording, accumulate: set[str], indent: str, skip: frozenset[str] = frozenset()
) -> list[str]:
    """The chain rule, node by node from the output back; `accumulate` names the gradients
    that already exist (inputs) and are added to, never assigned; `skip` the inputs whose
    gradient nobody asks for."""
    steps = recording.steps
    needed = _ancestors(recording, recording.outputs[0])
    constants = {s.name for s in steps if s.op == "constant"}
    assigned = set(accumulate)
    output = str(recording.outputs[0])
    lines = [f"{indent}g_{output} {'+=' if output in assigned else '='} seed"]
    assigned.add(output)
    for step in reversed(steps):
        if not step.op or step.op == "constant" or step.name not in needed:
            continue
        for i, operand in enumerate(step.operands):
            if isinstance(operand, float) or operand in constants or operand in skip:
                continue  # a constant takes no gradient
            local, rule = local_derivative(step, i)
            term = f"g_{step.name}" if local is None else f"{local} * g_{step.name}"
            sign = "+=" if operand in assigned else "="
            assigned.add(operand)
            lines.append(f"{indent}g_{operand} {sign} {term}  # {rule}")
    return lines


def source(recording: Recording) -> str:
    """Two functions for one sample: `forward(...)` and `value_and_grad(..., seed=1.0)`."""
    parameters = _parameters(recording)
    unpack = _unpack(recording, "    ")
    forward = [f"    {s.name} = {forward_expression(s)}" for s in recording.steps if s.op]
    outputs = ", ".join(operand_text(o) for o in recording.outputs)
    inputs = recording.input_names()
    lines = [
        f"def forward({', '.join(parameters)}):",
        *unpack, *forward,
        f"    return ({outputs},)",
        "",
        "",
        f"def value_and_grad({', '.join(parameters)}, seed=1.0):",
        "    # forward: one line per node",
        *unpack, *forward,
        "    # backward: g_v is d(output)/d(v), from the output back to the inputs",
        f"    {' = '.join(f'g_{name}' for name in inputs)} = 0.0",
        *backward_lines(recording, set(inputs), "    "),
        f"    return ({outputs},), ({', '.join(f'g_{name}' for name in inputs)},)",
    ]
    return "\n".join(lines) + "\n"


def batch_source(recording: Recording, shared: tuple[int, ...]) -> list[str]:
    """`batch_value_and_grad(...)`: the shared inputs once, then every row of the others; the
    shared inputs' gradients are summed over the rows."""
    parameters = _parameters(recording)
    per_row = [i for i in range(len(parameters)) if i not in shared]
    shared_names = [n for i in shared for n in _names(recording, i)]
    row_names = [n for i in per_row for n in _names(recording, i)]
    arguments = [parameters[i] if i in shared else f"rows_{parameters[i]}" for i in range(len(parameters))]
    columns = ", ".join(f"rows_{parameters[i]}" for i in per_row)
    outputs = ", ".join(operand_text(o) for o in recording.outputs)
    lines = [f"def batch_value_and_grad({', '.join(arguments)}, seed=1.0):"]
    lines += _unpack(recording, "    ", only=shared)
    if shared_names:
        lines.append(f"    {' = '.join(f'g_{name}' for name in shared_names)} = 0.0")
    lines += [
        "    outputs = []",
        f"    for {', '.join(parameters[i] for i in per_row)}{',' if len(per_row) == 1 else ''} in zip({columns}):",
        *_unpack(recording, "        ", only=per_row),
        *[f"        {s.name} = {forward_expression(s)}" for s in recording.steps if s.op],
    ]
    lines += backward_lines(recording, set(shared_names), "        ", frozenset(row_names))
    lines += [
        f"        outputs.append(({outputs},))",
        f"    return outputs, ({', '.join(f'g_{name}' for name in shared_names)}{',' if len(shared_names) == 1 else ''})",
    ]
    return lines


def compile_source(text: str, recording: Recording) -> dict[str, Callable]:
    """Compile the generated source once; return its functions by name."""
    scope = namespace(recording)
    exec(compile(text, "<tape>", "exec"), scope)  # noqa: S102 (our own generated code, no user text)
    return {name: scope[name] for name in ("forward", "value_and_grad", "batch_value_and_grad") if name in scope}


# ---- helpers ------------------------------------------------------------------------------------


def _parameters(recording: Recording) -> list[str]:
    """One parameter per input of f: the input's name if it is a number, f's name if a list."""
    return [group if isinstance(group, str) else recording.arguments[i] for i, group in enumerate(recording.inputs)]


def _names(recording: Recording, i: int) -> tuple[str, ...]:
    group = recording.inputs[i]
    return group if isinstance(group, tuple) else (group,)


def _unpack(recording: Recording, indent: str, only=None) -> list[str]:
    lines = []
    for i, group in enumerate(recording.inputs):
        if isinstance(group, tuple) and (only is None or i in only) and group:
            trailing = "," if len(group) == 1 else ""
            lines.append(f"{indent}{', '.join(group)}{trailing} = {recording.arguments[i]}")
    return lines


def _ancestors(recording: Recording, output: str | float) -> set[str]:
    """The steps `output` depends on (itself included): only they need a gradient."""
    if isinstance(output, float):
        return set()
    by_name = {s.name: s for s in recording.steps}
    found, stack = {output}, [output]
    while stack:
        for o in by_name[stack.pop()].operands:
            if isinstance(o, str) and o not in found:
                found.add(o)
                stack.append(o)
    return found


def _identifier(op: str) -> str:
    return {"+": "add", "*": "mul", "**": "pow"}.get(op) or "".join(c if c.isalnum() else "_" for c in op)


def annotated(recording: Recording, inputs: list[float]) -> str:
    """value_and_grad's lines for scalar inputs, each run in turn and followed by its number."""
    body = source(recording).split("def value_and_grad(", 1)[1].splitlines()[1:-1]
    statements = [line.strip() for line in body if not line.strip().startswith(("#", "return"))]
    width = max(len(line.partition("  # ")[0]) for line in statements)
    scope = namespace(recording)
    scope.update(zip(recording.input_names(), inputs), seed=1.0)
    shown = [f"inputs: {', '.join(f'{n} = {x:.6g}' for n, x in zip(recording.input_names(), inputs))}"]
    for line in statements:
        statement, _, rule = line.partition("  # ")
        exec(statement, scope)  # noqa: S102 (one line of our own generated code)
        if statement.endswith("= 0.0") and statement.count("=") > 1:  # g_x = g_y = 0.0
            shown.append(statement)
            continue
        number = f"# {scope[statement.split(' ')[0]]:.6g}".ljust(14)
        shown.append(f"{statement.ljust(width)}  {number}  {rule}".rstrip())
    return "\n".join(shown)
