"""Your own data: a CSV file with a header row, one sample per line, read into a Dataset.

    name,height,weight,species        <- the header names every column
    a,1.5,40,cat                      <- the features must be numbers;
    b,2.0,51,dog                         the target column holds the labels

Everything is checked while reading, and a problem is reported with its line and column:
a row with more or fewer cells than the header, a cell that is not a finite number, an empty
cell, a target column that is not there. A wrong number never slips silently into training.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

from .bundled import Dataset


class CSVError(ValueError):
    """A CSV file that cannot become a data set; the message names the file, line and column."""


def load_csv(
    path: str | os.PathLike,
    target: str | int = -1,
    *,
    regression: bool = False,
    ignore: tuple[str, ...] = (),
) -> Dataset:
    """Read `path` (a header row, then one sample per line) into X, y and the names.

    target:     the name of the column to predict, or its position (-1, the default, is the last).
    regression: False (the default): the target cells are class labels, any text; the classes are
                numbered in sorted order (numerically when every label is a number), and
                class_names holds the labels. True: the target cells must be numbers, y is floats.
    ignore:     names of further columns to leave out (an id, a free-text comment).
    Every other column is a feature and every cell in it must be a finite number.
    """
    path = Path(path)
    text = _utf8_text(path, path.read_bytes())
    # Blank lines carry no sample; the line number counts them anyway, to match an editor.
    reader = csv.reader(io.StringIO(text, newline=""))  # newline="": the csv module's own line ends
    lines = [(number, row) for number, row in enumerate(reader, start=1) if any(row)]
    if not lines:
        raise CSVError(f"load_csv: {path} is empty; expected a header row, then one sample per line")
    (_, header), rows = lines[0], lines[1:]
    header = [name.strip() for name in header]
    target_column = _target_column(path, header, target)
    ignored = _ignored_columns(path, header, ignore, target_column)
    features = [i for i in range(len(header)) if i != target_column and i not in ignored]
    if not rows:
        raise CSVError(f"load_csv: {path} has a header but no samples")
    if not features:
        raise CSVError(f"load_csv: {path} has no feature column besides the target {header[target_column]!r}")

    X, labels = [], []
    for number, row in rows:
        if len(row) != len(header):
            raise CSVError(
                f"load_csv: {path}, line {number} has {len(row)} cells but the header has "
                f"{len(header)} ({', '.join(header)}); every row needs one cell per column"
            )
        X.append([_number(path, number, header[i], row[i]) for i in features])
        labels.append(row[target_column].strip())

    target_name = header[target_column]
    if regression:
        y = [_number(path, number, target_name, label) for (number, _), label in zip(rows, labels)]
        return Dataset(X, y, [header[i] for i in features], [])
    for (number, _), label in zip(rows, labels):
        if not label:
            raise CSVError(f"load_csv: {path}, line {number}, column {target_name!r}: the label is empty")
    class_names = sorted(set(labels), key=_label_order(labels))
    index = {name: k for k, name in enumerate(class_names)}
    return Dataset(X, [index[label] for label in labels], [header[i] for i in features], class_names)


def _utf8_text(path: Path, data: bytes) -> str:
    """The file's text; a byte that is not UTF-8 (a file saved as Latin-1 or Windows-1252) is
    reported with its line, since decoding it some other way could silently change a label."""
    try:
        return data.decode("utf-8-sig")  # -sig: drop a BOM (Excel writes one)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CSVError(
            f"load_csv: {path}, line {line}: byte 0x{data[error.start]:02x} is not UTF-8 text; "
            "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8') and load it again"
        ) from None


def _target_column(path: Path, header: list[str], target: str | int) -> int:
    if isinstance(target, bool) or not isinstance(target, (str, int)):
        raise TypeError(f"load_csv: target must be a column name or position, got {target!r}")
    if isinstance(target, int):
        if not -len(header) <= target < len(header):
            raise CSVError(
                f"load_csv: {path}: target={target} is not a column; the file has {len(header)} "
                f"columns ({', '.join(header)})"
            )
        return target % len(header)
    if header.count(target) > 1:
        raise CSVError(f"load_csv: {path} has more than one column named {target!r}; rename one")
    if target not in header:
        raise CSVError(
            f"load_csv: {path} has no column named {target!r}; its columns are {', '.join(header)}"
        )
    return header.index(target)


def _ignored_columns(path: Path, header: list[str], ignore: tuple[str, ...], target: int) -> set[int]:
    if isinstance(ignore, str):  # ignore="id" would otherwise mean the columns "i" and "d"
        ignore = (ignore,)
    missing = [name for name in ignore if name not in header]
    if missing:
        raise CSVError(f"load_csv: {path}: ignore={missing}: no such column ({', '.join(header)})")
    if header[target] in ignore:
        raise CSVError(f"load_csv: {path}: the target column {header[target]!r} cannot also be ignored")
    return {i for i, name in enumerate(header) if name in ignore}


def _number(path: Path, line: int, column: str, cell: str) -> float:
    where = f"load_csv: {path}, line {line}, column {column!r}"
    text = cell.strip()
    if not text:
        raise CSVError(f"{where}: the cell is empty (a missing value); fill it in or drop the row")
    try:
        value = float(text)
    except ValueError:
        raise CSVError(
            f"{where}: {cell!r} is not a number (a text column that is not the target "
            f"can be left out with ignore=)"
        ) from None
    if not math.isfinite(value):
        raise CSVError(f"{where}: {cell!r} is not a finite number")
    return value


def _label_order(labels: list[str]):
    """Sort labels as numbers when they all are (so "10" comes after "9"), else as text."""
    try:
        [float(label) for label in labels]
    except ValueError:
        return str
    return float
