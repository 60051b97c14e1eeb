"""The real data sets that ship inside the package: iris and the 8 x 8 handwritten digits.

The files sit beside this module (`iris/iris.csv`, `digits/digits.csv.gz`), each folder with a
README giving its source and license, and are read with `importlib.resources`, so they load the
same from a source checkout, an installed wheel or a zip. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Dataset:
    """Samples as plain lists, with names for the columns and the classes.

    X: one list of floats per sample;  y: the class index of each sample (a float, for
    regression);  feature_names: one name per column of X;  class_names: the name of each class
    index (empty for regression). Like every data set here it unpacks as `X, y = load_iris()`;
    the names are attributes.
    """

    X: list[list[float]]
    y: list
    feature_names: list[str]
    class_names: list[str]

    def __iter__(self) -> Iterator[list]:
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return len(self.X)


def load_iris() -> Dataset:
    """Fisher's iris: 150 flowers x 4 measurements in cm, 3 species of 50 (sorted by species).

    Source: UCI Machine Learning Repository (CC BY 4.0); see datasets/iris/README.md.
    """
    lines = _text("iris", "iris.csv").splitlines()
    header, *rows = list(csv.reader(lines))
    samples, features, *class_names = header  # "150,4,setosa,versicolor,virginica"
    X = [[float(cell) for cell in row[: int(features)]] for row in rows]
    y = [int(row[-1]) for row in rows]
    _check_shape("iris", X, int(samples), int(features))
    feature_names = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
    return Dataset(X, y, feature_names, class_names)


def load_digits() -> Dataset:
    """Handwritten digits: 1,797 images of 8 x 8 pixels (0 = white ... 16 = black), 10 classes.

    Each row of X is an image read row by row: pixel (r, c) is X[i][8 * r + c]. Source: the test
    set of UCI's "Optical Recognition of Handwritten Digits" (CC BY 4.0); see
    datasets/digits/README.md.
    """
    with gzip.open(io.BytesIO(_bytes("digits", "digits.csv.gz")), "rt", encoding="ascii") as f:
        rows = list(csv.reader(f))
    X = [[float(cell) for cell in row[:-1]] for row in rows]
    y = [int(row[-1]) for row in rows]
    _check_shape("digits", X, 1797, 64)
    feature_names = [f"pixel ({r}, {c})" for r in range(8) for c in range(8)]
    return Dataset(X, y, feature_names, [str(digit) for digit in range(10)])


def _bytes(folder: str, name: str) -> bytes:
    return (resources.files(__package__) / folder / name).read_bytes()


def _text(folder: str, name: str) -> str:
    return _bytes(folder, name).decode("ascii")


def _check_shape(name: str, X: list[list[float]], samples: int, features: int) -> None:
    """A damaged copy of a shipped file should fail here, not as a strange training result."""
    if len(X) != samples or any(len(row) != features for row in X):
        raise RuntimeError(
            f"load_{name}: the shipped data file should hold {samples} samples of {features} "
            f"features, but holds {len(X)}; reinstall micrograd_plus"
        )
