"""Data practices: seeded toy datasets, scaling to [-1, 1], k-fold splits, batches.

Every dataset returns `(X, y)`: X a list of feature rows (lists of floats), y a list of labels
(class indices, or floats for regression). Randomness comes from a local `random.Random(seed)`,
so the same seed gives the same data on every run and platform.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Iterator, Sequence

from .checks import feature_rows, is_rows, positive_int
from .datasets import Dataset, load_csv, load_digits, load_iris  # the real data, re-exported here

Rows = list[list[float]]


# ---- datasets -----------------------------------------------------------------------------------


def spiral_data(samples: int, classes: int, seed: int = 0) -> tuple[Rows, list[int]]:
    """`classes` interleaved spiral arms of `samples` points each (CS231n, NNFS).

    For class c the radius r runs evenly from 0 to 1 and the angle t from 4c to 4(c + 1), plus
    Gaussian noise of sd 0.2; the point is (r sin 2.5t, r cos 2.5t).
    """
    positive_int(samples, "spiral_data", "samples")
    positive_int(classes, "spiral_data", "classes")
    rng = random.Random(seed)
    X, y = [], []
    for c in range(classes):
        radii = _linspace(0.0, 1.0, samples)
        angles = [t + rng.gauss(0.0, 0.2) for t in _linspace(4.0 * c, 4.0 * (c + 1), samples)]
        X += [[r * math.sin(2.5 * t), r * math.cos(2.5 * t)] for r, t in zip(radii, angles)]
        y += [c] * samples
    return X, y


def vertical_data(samples: int, classes: int, seed: int = 0) -> tuple[Rows, list[int]]:
    """Blobs side by side: class c is centred at (c / 3, 0.5), Gaussian noise of sd 0.1 (NNFS)."""
    positive_int(samples, "vertical_data", "samples")
    positive_int(classes, "vertical_data", "classes")
    rng = random.Random(seed)
    X, y = [], []
    for c in range(classes):
        X += [[c / 3 + rng.gauss(0.0, 0.1), 0.5 + rng.gauss(0.0, 0.1)] for _ in range(samples)]
        y += [c] * samples
    return X, y


def sine_data(samples: int = 1000) -> tuple[Rows, list[float]]:
    """One period of a sine for regression: x = i / samples, y = sin(2 pi x) (NNFS; no noise)."""
    positive_int(samples, "sine_data", "samples")
    X = [[i / samples] for i in range(samples)]
    return X, [math.sin(2 * math.pi * x) for (x,) in X]


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int = 0, shuffle: bool = True
) -> tuple[Rows, list[int]]:
    """Two interleaving half circles (scikit-learn's geometry), labels 0 and 1.

    The outer moon (class 0, n_samples // 2 points) is (cos a, sin a) for a evenly in [0, pi];
    the inner one (class 1, the rest) is (1 - cos a, 0.5 - sin a). Gaussian noise of sd `noise`
    is added to every coordinate; with `shuffle` the samples are put in a seeded random order.
    """
    positive_int(n_samples, "make_moons", "n_samples")
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"make_moons: noise must be a finite number >= 0, got {noise!r}")
    rng = random.Random(seed)
    outer, inner = n_samples // 2, n_samples - n_samples // 2
    X = [[math.cos(a), math.sin(a)] for a in _linspace(0.0, math.pi, outer)]
    X += [[1 - math.cos(a), 0.5 - math.sin(a)] for a in _linspace(0.0, math.pi, inner)]
    y = [0] * outer + [1] * inner
    if shuffle:
        order = list(range(n_samples))
        rng.shuffle(order)
        X, y = [X[i] for i in order], [y[i] for i in order]
    X = [[x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)] for x0, x1 in X]
    return X, y


# ---- scaling ------------------------------------------------------------------------------------


class MinMaxScaler:
    """Scale each feature linearly so the training data spans `feature_range` (scikit-learn's).

    fit:        scale = (hi - lo) / (max - min),  offset = lo - min * scale   (per feature)
    transform:  x' = x * scale + offset;   inverse_transform:  x = (x' - offset) / scale

    Fit on the training data only, then transform validation and test data with the same
    numbers: fitting on everything leaks the test set into training. A constant training feature
    (max = min) is given scale hi - lo instead of dividing by zero, so it maps to lo. Values
    outside the training range map outside `feature_range` unless `clip=True`.
    """

    def __init__(self, feature_range: tuple[float, float] = (-1.0, 1.0), clip: bool = False):
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError(
                f"MinMaxScaler: the minimum of feature_range must be below its maximum, "
                f"got {feature_range!r}"
            )
        self.feature_range = (float(lo), float(hi))
        self.clip = clip
        self.data_min_: list[float] | None = None
        self.data_max_: list[float] | None = None
        self.scale_: list[float] | None = None
        self.min_: list[float] | None = None

    def fit(self, X: Sequence[Sequence[float]]) -> MinMaxScaler:
        """Learn each feature's min and max from X (the training rows); returns self."""
        columns = list(zip(*_rows(X, "fit")))
        lo, hi = self.feature_range
        self.data_min_ = [min(column) for column in columns]
        self.data_max_ = [max(column) for column in columns]
        spans = [b - a for a, b in zip(self.data_min_, self.data_max_)]
        # A span this small is a constant feature; scikit-learn's threshold is 10 machine epsilons.
        self.scale_ = [(hi - lo) / (s if s >= 10 * sys.float_info.epsilon else 1.0) for s in spans]
        self.min_ = [lo - m * scale for m, scale in zip(self.data_min_, self.scale_)]
        return self

    def transform(self, X: Sequence[Sequence[float]]) -> Rows:
        """x' = x * scale + offset for each feature, with the numbers learned by `fit`."""
        scale, offset = self._fitted("transform", X)
        lo, hi = self.feature_range
        out = [[x * s + m for x, s, m in zip(row, scale, offset)] for row in X]
        if self.clip:
            out = [[min(max(x, lo), hi) for x in row] for row in out]
        return out

    def fit_transform(self, X: Sequence[Sequence[float]]) -> Rows:
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Sequence[Sequence[float]]) -> Rows:
        """x = (x' - offset) / scale: back to the original units."""
        scale, offset = self._fitted("inverse_transform", X)
        return [[(x - m) / s for x, s, m in zip(row, scale, offset)] for row in X]

    def _fitted(self, method: str, X: Sequence[Sequence[float]]) -> tuple[list, list]:
        if self.scale_ is None or self.min_ is None:
            raise ValueError(
                f"MinMaxScaler.{method}: this scaler is not fitted yet; call fit(X_train) first"
            )
        features = len(self.scale_)
        for row in _rows(X, method):
            if len(row) != features:
                raise ValueError(
                    f"MinMaxScaler.{method}: a row has {len(row)} features, but the scaler was "
                    f"fitted on {features}"
                )
        return self.scale_, self.min_


# ---- splitting ----------------------------------------------------------------------------------


class KFold:
    """k-fold cross-validation indices, with scikit-learn's fold sizes and errors.

    The indices 0..n-1 (shuffled first when `shuffle`) are cut into k contiguous folds; the first
    n % k folds get n // k + 1 samples, the rest n // k. Each fold is the validation set once and
    the other k - 1 folds are the training set; both index lists come back sorted.
    """

    def __init__(self, n_splits: int = 5, shuffle: bool = False, seed: int | None = None) -> None:
        if isinstance(n_splits, bool) or not isinstance(n_splits, int):
            raise ValueError(f"KFold: n_splits must be an int, got {n_splits!r}")
        if n_splits < 2:
            raise ValueError(
                f"KFold: cross-validation needs at least one train/validation split, so "
                f"n_splits must be 2 or more, got {n_splits}"
            )
        if not shuffle and seed is not None:
            raise ValueError(
                "KFold: a seed has no effect without shuffle=True; leave seed=None or shuffle"
            )
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.seed = seed

    def split(self, n: int | Sequence) -> Iterator[tuple[list[int], list[int]]]:
        """Yield (train_indices, validation_indices) for each fold; `n` or a dataset of length n."""
        if isinstance(n, bool) or not isinstance(n, (int, Sequence)) or isinstance(n, str):
            raise ValueError(
                f"KFold.split: expected a number of samples (an int) or a dataset, got {n!r:.60}"
            )
        n = n if isinstance(n, int) else len(n)
        if self.n_splits > n:
            raise ValueError(
                f"KFold: n_splits={self.n_splits} is greater than the number of samples n={n}"
            )
        order = list(range(n))
        if self.shuffle:
            # Seeded even when no seed is given (0), so a run can always be repeated.
            random.Random(0 if self.seed is None else self.seed).shuffle(order)
        start = 0
        for fold in range(self.n_splits):
            size = n // self.n_splits + (1 if fold < n % self.n_splits else 0)
            validation = set(order[start : start + size])
            start += size
            yield [i for i in range(n) if i not in validation], sorted(validation)


def train_val_split(
    X: Sequence, y: Sequence, val_fraction: float = 0.2, seed: int = 0, shuffle: bool = True
) -> tuple[list, list, list, list]:
    """Hold out a fraction of the samples for validation: X_train, X_val, y_train, y_val.

    The samples are shuffled first (seeded), so sorted data (all of class 0, then class 1...)
    does not end up with one class in validation. The validation set gets
    ceil(val_fraction * n) samples, as scikit-learn's train_test_split.
    """
    _check_pairs(X, y, "train_val_split")
    if not 0 < val_fraction < 1:
        raise ValueError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction!r}")
    n = len(X)
    n_val = math.ceil(val_fraction * n)
    if not 0 < n_val < n:
        raise ValueError(
            f"train_val_split: {n} samples leave no room for a {val_fraction} validation split"
        )
    order = list(range(n))
    if shuffle:
        random.Random(seed).shuffle(order)
    train, val = order[: n - n_val], order[n - n_val :]
    return [X[i] for i in train], [X[i] for i in val], [y[i] for i in train], [y[i] for i in val]


def batches(
    X: Sequence, y: Sequence, batch_size: int, rng: random.Random | None = None
) -> Iterator[tuple[list, list]]:
    """Yield (X_batch, y_batch) of `batch_size` samples (the last may be smaller).

    With `rng` the samples are visited in a random order drawn from it, so passing the same
    generator every epoch gives a new order each epoch and the same orders on every run.
    """
    _check_pairs(X, y, "batches")
    positive_int(batch_size, "batches", "batch_size")
    order = list(range(len(X)))
    if rng is not None:
        rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        chosen = order[start : start + batch_size]
        yield [X[i] for i in chosen], [y[i] for i in chosen]


# ---- helpers ------------------------------------------------------------------------------------


def _linspace(start: float, stop: float, count: int) -> list[float]:
    """`count` evenly spaced numbers from start to stop inclusive (numpy.linspace)."""
    if count == 1:
        return [start]
    step = (stop - start) / (count - 1)
    return [start + i * step for i in range(count)]


def _check_pairs(X: Sequence, y: Sequence, where: str) -> None:
    """X and y as sequences (lists, tuples or numpy arrays) of the same, non-zero length."""
    for name, data in (("X", X), ("y", y)):
        if not is_rows(data):
            raise ValueError(f"{where}: {name} must be a list (or a numpy array), got {data!r:.60}")
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}; they must match")
    if len(X) == 0:
        raise ValueError(f"{where}: needs at least one sample")


def _rows(X: Sequence[Sequence[float]], method: str) -> list[Sequence[float]]:
    # a string row gets past this test, to be named by feature_rows below
    if not is_rows(X) or len(X) == 0 or not all(is_rows(row) or isinstance(row, str) for row in X):
        raise ValueError(
            f"MinMaxScaler.{method}: expected a non-empty list of feature rows, "
            f"e.g. [[x0, x1], ...], got {X!r:.60}"
        )
    feature_rows(X, f"MinMaxScaler.{method}")  # nan, inf, strings and ragged rows, by row
    return list(X)
