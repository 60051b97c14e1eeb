"""Demo 10 runs in its quick setting: the tape's source, a compiled fit equal to the plain one, the
speed-up it measured, and tape.check catching a branch on a number."""

from __future__ import annotations

import pathlib
import re
import runpy

DEMOS = pathlib.Path(__file__).resolve().parent.parent / "demos"


def test_compile_demo_trains_the_same_model_faster_and_says_by_how_much(tmp_path, capsys):
    runpy.run_path(str(DEMOS / "10_compile_and_train.py"))["main"](tmp_path, quick=True)
    printed = capsys.readouterr().out
    assert "g_w += x * g_v3  # d(x * w)/dw = x" in printed
    losses = re.findall(r"final loss ([\d.]+)", printed)
    assert len(losses) >= 2 and len(set(losses)) == 1  # graphs and tapes end at the same loss
    difference = float(re.search(r"weights: ([\d.e+-]+)", printed).group(1))
    assert difference <= 1e-12
    assert re.search(r"speed-up measured: [\d.]+x with the Python tape", printed)
    assert "tape.check(-3.0) catches it: tape.check: the graph's numbers depend on the inputs" in printed
    assert (tmp_path / "speed.txt").read_text().startswith("training micrograd's moons model for 5 epochs")
