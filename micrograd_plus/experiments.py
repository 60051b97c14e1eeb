"""Ready-made experiments: the datasets, the five optimizers at NNFS's settings, and the training
runs that the command line (`micrograd-plus train`, `compare-optimizers`) and the demos share.

A run follows the data practices of the nn library: split off a validation set, fit a
MinMaxScaler to [-1, 1] on the training part only, apply it to both, then train.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .data import MinMaxScaler, make_moons, sine_data, spiral_data, train_val_split, vertical_data
from .datasets import Dataset, load_csv, load_digits, load_iris
from .nn import (
    MLP,
    SGD,
    Adagrad,
    Adam,
    Momentum,
    RMSprop,
    accuracy,
    cross_entropy,
    evaluate,
    fit,
    mse_loss,
)
from .optim import Optimizer
from .train import History, Metric

# Each optimizer at the settings NNFS chapter 10 ends with for it.
OPTIMIZERS: dict[str, tuple[type[Optimizer], dict[str, float]]] = {
    "sgd": (SGD, dict(lr=1.0, decay=1e-3)),
    "momentum": (Momentum, dict(lr=1.0, momentum=0.9, decay=1e-3)),
    "adagrad": (Adagrad, dict(lr=1.0, decay=1e-4)),
    "rmsprop": (RMSprop, dict(lr=0.02, decay=1e-5, rho=0.999)),
    "adam": (Adam, dict(lr=0.05, decay=5e-7)),
}


@dataclass(frozen=True)
class Problem:
    """A dataset with the model size and epochs that train it in seconds here."""

    name: str
    X: list[list[float]]
    y: list
    classes: int  # 0 for regression
    hidden: tuple[int, ...]
    epochs: int
    batch_size: int | None = None  # None: the whole training set in every step
    class_names: tuple[str, ...] = ()  # for the pictures; the toy data sets have none

    @property
    def loss(self) -> Callable:
        return cross_entropy if self.classes else mse_loss

    @property
    def metric(self) -> Metric | None:
        return accuracy if self.classes else None

    def describe(self) -> str:
        task = f"{self.classes} classes" if self.classes else "regression"
        return f"{self.name} ({len(self.X)} samples, {task})"


def load_problem(name: str, seed: int = 0, target: str | None = None) -> Problem:
    """One of DATASETS, made with `seed` (sine data has no randomness), or a CSV file's path:
    a classification problem whose labels are in the column `target` (default: the last)."""
    if name.lower().endswith(".csv"):
        return _csv_problem(name, target)
    if target is not None:
        raise ValueError(f"--target {target}: only a CSV file has columns to choose from")
    if name not in DATASETS:
        raise ValueError(f"dataset: expected one of {', '.join(DATASETS)} or a .csv file, got {name!r}")
    return DATASETS[name](seed)


def _csv_problem(path: str, target: str | None) -> Problem:
    try:
        data = load_csv(path, -1 if target is None else target)
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data.class_names) < 2:
        raise ValueError(f"{path}: the target column {target or '(the last)'} has only one class")
    batch_size = 32 if len(data.X) > 256 else None  # mini-batches when full batches would be slow
    return _from_dataset(path, data, (16,), 50, batch_size)


def _from_dataset(name: str, data: Dataset, hidden: tuple[int, ...], epochs: int, batch_size: int | None) -> Problem:
    classes = len(data.class_names)
    return Problem(name, data.X, data.y, classes, hidden, epochs, batch_size, tuple(data.class_names))


DATASETS: dict[str, Callable[[int], Problem]] = {
    "moons": lambda seed: Problem("moons", *make_moons(100, noise=0.1, seed=seed), 2, (16, 16), 50),
    "spiral": lambda seed: Problem("spiral", *spiral_data(30, 3, seed=seed), 3, (32,), 100),
    "vertical": lambda seed: Problem("vertical", *vertical_data(50, 3, seed=seed), 3, (16,), 50),
    "sine": lambda seed: Problem("sine", *sine_data(100), 0, (16, 16), 200),
    # The real ones (no randomness in the data; the seed still picks the split and the weights).
    "iris": lambda seed: _from_dataset("iris", load_iris(), (8,), 30, batch_size=16),
    # One layer of 10 neurons (softmax regression) learns the digits to over 95% in seconds here;
    # a hidden layer of 32 multiplies the graph, and the time, by four for no better accuracy.
    "digits": lambda seed: _from_dataset("digits", load_digits(), (), 6, batch_size=16),
}


def build_model(
    problem: Problem, hidden: Sequence[int], seed: int = 0, l1: float = 0.0, l2: float = 0.0
) -> MLP:
    """An MLP for the problem: ReLU hidden layers for classes (one logit each), tanh for the
    smooth sine curve, and the L1/L2 penalties on every layer's weights."""
    activation = "relu" if problem.classes else "tanh"
    return MLP(len(problem.X[0]), layer_sizes(problem, hidden), activation=activation, seed=seed,
               weight_l1=l1, weight_l2=l2)


def layer_sizes(problem: Problem, hidden: Sequence[int]) -> list[int]:
    """The hidden sizes, then the output: one logit per class, or one number for regression."""
    return [*hidden, problem.classes or 1]


def make_optimizer(
    name: str, params: list, lr: float | None = None, decay: float | None = None
) -> Optimizer:
    """The optimizer `name` at its NNFS settings, with lr and decay overridden when given."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer: expected one of {', '.join(OPTIMIZERS)}, got {name!r}")
    optimizer_class, settings = OPTIMIZERS[name]
    overrides = {key: value for key, value in (("lr", lr), ("decay", decay)) if value is not None}
    return optimizer_class(params, **{**settings, **overrides})


@dataclass
class Run:
    """A finished training run: the model, its history, the scaler and the split it used."""

    model: MLP
    history: History
    scaler: MinMaxScaler
    X_train: list
    y_train: list
    X_val: list
    y_val: list

    def scores(self, problem: Problem) -> dict[str, float | None]:
        """Data loss and accuracy (None for regression) on the training and validation parts."""
        scored = {}
        for prefix, X, y in (("", self.X_train, self.y_train), ("val_", self.X_val, self.y_val)):
            loss, metric = evaluate(self.model, X, y, loss=problem.loss, metric=problem.metric)
            scored[f"{prefix}loss"], scored[f"{prefix}accuracy"] = loss, metric
        return scored


def split_and_scale(problem: Problem, seed: int = 0) -> tuple[MinMaxScaler, list, list, list, list]:
    """80/20 split, then a scaler fitted on the training part only and applied to both parts."""
    X_train, X_val, y_train, y_val = train_val_split(problem.X, problem.y, 0.2, seed=seed)
    scaler = MinMaxScaler((-1.0, 1.0)).fit(X_train)
    return scaler, scaler.transform(X_train), y_train, scaler.transform(X_val), y_val


def train_model(
    problem: Problem,
    optimizer: str = "adam",
    *,
    hidden: Sequence[int] | None = None,
    epochs: int | None = None,
    lr: float | None = None,
    decay: float | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
    seed: int = 0,
    progress: bool = True,
    compile: bool | str = False,
) -> Run:
    """Split, scale, build and fit: one training run with validation after every epoch.
    compile: as fit's (True or "python", "numpy": replay traced tapes instead of graphs)."""
    scaler, X_train, y_train, X_val, y_val = split_and_scale(problem, seed)
    model = build_model(problem, problem.hidden if hidden is None else hidden, seed, l1, l2)
    history = fit(
        model,
        X_train,
        y_train,
        loss=problem.loss,
        optimizer=make_optimizer(optimizer, model.parameters(), lr, decay),
        epochs=problem.epochs if epochs is None else epochs,
        batch_size=problem.batch_size,
        validation=(X_val, y_val),
        metric=problem.metric,
        seed=seed,
        progress=progress,
        compile=compile,
    )
    return Run(model, history, scaler, X_train, y_train, X_val, y_val)


def compare_optimizers(
    problem: Problem,
    *,
    hidden: Sequence[int] | None = None,
    epochs: int | None = None,
    seed: int = 0,
    progress: bool = True,
) -> tuple[dict[str, History], str]:
    """All five optimizers on the same split, the same starting weights and the same epochs.

    Returns each history by optimizer class name and a markdown table of the final scores.
    """
    header = "| optimizer | settings | training loss | validation loss |"
    rule = "|---|---|--:|--:|"
    if problem.classes:  # both, so that overfitting shows as the gap between them
        header, rule = header + " training accuracy | validation accuracy |", rule + "--:|--:|"
    histories, lines = {}, [header, rule]
    for name, (optimizer_class, settings) in OPTIMIZERS.items():
        run = train_model(problem, name, hidden=hidden, epochs=epochs, seed=seed, progress=progress)
        histories[optimizer_class.__name__] = run.history
        scores = run.scores(problem)
        written = ", ".join(f"{key}={value:g}" for key, value in settings.items())
        row = f"| {optimizer_class.__name__} | `{written}` | {scores['loss']:.3f} | {scores['val_loss']:.3f} |"
        if problem.classes:
            row += f" {scores['accuracy']:.0%} | {scores['val_accuracy']:.0%} |"
        lines.append(row)
    return histories, "\n".join(lines)
