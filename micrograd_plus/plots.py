"""Pictures of training: loss curves, decision boundaries, fitted curves, confusion matrices and
grids of small images (PNG files).

matplotlib is optional (the `plot` extra) and imported only when a plot is drawn. Figures are
drawn on matplotlib's Agg canvas directly, without pyplot, so no window opens and the backend of
the calling program (a notebook, say) is left alone.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .engine import no_grad
from .files import write_atomic_with

MISSING = "plotting needs matplotlib: pip install 'micrograd_plus[plot]'"

History = dict[str, list[float]]


def plot_history(histories: dict[str, History], path: str | os.PathLike) -> Path:
    """Loss (log scale) and accuracy per epoch.

    One history (one training run, named in the title): "training" solid and "validation"
    dashed in each panel. Several (a comparison): one colour each, and training and validation
    in separate panels, a row each, so that no panel holds more than one line per history.
    """
    has_accuracy = any("accuracy" in h for h in histories.values())
    has_validation = any("val_loss" in h for h in histories.values())
    keys = ["loss", "accuracy"] if has_accuracy else ["loss"]
    split = len(histories) > 1 and has_validation
    rows = [("", "training"), ("val_", "validation")] if split else [("", None)]
    window = max(1, max(len(h["loss"]) for h in histories.values()) // 20)
    # a comparison, shown in a README column, is narrower, with its legend in one row on top
    figure = _figure(width=(10 if split else 12.5) if has_accuracy else 8, height=7.6 if split else 4.2)
    grid = figure.subplots(len(rows), len(keys), squeeze=False, sharex=True, sharey="col")
    for row, ((prefix, part), panels) in enumerate(zip(rows, grid)):
        for key, axes in zip(keys, panels):
            for i, (name, history) in enumerate(histories.items()):
                epochs = range(1, len(history["loss"]) + 1)
                if split:
                    if prefix + key in history:
                        values = history[prefix + key]
                        if key == "accuracy":
                            values = _running_mean(values, window)
                        axes.plot(epochs, values, color=f"C{i}", label=name)
                    continue
                label = "training" if len(histories) == 1 else name
                if key in history:
                    axes.plot(epochs, history[key], color=f"C{i}", label=label)
                if f"val_{key}" in history:
                    axes.plot(epochs, history[f"val_{key}"], "--", color=f"C{i}", alpha=0.7,
                              label="validation" if len(histories) == 1 else f"{name} (validation)")
            title = key.capitalize() if part is None else f"{part.capitalize()} {key}"
            if split and key == "accuracy" and window > 1:
                title += f" ({window}-epoch running mean)"
            ylabel = "loss (log scale)" if key == "loss" else "accuracy"
            _label(axes, title, "epoch", ylabel)
            if row < len(rows) - 1:
                axes.set_xlabel("")  # the panel below says it, on the same epochs
            if key == "accuracy":
                axes.set_ylim(0, 1.02)
                axes.yaxis.set_major_formatter(_percent())
    for axes in grid[:, 0]:
        axes.set_yscale("log")
    for axes in grid[:, 0]:  # after every loss panel is drawn: they share their limits
        _plain_log_ticks(axes)
    if len(histories) == 1:
        figure.suptitle(next(iter(histories)))
    handles = grid[0][0].get_legend_handles_labels()
    if split:
        figure.legend(*handles, loc="outside upper center", ncols=len(histories), frameon=False)
    else:
        figure.legend(*handles, loc="outside right center", fontsize="small")
    return _save(figure, path)


def plot_decision_boundary(
    model: Callable,
    X: Sequence[Sequence[float]],
    y: Sequence,
    path: str | os.PathLike,
    title: str = "Decision boundary",
    resolution: int = 60,
) -> Path:
    """The class the model predicts at every point of the plane, with the data on top.

    For one output per sample the class is output > 0 (a score or a logit; labels -1/+1 or 0/1);
    for several, the argmax. Evaluates the model resolution^2 times, under no_grad.
    """
    if resolution < 2:
        raise ValueError(f"plot_decision_boundary: resolution must be at least 2, got {resolution}")
    figure = _figure(width=6, height=5.2)  # first, so a missing matplotlib is reported at once
    xs, ys = [row[0] for row in X], [row[1] for row in X]
    x_grid = _span(min(xs), max(xs), resolution)
    y_grid = _span(min(ys), max(ys), resolution)
    with no_grad():
        grid = [[_class_scores(model([a, b])) for a in x_grid] for b in y_grid]
        hits = [_argmax(_class_scores(model(row))) == _class(label) for row, label in zip(X, y)]
    classes = len(grid[0][0])
    names = {_class(label): label for label in set(y)}  # a label -1 is shown as -1, not 0
    signed = -1 in names.values()

    # Shade the winning class on a grid four times finer, with scores interpolated between the
    # evaluated points, so the regions tile the plane with smooth edges; then draw each boundary
    # as the zero line of a margin (class c's score minus the best other score).
    fine = [_upsample([[s[c] for s in row] for row in grid], 4) for c in range(classes)]
    regions = [
        [_argmax([field[i][j] for field in fine]) for j in range(len(fine[0][0]))]
        for i in range(len(fine[0]))
    ]
    from matplotlib.colors import ListedColormap

    axes = figure.add_subplot(1, 1, 1)
    axes.imshow(
        regions,
        extent=(x_grid[0], x_grid[-1], y_grid[0], y_grid[-1]),
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        cmap=ListedColormap([f"C{c}" for c in range(classes)]),
        vmin=-0.5,
        vmax=classes - 0.5,
        alpha=0.25,
    )
    for c in range(classes):
        margin = [[s[c] - max(s[:c] + s[c + 1 :]) for s in row] for row in grid]
        if min(map(min, margin)) < 0 < max(map(max, margin)):
            axes.contour(x_grid, y_grid, margin, levels=[0], colors="0.35", linewidths=0.8)
    for c in sorted(names):
        points = [row for row, label in zip(X, y) if _class(label) == c]
        axes.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            s=18,
            color=f"C{c}",
            edgecolors="black",
            linewidths=0.4,
            label=f"class {names[c]:+g}" if signed else f"class {names[c]}",
        )
    _label(axes, f"{title}: accuracy {sum(hits) / len(hits):.0%}", "x0", "x1")
    axes.legend(fontsize="small", loc="upper right", framealpha=0.9)
    return _save(figure, path)


def plot_fitted_curve(
    model: Callable,
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    path: str | os.PathLike,
    title: str = "Fitted curve",
) -> Path:
    """A regression model's output against the one input feature, over the true data."""
    figure = _figure(width=7, height=4.2)
    points = sorted(zip((row[0] for row in X), y))
    inputs = [x for x, _ in points]
    with no_grad():
        fitted = [model([x]).data for x in inputs]
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(inputs, [t for _, t in points], color="C0", linewidth=3, alpha=0.5, label="data")
    axes.plot(inputs, fitted, color="C1", linewidth=1.5, label="model")
    _label(axes, title, "x", "y")
    axes.legend(fontsize="small")
    return _save(figure, path)


def confusion_counts(y_true: Sequence[int], y_pred: Sequence[int], classes: int) -> list[list[int]]:
    """counts[t][p] = how many samples of true class t were predicted as class p."""
    if len(y_true) != len(y_pred) or not y_true:
        raise ValueError(
            f"confusion matrix: needs as many predictions as labels, and at least one; "
            f"got {len(y_true)} labels and {len(y_pred)} predictions"
        )
    counts = [[0] * classes for _ in range(classes)]
    for true, predicted in zip(y_true, y_pred):
        for label in (true, predicted):
            if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes:
                raise ValueError(f"confusion matrix: a class must be an index below {classes}, got {label!r}")
        counts[true][predicted] += 1
    return counts


def plot_confusion_matrix(
    y_true: Sequence[int],
    y_pred: Sequence[int],
    class_names: Sequence[str],
    path: str | os.PathLike,
    title: str = "Confusion matrix",
) -> Path:
    """How often each true class (row) was predicted as each class (column), as a grid of counts.

    The diagonal holds the correct predictions; every other filled cell is a kind of mistake,
    so the pairs a model confuses (a 3 read as an 8) stand out at a glance.
    """
    classes = len(class_names)
    counts = confusion_counts(y_true, y_pred, classes)
    size = max(4.5, 1.6 + 0.5 * classes)
    figure = _figure(width=size, height=size + 0.3)
    axes = figure.add_subplot(1, 1, 1)
    axes.imshow(counts, cmap="Blues", vmin=0)
    largest = max(map(max, counts))
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            if not count:
                continue  # an empty cell stays empty, so the few mistakes are easy to find
            dark = count > largest / 2
            if i == j:
                axes.text(j, i, str(count), ha="center", va="center", fontsize="small",
                          color="white" if dark else "black")
            else:  # a mistake: its pale cell alone would hardly show, so the count is red and bold
                axes.text(j, i, str(count), ha="center", va="center", fontsize="small",
                          color="white" if dark else "C3", fontweight="bold")
    ticks = range(classes)
    long_names = max(map(len, class_names)) > 3
    axes.set_xticks(ticks, class_names, rotation=30 if long_names else 0, ha="right" if long_names else "center")
    axes.set_yticks(ticks, class_names)
    correct = sum(counts[c][c] for c in ticks)
    axes.set_title(f"{title}\n{correct} of {len(y_true)} right ({correct / len(y_true):.1%})")
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    return _save(figure, path)


def plot_image_grid(
    images: Sequence[Sequence[float]],
    captions: Sequence[str],
    path: str | os.PathLike,
    shape: tuple[int, int] = (8, 8),
    columns: int = 8,
    title: str = "",
) -> Path:
    """Small greyscale pictures side by side, each with its caption (dark = large values).

    Each image is a flat row of pixels, row by row, reshaped to `shape` (8 x 8 for the digits).
    """
    if len(images) != len(captions):
        raise ValueError(f"plot_image_grid: {len(images)} images but {len(captions)} captions")
    rows = max(1, math.ceil(len(images) / columns))
    height, width = shape
    figure = _figure(width=1.25 * columns, height=1.45 * rows + (0.5 if title else 0))
    if not images:
        figure.text(0.5, 0.5, "nothing to show", ha="center", va="center")
    top = max((max(image) for image in images), default=1.0) or 1.0
    for k, (image, caption) in enumerate(zip(images, captions)):
        if len(image) != height * width:
            raise ValueError(f"plot_image_grid: image {k} has {len(image)} pixels, not {height} x {width}")
        axes = figure.add_subplot(rows, columns, k + 1)
        pixels = [list(image[r * width : (r + 1) * width]) for r in range(height)]
        axes.imshow(pixels, cmap="gray_r", vmin=0, vmax=top, interpolation="nearest")
        axes.set_title(caption, fontsize="small")
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():  # a light frame shows where a pale image ends
            spine.set_color("0.75")
    if title:
        figure.suptitle(title)
    return _save(figure, path)


# ---- helpers ------------------------------------------------------------------------------------


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ModuleNotFoundError(MISSING) from None
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _save(figure: Any, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A Figure made without pyplot renders with Agg; into a file object it needs the format named.
    fmt = path.suffix[1:].lower() or "png"
    write_atomic_with(path, lambda f: figure.savefig(f, format=fmt))
    return path


def _label(axes: Any, title: str, xlabel: str, ylabel: str) -> None:
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    if xlabel == "epoch":  # epochs are whole: no tick at 2.5
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def _plain_log_ticks(axes: Any) -> None:
    """Label a log axis 0.5, 1, 2 rather than 5x10^-1, 10^0, 2x10^0, with ticks enough for the
    range: within one decade (a loss from 0.24 to 1.7) 0.3, 0.4, 0.5, 0.7, 1, 1.5; over a few
    decades 0.2, 0.5, 1, 2; over more, the powers of ten alone."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

    plain = FuncFormatter(lambda value, _: f"{value:g}")
    low, high = axes.get_ylim()
    decades = math.log10(high / low)
    if decades <= 3:
        subs = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0) if decades <= 1 else (1.0, 2.0, 5.0)
        axes.yaxis.set_major_locator(LogLocator(subs=subs))
        axes.yaxis.set_minor_locator(NullLocator())
    else:
        axes.yaxis.set_minor_formatter(NullFormatter())
    axes.yaxis.set_major_formatter(plain)


def _running_mean(values: Sequence[float], window: int) -> list[float]:
    """The mean of each value and up to `window - 1` before it."""
    return [sum(values[max(0, i - window + 1):i + 1]) / (i + 1 - max(0, i - window + 1))
            for i in range(len(values))]


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _span(lo: float, hi: float, count: int) -> list[float]:
    margin = 0.1 * (hi - lo) or 1.0
    lo, hi = lo - margin, hi + margin
    return [lo + (hi - lo) * i / (count - 1) for i in range(count)]


def _class_scores(output: Any) -> list[float]:
    """One score per class: a single output s is the two-class [0, s] (class 1 when s > 0)."""
    if isinstance(output, list):
        return [o.data for o in output]
    return [0.0, output.data]


def _upsample(field: list[list[float]], factor: int) -> list[list[float]]:
    """Bilinear interpolation of a grid of values onto a grid `factor` times finer."""

    def positions(count: int) -> list[tuple[int, float]]:
        """For each fine point along an axis: the coarse cell it is in, and how far across."""
        cells = []
        for k in range((count - 1) * factor + 1):
            cell = min(k // factor, count - 2)
            cells.append((cell, k / factor - cell))
        return cells

    rows, columns = positions(len(field)), positions(len(field[0]))
    return [
        [
            (1 - u) * ((1 - t) * field[i][j] + t * field[i][j + 1])
            + u * ((1 - t) * field[i + 1][j] + t * field[i + 1][j + 1])
            for j, t in columns
        ]
        for i, u in rows
    ]


def _argmax(scores: list[float]) -> int:
    return max(range(len(scores)), key=scores.__getitem__)


def _class(label: Any) -> int:
    """A class index; a binary label -1 counts as class 0, to match _predicted_class."""
    return 0 if label == -1 else int(label)
