"""The shipped data sets (iris, digits) and load_csv, with every kind of bad CSV file."""

from __future__ import annotations

import hashlib
import pathlib
import tomllib
from collections import Counter

import pytest

import micrograd_plus.data as data
from micrograd_plus.datasets import CSVError, Dataset, load_csv, load_digits, load_iris

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATASETS = ROOT / "micrograd_plus" / "datasets"


# ---- iris and digits ----------------------------------------------------------------------------


def test_iris_is_150_flowers_of_4_measurements_in_3_species_of_50():
    iris = load_iris()
    assert len(iris.X) == 150 and all(len(row) == 4 for row in iris.X)
    assert Counter(iris.y) == {0: 50, 1: 50, 2: 50}
    assert iris.class_names == ["setosa", "versicolor", "virginica"]
    assert iris.feature_names[0] == "sepal length (cm)" and len(iris.feature_names) == 4
    assert iris.X[0] == [5.1, 3.5, 1.4, 0.2] and iris.y[0] == 0
    assert iris.X[149] == [5.9, 3.0, 5.1, 1.8] and iris.y[149] == 2


def test_iris_has_fishers_values_where_the_uci_file_differs():
    X, _ = load_iris()
    assert X[34] == [4.9, 3.1, 1.5, 0.2]  # sample 35: petal width 0.1 in the UCI file
    assert X[37] == [4.9, 3.6, 1.4, 0.1]  # sample 38: 4.9, 3.1, 1.5, 0.1 in the UCI file


def test_iris_summary_statistics_are_the_published_ones():
    X, _ = load_iris()
    means = [sum(column) / 150 for column in zip(*X)]
    assert [round(m, 2) for m in means] == [5.84, 3.06, 3.76, 1.2]
    assert [min(column) for column in zip(*X)] == [4.3, 2.0, 1.0, 0.1]
    assert [max(column) for column in zip(*X)] == [7.9, 4.4, 6.9, 2.5]


def test_digits_are_1797_images_of_8_by_8_pixels_from_0_to_16():
    digits = load_digits()
    assert len(digits.X) == 1797 and all(len(row) == 64 for row in digits.X)
    assert {v for row in digits.X for v in row} == set(map(float, range(17)))
    assert digits.class_names == [str(d) for d in range(10)]
    assert digits.feature_names[9] == "pixel (1, 1)"
    assert digits.y[:10] == list(range(10))
    # the class counts of UCI's optdigits test set, of which this is a copy
    assert Counter(digits.y) == {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}


def test_a_dataset_unpacks_as_x_and_y_like_the_toy_datasets():
    X, y = load_iris()
    assert len(X) == len(y) == len(load_iris()) == 150


def test_the_loaders_are_importable_from_data_too():
    assert data.load_iris is load_iris and data.load_digits is load_digits and data.load_csv is load_csv


def test_shipped_files_are_the_recorded_ones_and_each_has_source_and_license():
    for folder, name, digest in [
        ("iris", "iris.csv", "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449"),
        ("digits", "digits.csv.gz", "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"),
    ]:
        assert hashlib.sha256((DATASETS / folder / name).read_bytes()).hexdigest() == digest
        readme = (DATASETS / folder / "README.md").read_text()
        assert digest in readme and "CC BY 4.0" in readme and "archive.ics.uci.edu" in readme


def test_pyproject_ships_every_data_file_in_a_wheel():
    """A non-editable install copies only the package data that pyproject names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["micrograd_plus.datasets"]
    shipped = {path for pattern in patterns for path in DATASETS.glob(pattern)}
    data_files = {path for path in DATASETS.glob("*/*") if path.suffix != ".py" and "__pycache__" not in path.parts}
    assert data_files and data_files <= shipped


# ---- load_csv: good files -----------------------------------------------------------------------


def write(tmp_path: pathlib.Path, text: str, name: str = "data.csv") -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_csv_reads_features_and_numbers_the_classes_in_sorted_order(tmp_path):
    path = write(tmp_path, "height,weight,animal\n1.5,40,dog\n0.3,4,cat\n2,51,dog\n")
    X, y = dataset = load_csv(path)
    assert X == [[1.5, 40.0], [0.3, 4.0], [2.0, 51.0]]
    assert y == [1, 0, 1]
    assert dataset.feature_names == ["height", "weight"] and dataset.class_names == ["cat", "dog"]


def test_load_csv_takes_the_target_by_name_or_position(tmp_path):
    path = write(tmp_path, "label,a,b\nx,1,2\ny,3,4\n")
    by_name, by_position = load_csv(path, target="label"), load_csv(path, target=0)
    assert by_name == by_position
    assert by_name.X == [[1.0, 2.0], [3.0, 4.0]] and by_name.feature_names == ["a", "b"]


def test_numeric_class_labels_sort_as_numbers(tmp_path):
    path = write(tmp_path, "a,digit\n1,10\n2,9\n3,2\n")
    dataset = load_csv(path)
    assert dataset.class_names == ["2", "9", "10"] and dataset.y == [2, 1, 0]


def test_load_csv_regression_gives_float_targets_and_no_classes(tmp_path):
    path = write(tmp_path, "x,y\n0,0.5\n1,-2e3\n")
    dataset = load_csv(path, target="y", regression=True)
    assert dataset.y == [0.5, -2000.0] and dataset.class_names == []


def test_load_csv_can_leave_out_columns(tmp_path):
    path = write(tmp_path, "id,name,a,label\n7,Ann,1,x\n8,Bob,2,y\n")
    dataset = load_csv(path, target="label", ignore=("id", "name"))
    assert dataset.X == [[1.0], [2.0]] and dataset.feature_names == ["a"]
    assert load_csv(path, target="label", ignore=("id", "name")) == load_csv(path, ignore=["name", "id"])


def test_load_csv_accepts_a_bom_spaces_quotes_and_blank_lines(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes('\ufeffa, b ,c\n\n 1 ,"2",x\n\n3,4, y \n'.encode("utf-8"))
    dataset = load_csv(path)
    assert dataset.feature_names == ["a", "b"] and dataset.X == [[1.0, 2.0], [3.0, 4.0]]
    assert dataset.class_names == ["x", "y"]


def test_iris_written_as_csv_loads_back_identically(tmp_path):
    iris = load_iris()
    lines = [",".join(iris.feature_names + ["species"])]
    lines += [",".join([*map(repr, row), iris.class_names[c]]) for row, c in zip(iris.X, iris.y)]
    loaded = load_csv(write(tmp_path, "\n".join(lines) + "\n"), target="species")
    assert loaded == iris


# ---- load_csv: every bad file, each with its own clear message ----------------------------------


@pytest.mark.parametrize(
    "text, kwargs, message",
    [
        ("a,b,c\n1,2,x\n3,4\n", {}, "line 3 has 2 cells but the header has 3 (a, b, c)"),
        ("a,b,c\n1,2,x\n3,4,y,5\n", {}, "line 3 has 4 cells but the header has 3"),
        ("a,b,c\n1,2,x\n3,four,y\n", {}, "line 3, column 'b': 'four' is not a number"),
        ("a,b,c\n1,,x\n", {}, "line 2, column 'b': the cell is empty (a missing value)"),
        ("a,b,c\n1,nan,x\n", {}, "line 2, column 'b': 'nan' is not a finite number"),
        ("a,b,c\n1,-inf,x\n", {}, "line 2, column 'b': '-inf' is not a finite number"),
        ("a,b,c\n1,2,\n", {}, "line 2, column 'c': the label is empty"),
        ("a,b,c\n1,2,x\n", {"target": "species"}, "has no column named 'species'; its columns are a, b, c"),
        ("a,b,c\n1,2,x\n", {"target": 3}, "target=3 is not a column"),
        ("a,b,c\n1,2,x\n", {"target": -4}, "target=-4 is not a column"),
        ("a,a,c\n1,2,x\n", {"target": "a"}, "more than one column named 'a'"),
        ("", {}, "is empty; expected a header row"),
        ("\n\n", {}, "is empty; expected a header row"),
        ("a,b,c\n", {}, "has a header but no samples"),
        ("c\nx\n", {}, "has no feature column besides the target 'c'"),
        ("a,b,c\n1,2,x\n", {"ignore": ("d",)}, "ignore=['d']: "),
        ("a,b,c\n1,2,x\n", {"ignore": ("c",)}, "the target column 'c' cannot also be ignored"),
        ("a,b,y\n1,2,x\n", {"regression": True}, "line 2, column 'y': 'x' is not a number"),
    ],
    ids=[
        "row-too-short",
        "row-too-long",
        "text-in-a-feature",
        "empty-cell",
        "nan",
        "infinity",
        "empty-label",
        "missing-target-name",
        "target-position-too-large",
        "target-position-too-small",
        "ambiguous-target",
        "empty-file",
        "blank-file",
        "header-only",
        "no-features",
        "ignore-unknown-column",
        "ignore-the-target",
        "regression-text-target",
    ],
)
def test_a_bad_csv_file_is_refused_naming_the_file_and_the_place(tmp_path, text, kwargs, message):
    path = write(tmp_path, text)
    with pytest.raises(CSVError) as error:
        load_csv(path, **kwargs)
    assert message in str(error.value)
    assert str(error.value).startswith(f"load_csv: {path}")
    assert isinstance(error.value, ValueError)  # callers catching ValueError see it too


def test_a_file_that_is_not_utf8_is_refused_naming_the_line_and_saying_to_save_it_as_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("height,town\n1.5,Paris\n\n1.7,Zürich\n".encode("latin-1"))  # ü is 0xfc
    with pytest.raises(CSVError) as error:
        load_csv(path)
    assert str(error.value) == (f"load_csv: {path}, line 4: byte 0xfc is not UTF-8 text; save the "
                                "file as UTF-8 (in a spreadsheet: 'CSV UTF-8') and load it again")
    path.write_bytes("height,town\r\n1.5,Paris\r\n1.7,Zürich\r\n".encode("utf-8"))
    assert load_csv(path).class_names == ["Paris", "Zürich"]  # the same file in UTF-8 loads


def test_a_quoted_cell_may_hold_a_line_break(tmp_path):
    path = write(tmp_path, 'a,b\n1,"two\nlines"\n2,x\n')
    assert load_csv(path).class_names == ["two\nlines", "x"]


def test_a_target_that_is_neither_name_nor_position_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="target must be a column name or position, got True"):
        load_csv(write(tmp_path, "a,b\n1,x\n"), target=True)


def test_a_missing_file_is_the_usual_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_csv(tmp_path / "nowhere.csv")


def test_dataset_is_a_plain_value(tmp_path):
    dataset = Dataset([[1.0]], [0], ["a"], ["x"])
    assert dataset == Dataset([[1.0]], [0], ["a"], ["x"]) and list(dataset) == [[[1.0]], [0]]
