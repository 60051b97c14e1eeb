"""Demo 09 (checking a hand-written numpy backward) runs in quick mode and shows a pass, the
forgotten-mean bug caught, and two backward passes checked along random upstream gradients."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "demos" / "09_check_a_handwritten_backward.py"


def test_handwritten_backward_demo_passes_the_right_ones_and_catches_the_bug(tmp_path):
    pytest.importorskip("numpy")
    runpy.run_path(str(DEMO))["main"](tmp_path, quick=True)
    text = (tmp_path / "reports.txt").read_text()
    headers = [line.split(" (")[0] for line in text.splitlines() if line.startswith("check_")]
    assert headers == [
        "check_derivative passed: 6 derivatives checked",
        "check_derivative failed: 6 of 6 derivatives checked",
        "check_vjp passed: 18 derivatives checked",
        "check_vjp passed: 18 derivatives checked",
    ]
    bug = text.split("# the same, forgetting")[1].split("# softmax backward")[0]
    rows = [line.split() for line in bug.splitlines() if line.rstrip().endswith("FAIL")]
    assert len(rows) == 6
    for row in rows:  # quick mode has 2 samples: the gradient that forgot the mean is twice too big
        analytic, numeric = float(row[2]), float(row[3])
        assert analytic == pytest.approx(2 * numeric, rel=1e-6)
