"""The benchmark's report: the Markdown table, the targets and the machine, from run.py's results."""
from __future__ import annotations

import importlib.metadata
import os
import pathlib
import platform

PLUS, MICROGRAD, FLOOR = "micrograd_plus", "micrograd", "floor"

PHASES = {  # kind -> (phases shown, unit, scale from the stored figure)
    "time": (("forward", "backward", "forward+backward", "free"), "µs/op", 1e6),
    "step": (("forward", "backward", "update", "step", "free"), "ms/step", 1e3),
    "bytes": (("forward", "backward"), "bytes/node", 1.0),
}
PHASE_NAMES = {"forward": "after forward", "backward": "after backward"}  # for memory


def _floor_for(result: dict, phase: str) -> float | None:
    """The floor only builds the graph, so its build time is the floor of every total too."""
    if FLOOR not in result:
        return None
    medians = result[FLOOR]["median"]
    if phase in medians:
        return medians[phase]
    return medians["forward"] if phase in ("forward+backward", "step") else None


def _number(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}" if x >= 1000 else f"{x:.3g}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return "—"
    return f"{a / b:.1f}×" if a / b < 100 else f"{a / b:,.0f}×"


def table(results: dict[str, dict]) -> str:
    """The Markdown table: every figure, the speed-up over micrograd, and the multiples of the floor."""
    lines = [
        "| benchmark | measure | micrograd_plus | micrograd | floor "
        "| micrograd ÷ plus | plus ÷ floor | micrograd ÷ floor |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for result in results.values():
        phases, unit, scale = PHASES[result["kind"]]
        for i, phase in enumerate(phases):
            plus = result[PLUS]["median"].get(phase)
            micro = result[MICROGRAD]["median"].get(phase) if MICROGRAD in result else None
            floor = _floor_for(result, phase)
            title = f"{result['title']} ({result['operations']:,} nodes)" if i == 0 else ""
            if result["kind"] == "bytes":
                measure = f"{PHASE_NAMES[phase]}, {unit}"
            else:
                measure = f"{phase}, {unit}"
            scaled = [None if x is None else x * scale for x in (plus, micro, floor)]
            cells = [title, measure, *map(_number, scaled), _ratio(micro, plus), _ratio(plus, floor), _ratio(micro, floor)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(results: dict[str, dict]) -> list[dict]:
    """The issue's targets, measured here (never asserted by timing in the test suite)."""
    chain, mlp = results["chain_large"], results["mlp"]
    plus_chain = chain[PLUS]["median"]["forward+backward"]
    million_ok = all(results["million"][PLUS]["results"])
    return [
        _target(f"{chain['title']}, forward+backward: micrograd ÷ plus",
                chain[MICROGRAD]["median"]["forward+backward"] / plus_chain, ">=", 10),
        _target(f"{chain['title']}, forward+backward: plus ÷ floor",
                plus_chain / chain[FLOOR]["median"]["forward"], "<=", 3),
        _target("mlp step: micrograd ÷ plus", mlp[MICROGRAD]["median"]["step"] / mlp[PLUS]["median"]["step"], ">=", 8),
        _target("memory, bytes per node after backward", results["memory"][PLUS]["median"]["backward"], "<=", 250),
        _target(f"{results['million']['title']}: right gradient, default recursion limit, "
                "freed by reference counting (1 = yes)", float(million_ok), ">=", 1),
    ]


def _target(what: str, measured: float, relation: str, bound: float) -> dict:
    met = measured >= bound if relation == ">=" else measured <= bound
    return {"target": what, "measured": measured, "relation": relation, "bound": bound, "met": met}


def machine() -> dict:
    """What ran the benchmark: CPU, cores, OS, Python and both engines' versions."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "micrograd_plus": _version("micrograd_plus"),
        "micrograd": _version("micrograd"),
    }


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def report(results: dict[str, dict], about: dict, checks: list[dict]) -> str:
    """The whole printout: machine and date, the table, its footnotes, and the targets."""
    m = about["machine"]
    lines = [
        f"{m['cpu']}, {m['cores']} cores, {m['python']}, {m['platform']}; {about['date']}; "
        f"median of {about['repetitions']} interleaved repetitions; micrograd {m['micrograd']}.",
        "",
        table(results),
        "",
        f"- micrograd ran with the recursion limit raised to {about['micrograd_recursion_limit']:,} "
        "(its topological sort recurses once per node); micrograd_plus ran at Python's default of "
        f"{about['default_recursion_limit']:,}.",
        "- floor: the same loop making one bare `__slots__` object (a float and two references) per "
        "graph node, and no backward pass; its build time is the floor for every total.",
        f"- mlp: MLP(2, [16, 16, 1]) on {results['mlp']['points']} moons points, SVM loss + 1e-4 L2, "
        f"full-batch SGD; micrograd_plus model: `{results['mlp']['model']}`.",
        "- results agree: " + ", ".join(
            f"{r['title']}: {'yes' if r['results agree'] else 'NO'}" for r in results.values() if "results agree" in r
        ) + ".",
        "",
        "Targets:" if checks else "Targets: not checked in a --quick run (they are for the full sizes).",
    ]
    for check in checks:
        lines.append(
            f"- {check['target']}: {check['measured']:.3g} (target {check['relation']} {check['bound']:g}): "
            + ("met" if check["met"] else "NOT MET")
        )
    return "\n".join(lines)
