"""The workloads the benchmark times, written once for any engine with micrograd's `Value` API.

Each workload takes the engine's `Value` class (or a model built from it), runs one repetition and
returns a `Run`: the seconds spent in each phase (bytes held, for memory), and one number both
engines must agree on, so a fast wrong answer cannot pass for a fast right one.

The floor (`Bare`) is what any pure-Python engine must pay to record a graph at all: one object per
graph node, holding the node's float and two references (to its operands), made by an ordinary
constructor call. The floor workloads run the same loops as the engine workloads with each
operation replaced by the construction of one `Bare` object, and do no backward pass.
"""
from __future__ import annotations

import gc
import math
import random
import tracemalloc
from time import process_time as clock  # CPU time: other processes' load does not count
from typing import Any, NamedTuple


class Run(NamedTuple):
    figures: dict[str, float]  # phase -> seconds (bytes per node for memory), e.g. {"forward": ...}
    result: float  # a number every engine must reproduce (a gradient, a loss)


class Bare:
    """One graph node at its barest: a float and references to two operands."""

    __slots__ = ("data", "left", "right")

    def __init__(self, data: float, left: Any, right: Any) -> None:
        self.data = data
        self.left = left
        self.right = right


def _free() -> float:
    """Seconds for a full collection, which frees what reference counting could not (cycles)."""
    start = clock()
    gc.collect()
    return clock() - start


# ---- chain: y = y * 1.0001 + 0.5, n times (2n operations, each on the result of the last) ------


def _chain_graph(Value: type, n: int) -> tuple[Any, Any]:
    """The leaf x and y = (x * 1.0001 + 0.5) * 1.0001 + 0.5 ..., n times; dy/dx = 1.0001 ** n."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.5
    return x, y


def chain(Value: type, n: int) -> Run:
    start = clock()
    x, y = _chain_graph(Value, n)
    built = clock()
    y.backward()
    done = clock()
    result = x.grad  # = 1.0001 ** n
    del x, y
    dropped = clock()
    return Run(
        {"forward": built - start, "backward": done - built, "free": dropped - done + _free()},
        result,
    )


def chain_floor(n: int) -> Run:
    start = clock()
    y = Bare(1.0, None, None)
    for _ in range(n):
        y = Bare(y.data * 1.0001, y, 1.0001)
        y = Bare(y.data + 0.5, y, 0.5)
    built = clock()
    del y
    dropped = clock()
    return Run({"forward": built - start, "free": dropped - built + _free()}, math.nan)


# ---- wide: the sum of n products x_i * w_i (2n operations: n products, n additions) -------------


def wide_inputs(n: int, seed: int = 0) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)]


def wide(Value: type, pairs: list[tuple[float, float]]) -> Run:
    xs = [Value(x) for x, _ in pairs]  # the leaves exist before the clock starts
    ws = [Value(w) for _, w in pairs]
    start = clock()
    total = Value(0.0)
    for x, w in zip(xs, ws):
        total = total + x * w
    built = clock()
    total.backward()
    done = clock()
    result = sum(w.grad for w in ws)  # d(total)/d(w_i) = x_i, so this is sum(x_i)
    del total, xs, ws
    dropped = clock()
    return Run(
        {"forward": built - start, "backward": done - built, "free": dropped - done + _free()},
        result,
    )


def wide_floor(pairs: list[tuple[float, float]]) -> Run:
    xs = [Bare(x, None, None) for x, _ in pairs]
    ws = [Bare(w, None, None) for _, w in pairs]
    start = clock()
    total = Bare(0.0, None, None)
    for x, w in zip(xs, ws):
        product = Bare(x.data * w.data, x, w)
        total = Bare(total.data + product.data, total, product)
    built = clock()
    del total, xs, ws, product
    dropped = clock()
    return Run({"forward": built - start, "free": dropped - built + _free()}, math.nan)


# ---- mlp: one full-batch SGD step of micrograd's moons demo --------------------------------------


def make_moons(n: int, noise: float = 0.1, seed: int = 0) -> tuple[list[tuple[float, float]], list[int]]:
    """Two interleaved half circles, as scikit-learn's make_moons; labels are -1 and +1 (for the SVM loss)."""
    rng = random.Random(seed)
    outer, inner = n // 2, n - n // 2
    points, labels = [], []
    for i in range(outer):
        t = math.pi * i / (outer - 1)
        points.append((math.cos(t), math.sin(t)))
        labels.append(-1)
    for i in range(inner):
        t = math.pi * i / (inner - 1)
        points.append((1 - math.cos(t), 0.5 - math.sin(t)))
        labels.append(1)
    noisy = [(x + rng.gauss(0, noise), y + rng.gauss(0, noise)) for x, y in points]
    return noisy, labels


def mlp_step(Value: type, model: Any, points: list, labels: list[int], step: int) -> Run:
    """micrograd's demo step: SVM max-margin loss + 1e-4 L2, backward, SGD with its decaying rate."""
    start = clock()
    inputs = [[Value(a), Value(b)] for a, b in points]
    scores = [model(x) for x in inputs]
    losses = [(1 + -label * score).relu() for label, score in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    built = clock()
    model.zero_grad()
    total.backward()
    done = clock()
    learning_rate = 1.0 - 0.9 * step / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    updated = clock()
    result = total.data
    del inputs, scores, losses, data_loss, reg_loss, total
    dropped = clock()
    return Run(
        {
            "forward": built - start,
            "backward": done - built,
            "update": updated - done,
            "free": dropped - updated + _free(),
        },
        result,
    )


def bare_chain(n: int) -> Run:
    """The floor for a graph of n nodes of any shape: n Bare objects, each linked to the last."""
    start = clock()
    y = Bare(1.0, None, None)
    for _ in range(n):
        y = Bare(y.data * 1.0001, y, None)
    built = clock()
    del y
    dropped = clock()
    return Run({"forward": built - start, "free": dropped - built + _free()}, math.nan)


# ---- memory: bytes held per graph node, by tracemalloc ---------------------------------------------
# The graph is `chains` chains of `length` repetitions of y = y * 1.0001 + 0.5, summed: 100 chains
# of 500 make 100,100 operations. It is not one deep chain because tracemalloc walks the whole call
# stack on every allocation, which makes micrograd's recursive backward quadratic under it.


def memory(Value: type, chains: int, length: int) -> Run:
    """Bytes per operation held by the graph after forward and after backward.

    Everything the graph holds is counted: nodes, their floats and child containers, and whatever
    else an engine allocates per operation (micrograd wraps each constant in a Value, for example).
    """
    operations = chains * (2 * length + 1)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        x = Value(1.0)
        ends = []
        for _ in range(chains):
            y = x
            for _ in range(length):
                y = y * 1.0001 + 0.5
            ends.append(y)
        total = sum(ends)
        del ends, y
        forward = tracemalloc.get_traced_memory()[0] - base
        total.backward()
        backward = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    result = x.grad  # = chains * 1.0001 ** length
    del x, total
    return Run({"forward": forward / operations, "backward": backward / operations}, result)


def floor_memory(chains: int, length: int) -> Run:
    operations = chains * (2 * length + 1)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        x = Bare(1.0, None, None)
        total = Bare(0.0, None, None)
        for _ in range(chains):
            y = x
            for _ in range(length):
                y = Bare(y.data * 1.0001, y, 1.0001)
                y = Bare(y.data + 0.5, y, 0.5)
            total = Bare(total.data + y.data, total, y)
        del y
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    del x, total
    return Run({"forward": held / operations, "backward": held / operations}, math.nan)


# ---- a million operations, with the cyclic collector off: reference counting must free them ----


def million_chain(Value: type, n: int) -> Run:
    """y = y * 1.0001 + 0.5, n times, at whatever recursion limit is set; result 1.0 when the
    gradient is right and the graph was freed by reference counting alone, else 0.0."""
    import weakref

    gc.disable()
    try:
        start = clock()
        x, y = _chain_graph(Value, n)
        built = clock()
        y.backward()
        done = clock()
        right = math.isclose(x.grad, 1.0001**n, rel_tol=1e-9)
        last = weakref.ref(y)
        del y
        freed = last() is None
        dropped = clock()
    finally:
        gc.enable()
    return Run(
        {"forward": built - start, "backward": done - built, "free": dropped - done},
        float(right and freed),
    )
