"""The training loop: fit, evaluate, predict, accuracy, and cross_validate, which fits k times.

One step of training is the whole story of backpropagation:

    outputs = [model(x) for x in batch]                      # forward: build the graph
    total = loss(outputs, targets) + model.regularization_loss()
    model.zero_grad(); total.backward()                       # backward: fill every p.grad
    optimizer.step()                                          # update: p.data from p.grad
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from numbers import Integral
from typing import Any

from tqdm import tqdm

from .checks import distribution, feature_rows, finite_number
from .data import KFold, MinMaxScaler, _check_pairs, batches
from .engine import Value, no_grad
from .losses import cross_entropy
from .tape.training import CompiledLoss, backend_of

History = dict[str, list[float]]
Metric = Callable[[Sequence, Sequence], float]

# Training has diverged when an epoch's mean loss is this many times the first epoch's (or 1,
# whichever is larger, so a run that starts near 0 is not stopped for a loss of 0.01).
DIVERGENCE_FACTOR = 1000.0


class TrainingDiverged(FloatingPointError):
    """`fit` stopped: the loss became nan or inf, or rose far above the first epoch's.

    `epoch` (1-based), `loss` (that epoch's mean loss) and `lr` (the learning rate in use) say
    where; a smaller learning rate usually helps.
    """

    def __init__(self, message: str, *, epoch: int, loss: float, lr: float | None) -> None:
        super().__init__(message)
        self.epoch, self.loss, self.lr = epoch, loss, lr


def predict(model: Callable, X: Sequence) -> list:
    """The model's raw outputs as floats (a float, or a list of floats, per sample).

    Computed under no_grad: no graph is kept. For classes, take the argmax of each list (or the
    sign of a single score); `accuracy` does this for you.
    """
    feature_rows(X, "predict")
    with no_grad():
        return [_floats(model(x)) for x in X]


def accuracy(outputs: Sequence, targets: Sequence, threshold: float = 0.0) -> float:
    """The fraction of samples whose predicted class is the target's.

    - Several outputs per sample (multi-class): the predicted class is the argmax, the target a
      class index or a one-hot list.
    - One output per sample (binary): the prediction is positive when output > threshold, the
      target when it is > 0, so labels may be -1/+1 (micrograd's SVM) or 0/1. The threshold 0
      suits scores and logits; use 0.5 for probabilities from a sigmoid.
    """
    _check_pairs(outputs, targets, "accuracy")
    correct = 0
    for output, target in zip(outputs, targets):
        output = _floats(output)
        if isinstance(output, list):
            correct += _argmax(output) == _class_of(target, len(output))
        else:
            if target not in (-1, 0, 1):
                raise ValueError(
                    f"accuracy: a binary target must be -1, 0 or 1, got {target!r} "
                    f"(for regression, pass metric=None to fit)"
                )
            correct += (output > threshold) == (target > 0)
    return correct / len(outputs)


def evaluate(
    model: Callable,
    X: Sequence,
    y: Sequence,
    *,
    loss: Callable = cross_entropy,
    metric: Metric | None = accuracy,
) -> tuple[float, float | None]:
    """(data loss, metric) on (X, y) without training and without keeping a graph."""
    _check_data(X, y, "evaluate")
    with no_grad():
        outputs = [model(x) for x in X]
        return loss(outputs, y).data, metric(outputs, y) if metric else None


def fit(
    model: Any,
    X: Sequence,
    y: Sequence,
    *,
    loss: Callable = cross_entropy,
    optimizer: Any,
    epochs: int,
    batch_size: int | None = None,
    validation: tuple[Sequence, Sequence] | None = None,
    metric: Metric | None = accuracy,
    seed: int = 0,
    progress: bool = True,
    compile: bool | str = False,
) -> History:
    """Train `model` on (X, y) for `epochs` passes and return the history, one entry per epoch.

    Each step minimizes loss(outputs, targets) + model.regularization_loss() over a batch: the
    whole data set when batch_size is None, else mini-batches in an order shuffled every epoch by
    random.Random(seed). The history has
      "loss":     the mean total loss of the epoch's steps (weighted by batch size),
      "accuracy": `metric` on the outputs of those steps (computed before each update, as NNFS),
      "lr":       the optimizer's current_lr after the epoch,
    and, with validation=(X_val, y_val), "val_loss" and "val_accuracy" after the epoch.
    A tqdm progress bar shows loss and accuracy; it is silent when progress=False or when stderr
    is not a terminal (a log file, a test run).

    Divergence stops training with `TrainingDiverged` (epoch, loss, learning rate): a loss or a
    parameter that is nan or inf, or an epoch's loss over DIVERGENCE_FACTOR times the first
    epoch's (and over 1).

    compile=True traces one sample's loss once and replays the tape for every sample instead of
    building a graph per step (micrograd_plus.tape; "numpy" replays whole batches with numpy):
    the same trajectory and history to 1e-12, many times faster. Valid only while the graph's
    shape does not depend on the numbers; every 10 epochs (tape.training.RECHECK_EVERY) one sample
    per tape is re-traced and a changed shape raises TapeError.
    """
    _check_data(X, y, "fit")
    if validation is not None:
        _check_data(*validation, "fit validation")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    backend = backend_of(compile)
    compiled = CompiledLoss(model, loss, backend) if backend else None
    rng = random.Random(seed)
    history: History = {"loss": [], "lr": []}
    if metric:
        history["accuracy"] = []
    if validation is not None:
        history["val_loss"] = []
        if metric:
            history["val_accuracy"] = []

    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress or not _on_terminal())
    for epoch in bar:
        try:
            total_loss, all_outputs, all_targets = 0.0, [], []
            for X_batch, y_batch in _epoch(X, y, batch_size, rng):
                if compiled:  # the same numbers from tapes: sets every p.grad
                    total_data, outputs = compiled.step(X_batch, y_batch, epoch)
                else:
                    graph_outputs = [model(x) for x in X_batch]
                    total = loss(graph_outputs, y_batch) + model.regularization_loss()
                    model.zero_grad()
                    total.backward()
                    total_data, outputs = total.data, [_floats(o) for o in graph_outputs]
                optimizer.step()
                total_loss += total_data * len(X_batch)
                all_outputs += outputs
                all_targets += y_batch
            history["loss"].append(total_loss / len(X))
            _check_diverged(model, history["loss"], optimizer)
            history["lr"].append(optimizer.current_lr)
            shown = {"loss": f"{history['loss'][-1]:.4f}"}
            if metric:
                history["accuracy"].append(metric(all_outputs, all_targets))
                shown["acc"] = f"{history['accuracy'][-1]:.3f}"
            if validation is not None:
                val_loss, val_metric = evaluate(model, *validation, loss=loss, metric=metric)
                history["val_loss"].append(val_loss)
                shown["val_loss"] = f"{val_loss:.4f}"
                if metric:
                    history["val_accuracy"].append(val_metric)
                    shown["val_acc"] = f"{val_metric:.3f}"
        except OverflowError as error:  # the weights grew until an operation overflowed
            problem = f"{error} in epoch {epoch + 1}"
            raise _diverged(problem, epoch + 1, math.inf, optimizer) from error
        bar.set_postfix(shown, refresh=False)
    return history


def cross_validate(
    build_model: Callable[[], Any],
    X: Sequence,
    y: Sequence,
    *,
    make_optimizer: Callable[[list], Any],
    epochs: int,
    loss: Callable | None = None,
    n_splits: int = 5,
    shuffle: bool = True,
    seed: int = 0,
    scale: bool = True,
    batch_size: int | None = None,
    metric: Callable[[Sequence, Sequence], float] | None | str = "accuracy",
) -> dict[str, Any]:
    """Train a fresh model on k - 1 folds and validate it on the remaining one, for each fold.

    `build_model()` makes a new model; `make_optimizer(params)` its optimizer. With `scale`, a
    MinMaxScaler is fitted on each fold's training part only and applied to its validation part.
    `metric` scores each validation fold ("accuracy" by default; None for regression).
    Returns {"accuracy": [per fold], "loss": [per fold], "mean_accuracy": ..., "mean_loss": ...};
    without a metric the accuracies are None.
    """
    loss = cross_entropy if loss is None else loss
    metric = accuracy if metric == "accuracy" else metric
    _check_pairs(X, y, "cross_validate")
    folds = KFold(n_splits, shuffle=shuffle, seed=seed if shuffle else None)
    accuracies, losses = [], []
    for train, val in folds.split(len(X)):
        X_train, X_val = [X[i] for i in train], [X[i] for i in val]
        if scale:
            scaler = MinMaxScaler().fit(X_train)
            X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
        model = build_model()
        fit(
            model,
            X_train,
            [y[i] for i in train],
            loss=loss,
            optimizer=make_optimizer(model.parameters()),
            epochs=epochs,
            batch_size=batch_size,
            metric=metric,
            seed=seed,
            progress=False,
        )
        val_loss, val_accuracy = evaluate(model, X_val, [y[i] for i in val], loss=loss, metric=metric)
        losses.append(val_loss)
        accuracies.append(val_accuracy)
    return {
        "accuracy": accuracies,
        "loss": losses,
        "mean_accuracy": sum(accuracies) / len(accuracies) if metric else None,
        "mean_loss": sum(losses) / len(losses),
    }


# ---- helpers ------------------------------------------------------------------------------------


def _check_diverged(model: Any, losses: list[float], optimizer: Any) -> None:
    """Stop when training diverges, rather than carry on (and save) useless weights."""
    epoch, loss = len(losses), losses[-1]
    ceiling = DIVERGENCE_FACTOR * max(losses[0], 1.0)
    if not math.isfinite(loss):
        problem = f"the loss became {loss}"
    elif not all(math.isfinite(p.data) for p in model.parameters()):
        problem = "a parameter became nan or inf"
    elif loss > ceiling:
        problem = (f"the loss rose to {loss:.4g}, over {DIVERGENCE_FACTOR:g} times the first "
                   f"epoch's {losses[0]:.4g}")
    else:
        return
    raise _diverged(f"{problem} in epoch {epoch}", epoch, loss, optimizer)


def _diverged(problem: str, epoch: int, loss: float, optimizer: Any) -> TrainingDiverged:
    """The error that stops fit, saying what happened, when, and at which learning rate."""
    lr = getattr(optimizer, "current_lr", None)
    rate = f" at learning rate {lr:g}" if isinstance(lr, (int, float)) else ""
    return TrainingDiverged(
        f"fit: {problem}: training diverged{rate} (a smaller learning rate usually helps)",
        epoch=epoch, loss=loss, lr=lr,
    )


def _check_data(X: Sequence, y: Sequence, where: str) -> None:
    """Clear errors, by row, for data that would otherwise train on garbage: nan or inf, strings,
    ragged rows, and a list target that is not one-hot (nor probabilities)."""
    _check_pairs(X, y, where)
    feature_rows(X, where)
    for i, target in enumerate(y):
        if isinstance(target, (list, tuple)):
            distribution(target, where, f"target {i}")
        elif not isinstance(target, Value):
            finite_number(target, where, f"target {i}")


def _epoch(X: Sequence, y: Sequence, batch_size: int | None, rng: random.Random):
    if batch_size is None or batch_size >= len(X):
        return [(list(X), list(y))]  # one full batch: the order cannot matter, so keep it
    return batches(X, y, batch_size, rng)


def _on_terminal() -> bool:
    return sys.stderr is not None and sys.stderr.isatty()


def _floats(output: Any) -> Any:
    """A Value becomes its float; a list of them a list of floats; numbers stay as they are."""
    if isinstance(output, Value):
        return output.data
    if isinstance(output, (list, tuple)):
        return [_floats(o) for o in output]
    return output


def _argmax(xs: list[float]) -> int:
    return max(range(len(xs)), key=xs.__getitem__)  # the first of equal maxima, as numpy


def _class_of(target: Any, classes: int) -> int:
    if isinstance(target, (list, tuple)):
        return _argmax(distribution(target, "accuracy", "a target"))
    if isinstance(target, Integral) and not isinstance(target, bool) and 0 <= target < classes:
        return int(target)
    raise ValueError(f"accuracy: a target must be a class index below {classes}, got {target!r}")
