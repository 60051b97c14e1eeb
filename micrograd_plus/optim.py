"""The five optimizers of NNFS (Neural Networks from Scratch), simplest first.

Each reads `p.grad` and writes `p.data`. They share a learning-rate decay and a step counter:
step k (counting from 1) uses

    lr_k = lr / (1 + decay * (k - 1))

so the first step always uses `lr`. After a step, `current_lr` is the rate that step used (as
NNFS prints it) and `iterations` is k. With the same settings (see the README) they match
torch.optim step for step: SGD, SGD with momentum (decay 0), Adagrad, RMSprop and Adam.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .engine import Value
from .checks import finite_number, non_negative


class Optimizer:
    """What the five share: the decayed rate, the step counter, zero_grad and the state dict.

    A subclass names its settings in `_settings` and its per-parameter running values in
    `_buffers` (lists of floats, one entry per parameter, starting at 0), and writes `_update`.
    """

    _settings: tuple[str, ...] = ()
    _buffers: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Value], lr: float, decay: float) -> None:
        self.params = list(params)
        name = type(self).__name__
        if not self.params:
            raise ValueError(f"{name}: got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: params[{i}] must be a Value, got {p!r}")
        self.lr = non_negative(lr, name, "lr")
        self.decay = non_negative(decay, name, "decay")
        self.current_lr = self.lr
        self.iterations = 0
        for buffer in self._buffers:
            setattr(self, buffer, [0.0] * len(self.params))

    def step(self) -> None:
        """Update every parameter once, at lr_k = lr / (1 + decay * iterations)."""
        # Written lr * (1 / ...) as NNFS does (and torch's LambdaLR), so the rounding agrees too.
        self.current_lr = self.lr * (1.0 / (1.0 + self.decay * self.iterations))
        for i, p in enumerate(self.params):
            self._update(i, p)
        self.iterations += 1

    def _update(self, i: int, p: Value) -> None:
        raise NotImplementedError

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def state_dict(self) -> dict:
        """Settings, counter and running values, as plain JSON data."""
        return {
            "optimizer": type(self).__name__,
            "settings": {key: getattr(self, key) for key in ("lr", "decay", *self._settings)},
            "iterations": self.iterations,
            "current_lr": self.current_lr,
            "buffers": {key: list(getattr(self, key)) for key in self._buffers},
        }

    def load_state_dict(self, state: dict) -> None:
        """Resume from `state_dict()` output; checked in full before anything changes."""
        name = type(self).__name__
        expected = self.state_dict()
        if not isinstance(state, dict) or state.keys() != expected.keys():
            raise ValueError(f"{name}.load_state_dict: expected the keys {sorted(expected)}")
        if state["optimizer"] != name:
            raise ValueError(f"{name}.load_state_dict: this state is for {state['optimizer']!r}")
        for group in ("settings", "buffers"):
            if not isinstance(state[group], dict) or state[group].keys() != expected[group].keys():
                raise ValueError(
                    f"{name}.load_state_dict: {group!r} needs the keys {sorted(expected[group])}"
                )
        # A fresh optimizer runs the constructor's checks on the settings without touching self.
        fresh = type(self)(self.params, **state["settings"])
        iterations = state["iterations"]
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
            raise ValueError(f"{name}.load_state_dict: 'iterations' must be an int >= 0")
        current_lr = non_negative(state["current_lr"], name, "current_lr")
        buffers = {}
        for key, values in state["buffers"].items():
            if not isinstance(values, list) or len(values) != len(self.params):
                raise ValueError(
                    f"{name}.load_state_dict: {key!r} needs {len(self.params)} numbers, "
                    f"one per parameter"
                )
            buffers[key] = [finite_number(v, name, f"{key}[{i}]") for i, v in enumerate(values)]
        for key in expected["settings"]:
            setattr(self, key, getattr(fresh, key))
        for key, values in buffers.items():
            setattr(self, key, values)
        self.iterations, self.current_lr = iterations, current_lr

    def __repr__(self) -> str:
        keys = ("lr", "decay", *self._settings)
        settings = ", ".join(f"{key}={getattr(self, key)!r}" for key in keys)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum.

    without momentum:  theta += -lr_k * g
    with momentum mu:  v = mu * v - lr_k * g;  theta += v
    """

    _settings = ("momentum",)
    _buffers = ("velocities",)

    def __init__(
        self, params: Iterable[Value], lr: float = 1.0, decay: float = 0.0, momentum: float = 0.0
    ) -> None:
        super().__init__(params, lr, decay)
        self.momentum = non_negative(momentum, type(self).__name__, "momentum")

    def _update(self, i: int, p: Value) -> None:
        if self.momentum:
            self.velocities[i] = self.momentum * self.velocities[i] - self.current_lr * p.grad
            p.data += self.velocities[i]
        else:
            p.data += -self.current_lr * p.grad


class Momentum(SGD):
    """SGD with momentum 0.9 by default: v = mu * v - lr_k * g;  theta += v"""

    def __init__(
        self, params: Iterable[Value], lr: float = 1.0, momentum: float = 0.9, decay: float = 0.0
    ) -> None:
        super().__init__(params, lr=lr, decay=decay, momentum=momentum)


class Adagrad(Optimizer):
    """Adaptive gradient: each parameter's rate shrinks with its own history of gradients.

    cache += g^2;  theta += -lr_k * g / (sqrt(cache) + eps)
    """

    _settings = ("eps",)
    _buffers = ("cache",)

    def __init__(
        self, params: Iterable[Value], lr: float = 1.0, decay: float = 0.0, eps: float = 1e-7
    ) -> None:
        super().__init__(params, lr, decay)
        self.eps = non_negative(eps, type(self).__name__, "eps")

    def _update(self, i: int, p: Value) -> None:
        self.cache[i] += p.grad**2
        p.data += -self.current_lr * p.grad / (math.sqrt(self.cache[i]) + self.eps)


class RMSprop(Optimizer):
    """Root mean square propagation: like Adagrad, but the cache forgets (a moving average).

    cache = rho * cache + (1 - rho) * g^2;  theta += -lr_k * g / (sqrt(cache) + eps)
    """

    _settings = ("eps", "rho")
    _buffers = ("cache",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        decay: float = 0.0,
        eps: float = 1e-7,
        rho: float = 0.9,
    ) -> None:
        super().__init__(params, lr, decay)
        self.eps = non_negative(eps, type(self).__name__, "eps")
        self.rho = _fraction(type(self).__name__, "rho", rho)

    def _update(self, i: int, p: Value) -> None:
        self.cache[i] = self.rho * self.cache[i] + (1 - self.rho) * p.grad**2
        p.data += -self.current_lr * p.grad / (math.sqrt(self.cache[i]) + self.eps)


class Adam(Optimizer):
    """Adaptive moment estimation: RMSprop's cache plus momentum, both bias-corrected.

    m = beta1 * m + (1 - beta1) * g;        m_hat = m / (1 - beta1^t)
    cache = beta2 * cache + (1 - beta2) * g^2;  cache_hat = cache / (1 - beta2^t)
    theta += -lr_k * m_hat / (sqrt(cache_hat) + eps),   with t = iterations + 1
    """

    _settings = ("eps", "beta1", "beta2")
    _buffers = ("momentums", "cache")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.001,
        decay: float = 0.0,
        eps: float = 1e-7,
        beta1: float = 0.9,
        beta2: float = 0.999,
    ) -> None:
        super().__init__(params, lr, decay)
        name = type(self).__name__
        self.eps = non_negative(eps, name, "eps")
        self.beta1 = _fraction(name, "beta1", beta1)
        self.beta2 = _fraction(name, "beta2", beta2)

    def _update(self, i: int, p: Value) -> None:
        t = self.iterations + 1
        self.momentums[i] = self.beta1 * self.momentums[i] + (1 - self.beta1) * p.grad
        self.cache[i] = self.beta2 * self.cache[i] + (1 - self.beta2) * p.grad**2
        m_hat = self.momentums[i] / (1 - self.beta1**t)
        cache_hat = self.cache[i] / (1 - self.beta2**t)
        p.data += -self.current_lr * m_hat / (math.sqrt(cache_hat) + self.eps)


# ---- checks -------------------------------------------------------------------------------------


def _fraction(optimizer: str, what: str, x: object) -> float:
    x = finite_number(x, optimizer, what)
    if not 0 <= x < 1:
        raise ValueError(f"{optimizer}: {what} must be in [0, 1), got {x!r}")
    return x
