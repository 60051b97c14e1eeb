"""Tapes against graphs: micrograd's moons step by every way this repository can run it, and torch.

    one step = MLP(2, [16, 16, 1]) on the moons points, SVM loss + 1e-4 L2, backward, SGD update

Ways (all from the same initial weights, stepping in lockstep, so their losses must agree):
- micrograd_plus: the engine, a new graph per step;  micrograd: karpathy/micrograd 0.1.0
- python tape: one sample's loss traced once, replayed per point as generated Python
- numpy tape: the same tape replayed over all points at once (neurons as matrix products)
- torch: the same step on float64 tensors in batched PyTorch (when torch is installed)
Every way runs on one thread (torch's and numpy's BLAS are limited to one).

Scaling tables vary the number of points (10 to 10,000) and the width of the hidden layers;
a way whose step would take more than a few seconds is left out of the larger sizes ("—").
"""
from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import Any

import workloads
from workloads import Run, clock

import micrograd_plus
from micrograd_plus.nn import MLP
from micrograd_plus.tape import trace

# One thread for every way, as for torch below: numpy's BLAS otherwise starts a thread per core,
# and on a machine shared with other work its threads wait on each other (measured: a 128 x 100
# x 128 product took 33 ms with two threads on a busy 2-core machine, 0.1 ms with one).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

try:
    import numpy as np
except ModuleNotFoundError:  # the numpy tape and torch rows are left out
    np = None
try:
    import torch

    torch.set_num_threads(1)
except ModuleNotFoundError:
    torch = None

L2 = 1e-4
ENGINE, MICROGRAD = "micrograd_plus", "micrograd"
PYTHON_TAPE, NUMPY_TAPE, TORCH = "python tape", "numpy tape", "torch float64"


def initial_weights(hidden: int, seed: int = 1337) -> list[float]:
    """micrograd's initialization (w ~ U(-1, 1), b = 0) in parameter order (each neuron's
    weights, then its bias), from a seeded generator."""
    rng = random.Random(seed)
    sizes = [2, hidden, hidden, 1]
    weights = []
    for nin, nout in zip(sizes, sizes[1:]):
        for _ in range(nout):
            weights += [rng.uniform(-1, 1) for _ in range(nin)] + [0.0]
    return weights


def learning_rate(step: int) -> float:
    return 1.0 - 0.9 * step / 100  # micrograd's demo schedule


class EngineStep:
    """The step on a graph of Values, for micrograd_plus or micrograd (workloads.mlp_step)."""

    def __init__(self, value_class: type, model: Any, weights: list[float], points, labels) -> None:
        for p, w in zip(model.parameters(), weights):
            p.data = w
        self.value_class, self.model, self.points, self.labels, self.steps = value_class, model, points, labels, 0

    def __call__(self) -> Run:
        run = workloads.mlp_step(self.value_class, self.model, self.points, self.labels, self.steps)
        self.steps += 1
        return Run({"step": sum(v for k, v in run.figures.items() if k != "free")}, run.result)


class TapeStep:
    """The step from two tapes: one sample's hinge loss (per point) and the L2 penalty."""

    def __init__(self, hidden: int, weights: list[float], points, labels, backend: str) -> None:
        start = time.process_time()
        model = MLP(2, [hidden, hidden, 1], seed=0)
        self.loss = trace(lambda p, x, y: (1 + -y * model(x)).relu(), [model.parameters(), [0.0, 0.0], 1.0])
        self.penalty = trace(lambda p: L2 * sum(q * q for q in p), [model.parameters()])
        self.backend = backend
        rows_x = np.asarray(points, dtype=float) if backend == "numpy" else [list(x) for x in points]
        rows_y = np.asarray(labels, dtype=float) if backend == "numpy" else [float(y) for y in labels]
        self.rows = rows_x, rows_y
        self.loss.batch_value_and_grad(weights, rows_x[:1], rows_y[:1], backend=backend)  # compiles
        self.compile_seconds = time.process_time() - start
        self.params, self.steps = list(weights), 0

    def __call__(self) -> Run:
        start = clock()
        n = len(self.rows[1])
        losses, (grads,) = self.loss.batch_value_and_grad(self.params, *self.rows, seed=1.0 / n, backend=self.backend)
        penalty, (penalty_grads,) = self.penalty.value_and_grad(self.params)
        rows = losses.tolist() if self.backend == "numpy" else losses
        total = sum(row[0] for row in rows) * (1.0 / n) + penalty
        lr = learning_rate(self.steps)
        self.params = [p - lr * (g + h) for p, g, h in zip(self.params, grads, penalty_grads)]
        self.steps += 1
        return Run({"step": clock() - start}, total)


class TorchStep:
    """The same step on float64 tensors: the batch as matrices, autograd for backward."""

    def __init__(self, hidden: int, weights: list[float], points, labels) -> None:
        sizes, self.params, position = [2, hidden, hidden, 1], [], 0
        for nin, nout in zip(sizes, sizes[1:]):
            block = torch.tensor(weights[position : position + nout * (nin + 1)], dtype=torch.float64)
            block = block.reshape(nout, nin + 1)  # each row: a neuron's weights, then its bias
            self.params += [block[:, :nin].clone().requires_grad_(), block[:, nin].clone().requires_grad_()]
            position += nout * (nin + 1)
        self.X = torch.tensor(points, dtype=torch.float64)
        self.y = torch.tensor(labels, dtype=torch.float64)
        self.steps = 0

    def __call__(self) -> Run:
        start = clock()
        h = self.X
        for i in range(0, len(self.params), 2):
            h = h @ self.params[i].T + self.params[i + 1]
            if i < len(self.params) - 2:
                h = torch.relu(h)
        data_loss = torch.relu(1 - self.y * h[:, 0]).mean()
        total = data_loss + L2 * sum((p * p).sum() for p in self.params)
        total.backward()
        lr = learning_rate(self.steps)
        with torch.no_grad():
            for p in self.params:
                p -= lr * p.grad
                p.grad = None
        self.steps += 1
        return Run({"step": clock() - start}, total.item())


def ways(hidden: int, points: int, with_graphs: bool, micrograd_module: Any = None) -> dict[str, Callable[[], Run]]:
    """Every way to run the step at this size, each ready to step from the same weights."""
    data, labels = workloads.make_moons(points, noise=0.1, seed=0)
    weights = initial_weights(hidden)
    jobs: dict[str, Callable[[], Run]] = {}
    if with_graphs:
        jobs[ENGINE] = EngineStep(micrograd_plus.Value, MLP(2, [hidden, hidden, 1], seed=0), weights, data, labels)
    if micrograd_module is not None:
        jobs[MICROGRAD] = EngineStep(micrograd_module.engine.Value, micrograd_module.nn.MLP(2, [hidden, hidden, 1]),
                                     weights, data, labels)
    jobs[PYTHON_TAPE] = TapeStep(hidden, weights, data, labels, "python")
    if np is not None:
        jobs[NUMPY_TAPE] = TapeStep(hidden, weights, data, labels, "numpy")
    if torch is not None:
        jobs[TORCH] = TorchStep(hidden, weights, data, labels)
    return jobs


def trace_and_compile_seconds(hidden: int) -> float:
    """Trace the moons model's per-sample loss and compile its Python: what compile=True pays once."""
    start = time.process_time()
    model = MLP(2, [hidden, hidden, 1], seed=0)
    tape = trace(lambda p, x, y: (1 + -y * model(x)).relu(), [model.parameters(), [0.0, 0.0], 1.0])
    tape.batch_value_and_grad([p.data for p in model.parameters()], [[0.0, 0.0]], [1.0])
    return time.process_time() - start


def agree(summary: dict) -> bool:
    """Every way's loss at every step equals the engine's (or micrograd's) to 1e-9."""
    reference = summary.get(ENGINE) or summary.get(MICROGRAD) or summary[PYTHON_TAPE]
    return all(
        abs(a - b) <= 1e-9 * max(1.0, abs(b))
        for way in summary.values()
        for a, b in zip(way["results"], reference["results"])
    )


# ---- the benchmarks and their tables ---------------------------------------------------------------

ENGINE_LIMIT = 1_000_000  # graph nodes per step above which the graph engines are left out (seconds per step)


def _nodes_per_point(hidden: int) -> int:
    return 3 * hidden + (2 * hidden + 1) * hidden + (2 * hidden + 1) + 4  # products, sums, relus, loss


def bench(points: int, hidden: int, repetitions: int, interleaved: Callable, micrograd_module: Any = None) -> dict:
    """Median seconds per step of every way at one size; the losses each way computed."""
    with_graphs = points * _nodes_per_point(hidden) <= ENGINE_LIMIT
    jobs = ways(hidden, points, with_graphs, micrograd_module if with_graphs else None)
    runs = interleaved(jobs, repetitions)
    summary = {
        way: {"step": sorted(r.figures["step"] for r in way_runs)[len(way_runs) // 2], "results": [r.result for r in way_runs]}
        for way, way_runs in runs.items()
    }
    return {"points": points, "hidden": hidden, "ways": summary, "agree": agree(summary),
            "compile_seconds": jobs[PYTHON_TAPE].compile_seconds}


def run_tapes(moons: int, points: tuple[int, ...], widths: tuple[int, ...], repetitions: int,
              interleaved: Callable, micrograd_module: Any) -> dict:
    return {
        "moons": bench(moons, 16, repetitions, interleaved, micrograd_module),
        "trace_and_compile_seconds": min(trace_and_compile_seconds(16) for _ in range(3)),
        "by_points": [bench(n, 16, repetitions, interleaved) for n in points],
        "by_width": [bench(moons, w, repetitions, interleaved) for w in widths],
    }


WAYS = (ENGINE, MICROGRAD, PYTHON_TAPE, NUMPY_TAPE, TORCH)


def markdown(results: dict) -> str:
    moons = results["moons"]
    ways_run = moons["ways"]
    micro = ways_run.get(MICROGRAD, {}).get("step")
    torch_step = ways_run.get(TORCH, {}).get("step")
    lines = [
        f"Tapes: micrograd's moons step, MLP(2, [16, 16, 1]) on {moons['points']} points, SVM loss + 1e-4 L2, SGD",
        "",
        "| way | ms/step | micrograd ÷ way | way ÷ torch |",
        "|---|--:|--:|--:|",
    ]
    for way in WAYS:
        if way in ways_run:
            step = ways_run[way]["step"]
            lines.append(f"| {way} | {step * 1e3:.3g} | {_times(micro, step)} | {_times(step, torch_step)} |")
    lines += [
        "",
        f"- trace + compile of the moons model's loss (Python backend): {results['trace_and_compile_seconds']:.3f} s, once.",
        "- losses agree (every way, every step, 1e-9): " + ("yes" if moons["agree"] else "NO") + ".",
        "",
        _scaling("Step time (ms) against the number of points, MLP(2, [16, 16, 1])", "points", results["by_points"]),
        "",
        _scaling(f"Step time (ms) against the hidden width, MLP(2, [w, w, 1]), {moons['points']} points",
                 "hidden", results["by_width"], compile_column=True),
        "",
        "— : left out, a step would take seconds (a graph of more than "
        f"{ENGINE_LIMIT:,} nodes per step).",
    ]
    return "\n".join(lines)


def _scaling(title: str, key: str, rows: list[dict], compile_column: bool = False) -> str:
    shown = [w for w in WAYS if any(w in r["ways"] for r in rows)]
    header = f"| {key} | " + " | ".join(shown) + (" | compile (s) |" if compile_column else " |")
    lines = [title, "", header, "|" + "--:|" * (len(shown) + 1 + compile_column)]
    for r in rows:
        cells = [f"{r['ways'][w]['step'] * 1e3:.3g}" if w in r["ways"] else "—" for w in shown]
        extra = [f"{r['compile_seconds']:.2f}"] if compile_column else []
        lines.append(f"| {r[key]:,} | " + " | ".join(cells + extra) + " |")
    return "\n".join(lines)


def _times(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return "—"
    ratio = a / b
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.2g}×"


def targets(results: dict) -> list[tuple[str, float, str, float]]:
    """(what, measured, relation, bound) for the issue's targets."""
    ways_run = results["moons"]["ways"]
    found = []
    if MICROGRAD in ways_run:
        micro = ways_run[MICROGRAD]["step"]
        found.append(("moons step: micrograd ÷ python tape", micro / ways_run[PYTHON_TAPE]["step"], ">=", 150))
        if NUMPY_TAPE in ways_run:
            found.append(("moons step: micrograd ÷ numpy tape", micro / ways_run[NUMPY_TAPE]["step"], ">=", 400))
    if NUMPY_TAPE in ways_run and TORCH in ways_run:
        found.append(("moons step: numpy tape ÷ torch float64", ways_run[NUMPY_TAPE]["step"] / ways_run[TORCH]["step"], "<=", 3))
    found.append(("trace + compile of the moons model, seconds", results["trace_and_compile_seconds"], "<=", 0.2))
    return found
