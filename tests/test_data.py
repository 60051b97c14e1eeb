"""Data practices: datasets, MinMaxScaler, KFold, splits, batches and cross-validation."""

from __future__ import annotations

import math
import random

import pytest

from micrograd_plus import data
from micrograd_plus.data import (
    KFold,
    MinMaxScaler,
    batches,
    make_moons,
    sine_data,
    spiral_data,
    train_val_split,
    vertical_data,
)
from micrograd_plus.nn import MLP, SGD
from micrograd_plus.train import cross_validate

# ---- datasets -----------------------------------------------------------------------------------


def test_spiral_data_has_radius_growing_evenly_from_zero_to_one_per_class():
    X, y = spiral_data(5, 3)
    assert len(X) == 15 and y == [0] * 5 + [1] * 5 + [2] * 5
    radii = [math.hypot(*row) for row in X]
    assert radii == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0] * 3, abs=1e-15)


def test_spiral_angles_follow_their_class_arm_within_the_noise():
    X, _ = spiral_data(50, 2, seed=3)
    # t = 4c + 4i/49 + noise (sd 0.2); x = r sin 2.5t and y = r cos 2.5t, so atan2(x, y) = 2.5t.
    for c in range(2):
        for i in range(1, 50):
            x0, x1 = X[c * 50 + i]
            t = 4 * c + 4 * i / 49
            angle = math.atan2(x0, x1)  # = 2.5 t' modulo 2 pi
            gap = (angle - 2.5 * t + math.pi) % (2 * math.pi) - math.pi
            assert abs(gap) < 2.5 * 0.2 * 5  # five standard deviations


@pytest.mark.parametrize(
    "make",
    [
        lambda s: spiral_data(20, 3, s),
        lambda s: vertical_data(20, 3, s),
        lambda s: make_moons(40, 0.2, s),
    ],
)
def test_datasets_are_reproducible_by_seed_and_differ_between_seeds(make):
    assert make(4) == make(4)
    assert make(4)[0] != make(5)[0]


def test_vertical_data_classes_are_centred_at_c_over_3_and_one_half():
    X, y = vertical_data(400, 3, seed=1)
    for c in range(3):
        rows = [row for row, label in zip(X, y) if label == c]
        assert sum(r[0] for r in rows) / 400 == pytest.approx(c / 3, abs=0.02)
        assert sum(r[1] for r in rows) / 400 == pytest.approx(0.5, abs=0.02)


def test_sine_data_is_one_period_sampled_at_i_over_n():
    X, y = sine_data(4)
    assert X == [[0.0], [0.25], [0.5], [0.75]]
    assert y == pytest.approx([0.0, 1.0, 0.0, -1.0], abs=1e-15)


def test_make_moons_without_noise_lies_on_the_two_half_circles():
    X, y = make_moons(11, noise=0.0)
    assert y.count(0) == 5 and y.count(1) == 6  # sklearn: the outer moon gets n // 2
    for (x0, x1), label in zip(X, y):
        if label == 0:
            assert math.hypot(x0, x1) == pytest.approx(1.0) and x1 >= -1e-15
        else:
            assert math.hypot(x0 - 1, x1 - 0.5) == pytest.approx(1.0) and x1 <= 0.5 + 1e-15


def test_make_moons_shuffles_unless_asked_not_to():
    assert make_moons(10, 0.0, shuffle=False)[1] == [0] * 5 + [1] * 5
    assert make_moons(10, 0.0)[1] != [0] * 5 + [1] * 5


def test_datasets_leave_the_global_random_generator_alone():
    state = random.getstate()
    spiral_data(10, 2)
    make_moons(10)
    assert random.getstate() == state


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: spiral_data(0, 3), "spiral_data: samples must be a positive int, got 0"),
        (lambda: vertical_data(5, 0), "vertical_data: classes must be a positive int"),
        (lambda: make_moons(10, noise=-0.1), "make_moons: noise must be a finite number >= 0"),
    ],
)
def test_bad_dataset_sizes_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- MinMaxScaler -------------------------------------------------------------------------------


def test_scaler_maps_the_training_range_onto_minus_one_to_one():
    scaler = MinMaxScaler().fit([[1.0, 10.0], [3.0, 20.0], [2.0, 15.0]])
    assert scaler.transform([[1.0, 10.0], [3.0, 20.0], [2.0, 12.5]]) == [
        [-1.0, -1.0],
        [1.0, 1.0],
        [0.0, -0.5],
    ]


def test_scaler_maps_unseen_values_outside_the_range_unless_clipped():
    train = [[0.0], [10.0]]
    assert MinMaxScaler().fit(train).transform([[15.0], [-5.0]]) == [[2.0], [-2.0]]
    assert MinMaxScaler(clip=True).fit(train).transform([[15.0], [-5.0]]) == [[1.0], [-1.0]]


def test_scaler_maps_a_constant_feature_to_the_low_end_without_dividing_by_zero():
    scaler = MinMaxScaler().fit([[5.0, 1.0], [5.0, 2.0]])
    assert scaler.transform([[5.0, 1.0]])[0][0] == -1.0
    assert scaler.transform([[6.5, 1.0]])[0][0] == -1.0 + 2 * 1.5  # as scikit-learn


def test_inverse_transform_recovers_the_original_values():
    X = [[1.0, -4.0], [3.5, 2.0], [2.0, 0.0]]
    scaler = MinMaxScaler(feature_range=(0, 1))
    recovered = scaler.inverse_transform(scaler.fit_transform(X))
    assert [x for row in recovered for x in row] == pytest.approx([x for row in X for x in row])


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_using_the_scaler_before_fit_names_the_method(method):
    with pytest.raises(ValueError, match=f"MinMaxScaler.{method}: .* not fitted yet; call fit"):
        getattr(MinMaxScaler(), method)([[1.0]])


def test_scaler_rejects_the_wrong_feature_count_and_a_backwards_range():
    scaler = MinMaxScaler().fit([[1.0, 2.0], [2.0, 3.0]])
    with pytest.raises(ValueError, match="has 3 features, but the scaler was fitted on 2"):
        scaler.transform([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="minimum of feature_range must be below its maximum"):
        MinMaxScaler(feature_range=(1, -1))
    with pytest.raises(
        ValueError, match="MinMaxScaler.fit: expected a non-empty list of feature rows"
    ):
        MinMaxScaler().fit([1.0, 2.0])


# ---- KFold --------------------------------------------------------------------------------------


def validation_folds(n: int, k: int, **kwargs) -> list[list[int]]:
    return [val for _, val in KFold(k, **kwargs).split(n)]


def test_kfold_cuts_contiguous_folds_with_the_larger_ones_first():
    assert validation_folds(10, 3) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert [len(fold) for fold in validation_folds(10, 4)] == [3, 3, 2, 2]
    assert validation_folds(4, 2) == [[0, 1], [2, 3]]


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(("n", "k"), [(10, 3), (7, 7), (23, 5), (100, 10)])
def test_kfold_folds_are_disjoint_covering_and_train_is_the_rest(n, k, shuffle):
    folds = list(KFold(k, shuffle=shuffle, seed=1 if shuffle else None).split(n))
    validation = [i for _, val in folds for i in val]
    assert sorted(validation) == list(range(n))  # each index validated exactly once
    sizes = sorted((len(val) for _, val in folds), reverse=True)
    assert sizes == [n // k + 1] * (n % k) + [n // k] * (k - n % k)
    for train, val in folds:
        assert train == sorted(set(range(n)) - set(val)) and val == sorted(val)


def test_kfold_shuffle_is_seeded():
    shuffled = validation_folds(20, 4, shuffle=True, seed=3)
    assert shuffled == validation_folds(20, 4, shuffle=True, seed=3)
    assert shuffled != validation_folds(20, 4)


@pytest.mark.parametrize(
    ("make", "n", "message"),
    [
        (lambda: KFold(1), 10, "n_splits must be 2 or more, got 1"),
        (lambda: KFold(11), 10, "n_splits=11 is greater than the number of samples n=10"),
        (lambda: KFold(3, seed=0), 10, "a seed has no effect without shuffle=True"),
        (lambda: KFold(2.5), 10, "n_splits must be an int"),
    ],
)
def test_kfold_errors_follow_scikit_learn(make, n, message):
    with pytest.raises(ValueError, match=message):
        list(make().split(n))


# ---- split and batches --------------------------------------------------------------------------


def test_train_val_split_holds_out_the_rounded_up_fraction_disjointly():
    X, y = [[float(i)] for i in range(10)], list(range(10))
    X_train, X_val, y_train, y_val = train_val_split(X, y, val_fraction=0.25, seed=2)
    assert len(X_val) == 3 and len(X_train) == 7  # ceil(2.5)
    assert sorted(y_train + y_val) == y
    assert [row[0] for row in X_val] == y_val  # rows stay with their labels
    assert train_val_split(X, y, 0.25, seed=2) == (X_train, X_val, y_train, y_val)


def test_batches_cover_every_sample_once_per_epoch_in_a_seeded_order():
    X, y = [[float(i)] for i in range(10)], list(range(10))
    assert [len(yb) for _, yb in batches(X, y, 4)] == [4, 4, 2]
    assert [yb for _, yb in batches(X, y, 4)][0] == [0, 1, 2, 3]
    rng = random.Random(0)
    first = [i for _, yb in batches(X, y, 4, rng) for i in yb]
    second = [i for _, yb in batches(X, y, 4, rng) for i in yb]
    assert sorted(first) == sorted(second) == y and first != second
    again = random.Random(0)
    assert [i for _, yb in batches(X, y, 4, again) for i in yb] == first


def test_splits_reject_mismatched_lengths():
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        train_val_split([[1.0]] * 3, [0, 1])
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        list(batches([[1.0]], [0], 0))


# ---- cross-validation ---------------------------------------------------------------------------


def test_cross_validate_fits_the_scaler_on_each_folds_training_part_only(monkeypatch):
    X, y = vertical_data(6, 2, seed=0)
    fitted_on: list[list] = []
    original_fit = MinMaxScaler.fit

    def spy(self, rows):
        fitted_on.append([list(row) for row in rows])
        return original_fit(self, rows)

    monkeypatch.setattr(data.MinMaxScaler, "fit", spy)
    result = cross_validate(
        lambda: MLP(2, [4, 2], seed=0),
        X,
        y,
        make_optimizer=lambda params: SGD(params, lr=0.5),
        epochs=3,
        n_splits=3,
        seed=1,
    )
    assert len(fitted_on) == 3
    for rows, (train, _) in zip(fitted_on, KFold(3, shuffle=True, seed=1).split(12)):
        assert rows == [X[i] for i in train]  # never a validation row
    assert len(result["accuracy"]) == len(result["loss"]) == 3
    assert result["mean_accuracy"] == pytest.approx(sum(result["accuracy"]) / 3)
    assert result["mean_loss"] == pytest.approx(sum(result["loss"]) / 3)
    assert all(0 <= a <= 1 for a in result["accuracy"])


@pytest.mark.parametrize(
    ("X", "message"),
    [
        ([[0.0, 1.0], [float("nan"), 2.0]], r"row 1, column 0 is nan; data must be finite numbers"),
        ([[0.0, 1.0], [3.0, float("-inf")]], r"row 1, column 1 is -inf"),
        ([[0.0, 1.0], [2.0, "3"]], r"row 1, column 1 is '3' \(str\), not a number"),
        ([[0.0, 1.0], [2.0]], r"row 1 has 1 features but row 0 has 2"),
        ([[0.0, 1.0], "ab"], r"row 1 is 'ab', not a list of numbers"),
    ],
)
def test_the_scaler_names_the_row_of_bad_data(X, message):
    with pytest.raises(ValueError, match=f"MinMaxScaler.fit: {message}"):
        MinMaxScaler().fit(X)
    fitted = MinMaxScaler().fit([[0.0, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match=f"MinMaxScaler.transform: {message}"):
        fitted.transform(X)


@pytest.mark.parametrize("n", [2.5, "abc", True, None])
def test_kfold_split_refuses_what_is_not_a_count_or_a_dataset(n):
    with pytest.raises(ValueError, match=r"KFold.split: expected a number of samples \(an int\) or a dataset, got"):
        list(KFold(2).split(n))


# ---- numpy arrays, read as lists of rows ---------------------------------------------------------


def test_train_val_split_and_batches_take_numpy_arrays_as_they_take_lists():
    np = pytest.importorskip("numpy")
    X, y = make_moons(20, seed=0)
    from_arrays = train_val_split(np.array(X), np.array(y), val_fraction=0.25, seed=3)
    from_lists = train_val_split(X, y, val_fraction=0.25, seed=3)
    assert [[list(row) for row in part] for part in from_arrays[:2]] == list(from_lists[:2])
    assert [list(part) for part in from_arrays[2:]] == list(from_lists[2:])
    assert [list(yb) for _, yb in batches(np.array(X), np.array(y), 8)] == [y[:8], y[8:16], y[16:]]
    with pytest.raises(ValueError, match="train_val_split: needs at least one sample"):
        train_val_split(np.zeros((0, 2)), np.zeros(0))


def test_fit_on_numpy_arrays_trains_exactly_as_on_lists():
    np = pytest.importorskip("numpy")
    from micrograd_plus.nn import Adam, fit

    X, y = make_moons(24, seed=1)
    histories = []
    for features, labels in ((X, y), (np.array(X), np.array(y))):
        model = MLP(2, [4, 2], seed=0)
        histories.append(fit(model, features, labels, optimizer=Adam(model.parameters(), lr=0.05),
                             epochs=3, progress=False))
    assert histories[1] == histories[0]
    model = MLP(2, [4, 2], seed=0)
    with pytest.raises(ValueError, match=r"fit: row 1, column 0 is nan; data must be finite"):
        fit(model, np.array([[0.0, 1.0], [np.nan, 0.0]]), np.array([0, 1]),
            optimizer=Adam(model.parameters()), epochs=1, progress=False)


def test_the_scaler_takes_a_numpy_array_and_other_data_is_refused_by_name():
    np = pytest.importorskip("numpy")
    X = [[0.0, 10.0], [2.0, 30.0]]
    assert MinMaxScaler().fit(np.array(X)).transform(X) == [[-1.0, -1.0], [1.0, 1.0]]
    with pytest.raises(ValueError, match=r"train_val_split: X must be a list \(or a numpy array\)"):
        train_val_split({1: 2}, [0])
