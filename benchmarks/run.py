"""micrograd_plus against karpathy/micrograd 0.1.0, and both against Python's floor, in one run.

    python benchmarks/run.py [--json out/bench.json] [--repetitions 7] [--quick]
    make bench

Method
- One process runs every engine, interleaved: in each repetition every engine runs once, and the
  order reverses from one repetition to the next, so no engine always meets a warmer CPU. An
  untimed warm-up round comes first.
- Same garbage-collector state for all: before each run the cyclic collector is run to empty; it
  stays enabled with Python's default thresholds, as users have it.
- Time is the CPU time of this process (time.process_time), so the load of other processes on a
  shared machine does not count; the work is single-threaded, so on an idle machine it equals
  wall-clock time.
- Each figure is the median of the repetitions (at least 5). Each run also returns a number both
  engines must agree on (a gradient, a loss); the table says whether they did.
- The floor: the same loop with each operation replaced by making one bare `__slots__` object that
  holds the node's float and references to its two operands (workloads.Bare). One object per graph
  node is the least a pure-Python engine that records a graph can allocate, and the floor does no
  backward pass at all, so "x floor" compares an engine's forward, and its forward + backward, with
  the bare cost of building the graph.
- micrograd's topological sort recurses once per node, so its deep graphs need the recursion limit
  raised (to MICROGRAD_RECURSION_LIMIT, only while micrograd runs); micrograd_plus runs at Python's
  default limit.

Prints a Markdown table (report.py; pasted into the README) and writes every sample to JSON.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import pathlib
import random
import statistics
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the engine in this checkout, whatever else is installed

import tapes  # noqa: E402  (beside this file)
import workloads  # noqa: E402
from report import FLOOR, MICROGRAD, PLUS, _target, machine, report, targets  # noqa: E402
from workloads import Run  # noqa: E402

import micrograd_plus  # noqa: E402

try:
    import micrograd.engine
    import micrograd.nn
except ModuleNotFoundError:
    sys.exit("The benchmark needs micrograd 0.1.0: pip install -e '.[bench]', or run `make bench`.")

try:  # the real nn library, once it has landed; until then an equivalent built in this folder
    from micrograd_plus.nn import MLP as PlusMLP
except ImportError:
    from small_mlp import MLP as PlusMLP  # noqa: E402

DEFAULT_RECURSION_LIMIT = sys.getrecursionlimit()
MICROGRAD_RECURSION_LIMIT = 1_000_000


class Sizes(NamedTuple):
    chains: tuple[int, ...]  # repetitions of y = y * 1.0001 + 0.5 (2 operations each)
    wide: int  # products summed
    moons: int  # points in the mlp's batch
    memory_chains: int  # chains of 1,000 operations, summed, in the graph whose memory is measured
    million: int  # repetitions of the chain run at the default recursion limit (2 operations each)
    tape_points: tuple[int, ...]  # batch sizes of the tapes' scaling table
    tape_widths: tuple[int, ...]  # hidden widths of the tapes' scaling table


FULL = Sizes(chains=(10_000, 100_000), wide=100_000, moons=100, memory_chains=100, million=500_000,
             tape_points=(10, 100, 1_000, 10_000), tape_widths=(16, 32, 64, 128))
QUICK = Sizes(chains=(1_000, 10_000), wide=10_000, moons=20, memory_chains=10, million=50_000,
              tape_points=(10, 50), tape_widths=(4, 8))


# ---- running -------------------------------------------------------------------------------------


def interleaved(jobs: dict[str, Callable[[], Run]], repetitions: int) -> dict[str, list[Run]]:
    """Every job once per repetition, in an order that reverses each time; GC emptied before each.

    A first, untimed round warms up the interpreter and the memory allocator (the first graph of
    a size in a process pays for fresh memory arenas), so every repetition sees a steady state.
    """
    runs: dict[str, list[Run]] = {name: [] for name in jobs}
    names = list(jobs)
    for repetition in range(-1, repetitions):  # -1: the warm-up round
        for name in names if repetition % 2 == 0 else reversed(names):
            gc.collect()
            run = jobs[name]()
            if repetition >= 0:
                runs[name].append(run)
    return runs


def with_raised_recursion_limit(job: Callable[..., Run], *args: Any) -> Run:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(MICROGRAD_RECURSION_LIMIT)
    try:
        return job(*args)
    finally:
        sys.setrecursionlimit(previous)


def summarize(runs: dict[str, list[Run]], divisor: float, totals: dict[str, tuple[str, ...]]) -> dict:
    """Median per phase, divided by `divisor` (operations, or 1), plus each phase's raw samples.

    `totals` adds summed phases (e.g. "forward+backward"), summed within each run before the
    median is taken.
    """
    summary: dict[str, Any] = {}
    for engine, engine_runs in runs.items():
        phases: dict[str, list[float]] = {}
        for run in engine_runs:
            for phase, figure in run.figures.items():
                phases.setdefault(phase, []).append(figure)
            for total, parts in totals.items():
                if all(part in run.figures for part in parts):
                    phases.setdefault(total, []).append(sum(run.figures[p] for p in parts))
        summary[engine] = {
            "median": {phase: statistics.median(s) / divisor for phase, s in phases.items()},
            "samples": phases,
            "results": [run.result for run in engine_runs],
        }
    return summary


def results_agree(summary: dict) -> bool:
    plus, micro = summary[PLUS]["results"], summary[MICROGRAD]["results"]
    return all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(plus, micro))


FORWARD_BACKWARD = {"forward+backward": ("forward", "backward")}


def bench_chain(n: int, repetitions: int, cyclic_gc: bool = True) -> dict:
    """y = y * 1.0001 + 0.5, n times; with cyclic_gc=False the collector is off while it runs,
    which shows how much of each engine's time the collector takes."""

    def job(workload: Callable[..., Run], *args: Any) -> Callable[[], Run]:
        if cyclic_gc:
            return lambda: workload(*args)
        return lambda: _without_cyclic_gc(workload, *args)

    runs = interleaved(
        {
            PLUS: job(workloads.chain, micrograd_plus.Value, n),
            MICROGRAD: job(with_raised_recursion_limit, workloads.chain, micrograd.engine.Value, n),
            FLOOR: job(workloads.chain_floor, n),
        },
        repetitions,
    )
    return {"operations": 2 * n, **summarize(runs, 2 * n, FORWARD_BACKWARD)}


def _without_cyclic_gc(workload: Callable[..., Run], *args: Any) -> Run:
    gc.disable()
    try:
        return workload(*args)
    finally:
        gc.enable()


def bench_wide(n: int, repetitions: int) -> dict:
    pairs = workloads.wide_inputs(n)
    runs = interleaved(
        {
            PLUS: lambda: workloads.wide(micrograd_plus.Value, pairs),
            MICROGRAD: lambda: with_raised_recursion_limit(workloads.wide, micrograd.engine.Value, pairs),
            FLOOR: lambda: workloads.wide_floor(pairs),
        },
        repetitions,
    )
    return {"operations": 2 * n, **summarize(runs, 2 * n, FORWARD_BACKWARD)}


def bench_mlp(points: int, repetitions: int) -> dict:
    """Seconds per SGD step; both models start from the same weights and train in lockstep."""
    data, labels = workloads.make_moons(points, noise=0.1, seed=0)
    micro_model = micrograd.nn.MLP(2, [16, 16, 1])
    plus_model = PlusMLP(2, [16, 16, 1])
    _same_initial_weights(micro_model, plus_model, seed=1337)
    graph_nodes = _operations_in_one_step(plus_model, data, labels)
    steps_taken = {PLUS: 0, MICROGRAD: 0}

    def step(engine: str, Value: type, model: Any) -> Run:
        run = workloads.mlp_step(Value, model, data, labels, steps_taken[engine])
        steps_taken[engine] += 1
        return run

    runs = interleaved(
        {
            PLUS: lambda: step(PLUS, micrograd_plus.Value, plus_model),
            MICROGRAD: lambda: with_raised_recursion_limit(step, MICROGRAD, micrograd.engine.Value, micro_model),
            FLOOR: lambda: workloads.bare_chain(graph_nodes),
        },
        repetitions,
    )
    totals = {**FORWARD_BACKWARD, "step": ("forward", "backward", "update")}
    return {
        "operations": graph_nodes,
        "points": points,
        "model": f"{PlusMLP.__module__}.MLP",
        **summarize(runs, 1, totals),
    }


def _same_initial_weights(micro_model: Any, plus_model: Any, seed: int) -> None:
    """micrograd's initialization (w ~ U(-1, 1), b = 0) from a local seeded generator, copied into
    both models parameter by parameter (both list a neuron's weights, then its bias)."""
    rng = random.Random(seed)
    for layer in micro_model.layers:
        for neuron in layer.neurons:
            for w in neuron.w:
                w.data = rng.uniform(-1, 1)
            neuron.b.data = 0.0
    micro_params, plus_params = micro_model.parameters(), plus_model.parameters()
    if len(micro_params) != len(plus_params):
        raise RuntimeError(f"the models differ: {len(micro_params)} vs {len(plus_params)} parameters")
    for mine, theirs in zip(plus_params, micro_params):
        mine.data = float(theirs.data)


def _operations_in_one_step(model: Any, data: list, labels: list[int]) -> int:
    """Nodes made by operations (not leaves) in the graph of one step's loss; the model is untouched."""
    inputs = [[micrograd_plus.Value(a), micrograd_plus.Value(b)] for a, b in data]
    losses = [(1 + -y * model(x)).relu() for y, x in zip(labels, inputs)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    return sum(1 for node in micrograd_plus.topological_order(total) if node._children)


def bench_memory(chains: int, repetitions: int, length: int = 500) -> dict:
    runs = interleaved(
        {
            PLUS: lambda: workloads.memory(micrograd_plus.Value, chains, length),
            MICROGRAD: lambda: with_raised_recursion_limit(workloads.memory, micrograd.engine.Value, chains, length),
            FLOOR: lambda: workloads.floor_memory(chains, length),
        },
        repetitions,
    )
    return {"operations": chains * (2 * length + 1), **summarize(runs, 1, {})}  # runs give bytes per node


def bench_million_chain(n: int, repetitions: int) -> dict:
    """micrograd_plus alone: 2n operations at the default recursion limit, freed by refcounts."""
    runs = interleaved({PLUS: lambda: workloads.million_chain(micrograd_plus.Value, n)}, repetitions)
    return {"operations": 2 * n, **summarize(runs, 2 * n, FORWARD_BACKWARD)}


def run_all(sizes: Sizes, repetitions: int) -> dict[str, dict]:
    """Every benchmark, keyed by a short id; each result has a title and a kind for the table."""
    small, large = sizes.chains
    plan: list[tuple[str, str, str, Callable[[], dict]]] = [
        ("chain_small", f"chain {small:,}", "time", lambda: bench_chain(small, repetitions)),
        ("chain_large", f"chain {large:,}", "time", lambda: bench_chain(large, repetitions)),
        ("chain_large_gc_off", f"chain {large:,}, cyclic GC off", "time",
         lambda: bench_chain(large, repetitions, cyclic_gc=False)),
        ("wide", f"wide {sizes.wide:,}", "time", lambda: bench_wide(sizes.wide, repetitions)),
        ("mlp", f"mlp step, {sizes.moons} points", "step", lambda: bench_mlp(sizes.moons, repetitions)),
        ("memory", "memory", "bytes", lambda: bench_memory(sizes.memory_chains, repetitions)),
        ("million", f"chain {sizes.million:,}, micrograd_plus alone", "time",
         lambda: bench_million_chain(sizes.million, repetitions)),
    ]
    results = {}
    for key, title, kind, bench in plan:
        print(f"running {title} ...", file=sys.stderr, flush=True)
        result = {"title": title, "kind": kind, **bench()}
        if MICROGRAD in result:
            result["results agree"] = results_agree(result)
        results[key] = result
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=pathlib.Path, default=ROOT / "out" / "bench.json",
                        help="where to write every sample (default: out/bench.json)")
    parser.add_argument("--repetitions", type=int, default=7, help="at least 5 (default 7)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check that the script runs")
    parser.add_argument("--tapes-only", action="store_true", help="only the tapes' tables (benchmarks/tapes.py)")
    args = parser.parse_args(argv)
    if args.repetitions < 5:
        parser.error("--repetitions must be at least 5: every figure is a median")

    results = {} if args.tapes_only else run_all(QUICK if args.quick else FULL, args.repetitions)
    about = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "repetitions": args.repetitions,
        "quick": args.quick,
        "gc_thresholds": gc.get_threshold(),
        "default_recursion_limit": DEFAULT_RECURSION_LIMIT,
        "micrograd_recursion_limit": MICROGRAD_RECURSION_LIMIT,
    }
    print("running tapes ...", file=sys.stderr, flush=True)
    sizes = QUICK if args.quick else FULL
    tape_results = tapes.run_tapes(sizes.moons, sizes.tape_points, sizes.tape_widths, args.repetitions,
                                   interleaved, micrograd)
    checks = [] if args.quick else [_target(*t) for t in tapes.targets(tape_results)]
    if results:
        checks = ([] if args.quick else targets(results)) + checks
        print(report(results, about, checks))
    else:
        print("\n".join(f"- {c['target']}: {c['measured']:.3g} (target {c['relation']} {c['bound']:g}): "
                        + ("met" if c["met"] else "NOT MET") for c in checks))
    print("\n" + tapes.markdown(tape_results))
    results["tapes"] = tape_results
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**about, "results": results, "targets": checks}, indent=1))
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
