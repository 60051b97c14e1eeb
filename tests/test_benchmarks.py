"""The benchmark script runs end to end (in its quick mode), so it cannot rot unnoticed.

It times nothing here: speed is judged by `make bench` on its own, as ratios within one run.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_quick_benchmark_runs_and_both_engines_agree(tmp_path):
    pytest.importorskip("micrograd")
    result = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--json", str(tmp_path / "bench.json")],
        capture_output=True, text=True, check=True,
    )
    agree = next(line for line in result.stdout.splitlines() if line.startswith("- results agree:"))
    verdicts = [item.rsplit(":", 1)[1].strip(" .") for item in agree.split(": ", 1)[1].split(", ")
                if ":" in item]
    assert verdicts and set(verdicts) == {"yes"}
    saved = json.loads((tmp_path / "bench.json").read_text())
    assert saved["quick"] is True
    assert {"chain_small", "chain_large"} <= set(saved["results"])
