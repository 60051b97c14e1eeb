"""The nn demos run in their quick setting and write what they say they write."""

from __future__ import annotations

import json
import pathlib
import re
import runpy


DEMOS = pathlib.Path(__file__).resolve().parent.parent / "demos"


def run_demo(name: str, out: pathlib.Path, quick: bool = True) -> None:
    runpy.run_path(str(DEMOS / name))["main"](out, quick=quick)


def final_accuracy(printed: str) -> float:
    match = re.search(r"after \d+ steps: loss [\d.]+, accuracy (\d+)%", printed)
    assert match, printed
    return int(match.group(1)) / 100


def test_micrograd_demo_reaches_95_percent_within_30_of_its_100_steps(tmp_path, capsys):
    run_demo("03_micrograd_moons.py", tmp_path)
    printed = capsys.readouterr().out
    assert "step 0 loss" in printed and "number of parameters 337" in printed
    assert final_accuracy(printed) >= 0.95
    assert set(json.loads((tmp_path / "model.json").read_text())) >= {"L0.N0.w", "L2.N0.b"}
    if (tmp_path / "decision_boundary.png").exists():
        assert (tmp_path / "decision_boundary.png").read_bytes()[:4] == b"\x89PNG"
    else:
        assert "no picture: plotting needs matplotlib" in printed


def test_micrograd_demo_reaches_95_percent_at_full_settings(tmp_path, capsys):
    run_demo("03_micrograd_moons.py", tmp_path, quick=False)
    assert final_accuracy(capsys.readouterr().out) >= 0.95


def test_five_optimizers_demo_writes_a_table_with_one_row_per_optimizer(tmp_path, capsys):
    run_demo("04_five_optimizers.py", tmp_path)
    printed = capsys.readouterr().out
    table = (tmp_path / "optimizers.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "%" in line]
    assert [row.split("|")[1].strip() for row in rows] == [
        "SGD",
        "Momentum",
        "Adagrad",
        "RMSprop",
        "Adam",
    ]
    assert table.strip() in printed
    histories = json.loads((tmp_path / "histories.json").read_text())
    assert all(len(h["loss"]) == 5 for h in histories.values())


def test_regularization_and_kfold_demo_reports_both_experiments(tmp_path, capsys):
    run_demo("05_regularization_and_kfold.py", tmp_path)
    printed = capsys.readouterr().out
    report = (tmp_path / "report.md").read_text()
    assert "| 0 |" in report and "| 0.001 |" in report
    assert "3-fold cross-validation" in report and "Cross-validation picks weight_l2=" in report
    assert "held out" in printed
