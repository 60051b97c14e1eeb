"""The tapes benchmark's five ways compute the same step: the same losses, step after step.

Nothing is timed here (speed is judged by benchmarks/run.py alone)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
tapes = pytest.importorskip("tapes")


def once_each(jobs, repetitions):
    return {name: [job() for _ in range(repetitions)] for name, job in jobs.items()}


def test_every_way_takes_the_same_steps_as_the_engine():
    micrograd = pytest.importorskip("micrograd")
    import micrograd.nn  # noqa: F401  (the benchmark builds micrograd's own MLP)

    result = tapes.bench(12, 4, 3, once_each, micrograd)
    assert {tapes.ENGINE, tapes.MICROGRAD, tapes.PYTHON_TAPE} <= set(result["ways"])
    assert result["agree"]
    losses = result["ways"][tapes.ENGINE]["results"]
    assert losses[0] > losses[-1]  # three SGD steps: the loss goes down
