"""Demo 11 (real data): the quick run writes what it says, and the accuracy figures it reports
hold: iris 5-fold cross-validation >= 93% (at full settings even in quick mode) and digits on a
held-out 20% >= 95% (full settings)."""

from __future__ import annotations

import pathlib
import re
import runpy

DEMO = pathlib.Path(__file__).resolve().parent.parent / "demos" / "11_real_data.py"


def run_demo(out: pathlib.Path, quick: bool) -> None:
    runpy.run_path(str(DEMO))["main"](out, quick=quick)


def percent(pattern: str, printed: str) -> float:
    match = re.search(pattern + r" ([\d.]+)%", printed)
    assert match, printed
    return float(match.group(1)) / 100


def test_quick_demo_cross_validates_iris_above_93_percent_and_draws_the_digits(tmp_path, capsys):
    run_demo(tmp_path, quick=True)
    printed = capsys.readouterr().out
    assert percent("iris 5-fold cross-validation: mean validation accuracy", printed) >= 0.93
    assert "digits: 300 images to train on, 360 held out" in printed
    report = (tmp_path / "report.md").read_text()
    assert "iris 5-fold cross-validation" in report and "digits held-out test accuracy" in report
    assert re.search(r"misread: \d+ of 360 test digits", report)
    if (tmp_path / "confusion_matrix.png").exists():
        for picture in ("confusion_matrix.png", "misread_digits.png"):
            assert (tmp_path / picture).read_bytes()[:4] == b"\x89PNG"
    else:
        assert "no pictures: plotting needs matplotlib" in printed


def test_digits_reach_95_percent_on_the_held_out_fifth_at_full_settings(tmp_path, capsys):
    run_demo(tmp_path, quick=False)
    printed = capsys.readouterr().out
    assert percent("digits held-out test accuracy", printed) >= 0.95
    if "to_torch:" in printed:  # torch installed: the exported model gives the same outputs
        gap = float(re.search(r"largest output difference on the test set ([\d.e+-]+)", printed).group(1))
        assert gap <= 1e-12
