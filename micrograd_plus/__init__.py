"""micrograd_plus: a scalar reverse-mode autodiff engine for learning and testing backpropagation."""
from .custom_ops import define_op
from .engine import Value, grad, no_grad, topological_order
from .forward import jvp
from .gradcheck import GradcheckError, GradcheckReport, check_derivative, check_vjp, gradcheck, gradgradcheck
from .tape import Tape, TapeError, trace

__all__ = [
    "Value",
    "define_op",
    "grad",
    "jvp",
    "no_grad",
    "topological_order",
    "gradcheck",
    "gradgradcheck",
    "check_derivative",
    "check_vjp",
    "GradcheckError",
    "GradcheckReport",
    "trace",
    "Tape",
    "TapeError",
    "draw",
    "explain",
]
__version__ = "0.1.0"

_FROM_VIZ = ("draw", "explain")


def __getattr__(name: str):
    # The visualizer imports the graphviz package; load it on first use, so that the engine
    # alone still imports with nothing but the standard library.
    if name in _FROM_VIZ:
        from . import viz

        return getattr(viz, name)
    raise AttributeError(f"module 'micrograd_plus' has no attribute {name!r}")
