"""`micrograd-plus train` on the shipped data sets and on a user's CSV file, and the confusion
matrix behind its picture."""

from __future__ import annotations

import re

import pytest

from micrograd_plus.cli import main
from micrograd_plus.datasets import load_iris
from micrograd_plus.plots import confusion_counts


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def iris_csv(tmp_path, rows: slice = slice(None)):
    iris = load_iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    lines += [",".join([*map(str, x), iris.class_names[c]]) for x, c in list(zip(iris.X, iris.y))[rows]]
    path = tmp_path / "iris.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_train_on_iris_cross_validates_above_93_percent(capsys, tmp_path):
    status, printed, _ = run(capsys, "train", "--dataset", "iris", "--kfold", "5", "--out", str(tmp_path))
    assert status == 0
    assert printed.startswith("iris (150 samples, 3 classes): MLP(4, [8, 3]), adam, 30 epochs")
    mean = re.search(r"mean: validation loss [\d.]+, accuracy ([\d.]+)%", printed)
    assert mean and float(mean.group(1)) >= 93
    assert (tmp_path / "model.json").exists()
    if "no plots" not in printed:  # four features: no plane for a decision boundary
        assert (tmp_path / "confusion_matrix.png").exists()
        assert not (tmp_path / "decision_boundary.png").exists()


def test_train_on_a_csv_file_uses_its_labels_and_names(capsys, tmp_path):
    path = iris_csv(tmp_path)
    status, printed, _ = run(
        capsys, "train", "--dataset", str(path), "--target", "species", "--epochs", "3", "--out", str(tmp_path / "run")
    )
    assert status == 0
    assert printed.startswith(f"{path} (150 samples, 3 classes): MLP(4, [16, 3])")
    assert re.search(r"validation: loss [\d.]+, accuracy [\d.]+%", printed)


def test_train_on_digits_picks_the_small_model_that_runs_in_seconds():
    from micrograd_plus.experiments import load_problem

    problem = load_problem("digits")
    assert (problem.hidden, problem.epochs, problem.batch_size) == ((), 6, 16)
    assert len(problem.X) == 1797 and problem.class_names[9] == "9"


@pytest.mark.parametrize(
    ("make_argv", "message"),
    [
        (lambda p: ["--dataset", str(p / "missing.csv")], "cannot read"),
        (lambda p: ["--dataset", str(p / "bad.csv")], "line 3 has 2 cells but the header has 3"),
        (lambda p: ["--dataset", str(p / "bad.csv"), "--target", "kind"], "has no column named 'kind'"),
        (lambda p: ["--dataset", str(p / "one.csv")], "has only one class"),
        (lambda p: ["--dataset", "iris", "--target", "species"], "--target species: only a CSV file has columns"),
    ],
    ids=["missing-file", "ragged-row", "missing-target", "one-class", "target-without-csv"],
)
def test_a_bad_data_file_is_one_clear_message(capsys, tmp_path, make_argv, message):
    (tmp_path / "bad.csv").write_text("a,b,label\n1,2,x\n3,4\n")
    (tmp_path / "one.csv").write_text("a,label\n1,x\n2,x\n")
    status, out, err = run(capsys, "train", *make_argv(tmp_path), "--epochs", "1", "--out", str(tmp_path / "o"))
    assert status == 2 and out == ""
    assert err.startswith("micrograd-plus train: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_dataset_name_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--dataset", "mnist"])
    assert exit_.value.code == 2
    assert "invalid choice: 'mnist' (choose from moons, spiral, vertical, sine, iris, digits, or a file ending in .csv)" in capsys.readouterr().err


def test_confusion_counts_put_true_classes_in_rows_and_predictions_in_columns():
    assert confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3) == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [([0, 1], [0], "needs as many predictions as labels"), ([0, 3], [0, 1], "an index below 3, got 3"), ([], [], "at least one")],
)
def test_confusion_counts_refuse_what_is_not_a_class(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        confusion_counts(y_true, y_pred, 3)
