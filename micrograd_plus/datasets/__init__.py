"""Real data, shipped inside the package: iris, the 8 x 8 digits, and your own CSV files.

    from micrograd_plus.datasets import load_iris, load_digits, load_csv
    iris = load_iris()                    # iris.X, iris.y, iris.feature_names, iris.class_names
    X, y = load_digits()                  # or unpack, like every data set in micrograd_plus.data

Every loader returns a `Dataset` of plain lists. The data files sit in this folder, each with a
README that gives its source and license; nothing is downloaded.
"""

from .bundled import Dataset, load_digits, load_iris
from .csv_file import CSVError, load_csv

__all__ = ["Dataset", "load_iris", "load_digits", "load_csv", "CSVError"]
