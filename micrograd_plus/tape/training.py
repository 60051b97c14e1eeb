"""fit(..., compile=True): one training step from tapes instead of a new graph per step.

The loss of one sample, loss([model(x)], [target]), is traced once with the model's parameters
as inputs, and replayed for every sample of every batch. A target that is a class index or a
label shapes the graph (which logit is picked, which sign), so there is one tape per distinct
target: a few for classification, one per sample for regression with many distinct targets
(where compiling does not pay). The regularization penalty gets a tape of its own.

The batch loss is the mean of the samples' losses, as every loss in `losses.py` is; the first
step checks this against the engine. Each sample's backward is seeded with 1/n, exactly the
upstream gradient the engine's graph gives it, so the parameters follow uncompiled fit's
trajectory up to the order in which gradients are summed (1e-12 and closer).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..engine import Value, no_grad
from . import Tape, TapeError, trace

RECHECK_EVERY = 10  # epochs: fit(compile=True) re-traces a sample per tape in epoch 1, 11, 21, ...


class CompiledLoss:
    """loss(model(X), y) + model.regularization_loss(), its value and every parameter's grad."""

    def __init__(self, model: Any, loss: Callable, backend: str) -> None:
        self.model, self.loss, self.backend = model, loss, backend
        self.parameters: list[Value] = model.parameters()
        self.tapes: dict[Any, Tape] = {}  # one per distinct target
        self.shapes: dict[Any, int | None] = {}  # per target: the model's outputs (None: one Value)
        self.regularization = trace(lambda params: model.regularization_loss(), [self.parameters])
        self.verified = False
        self.checked_in: dict[Any, int] = {}  # per target: the last epoch its tape was re-checked

    def step(self, X: Sequence, y: Sequence, epoch: int) -> tuple[float, list]:
        """Set every parameter's .grad; return the batch's total loss and the model's outputs.

        `epoch` counts from 0. In epochs 1, 11, 21, ... each tape is re-checked once, on a
        sample of the first batch that uses it.
        """
        recheck = epoch % RECHECK_EVERY == 0
        params = [p.data for p in self.parameters]
        groups: dict[Any, list[int]] = {}
        for i, target in enumerate(y):
            groups.setdefault(_key(target), []).append(i)
        seed = 1.0 / len(X)  # d(mean)/d(one sample's loss), as in the engine's graph
        losses: list[float] = [0.0] * len(X)
        outputs: list[Any] = [None] * len(X)
        grads = [0.0] * len(params)
        for key, rows in groups.items():
            tape = self._tape(key, X[rows[0]], y[rows[0]])
            if recheck and self.checked_in.get(key) != epoch:
                tape.check(self.parameters, list(X[rows[-1]]))
                self.checked_in[key] = epoch
            results, (g,) = tape.batch_value_and_grad(params, [X[i] for i in rows], seed=seed, backend=self.backend)
            for i, result in zip(rows, results):
                losses[i] = float(result[0])
                outputs[i] = _shaped(result[1:], self.shapes[key])
            grads = [a + b for a, b in zip(grads, g)]
        regularization, (g_reg,) = self.regularization.value_and_grad(params)
        data_loss = sum(losses) * (1.0 / len(losses))  # the engine's mean: a sum, times 1/n
        if not self.verified:
            self._verify_mean(X, y, data_loss)
        for p, g, r in zip(self.parameters, grads, g_reg):
            p.grad = g + r
        return data_loss + regularization, outputs

    def _tape(self, key: Any, x: Sequence, target: Any) -> Tape:
        if key not in self.tapes:
            model, loss = self.model, self.loss

            def one_sample(params: list[Value], x: list[Value]) -> list[Value]:
                out = model(x)
                return [loss([out], [target]), *(out if isinstance(out, list) else [out])]

            self.tapes[key] = trace(one_sample, [self.parameters, list(x)])
            with no_grad():
                out = model(list(x))
            self.shapes[key] = len(out) if isinstance(out, list) else None
        return self.tapes[key]

    def _verify_mean(self, X: Sequence, y: Sequence, data_loss: float) -> None:
        with no_grad():
            expected = self.loss([self.model(x) for x in X], list(y)).data
        if not math.isclose(expected, data_loss, rel_tol=1e-9, abs_tol=1e-12):
            raise TapeError(
                f"fit(compile=True): the batch loss {expected!r} is not the mean of the samples' "
                f"losses ({data_loss!r}); a compiled fit needs a loss that averages over samples "
                f"(every loss in micrograd_plus.losses does): use compile=False"
            )
        self.verified = True


def backend_of(compile: bool | str) -> str | None:
    """compile=True means the Python backend; "numpy" the batch backend; False none."""
    if compile is False or compile is None:
        return None
    if compile is True:
        return "python"
    if compile in ("python", "numpy"):
        return compile
    raise ValueError(f"fit: compile must be True, False, 'python' or 'numpy', got {compile!r}")


def _key(target: Any) -> Any:
    return tuple(target) if isinstance(target, (list, tuple)) else target


def _shaped(values: Sequence, shape: int | None) -> Any:
    return float(values[0]) if shape is None else [float(v) for v in values]
