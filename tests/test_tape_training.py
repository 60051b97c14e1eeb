"""fit(compile=True): the same trajectory and history as uncompiled fit, from tapes."""

from __future__ import annotations

import re

import pytest

from micrograd_plus import Value
from micrograd_plus.data import make_moons, vertical_data
from micrograd_plus.nn import MLP, SGD, Adam, TrainingDiverged, cross_entropy, fit, hinge_loss
from micrograd_plus.tape import Tape, TapeError


def train(compile, loss=hinge_loss, epochs=12, batch_size=None, validate=False, **model_options):
    if loss is not cross_entropy:  # moons, labels -1 and +1, one score
        X, labels = make_moons(40, noise=0.1, seed=0)
        y = [1 if t else -1 for t in labels]
        model = MLP(2, [8, 8, 1], seed=2, **model_options)
        optimizer = SGD(model.parameters(), lr=0.1, decay=0.01)
    else:
        X, y = vertical_data(10, 3, seed=0)
        model = MLP(2, [6, 3], seed=2, **model_options)
        optimizer = Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, loss=loss, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
                  progress=False, compile=compile, validation=(X[::4], y[::4]) if validate else None)
    return [p.data for p in model.parameters()], history


def assert_same_run(a, b):
    (params_a, history_a), (params_b, history_b) = a, b
    assert params_b == pytest.approx(params_a, rel=1e-12, abs=1e-12)
    assert history_b.keys() == history_a.keys()
    for key in history_a:
        assert history_b[key] == pytest.approx(history_a[key], rel=1e-12, abs=1e-12), key


@pytest.mark.parametrize("backend", [True, "numpy"])
def test_compiled_fit_follows_the_uncompiled_trajectory_full_batch_with_l2(backend):
    if backend == "numpy":
        pytest.importorskip("numpy")
    plain = train(False, weight_l2=1e-4, validate=True)
    assert {"val_loss", "val_accuracy"} <= set(plain[1])
    assert_same_run(plain, train(backend, weight_l2=1e-4, validate=True))


@pytest.mark.parametrize("backend", [True, "numpy"])
def test_compiled_fit_follows_the_uncompiled_trajectory_with_minibatches_and_cross_entropy(backend):
    if backend == "numpy":
        pytest.importorskip("numpy")
    plain = train(False, loss=cross_entropy, batch_size=8, weight_l1=1e-3)
    assert_same_run(plain, train(backend, loss=cross_entropy, batch_size=8, weight_l1=1e-3))


def test_compiled_fit_refuses_a_loss_that_is_not_a_mean_over_samples():
    def summed_hinge(outputs, targets):
        return sum(((1 - s * t).relu() for s, t in zip(outputs, targets)), Value(0.0))

    with pytest.raises(TapeError, match="is not the mean of the samples' losses"):
        train(True, loss=summed_hinge)


def test_compiled_fit_rechecks_and_stops_when_the_graph_depends_on_the_numbers():
    X, labels = make_moons(20, noise=0.1, seed=0)
    y = [1 if t else -1 for t in labels]
    model = MLP(2, [4, 1], seed=0)

    def forward_with_a_branch(x):  # a hand-made relu: an `if` on .data bakes one branch into a tape
        score = model(x)
        return score * 1.0 if score.data > 0 else score * 0.0

    class Branching:
        parameters, regularization_loss = model.parameters, model.regularization_loss
        __call__ = staticmethod(forward_with_a_branch)

    with pytest.raises(TapeError, match="the graph's (shape|numbers) depends? on the"):
        fit(Branching(), X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
            progress=False, compile=True)


def test_compiled_fit_rechecks_one_sample_per_tape_in_every_tenth_epoch(monkeypatch):
    checked = []
    check = Tape.check
    monkeypatch.setattr(Tape, "check", lambda tape, *inputs: checked.append(tape) or check(tape, *inputs))
    X, y = vertical_data(10, 3, seed=0)  # 30 samples of 3 classes: 3 tapes, 4 batches of 8 an epoch
    model = MLP(2, [6, 3], seed=2)
    fit(model, X, y, loss=cross_entropy, optimizer=Adam(model.parameters(), lr=0.05), epochs=21,
        batch_size=8, progress=False, compile=True)
    tapes = set(checked)
    assert len(tapes) == 3
    assert len(checked) == 3 * 3  # each tape once in epochs 1, 11 and 21; not once per batch


def test_log_softmax_max_baked_into_a_tape_overflows_exp_at_an_absurd_learning_rate():
    """The README's "Also good to know": the tape subtracts the example's max logit, a constant, so
    far-off logits overflow exp in the tape (epoch 2) before the engine stops (epoch 3)."""
    X, y = vertical_data(10, 3, seed=0)
    stopped = {}
    for compile in (False, True):
        model = MLP(2, [6, 3], seed=2)
        with pytest.raises(TrainingDiverged) as caught:
            fit(model, X, y, loss=cross_entropy, optimizer=SGD(model.parameters(), lr=1e4), epochs=5,
                progress=False, compile=compile)
        stopped[compile] = caught.value
    assert stopped[False].epoch == 3 and "the loss rose to" in str(stopped[False])
    assert stopped[True].epoch == 2
    assert re.search(r"row \d+: exp: \S+ exceeds the float range .*\(at tape step \w+ = exp\(", str(stopped[True]))


def test_compile_takes_true_false_python_or_numpy():
    with pytest.raises(ValueError, match="compile must be True, False, 'python' or 'numpy'"):
        train("fast")
