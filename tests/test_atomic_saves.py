"""Every file written for a user is written atomically: a failure halfway leaves the old file
byte-identical and no temporary file behind.

Each test puts an old file in place, makes the final step of the write fail (the `os.replace`
that moves the finished temporary file over the target, as a full disk or a kill would), and
checks the old bytes are still there. A writer that opens the target directly never reaches
that step, so it overwrites the file and the test fails.
"""
from __future__ import annotations

import errno
import json
import os

import pytest

from micrograd_plus import Value
from micrograd_plus.cli import main
from micrograd_plus.nn import MLP

OLD = b"the previous good file\n"


@pytest.fixture
def fail_replacing(monkeypatch):
    """fail_replacing("name") makes moving a finished file onto `name` fail with ENOSPC."""
    real_replace = os.replace
    names: set[str] = set()

    def replace(source, target, **kwargs):
        if os.path.basename(target) in names:
            raise OSError(errno.ENOSPC, "No space left on device", os.fspath(target))
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return names.add


def old_file(path):
    path.write_bytes(OLD)
    return path


def assert_untouched(path):
    assert path.read_bytes() == OLD
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def neuron_graph() -> Value:
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    out = (x * w).tanh()
    out.label = "out"
    out.backward()
    return out


def test_model_save_that_fails_leaves_the_old_model(tmp_path, fail_replacing):
    target = old_file(tmp_path / "model.json")
    fail_replacing("model.json")
    with pytest.raises(OSError, match="No space left"):
        MLP(2, [3, 1], seed=0).save(target)
    assert_untouched(target)


def test_model_save_refuses_nan_and_inf_naming_the_parameter(tmp_path):
    target = old_file(tmp_path / "model.json")
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].w[1].data = float("nan")
    with pytest.raises(ValueError, match=r"parameter 'L0.N1.w\[1\]' is nan"):
        model.save(target)
    model.layers[0].neurons[1].w[1].data = 0.5
    model.layers[1].neurons[0].b.data = float("-inf")
    with pytest.raises(ValueError, match=r"parameter 'L1.N0.b' is -inf"):
        model.save(target)
    assert_untouched(target)


def test_model_save_writes_numpy_floats_as_plain_numbers(tmp_path):
    numpy = pytest.importorskip("numpy")
    model = MLP(2, [1], seed=0)
    model.layers[0].neurons[0].w[0].data = numpy.float32(0.25)  # json.dump cannot write these
    model.save(tmp_path / "model.json")
    restored = MLP(2, [1], seed=1)
    restored.load(tmp_path / "model.json")
    assert restored.layers[0].neurons[0].w[0].data == 0.25


@pytest.mark.parametrize("suffix", [".svg", ".png", ".dot"])
def test_graphview_save_that_fails_leaves_the_old_picture(tmp_path, fail_replacing, suffix):
    from micrograd_plus.viz import draw

    target = old_file(tmp_path / f"graph{suffix}")
    fail_replacing(target.name)
    with pytest.raises(OSError):
        draw(neuron_graph()).save(target)
    assert_untouched(target)


def test_save_frames_that_fails_leaves_the_old_live_page_and_frames(tmp_path, fail_replacing):
    from micrograd_plus.viz import save_frames

    page = old_file(tmp_path / "page.html")
    folder = tmp_path / "frames"
    folder.mkdir()
    frame = old_file(folder / "frame_0.svg")
    fail_replacing("page.html")
    fail_replacing("frame_0.svg")
    with pytest.raises(OSError):
        save_frames(neuron_graph(), page)
    with pytest.raises(OSError):
        save_frames(neuron_graph(), folder)
    assert_untouched(page)
    assert_untouched(frame)


def test_a_plot_that_fails_leaves_the_old_picture(tmp_path, fail_replacing):
    pytest.importorskip("matplotlib")
    from micrograd_plus.plots import plot_history

    target = old_file(tmp_path / "loss.png")
    fail_replacing("loss.png")
    with pytest.raises(OSError):
        plot_history({"run": {"loss": [1.0, 0.5], "lr": [0.1, 0.1]}}, target)
    assert_untouched(target)
    plot_history({"run": {"loss": [1.0, 0.5], "lr": [0.1, 0.1]}}, tmp_path / "fresh.png")
    assert (tmp_path / "fresh.png").read_bytes()[:4] == b"\x89PNG"  # still a real PNG


def test_notes_pictures_that_fail_leave_the_old_ones(tmp_path, fail_replacing):
    from micrograd_plus.notes import save_walkthrough

    target = old_file(tmp_path / "graph.dot")
    fail_replacing("graph.dot")
    with pytest.raises(OSError):
        save_walkthrough(tmp_path)
    assert_untouched(target)


@pytest.mark.parametrize(
    ("command", "name"),
    [("train", "scaler.json"), ("train", "model.json"), ("compare-optimizers", "optimizers.md")],
)
def test_the_command_lines_writes_that_fail_leave_the_old_files(tmp_path, fail_replacing, capsys, command, name):
    target = old_file(tmp_path / name)
    fail_replacing(name)
    status = main([command, "--dataset", "vertical", "--epochs", "1", "--hidden", "2", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"cannot write {tmp_path / name}" in err or f"cannot write {tmp_path}" in err
    assert "Traceback" not in err
    assert_untouched(target)


def test_a_saved_model_is_complete_json(tmp_path):
    MLP(2, [2, 1], seed=0).save(tmp_path / "m.json")
    state = json.loads((tmp_path / "m.json").read_text())
    assert set(state) == {"L0.N0.w", "L0.N0.b", "L0.N1.w", "L0.N1.b", "L1.N0.w", "L1.N0.b"}
