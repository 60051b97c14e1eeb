"""Training: fit's history and steps, determinism, the progress bar, accuracy and predict."""

from __future__ import annotations

import io
import sys

import pytest

from micrograd_plus import Value
from micrograd_plus.data import sine_data, vertical_data
from micrograd_plus.nn import (
    MLP,
    SGD,
    Adam,
    accuracy,
    cross_entropy,
    fit,
    hinge_loss,
    mse_loss,
    predict,
)


@pytest.fixture(scope="module")
def blobs():
    return vertical_data(8, 3, seed=0)  # 24 samples, 3 classes


def train(blobs, seed: int = 0, **kwargs):
    X, y = blobs
    model = MLP(2, [6, 3], seed=seed)
    optimizer = Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, optimizer=optimizer, **{"epochs": 15, "progress": False, **kwargs})
    return model, optimizer, history


def test_fit_records_loss_accuracy_and_lr_per_epoch_and_learns(blobs):
    _, optimizer, history = train(blobs, epochs=30)
    assert set(history) == {"loss", "accuracy", "lr"}
    assert all(len(series) == 30 for series in history.values())
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] >= 0.9
    assert history["lr"] == [0.05] * 30 and optimizer.iterations == 30


def test_first_epoch_loss_is_the_data_loss_plus_penalty_of_the_initial_model(blobs):
    X, y = blobs
    untrained = MLP(2, [6, 3], weight_l2=0.01, seed=0)
    expected = (
        cross_entropy([untrained(x) for x in X], y).data + untrained.regularization_loss().data
    )
    model = MLP(2, [6, 3], weight_l2=0.01, seed=0)
    history = fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    assert history["loss"] == [expected]


def test_mini_batches_take_one_step_each_and_history_tracks_the_decayed_rate(blobs):
    X, y = blobs
    model = MLP(2, [6, 3], seed=0)
    optimizer = SGD(model.parameters(), lr=0.5, decay=0.1)
    history = fit(model, X, y, optimizer=optimizer, epochs=3, batch_size=10, progress=False)
    assert optimizer.iterations == 3 * 3  # batches of 10, 10, 4
    # after epoch e the last step was step 3e, which used lr / (1 + decay * (3e - 1))
    assert history["lr"] == pytest.approx([0.5 / (1 + 0.1 * (3 * e - 1)) for e in (1, 2, 3)])


def test_validation_adds_val_loss_and_val_accuracy(blobs):
    X, y = blobs
    _, _, history = train(blobs, epochs=4, validation=(X[:6], y[:6]))
    assert len(history["val_loss"]) == len(history["val_accuracy"]) == 4


def test_seeded_training_is_bit_identical_twice(blobs):
    model_a, _, history_a = train(blobs, seed=3, batch_size=5, epochs=8)
    model_b, _, history_b = train(blobs, seed=3, batch_size=5, epochs=8)
    assert history_a == history_b
    assert model_a.state_dict() == model_b.state_dict()


def test_a_different_shuffle_seed_gives_a_different_run(blobs):
    X, y = blobs
    runs = []
    for shuffle_seed in (0, 1):
        model = MLP(2, [6, 3], seed=0)
        optimizer = SGD(model.parameters(), lr=0.3)
        history = fit(
            model,
            X,
            y,
            optimizer=optimizer,
            epochs=3,
            batch_size=5,
            seed=shuffle_seed,
            progress=False,
        )
        runs.append(history)
    assert runs[0]["loss"] != runs[1]["loss"]


def test_regression_with_mse_and_no_metric():
    X, y = sine_data(20)
    model = MLP(1, [8, 8, 1], activation="tanh", seed=1)
    optimizer = Adam(model.parameters(), lr=0.05)
    history = fit(
        model, X, y, loss=mse_loss, optimizer=optimizer, epochs=60, metric=None, progress=False
    )
    assert set(history) == {"loss", "lr"}
    assert history["loss"][-1] < 0.25 * history["loss"][0]


def test_fit_with_micrograds_hinge_loss_on_plus_minus_one_labels(blobs):
    X, y = blobs
    signs = [1 if label == 2 else -1 for label in y]
    model = MLP(2, [6, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.5)
    history = fit(model, X, signs, loss=hinge_loss, optimizer=optimizer, epochs=30, progress=False)
    assert history["accuracy"][-1] >= 0.9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(epochs=0), "epochs must be a positive int, got 0"),
        (dict(epochs=2, batch_size=0), "batch_size must be a positive int or None, got 0"),
    ],
)
def test_fit_rejects_bad_settings(blobs, kwargs, message):
    X, y = blobs
    model = MLP(2, [3], seed=0)
    with pytest.raises(ValueError, match=message):
        fit(model, X, y, optimizer=SGD(model.parameters()), progress=False, **kwargs)
    with pytest.raises(ValueError, match="fit: X has 24 samples but y has 23"):
        fit(model, X, y[:-1], optimizer=SGD(model.parameters()), epochs=1)


# ---- the progress bar ---------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_loss_and_accuracy_on_a_terminal(blobs, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    train(blobs, epochs=3, progress=True)
    shown = terminal.getvalue()
    assert "3/3" in shown and "loss=" in shown and "acc=" in shown


def test_progress_bar_is_silent_when_not_on_a_terminal_or_when_turned_off(blobs, monkeypatch):
    pipe = io.StringIO()  # isatty() is False, as for a log file or CI
    monkeypatch.setattr(sys, "stderr", pipe)
    train(blobs, epochs=2, progress=True)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    train(blobs, epochs=2, progress=False)
    assert pipe.getvalue() == "" and terminal.getvalue() == ""


# ---- accuracy and predict -----------------------------------------------------------------------


def test_accuracy_takes_the_argmax_of_several_outputs():
    outputs = [[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [Value(0.0), Value(0.5), Value(1.0)]]
    assert accuracy(outputs, [1, 1, 2]) == pytest.approx(2 / 3)
    assert accuracy(outputs, [[0, 1, 0], [1, 0, 0], [0, 0, 1]]) == 1.0


def test_accuracy_of_one_output_compares_signs_for_either_label_convention():
    scores = [1.5, -0.2, 0.3, -4.0]
    assert accuracy(scores, [1, -1, -1, -1]) == 0.75
    assert accuracy(scores, [1, 0, 0, 0]) == 0.75
    assert accuracy([0.7, 0.4], [1, 0], threshold=0.5) == 1.0


def test_accuracy_rejects_labels_it_cannot_interpret():
    with pytest.raises(ValueError, match="binary target must be -1, 0 or 1, got 0.37"):
        accuracy([0.2], [0.37])
    with pytest.raises(ValueError, match="class index below 3, got 3"):
        accuracy([[0.0, 1.0, 2.0]], [3])


def test_predict_returns_plain_floats_without_a_graph():
    model = MLP(2, [4, 3], seed=0)
    outputs = predict(model, [[0.5, -0.5], [1.0, 2.0]])
    assert all(isinstance(x, float) for row in outputs for x in row) and len(outputs) == 2
    assert outputs[0] == [v.data for v in model([0.5, -0.5])]
    assert isinstance(predict(MLP(2, [1], seed=0), [[0.0, 1.0]])[0], float)


# ---- pictures of training (micrograd_plus.plots, optional) ----------------------------------------


def test_each_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    from micrograd_plus.plots import plot_decision_boundary, plot_fitted_curve, plot_history

    X, y = vertical_data(5, 3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    history = fit(
        model,
        X,
        y,
        optimizer=Adam(model.parameters(), lr=0.05),
        epochs=3,
        validation=(X, y),
        progress=False,
    )
    X_sine, y_sine = sine_data(10)
    written = [
        plot_history({"Adam": history}, tmp_path / "history.png"),
        plot_history({"mse": {"loss": [1.0, 0.5], "lr": [0.1, 0.1]}}, tmp_path / "loss.png"),
        plot_decision_boundary(model, X, y, tmp_path / "classes.png", resolution=8),
        plot_decision_boundary(
            MLP(2, [1], seed=0), X, [1, -1] * 7 + [1], tmp_path / "signs.png", resolution=8
        ),
        plot_fitted_curve(MLP(1, [3, 1], seed=0), X_sine, y_sine, tmp_path / "sine.png"),
    ]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def drawn_history(monkeypatch, histories):
    """The matplotlib Figure plot_history draws for `histories`, kept instead of saved."""
    pytest.importorskip("matplotlib")
    from micrograd_plus import plots

    kept = []
    monkeypatch.setattr(plots, "_save", lambda figure, path: kept.append(figure))
    plots.plot_history(histories, "unused.png")
    kept[0].canvas.draw()  # lay out, so tick labels exist
    return kept[0]


def a_history(start, stop, epochs=20):
    step = (stop / start) ** (1 / (epochs - 1))
    loss = [start * step**k for k in range(epochs)]
    return {"loss": loss, "accuracy": [0.5] * epochs, "val_loss": loss, "val_accuracy": [0.4] * epochs}


def test_one_training_run_is_labelled_training_and_validation(monkeypatch):
    figure = drawn_history(monkeypatch, {"moons": a_history(1.7, 0.24)})
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["training", "validation"]
    assert figure.get_suptitle() == "moons"  # the data set names the figure, not a curve


def test_a_log_loss_axis_within_one_decade_has_ticks_enough_to_read(monkeypatch):
    figure = drawn_history(monkeypatch, {"spiral": a_history(1.7, 0.24)})
    loss_axes = figure.axes[0]
    low, high = loss_axes.get_ylim()
    labels = [t.get_text() for t in loss_axes.get_yticklabels()
              if low <= t.get_position()[1] <= high and t.get_text()]
    assert labels == ["0.3", "0.4", "0.5", "0.7", "1", "1.5"]


def test_a_comparison_splits_training_and_validation_into_panels_of_one_line_each(monkeypatch):
    histories = {name: a_history(1.5, 0.3 + k / 10) for k, name in enumerate(["SGD", "Adam", "RMSprop"])}
    figure = drawn_history(monkeypatch, histories)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["Training loss", "Training accuracy", "Validation loss", "Validation accuracy"]
    assert all(len(axes.get_lines()) == 3 for axes in figure.axes)  # one per optimizer
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["SGD", "Adam", "RMSprop"]


def test_a_comparisons_accuracy_is_a_running_mean_so_noisy_lines_can_be_told_apart(monkeypatch):
    noisy = a_history(1.5, 0.3, epochs=200)
    noisy["val_accuracy"] = [k % 2 for k in range(200)]  # 0%, 100%, 0%... as on 18 samples
    figure = drawn_history(monkeypatch, {"SGD": noisy, "Adam": a_history(1.5, 0.4, epochs=200)})
    validation_accuracy = figure.axes[3]
    assert validation_accuracy.get_title() == "Validation accuracy (10-epoch running mean)"
    sgd = validation_accuracy.get_lines()[0].get_ydata()
    assert all(value == pytest.approx(0.5) for value in sgd[9:])  # 5 of every 10 epochs


def test_plots_without_matplotlib_say_how_to_get_it(tmp_path, monkeypatch):
    from micrograd_plus.plots import plot_decision_boundary, plot_history

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    message = "plotting needs matplotlib: pip install 'micrograd_plus\\[plot\\]'"
    with pytest.raises(ModuleNotFoundError, match=message):
        plot_history({"run": {"loss": [1.0]}}, tmp_path / "history.png")
    with pytest.raises(ModuleNotFoundError, match=message):
        plot_decision_boundary(MLP(2, [1], seed=0), [[0.0, 0.0]], [1], tmp_path / "boundary.png")
    assert not (tmp_path / "history.png").exists()


def test_fit_fails_loudly_when_training_diverges():
    from micrograd_plus.nn import SGD, MLP, TrainingDiverged, cross_entropy, fit

    model = MLP(2, [3, 2], seed=0)
    # the weights grow until an operation overflows: the engine names it, fit says when and why
    with pytest.raises(TrainingDiverged, match=r"mul: \S+ \* \S+ exceeds the float range .*in "
                       r"epoch 2: training diverged at learning rate 1e\+300") as stopped:
        fit(model, [[1.0, 2.0], [-1.0, 0.5]], [0, 1], loss=cross_entropy,
            optimizer=SGD(model.parameters(), lr=1e300), epochs=3, progress=False)
    assert (stopped.value.epoch, stopped.value.lr) == (2, 1e300)
    assert isinstance(stopped.value.__cause__, OverflowError)


class _Tripling:
    """An 'optimizer' that triples every parameter per step: a loss that grows 9x per epoch."""

    current_lr = 0.25

    def __init__(self, parameters):
        self.parameters = parameters

    def step(self):
        for p in self.parameters:
            p.data *= 3


def test_fit_stops_when_the_loss_rises_far_above_the_first_epochs():
    from micrograd_plus.nn import Neuron, TrainingDiverged, fit, mse_loss

    model = Neuron(1, activation="linear", seed=0)
    model.w[0].data = 0.5  # output w * 1, target 0: losses 0.25, 2.25, 20.25, 182.25, 1640.25
    with pytest.raises(TrainingDiverged) as stopped:
        fit(model, [[1.0]], [0.0], loss=mse_loss, optimizer=_Tripling(model.parameters()),
            epochs=10, metric=None, progress=False)
    assert (stopped.value.epoch, stopped.value.loss, stopped.value.lr) == (5, 1640.25, 0.25)
    assert str(stopped.value) == (
        "fit: the loss rose to 1640, over 1000 times the first epoch's 0.25 in epoch 5: training"
        " diverged at learning rate 0.25 (a smaller learning rate usually helps)")


def test_a_loss_that_starts_near_zero_may_rise_a_little_without_being_called_divergence():
    from micrograd_plus.nn import Neuron, fit, mse_loss

    model = Neuron(1, activation="linear", seed=0)
    model.w[0].data = 0.001  # losses 1e-6, 9e-6, ... 0.43 after 7 epochs: all below 1000 * 1
    history = fit(model, [[1.0]], [0.0], loss=mse_loss, optimizer=_Tripling(model.parameters()),
                  epochs=7, metric=None, progress=False)
    assert len(history["loss"]) == 7


def test_adam_with_a_huge_learning_rate_is_stopped_with_epoch_loss_and_rate():
    from micrograd_plus.nn import MLP, Adam, TrainingDiverged, cross_entropy, fit

    X, y = vertical_data(20, 3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    with pytest.raises(TrainingDiverged, match=r"training diverged at learning rate 1e\+06") as stopped:
        fit(model, X, y, loss=cross_entropy, optimizer=Adam(model.parameters(), lr=1e6),
            epochs=50, progress=False)
    assert stopped.value.epoch < 50 and stopped.value.loss > 1000 * 1.0


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([[0.0, 1.0], [float("nan"), 2.0]], [0, 1], r"row 1, column 0 is nan; data must be finite numbers"),
        ([[0.0, 1.0], [1.0, float("inf")]], [0, 1], r"row 1, column 1 is inf"),
        ([[0.0, 1.0], [1.0, 2.0, 3.0]], [0, 1], r"row 1 has 3 features but row 0 has 2"),
        ([[0.0, 1.0], [1.0, "2"]], [0, 1], r"row 1, column 1 is '2' \(str\), not a number"),
        ([[0.0, 1.0], [1.0, 2.0]], [[1, 0], [1, 1]], r"target 1 \[1, 1\] is not one-hot"),
        ([[0.0, 1.0], [1.0, 2.0]], [[1, 0], [0, 0]], r"target 1 \[0, 0\] is not one-hot"),
        ([[0.0, 1.0], [1.0, 2.0]], [[2, -1], [0, 1]], r"target 0 \[2, -1\] is not one-hot"),
        ([[0.0, 1.0], [1.0, 2.0]], [0, float("nan")], r"target 1 must be a finite number, got nan"),
    ],
)
def test_fit_evaluate_and_predict_name_the_row_of_bad_data(X, y, message):
    from micrograd_plus.nn import MLP, SGD, evaluate, fit, predict

    model = MLP(2, [2], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=f"fit: {message}"):
        fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    assert [p.data for p in model.parameters()] == before  # refused before any step
    with pytest.raises(ValueError, match=f"evaluate: {message}"):
        evaluate(model, X, y)
    if "target" not in message:
        with pytest.raises(ValueError, match=f"predict: {message}"):
            predict(model, X)


def test_probability_targets_are_still_accepted():
    from micrograd_plus.nn import MLP, evaluate

    loss, acc = evaluate(MLP(2, [2], seed=0), [[0.0, 1.0]], [[0.25, 0.75]])
    assert loss > 0 and acc in (0.0, 1.0)


def test_the_loss_itself_refuses_a_target_that_is_not_one_hot():
    from micrograd_plus.nn import cross_entropy

    with pytest.raises(ValueError, match=r"cross_entropy: a target \[1, 1, 0\] is not one-hot"):
        cross_entropy([Value(0.0), Value(1.0), Value(2.0)], [1, 1, 0])
