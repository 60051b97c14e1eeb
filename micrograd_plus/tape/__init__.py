"""Trace once, replay fast: a graph recorded as a tape (a Wengert list) and replayed as code.

    tape = trace(lambda x, w, b: (x * w + b).tanh(), [2.0, -0.5, 0.1])
    tape(1.0, 0.3, 0.0)                   # the output, without building a graph
    tape.value_and_grad(1.0, 0.3, 0.0)    # (output, [d/dx, d/dw, d/db]), one forward + one backward
    print(tape.source)                    # backpropagation written out as code, line by line

A tape is valid only while the graph's shape does not depend on the numbers. A Python `if` on
`.data` inside f (relu written by hand, a clip, a branch per sign) bakes in the branch taken by
the example inputs; the tape then silently computes the other inputs through that same branch.
`tape.check(*inputs)` re-traces f on new inputs and raises TapeError when the shape differs.
Values that f uses but does not receive as inputs are baked in as constants (their numbers at
trace time): pass a model's parameters as an input.

Backends: "python" (the default, standard library only) and "numpy" (`batch_value_and_grad`
over many rows at once; needs numpy, the `fast` extra).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import chain
from numbers import Real
from typing import Any

from ..engine import Value, _data, _node_of, grad
from ..numerics import as_float, finite
from . import python_code
from .record import BUILT_IN, Recording, TapeError, record

__all__ = ["trace", "Tape", "TapeError"]


def trace(f: Callable, example_inputs: Sequence) -> Tape:
    """Run f once on Values made from `example_inputs` and record the graph as a tape.

    Each example input is a number, a Value (used as it is) or a list of them; f is called with
    one argument per example input and returns a Value, or a list of Values whose first is the
    one `value_and_grad` differentiates (the others are carried along, e.g. a model's outputs).
    """
    recording, _, _ = record(f, example_inputs)
    return Tape(f, recording)


class Tape:
    """A recorded graph, replayable on new numbers. Make one with `trace`."""

    def __init__(self, f: Callable, recording: Recording) -> None:
        self.function = f
        self.recording = recording
        self.source = python_code.source(recording)
        self._compiled: dict[str, Callable] = {}  # compiled on first use: a batch replay needs none
        self._batch: dict[tuple, Callable] = {}  # (backend, shared) -> compiled batch function

    def __len__(self) -> int:
        """The number of operations recorded."""
        return sum(1 for step in self.recording.steps if step.op and step.op != "constant")

    def __repr__(self) -> str:
        inputs = ", ".join(g if isinstance(g, str) else f"[{len(g)}]" for g in self.recording.inputs)
        return f"Tape({inputs}) with {len(self)} operations"

    # ---- one sample ----------------------------------------------------------------------------

    def __call__(self, *inputs: Any) -> float | list[float]:
        """f's output(s) on new inputs (same shapes as the example inputs)."""
        flat = self._flat(inputs)
        outputs = self._run("forward", inputs, flat)
        return outputs[0] if self.recording.single_output else list(outputs)

    def value_and_grad(self, *inputs: Any, seed: float = 1.0) -> tuple[Any, list]:
        """(output(s), gradient of the first output with respect to each input).

        Gradients come shaped like the inputs: a float per number, a list per list. `seed` is
        d(final)/d(output), 1 by default (a batch mean passes 1/n, as the engine's graph would).
        """
        self._differentiable()
        flat = self._flat(inputs)
        outputs, grads = self._run("value_and_grad", inputs, flat, seed)
        value = outputs[0] if self.recording.single_output else list(outputs)
        return value, self._shaped(grads)

    # ---- many samples --------------------------------------------------------------------------

    def batch_value_and_grad(
        self, *inputs: Any, shared: Sequence[int] = (0,), seed: float = 1.0, backend: str = "python"
    ) -> tuple[list, list]:
        """f on every row at once: (outputs per row, gradients of the shared inputs summed over rows).

        The inputs whose positions are in `shared` (by default the first: a model's parameters)
        are given once; every other input is given as a list with one entry per row. The sum
        is of seed * d(first output)/d(shared input) over the rows.
        backend "python" loops over the rows in generated code; "numpy" computes each node for all
        rows at once (outputs then come as an array of shape (rows, outputs)).
        """
        self._differentiable()
        shared = tuple(sorted(set(shared)))
        groups = len(self.recording.inputs)
        if len(inputs) != groups:
            raise TypeError(f"tape: expected {groups} inputs, got {len(inputs)}")
        if not shared or any(not 0 <= i < groups for i in shared) or len(shared) == groups:
            raise ValueError(f"tape: shared must name some but not all of the {groups} inputs, got {shared}")
        rows = [inputs[i] for i in range(groups) if i not in shared]
        if len({len(r) for r in rows}) != 1:
            raise ValueError(f"tape: every per-row input needs the same number of rows, got {[len(r) for r in rows]}")
        if backend not in ("python", "numpy"):
            raise ValueError(f"tape: backend must be 'python' or 'numpy', got {backend!r}")
        for i in shared:
            _refuse_non_finite([inputs[i]] if isinstance(self.recording.inputs[i], str) else list(inputs[i]))
        if backend == "numpy":  # it checks the rows' inputs itself, with numpy
            from .numpy_code import batch_runner

            key = ("numpy", shared)
            if key not in self._batch:
                self._batch[key] = batch_runner(self.recording, shared)
            outputs, grads = self._batch[key](inputs, seed, self._explain_row)
            if not (numpy_all_finite(outputs) and all_finite(grads)):
                self._explain_batch(inputs, shared, grads)
            return outputs, self._shaped(grads, shared)
        self._refuse_non_finite_rows(inputs, shared)
        key = ("python", shared)
        if key not in self._batch:
            text = "\n".join(python_code.batch_source(self.recording, shared)) + "\n"
            self._batch[key] = python_code.compile_source(text, self.recording)["batch_value_and_grad"]
        try:
            outputs, grads = self._batch[key](*inputs, seed)
        except (ArithmeticError, ValueError, TypeError):
            self._explain_row(inputs, shared)
            raise
        if not (all(map(all_finite, outputs)) and all_finite(grads)):
            self._explain_batch(inputs, shared, grads)
        return outputs, self._shaped(grads, shared)

    # ---- validity ------------------------------------------------------------------------------

    def check(self, *example_inputs: Any) -> None:
        """Re-trace f on these inputs; raise TapeError if the graph's shape is not the recorded one.

        Shape means every operation and its operands: a different branch taken by an `if` on
        `.data` is reported. Where only constants differ (a number computed from `.data`, such as
        the max that log_softmax subtracts, or a baked-in Value that changed), the tape is still
        accepted if its outputs and gradients agree with the engine's on these inputs (1e-9).
        """
        fresh, arguments, results = record(self.function, example_inputs)
        if fresh.structure() == self.recording.structure():
            return
        if fresh.structure()[0] != self.recording.structure()[0]:
            raise TapeError("tape.check: the inputs have other shapes than the example inputs")
        only_constants = fresh.structure(constants=False) == self.recording.structure(constants=False)
        if only_constants and self._agrees_with(arguments, results):
            return
        old, new = self.recording.structure()[1], fresh.structure()[1]
        i = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        if i == len(old) or i == len(new):
            change = f"{len(old)} steps were recorded, {len(new)} now"
        else:
            change = f"step {i} was {_describe(self.recording.steps[i])}, now {_describe(fresh.steps[i])}"
        if only_constants:
            raise TapeError(
                f"tape.check: the graph's numbers depend on the inputs, and the tape's results differ "
                f"from the engine's here: {change} (a branch on .data, a number computed from .data, "
                f"or a Value that f uses but does not receive as an input); a tape of f is not valid "
                f"for these inputs"
            )
        raise TapeError(
            f"tape.check: the graph's shape depends on the numbers: {change}; a tape of f is not "
            f"valid for these inputs (trace again, or do not compile)"
        )

    # ---- helpers -------------------------------------------------------------------------------

    def _agrees_with(self, arguments: list, results: list) -> bool:
        """Does the tape give the engine's outputs and gradients at these (traced) inputs?"""
        numbers = [[v.data for v in a] if isinstance(a, list) else a.data for a in arguments]
        leaves = [v for a in arguments for v in (a if isinstance(a, list) else [a])]
        outputs, grads = self.value_and_grad(*numbers)
        expected = [r.data if isinstance(r, Value) else float(r) for r in results]
        engine_grads = grad(results[0], leaves) if isinstance(results[0], Value) else [0.0] * len(leaves)
        flat_grads = [g for group in grads for g in (group if isinstance(group, list) else [group])]
        mine = (list(outputs) if isinstance(outputs, list) else [outputs]) + flat_grads
        return all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(mine, expected + engine_grads))

    def _differentiable(self) -> None:
        if isinstance(self.recording.outputs[0], float):
            raise TapeError("tape: the first output is a constant; there is nothing to differentiate")

    def _flat(self, inputs: Sequence) -> list[float]:
        """Check the inputs against the recorded shapes; return them as one flat list."""
        groups = self.recording.inputs
        if len(inputs) != len(groups):
            raise TypeError(f"tape: expected {len(groups)} inputs, got {len(inputs)}")
        flat: list[float] = []
        for i, (given, group) in enumerate(zip(inputs, groups)):
            items = [given] if isinstance(group, str) else given
            if not isinstance(group, str):
                if not isinstance(given, Sequence) or len(given) != len(group):
                    raise ValueError(f"tape: input {i} must be a list of {len(group)} numbers, got {given!r}")
            for x in items:
                if type(x) is not float:  # the common case needs no (slow) ABC check
                    if isinstance(x, bool) or not isinstance(x, Real):
                        raise TypeError(f"tape: input {i} must be numbers, got {x!r}")
                    x = as_float(x, "Value: data")
                flat.append(x)
        _refuse_non_finite(flat)
        return flat

    def _run(self, function: str, inputs: Sequence, flat: list[float], *extra: float):
        """Replay; where the replay raises or gives a non-finite number, raise the engine's error.

        The generated code checks nothing (Python's + * / overflow to inf silently): the results
        are checked once, at the end, and only a failing sample is replayed through the engine.
        """
        if not self._compiled:
            self._compiled = python_code.compile_source(self.source, self.recording)
        backward = function == "value_and_grad"
        try:
            results = self._compiled[function](*inputs, *extra)
        except (ArithmeticError, ValueError):
            engine_replay(self.recording, flat, *extra, backward=backward)
            raise  # the engine has no error here: the tape's own is the clearest there is
        finite_results = all(map(all_finite, results)) if backward else all_finite(results)
        if not finite_results:  # results are (outputs, grads) from value_and_grad, else outputs
            engine_replay(self.recording, flat, *extra, backward=backward)
            raise TapeError(f"tape: the replay gave {results!r}, not finite, where the engine does not fail")
        return results

    def _shaped(self, flat: Sequence[float], groups: Sequence[int] | None = None) -> list:
        """Flat gradients regrouped like the inputs (all of them, or those in `groups`)."""
        result, position = [], 0
        for i in range(len(self.recording.inputs)) if groups is None else groups:
            group = self.recording.inputs[i]
            size = 1 if isinstance(group, str) else len(group)
            part = flat[position : position + size]
            result.append(part[0] if isinstance(group, str) else list(part))
            position += size
        return result

    def _explain_row(self, inputs: Sequence, shared: tuple[int, ...], first: int = 0) -> None:
        """Find the first row (from `first` on) that fails alone; raise its error, naming the row."""
        rows = len(next(inputs[i] for i in range(len(inputs)) if i not in shared))
        for row in range(first, rows):
            sample = [inputs[i] if i in shared else _plain(inputs[i][row]) for i in range(len(inputs))]
            try:
                self.value_and_grad(*sample)
            except (ArithmeticError, ValueError, TypeError) as row_error:
                raise type(row_error)(f"row {row}: {row_error}") from None

    def _refuse_non_finite_rows(self, inputs: Sequence, shared: tuple[int, ...]) -> None:
        """Value's error, naming the row, for an inf or nan among the per-row inputs."""
        for i, group in enumerate(self.recording.inputs):
            if i not in shared:
                numbers = inputs[i] if isinstance(group, str) else list(chain.from_iterable(inputs[i]))
                if not all_finite(numbers):
                    self._explain_row(inputs, shared)

    def _explain_batch(self, inputs: Sequence, shared: tuple[int, ...], grads: Sequence[float]):
        """A batch gave a non-finite number: the first row that fails alone, else the sum over
        the rows of finite gradients overflowed (the engine's backward stops at that input)."""
        self._explain_row(inputs, shared)
        names = [n for i in shared for n in _members(self.recording.inputs[i])]
        name, g = next(((n, g) for n, g in zip(names, grads) if not math.isfinite(g)), (None, None))
        if name is None:  # only numpy's order of summation can make a row's output overflow here
            raise TapeError("tape: the batch gave a number that is not finite, but no row fails alone")
        raise OverflowError(
            f"backward: the gradient of the input {name!r} is {g!r}: the sum over the rows of "
            f"their (finite) gradients exceeds the float range"
        )


def engine_replay(recording: Recording, flat: Sequence[float], seed: float = 1.0, backward: bool = True) -> None:
    """Compute the recorded graph with the engine's own Values: the forward, then (if asked)
    backward seeded with `seed`. Raises the engine's error, naming the op (and, in the
    forward, the tape step); returns when the engine finds nothing wrong."""
    values: dict[str, Value] = {
        step.name: Value(x, label=step.label) for step, x in zip(recording.steps, flat)
    }
    for step in recording.steps:
        if not step.op:
            continue
        operands = [o if isinstance(o, float) else values[o] for o in step.operands]
        try:
            values[step.name] = _engine_apply(step.op, operands)
        except (ArithmeticError, ValueError) as error:
            raise type(error)(f"{error} (at tape step {step.name} = {step.formula()})") from None
        if step.label:
            values[step.name].label = step.label
    output = recording.outputs[0]
    if backward and not isinstance(output, float):
        root = values[output]
        (root if seed == 1.0 else root * seed).backward()


def _engine_apply(op: str, operands: list) -> Value:
    """One step as the engine computes it, on Values (or a float constant where recorded)."""
    if op == "constant":
        return Value(operands[0])
    if op not in BUILT_IN:
        from .record import forward_function

        return _node_of(forward_function(op)(*[_data(o) for o in operands]), tuple(operands), op)
    if op == "+":
        return operands[0] + operands[1]
    if op == "*":
        return operands[0] * operands[1]
    if op == "/":
        return operands[0] / operands[1]
    if op == "**":
        return operands[0] ** operands[1]
    return getattr(operands[0], op)()


def all_finite(numbers: Sequence[float]) -> bool:
    """Whether every number is finite, at the cost of one sum: the sum is inf or nan when one of
    them is, and otherwise only when it is too large (then each number is tested)."""
    total = sum(numbers)
    return not total - total or all(map(math.isfinite, numbers))


def numpy_all_finite(array: Any) -> bool:
    """numpy's test, imported only where numpy is already in use."""
    import numpy as np

    return bool(np.isfinite(array).all())


def _refuse_non_finite(numbers: Sequence[float]) -> None:
    """Value's own error for the first inf or nan among `numbers`."""
    if not all_finite(numbers):
        finite(float(next(x for x in numbers if not math.isfinite(x))), "Value: data")


def _members(group: str | tuple[str, ...]) -> tuple[str, ...]:
    return (group,) if isinstance(group, str) else group


def _plain(x: Any) -> Any:
    """A numpy row as plain Python numbers (the single-sample replay takes lists and floats)."""
    return x.tolist() if hasattr(x, "tolist") else x


def _describe(step) -> str:
    if not step.op:
        return f"the input {step.name}"
    if step.op == "constant":
        return f"{step.name} = the constant {step.operands[0]!r}"
    return f"{step.name} = {step.formula()}"
