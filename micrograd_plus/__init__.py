"""micrograd_plus: a scalar reverse-mode autodiff engine for learning and testing backpropagation."""
from .engine import Value, grad, no_grad, topological_order
from .gradcheck import GradcheckError, GradcheckReport, gradcheck, gradgradcheck

__all__ = [
    "Value",
    "grad",
    "no_grad",
    "topological_order",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "GradcheckReport",
]
__version__ = "0.1.0"
