"""The command line, run in-process through main() and once as a real process."""
from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

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
    for command in ["notes", "graph", "explain", "gradcheck", "train", "compare-optimizers"]:
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


def test_gradcheck_exits_3_when_a_derivative_cannot_be_checked_not_1(capsys):
    # exp(100) swamps y+y: the finite differences can neither confirm nor refute d/dy = -2
    status, out, _ = run(capsys, "gradcheck", "--", "-((y+y) + exp(100))", "y=1")
    assert status == 3
    assert out.startswith("gradcheck unresolved: 1 of 1 derivative could not be checked")


def test_gradcheck_help_names_every_exit_status(capsys):
    with pytest.raises(SystemExit):
        main(["gradcheck", "--help"])
    assert "exit status 1 on a mismatch, 3 when a derivative cannot be checked" in capsys.readouterr().out


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


def test_graph_prints_value_and_gradients_and_writes_svg(capsys, tmp_path):
    out = tmp_path / "neuron.svg"
    status, printed, _ = run(capsys, "graph", "tanh(x*w + b)", "x=2", "w=-0.5", "b=0.1", "--out", str(out), "--highlight", "w")
    assert status == 0
    lines = printed.splitlines()
    assert lines[0] == "tanh(x*w + b) = -0.716298"  # tanh(-0.9)
    assert lines[1:4] == ["  d/dx = -0.243459", "  d/dw = 0.973835", "  d/db = 0.486917"]  # (1 - t^2) * (w, x, 1)
    assert lines[4] == f"wrote {out}"
    svg = ET.parse(out).getroot()
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "tanh(x * w + b)" in texts and "grad 0.9738" in texts


@pytest.mark.parametrize("suffix", [".png", ".dot"])
def test_graph_picks_the_format_by_suffix(capsys, tmp_path, suffix):
    out = tmp_path / f"g{suffix}"
    assert run(capsys, "graph", "x*x", "x=3", "--out", str(out))[0] == 0
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else data.startswith(b"digraph")


def test_explain_walks_backward_in_words(capsys):
    status, printed, _ = run(capsys, "explain", "x*y + tanh(x)", "x=0.5", "y=-2")
    assert status == 0
    assert "step 2: (x * y).grad = 1.0; to x through *: local ∂(x * y)/∂x = y = -2.0" in printed
    assert "x.grad = -1.214 = -2.0 + 0.7864" in printed  # y + (1 - tanh(x)^2): two uses add up


def test_notes_prints_the_derivation_and_writes_the_pictures(capsys, tmp_path):
    status, printed, _ = run(capsys, "notes", "--out", str(tmp_path))
    assert status == 0
    assert "∂E/∂x0 = 0.5·0.08248 + (-0.5)·(-0.9917) + 2.0·0.9092 = 2.356" in printed
    assert "-log 0.7 = 0.3567;" in printed  # the notes' example, tied into the derivation
    assert "micrograd-plus notes --section NAME" in printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot", "graph.svg", "page.html", "path_E_to_w00.svg"]


def test_notes_help_says_what_the_notes_are(capsys):
    with pytest.raises(SystemExit):
        run(capsys, "notes", "--help")
    printed = " ".join(capsys.readouterr().out.split())
    assert "the study notes this project grew from" in printed
    assert "dense-layer derivation stops where softmax and cross-entropy begin" in printed


def test_notes_section_prints_one_section_and_writes_its_pictures(capsys, tmp_path):
    status, printed, _ = run(capsys, "notes", "--section", "lr-decay", "--out", str(tmp_path))
    assert status == 0
    assert "  after 100 steps the rate is 1 / (1 + 0.01·100) = 0.5" in printed.splitlines()
    assert [p.name for p in tmp_path.iterdir()] == ["lr_decay.png"]
    assert f"wrote {tmp_path / 'lr_decay.png'}" in printed


def test_notes_all_prints_every_section_in_the_notes_order(capsys, tmp_path):
    from micrograd_plus.notes import SECTIONS

    status, printed, _ = run(capsys, "notes", "--all", "--out", str(tmp_path))
    assert status == 0
    places = [printed.index(f"(micrograd-plus notes --section {name})") for name in SECTIONS]
    assert places == sorted(places)
    assert len(list(tmp_path.iterdir())) == 13  # every section's pictures


def test_notes_refuses_an_unknown_section_and_both_options(capsys):
    with pytest.raises(SystemExit) as exit_status:
        run(capsys, "notes", "--section", "tanh")
    assert exit_status.value.code == 2
    assert "invalid choice: 'tanh'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(capsys, "notes", "--section", "relu", "--all")
    assert "not allowed with argument --section" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["graph", "x*x", "x=2", "--out", "g.txt"], "--out g.txt: the name must end in .html, .svg, .png or .dot"),
        (["graph", "x*x", "x=2", "--highlight", "q"], "--highlight q: not a name in the expression"),
        (["graph", "x*x", "x=2", "--out", "/proc/forbidden/g.svg"], "cannot write /proc/forbidden"),
        (["explain", "sqrt(x)", "x=-1"], "sqrt: input must be >= 0, got -1.0"),
        (["explain", "x**0.5", "x=0"], "pow backward: the derivative of x ** 0.5 (that is sqrt x) is infinite at x = 0"),
        (["notes", "--out", "/proc/forbidden"], "cannot write /proc/forbidden"),
    ],
)
def test_drawing_mistakes_are_one_clear_message(capsys, argv, message):
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert err.startswith(f"micrograd-plus {argv[0]}: error: {message}")
    assert "Traceback" not in err


def test_a_missing_renderer_is_a_short_message_saying_how_to_get_one(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MICROGRAD_PLUS_DOT", str(tmp_path / "no-dot"))
    status, _, err = run(capsys, "graph", "x*x", "x=2", "--out", str(tmp_path / "g.svg"))
    assert status == 2
    assert err.startswith("micrograd-plus graph: error: MICROGRAD_PLUS_DOT is set to")
    assert "Fix: unset MICROGRAD_PLUS_DOT to use " in err  # graphviz-pure is installed: the first fix
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 6  # the problem, then the fixes


def test_train_reports_kfold_and_final_scores_and_writes_model_and_plots(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    status, printed, _ = run(
        capsys, "train", "--dataset", "vertical", "--epochs", "3", "--hidden", "4", "--kfold", "3", "--out", str(tmp_path)
    )
    assert status == 0
    lines = printed.splitlines()
    assert lines[0] == "vertical (150 samples, 3 classes): MLP(2, [4, 3]), adam, 3 epochs"
    assert [line.split(":")[0].strip() for line in lines[2:6]] == ["fold 1", "fold 2", "fold 3", "mean"]
    assert lines[6].startswith("training: loss ") and lines[7].startswith("validation: loss ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "decision_boundary.png", "loss_curve.png", "model.json", "scaler.json"
    ]
    from micrograd_plus.nn import MLP

    MLP(2, [4, 3], seed=0).load(tmp_path / "model.json")  # the saved model loads into the same shape
    scaling = json.loads((tmp_path / "scaler.json").read_text())
    assert scaling["feature_range"] == [-1.0, 1.0] and len(scaling["data_min"]) == 2


def test_train_on_sine_is_regression_with_a_fitted_curve(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    status, printed, _ = run(capsys, "train", "--dataset", "sine", "--epochs", "2", "--hidden", "4", "--out", str(tmp_path))
    assert status == 0
    assert "accuracy" not in printed
    assert (tmp_path / "fitted_curve.png").read_bytes()[:4] == b"\x89PNG"


def test_train_without_matplotlib_still_trains_and_says_how_to_get_plots(capsys, tmp_path, monkeypatch):
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"] + ["matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if matplotlib were not installed
    status, printed, _ = run(capsys, "train", "--dataset", "vertical", "--epochs", "1", "--out", str(tmp_path))
    assert status == 0
    assert "no plots: plotting needs matplotlib: pip install 'micrograd_plus[plot]'" in printed
    assert (tmp_path / "model.json").exists()


def test_compare_optimizers_writes_one_table_row_per_optimizer(capsys, tmp_path):
    status, printed, _ = run(capsys, "compare-optimizers", "--dataset", "vertical", "--epochs", "2", "--hidden", "4", "--out", str(tmp_path))
    assert status == 0
    table = (tmp_path / "optimizers.md").read_text()
    names = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert names == ["SGD", "Momentum", "Adagrad", "RMSprop", "Adam"]
    assert table.strip() in printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--out", "/proc/forbidden"], "cannot write /proc/forbidden"),
        (["train", "--kfold", "500"], "--kfold 500: needs 2 to 150 folds for 150 samples"),
        # the weights grow until an operation overflows: the engine names it, fit says when and why
        (["train", "--optimizer", "sgd", "--lr", "1e300"], "fit: mul: -1.5046671236728527e+298 * 4.360160822978491e+298 exceeds the float range"),
    ],
)
def test_training_mistakes_are_one_clear_message(capsys, argv, message):
    defaults = [] if "--epochs" in argv else ["--epochs", "1"]
    status, _, err = run(capsys, *argv, *defaults, "--dataset", "vertical")
    assert status == 2
    assert err.startswith(f"micrograd-plus train: error: {message}")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dataset", "nope"], "invalid choice: 'nope'"),
        (["--epochs", "0"], "'0' must be at least 1"),
        (["--hidden", "16,x"], "'16,x' is not a list of layer sizes such as 16,16"),
        (["--optimizer", "foo"], "invalid choice: 'foo'"),
        (["--lr", "-1"], "argument --lr: '-1' must be a finite number >= 0"),
        (["--l2", "nan"], "argument --l2: 'nan' must be a finite number >= 0"),
    ],
)
def test_bad_training_options_are_usage_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["train", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_gradcheck_at_the_edge_of_a_domain_says_the_nudge_left_it(capsys):
    status, out, _ = run(capsys, "gradcheck", "log(x)", "x=1e-7")
    assert status == 0 and out.startswith("gradcheck passed")  # the searched steps stay inside
    status, _, err = run(capsys, "gradcheck", "log(x)", "x=1e-7", "--eps", "1e-6")
    assert status == 2
    assert ("log: input must be > 0, got -9e-07. That is at a nudged point: gradcheck evaluates"
            " each value nudged by ±eps = 1e-06") in err
    status, out, _ = run(capsys, "gradcheck", "log(x)", "x=1e-7", "--eps", "1e-9")
    assert status == 0 and out.startswith("gradcheck passed")


@pytest.mark.parametrize(
    ("argv", "engine_message"),
    [
        (["sqrt(x)", "x=0"], "pow backward: the derivative of x ** 0.5 (that is sqrt x) is infinite at x = 0"),
        (["x/y", "x=1", "y=1e-300"], "backward: the gradient of the node 'y' with data 1e-300 is infinite: it"
                                     " exceeds the float range. It comes from '/' at (1.0, 1e-300): local"
                                     " derivative -inf times upstream gradient 1.0."),
    ],
)
def test_gradcheck_where_the_derivative_fails_at_the_point_itself_reports_the_engine_unchanged(
    capsys, argv, engine_message
):
    status, out, err = run(capsys, "gradcheck", *argv)
    assert status == 2 and out == ""
    assert err == f"micrograd-plus gradcheck: error: {engine_message}\n"  # no advice about --eps


def test_a_failing_renderer_is_one_clear_message(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MICROGRAD_PLUS_DOT", "/bin/false")
    status, _, err = run(capsys, "graph", "x*w", "x=1", "w=2", "--out", str(tmp_path / "g.svg"))
    assert status == 2
    assert err.startswith("micrograd-plus graph: error: /bin/false -Tsvg failed with exit code 1")
    assert "Traceback" not in err


def test_highlight_needs_an_output_file(capsys):
    status, _, err = run(capsys, "graph", "x*w", "x=1", "w=2", "--highlight", "w")
    assert status == 2
    assert "--highlight changes the drawing: add --out FILE to write it" in err


def test_an_expression_starting_with_minus_goes_after_double_dash(capsys):
    status, out, _ = run(capsys, "graph", "--", "-x*2", "x=1")
    assert status == 0 and out.splitlines()[:2] == ["-x*2 = -2", "  d/dx = -2"]


@pytest.mark.parametrize("command", ["graph", "explain", "gradcheck"])
@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("x*" * 330 + "x", "operations nest more than 100 deep"),
        ("-" * 329 + "x", "operations nest more than 100 deep"),
        ("x**" * 300 + "x", "operations nest more than 100 deep"),
        ("-" * 100_000 + "x", "the expression is 100,001 characters long; the limit is 1,000"),
    ],
)
def test_an_expression_too_big_is_exit_2_never_a_traceback_or_a_mismatch(capsys, command, expression, message):
    status, _, err = run(capsys, command, "--", expression, "x=0.5")
    assert status == 2  # 1 would tell a gradcheck user the derivative is wrong
    assert err.startswith(f"micrograd-plus {command}: error: {message}")
    assert "Traceback" not in err


def test_an_unexpected_failure_is_one_message_and_exit_2(capsys, monkeypatch):
    import micrograd_plus.cli as cli

    def broken(args):
        raise RuntimeError("something we did not foresee")

    monkeypatch.setattr(cli, "cmd_explain", broken)
    status, _, err = run(capsys, "explain", "x", "x=1")
    assert status == 2
    assert err == ("micrograd-plus explain: error: RuntimeError: something we did not foresee"
                   " (unexpected: please report it)\n")


def test_train_that_diverges_without_nan_is_exit_2_and_saves_nothing(capsys, tmp_path):
    status, _, err = run(capsys, "train", "--dataset", "vertical", "--optimizer", "adam", "--lr", "1e6",
                         "--epochs", "20", "--out", str(tmp_path))
    assert status == 2
    assert "training diverged at learning rate 1e+06" in err and "in epoch 2" in err
    assert not (tmp_path / "model.json").exists()


def test_ctrl_c_is_one_line_and_the_shells_status_not_a_traceback(capsys, monkeypatch):
    import micrograd_plus.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_explain", interrupted)
    status, _, err = run(capsys, "explain", "x", "x=1")
    assert (status, err) == (130, "micrograd-plus explain: interrupted\n")


def test_notes_section_without_matplotlib_prints_the_text_and_says_why_there_are_no_pictures(
        capsys, tmp_path, monkeypatch):
    from micrograd_plus.notes import pictures
    from micrograd_plus.plots import MISSING

    def no_matplotlib(*_):
        raise ModuleNotFoundError(MISSING)

    monkeypatch.setattr(pictures, "figure", no_matplotlib)
    status, printed, _ = run(capsys, "notes", "--section", "lr-decay", "--out", str(tmp_path))
    assert status == 0
    assert "after 100 steps the rate is" in printed
    assert f"no pictures: {MISSING}" in printed
    assert list(tmp_path.iterdir()) == []


def test_an_expression_starting_with_minus_points_to_double_dash_under_the_commands_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["graph", "-x*2", "x=1"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith("usage: micrograd-plus graph ")  # the subcommand's usage, not the top level's
    assert "micrograd-plus graph: error: unrecognized arguments: -x*2" in err
    assert "goes after --, as in: micrograd-plus graph -- '-x*2' x=1" in err


def test_an_expression_starting_with_minus_and_nothing_else_gets_the_same_pointer(capsys):
    with pytest.raises(SystemExit):
        main(["explain", "-x*2"])
    assert "as in: micrograd-plus explain -- '-x*2' x=1" in capsys.readouterr().err


def test_a_misspelt_option_names_the_option_meant(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["graph", "x*2", "x=1", "--ouput", "a.svg"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith("usage: micrograd-plus graph ")
    assert "  --ouput: did you mean --out?" in err
    assert "goes after --" not in err  # the slip is explained; no second guess


def test_graph_creates_the_folders_of_its_output_file(capsys, tmp_path):
    status, out, _ = run(capsys, "graph", "x*2", "x=1", "--out", str(tmp_path / "new" / "sub" / "a.svg"))
    assert status == 0
    ET.parse(tmp_path / "new" / "sub" / "a.svg")


@pytest.mark.parametrize("eps", ["0", "-1", "nan", "inf"])
def test_eps_has_one_rule_and_one_message(capsys, eps):
    with pytest.raises(SystemExit):
        main(["gradcheck", "x*x", "x=1", "--eps", eps])
    assert f"argument --eps: '{eps}' must be a finite number > 0" in capsys.readouterr().err


def test_a_reader_that_closes_the_pipe_early_stops_the_command_quietly(capsys, monkeypatch, tmp_path):
    import micrograd_plus.cli as cli

    def reader_gone(args):
        raise BrokenPipeError(32, "Broken pipe")  # what print() raises after `| head` has exited

    monkeypatch.setattr(cli, "cmd_explain", reader_gone)
    with open(tmp_path / "stdout", "w") as stdout:  # a real file descriptor, as a pipe has
        monkeypatch.setattr(sys, "stdout", stdout)
        status = main(["explain", "x", "x=1"])
    assert status == 141  # 128 + SIGPIPE, what a shell reports for `... | head`
    assert capsys.readouterr().err == ""


def test_tape_prints_forward_and_backward_lines_with_their_numbers(capsys):
    status, out, _ = run(capsys, "tape", "tanh(x*w + b)", "x=2", "w=-0.5", "b=0.1")
    assert status == 0
    lines = out.splitlines()
    assert "inputs: x = 2, w = -0.5, b = 0.1" in lines
    assert any(line.startswith("v5 = tanh(v4)") and "# -0.716298" in line for line in lines)
    # dtanh/dw = x (1 - tanh^2(xw + b)) = 2 * (1 - 0.716298^2) = 0.973835, worked by hand
    assert any(line.startswith("g_w += x * g_v3") and "# 0.973835" in line and "d(x * w)/dw = x" in line for line in lines)


def test_tape_reports_bad_input_in_one_line(capsys):
    status, out, err = run(capsys, "tape", "log(x)", "x=-1")
    assert status == 2 and out == ""
    assert err == "micrograd-plus tape: error: log: input must be > 0, got -1.0\n"
    with pytest.raises(SystemExit):
        main(["tape", "--help"])
    assert "example:\n  micrograd-plus tape " in capsys.readouterr().out


def test_train_compile_prints_the_same_results_as_plain_training(capsys, tmp_path):
    printed = {}
    for flag in ([], ["--compile"]):
        status, out, _ = run(capsys, "train", "--dataset", "moons", "--epochs", "3", "--out", str(tmp_path / "o"), *flag)
        assert status == 0
        printed[bool(flag)] = [line for line in out.splitlines() if line.startswith(("training:", "validation:"))]
    assert printed[True] == printed[False] and len(printed[True]) == 2
