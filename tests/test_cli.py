"""The command line, run in-process through main() and once as a real process."""
from __future__ import annotations

import subprocess
import sys

import pytest

import micrograd_plus.engine as engine
from micrograd_plus.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_python_dash_m_prints_help():
    result = subprocess.run(
        [sys.executable, "-m", "micrograd_plus", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: micrograd-plus" in result.stdout
    assert "gradcheck" in result.stdout


def test_every_subcommand_help_has_an_example(capsys):
    for command in ["graph", "explain", "gradcheck"]:
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0
        assert f"example:\n  micrograd-plus {command} " in capsys.readouterr().out


def test_gradcheck_prints_the_report_with_the_names(capsys):
    status, out, _ = run(capsys, "gradcheck", "sigmoid(x) * log(y)", "x=0.3", "y=2")
    assert status == 0
    assert out.startswith("gradcheck passed: 2 derivatives checked")
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["x", "y"]


def test_gradcheck_exits_1_on_a_mismatch(capsys, monkeypatch):
    monkeypatch.setitem(engine.RULES, "sigmoid", (lambda out, x: out,))
    status, out, _ = run(capsys, "gradcheck", "sigmoid(x) * log(y)", "x=0.3", "y=2")
    assert status == 1
    assert out.startswith("gradcheck failed: 1 of 2")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["gradcheck", "log(y)", "y=-2"], "log: input must be > 0, got -2.0"),
        (["gradcheck", "log(y)", "y=abc"], "y: 'abc' is not a number"),
        (["gradcheck", "log(y) + z", "y=2"], "no value for z: add z=NUMBER"),
        (["gradcheck", "y.real", "y=2"], "attribute access not allowed"),
        (["gradcheck", "1 / y", "y=0"], "div: division by zero"),
    ],
)
def test_a_users_mistake_is_one_clear_message_without_traceback(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert err.startswith(f"micrograd-plus {argv[0]}: error: {message}")
    assert "Traceback" not in err and out == ""
