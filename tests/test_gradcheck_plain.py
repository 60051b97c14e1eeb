"""check_derivative and check_vjp: hand-written derivatives of functions of plain numbers, and the
catalogue of hard cases with the verdict each must get."""
from __future__ import annotations

import math
import subprocess
import sys

import pytest

from micrograd_plus import GradcheckError, Value, check_derivative, check_vjp

from .gradcheck_cases import CASES


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_hard_case_gets_its_verdict(case):
    bad = case.bad or (lambda x: 1.01 * case.df(x))
    for df, expected in ((case.df, case.right), (bad, case.wrong)):
        report = check_derivative(case.f, df, case.x, eps=case.eps, raise_exception=False)
        assert report.rows[0].verdict == expected, str(report)


def test_a_float_function_with_a_float_derivative():
    report = check_derivative(math.sin, math.cos, 0.3)
    assert report.ok and [row.label for row in report.rows] == ["x"]
    assert report.rows[0].numeric == pytest.approx(math.cos(0.3), rel=1e-10)


def test_a_list_function_with_its_jacobian_names_each_pair():
    def f(x):
        return [x[0] * x[1], math.exp(x[0])]

    def df(x):  # rows: outputs, columns: inputs
        return [[x[1], x[0]], [math.exp(x[0]), 0.0]]

    assert check_derivative(f, df, [0.5, 2.0]).ok

    def wrong(x):
        return [[x[1], x[0]], [math.exp(x[0]), 1.0]]

    report = check_derivative(f, wrong, [0.5, 2.0], raise_exception=False)
    assert [row.label for row in report.failures] == ["df[1]/dx[1]"]


def test_a_scalar_function_of_a_list_takes_its_gradient():
    report = check_derivative(lambda x: sum(v * v for v in x), lambda x: [2 * v for v in x], [1.0, -2.0, 3.0])
    assert report.ok and [row.label for row in report.rows] == ["x[0]", "x[1]", "x[2]"]


def test_numpy_arrays_of_any_shape():
    np = pytest.importorskip("numpy")
    W = np.array([[0.2, -0.5], [1.5, 0.3], [-0.7, 0.9]])
    report = check_derivative(lambda X: float(np.sum(np.tanh(X @ W.T))), lambda X: (1 - np.tanh(X @ W.T) ** 2) @ W,
                              np.array([[0.1, -0.4], [0.8, 0.2]]))
    assert report.ok and report.rows[1].label == "x[0,1]" and len(report.rows) == 4


def test_numpy_is_not_imported_for_plain_numbers():
    code = (
        "import sys, math\n"
        "from micrograd_plus import check_derivative\n"
        "check_derivative(math.sin, math.cos, [0.3][0])\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_vjp_along_random_upstream_vectors():
    def f(x):
        return [x[0] * x[1], x[0] + x[1], math.sin(x[1])]

    def vjp(x, u):  # u . J, J = [[x1, x0], [1, 1], [0, cos x1]]
        return [u[0] * x[1] + u[1], u[0] * x[0] + u[1] + u[2] * math.cos(x[1])]

    report = check_vjp(f, vjp, [0.5, -1.2])
    assert report.ok and len(report.rows) == 3 * 2
    assert report.rows[0].label == "d(u1.f)/dx[0]"

    def forgot_the_sum(x, u):
        return [u[0] * x[1], u[0] * x[0] + u[1] + u[2] * math.cos(x[1])]

    report = check_vjp(f, forgot_the_sum, [0.5, -1.2], raise_exception=False)
    assert {row.label.split("/")[1] for row in report.failures} == {"dx[0]"}
    assert len(report.failures) == 3  # every upstream vector sees it


def test_the_same_upstream_vectors_every_run():
    def f(x):
        return [x[0] ** 2, x[0]]

    seen = []

    def vjp(x, u):
        seen.append(list(u))
        return [2 * x[0] * u[0] + u[1]]

    check_vjp(f, vjp, [0.3])
    check_vjp(f, vjp, [0.3])
    assert seen[:3] == seen[3:]
    check_vjp(f, vjp, [0.3], seed=1)
    assert seen[6:] != seen[:3]


def test_a_hand_written_error_is_the_same_error_as_gradcheck():
    with pytest.raises(GradcheckError, match="check_derivative failed: 1 of 1 derivative"):
        check_derivative(math.exp, lambda x: 2 * math.exp(x), 1.0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_derivative(math.sin, math.cos, "0.3"), TypeError, "x must be a number, a non-empty flat list"),
        (lambda: check_derivative(math.sin, math.cos, []), TypeError, "x must be a number"),
        (lambda: check_derivative(math.sin, math.cos, [[0.3]]), TypeError, "x must be a number"),
        (lambda: check_derivative(math.sin, math.cos, math.inf), ValueError, "x holds inf"),
        (lambda: check_derivative(math.sin, None, 0.3), TypeError, "df must be a function"),
        (lambda: check_derivative(lambda x: Value(x), math.cos, 0.3), TypeError, "returned a Value; for functions of Values use gradcheck"),
        (lambda: check_derivative(lambda x: "y", math.cos, 0.3), TypeError, "f.x. must give numbers, got 'y'"),
        (lambda: check_derivative(lambda x: math.nan, math.cos, 0.3), ValueError, "f.x. holds nan"),
        (lambda: check_derivative(lambda x: [x[0], x[1]], lambda x: [1.0, 0.0], [0.3, 0.1]), ValueError,
         "df.x. returned 2 numbers; expected 4, the Jacobian"),
        (lambda: check_vjp(lambda x: [x[0], x[1]], lambda x, u: [1.0], [0.3, 0.1]), ValueError,
         r"vjp\(x, u\) returned 1 numbers; expected 2, shaped like x"),
    ],
)
def test_every_mistake_in_the_call_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
