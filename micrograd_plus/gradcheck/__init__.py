"""Check derivatives against finite differences, from anyone's test suite.

    gradcheck(f, inputs)            the engine's derivatives of a function of Values (any order)
    gradgradcheck(f, inputs)        the same at order 2
    check_derivative(f, df, x)      a hand-written derivative of a function of plain numbers
    check_vjp(f, vjp, x)            a hand-written backward pass, vjp(x, u) = d(u . f(x))/dx

Every numeric derivative comes with an estimate of its own error (numeric.py), every analytic one
gets a verdict against it (report.py): ok, FAIL, kink, or unresolved when the finite differences
cannot tell. Each check raises GradcheckError (an AssertionError, so pytest shows the table) or,
with raise_exception=False, returns the GradcheckReport.
"""
from .plain import check_derivative, check_vjp
from .report import GradcheckError, GradcheckReport, GradcheckRow
from .values import gradcheck, gradgradcheck

__all__ = [
    "gradcheck",
    "gradgradcheck",
    "check_derivative",
    "check_vjp",
    "GradcheckError",
    "GradcheckReport",
    "GradcheckRow",
]
