"""The engine's demos run with small settings and write what they promise, so none of them rots."""
from __future__ import annotations

import runpy
from pathlib import Path

DEMOS = Path(__file__).resolve().parent.parent / "demos"


def run_demo(name: str, out: Path) -> None:
    runpy.run_path(str(DEMOS / name))["main"](out, quick=True)


def test_value_basics_demo_prints_the_hand_worked_gradients(tmp_path, capsys):
    run_demo("01_value_basics.py", tmp_path)
    text = (tmp_path / "neuron.txt").read_text()
    assert "o = tanh(x1*w1 + x2*w2 + b) = 0.7071" in text
    assert "w1         data -3.0000  grad +1.0000  a leaf" in text
    assert "x1         data +2.0000  grad -1.5000  a leaf" in text
    assert text in capsys.readouterr().out


def test_gradcheck_demo_shows_a_pass_a_kink_and_a_caught_bug(tmp_path):
    run_demo("06_gradcheck_your_function.py", tmp_path)
    text = (tmp_path / "reports.txt").read_text()
    headers = [line for line in text.splitlines() if line.startswith("gradcheck ")]
    assert [h.split(":")[0] for h in headers] == ["gradcheck passed"] * 4 + ["gradcheck failed"]
    assert "gradgradcheck passed: 6 derivatives" in text  # 2 first derivatives, 4 second
    assert "kink  not differentiable here" in text
    assert "gradcheck failed: 1 of 1 derivative" in text


def test_newton_demo_converges_to_the_rosenbrock_minimum(tmp_path):
    run_demo("07_newtons_method.py", tmp_path)
    lines = (tmp_path / "newton.txt").read_text().splitlines()
    assert lines[0].split() == ["step", "x", "y", "f(x,", "y)", "|gradient|"]
    first_f = float(lines[1].split()[3])
    assert first_f == 24.2  # f(-1.2, 1) = 2.2^2 + 100 * 0.44^2, worked by hand
    assert len(lines) == 1 + 4 + 2


def test_your_own_op_demo_adds_softplus_both_ways_and_checks_them(tmp_path):
    import micrograd_plus.engine as engine

    saved = dict(engine.RULES)
    try:
        run_demo("08_your_own_op.py", tmp_path)
    finally:  # the demo's define_op calls stay out of the other tests' rule table
        engine.RULES.clear()
        engine.RULES.update(saved)
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "x =   +0.5: softplus = 0.974077, backward gives 0.622459 (sigmoid: 0.622459)" in text
    assert "x =   +0.5: softplus' = 0.622459, softplus'' = 0.235004 (s(1 - s): 0.235004)" in text
    assert text.count("   gradcheck passed at x = -2, 0.5") == 2  # both ways
    assert "gradgradcheck passed at x = -2, 0.5" in text
    assert "second derivative refused: grad(create_graph=True): the node made by 'softplus'" in text
    assert "a wrong rule (d/dx = softplus itself): gradcheck failed" in text
    assert "∂y/∂x = softplus′(x) = 0.6225" in text
    if "wrote" in text:
        assert (tmp_path / "softplus.svg").read_text(encoding="utf-8").startswith("<?xml")
