"""Neural networks made of Values: Module, Neuron, Layer and MLP.

A neuron computes act(b + sum_i w_i x_i); a layer is a list of neurons reading the same inputs;
an MLP is a chain of layers. This is karpathy/micrograd's nn, and micrograd code runs unchanged:
`MLP(2, [16, 16, 1])` has ReLU hidden layers and a linear output, weights drawn uniformly from
[-1, 1], biases 0, and a layer with one output returns a Value rather than a list.

What is added: a choice of activation, the four NNFS regularization strengths per layer,
JSON state dicts, and a private seeded generator on request. Without `seed=` a model draws from
the global `random`, as micrograd does (and PyTorch's global seed), so `random.seed(1337);
MLP(2, [16, 16, 1])` gives micrograd's weights; `MLP(nin, nouts, seed=s)` draws the same weights
from its own `random.Random(s)` and leaves the global generator alone.

This module is also the front door: the activations, losses, optimizers and training loop are
importable from here (`from micrograd_plus.nn import MLP, cross_entropy, Adam, fit`).
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Sequence
from numbers import Real
from types import ModuleType

from .activations import (
    ACTIVATIONS,
    Scalar,
    _sum,
    linear,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from .engine import Value
from .files import read_json, write_atomic
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    cross_entropy,
    hinge_loss,
    l1_penalty,
    l2_penalty,
    mse_loss,
)
from .optim import SGD, Adagrad, Adam, Momentum, Optimizer, RMSprop
from .train import TrainingDiverged, accuracy, cross_validate, evaluate, fit, predict
from .checks import non_negative, positive_int

# An int seeds a private generator; a generator (or the `random` module, which a layer passes on
# to its neurons) is drawn from; None means the global `random`, as in micrograd.
Seed = int | random.Random | ModuleType | None
StateDict = dict[str, float | list[float]]

# How each activation is spelled in a neuron's repr, micrograd style ("ReLUNeuron(2)").
_DISPLAY = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "linear": "Linear"}


class Module:
    """Anything with parameters: a neuron, a layer, a whole model."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (leaf grads accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def regularization_loss(self) -> Value:
        """The sum of the L1/L2 penalties of every layer (0 when there are none)."""
        return Value(0.0)

    # ---- saving and loading ---------------------------------------------------------------------

    def _state_groups(self) -> dict[str, Value | list[Value]]:
        """The parameters by name: a neuron's weights as one list, its bias on its own."""
        return {}

    def state_dict(self) -> StateDict:
        """The parameter values as plain JSON data: {"L0.N0.w": [w0, w1], "L0.N0.b": b, ...}."""
        return {
            key: [p.data for p in group] if isinstance(group, list) else group.data
            for key, group in self._state_groups().items()
        }

    def load_state_dict(self, state: StateDict) -> None:
        """Copy the values in `state` into the parameters, all or nothing.

        Every key, length and number is checked before anything is written, so on a mismatch
        the error names the key and the model is exactly as it was.
        """
        groups = self._state_groups()
        if not isinstance(state, dict):
            raise TypeError(f"load_state_dict: expected a dict, got {type(state).__name__}")
        missing = [key for key in groups if key not in state]
        unexpected = [key for key in state if key not in groups]
        if missing or unexpected:
            raise ValueError(
                f"load_state_dict: keys do not match this {type(self).__name__}: "
                f"missing {missing}, unexpected {unexpected}"
            )
        updates: list[tuple[Value, float]] = []
        for key, group in groups.items():
            if isinstance(group, list):
                values = state[key]
                if not isinstance(values, list) or len(values) != len(group):
                    raise ValueError(
                        f"load_state_dict: {key!r} should be a list of {len(group)} numbers, "
                        f"got {_describe(values)}"
                    )
                updates += [
                    (p, _finite(v, f"{key}[{i}]")) for i, (p, v) in enumerate(zip(group, values))
                ]
            else:
                updates.append((group, _finite(state[key], key)))
        for p, v in updates:
            p.data = v

    def save(self, path: str | os.PathLike) -> None:
        """Write the state dict to `path` as JSON (never pickle: loading runs no code).

        The write is atomic (`files.write_atomic`): a failure leaves any previous file as it was.
        A nan or infinite parameter is refused by name, since JSON has no such numbers and `load`
        would reject the file.
        """
        state = {
            key: [_saveable(v, f"{key}[{i}]") for i, v in enumerate(values)]
            if isinstance(values, list) else _saveable(values, key)
            for key, values in self.state_dict().items()
        }
        write_atomic(path, json.dumps(state, indent=1) + "\n")

    def load(self, path: str | os.PathLike) -> None:
        """Read a JSON state dict written by `save` and load it (validated, all or nothing).

        A file that is too large (over `files.MAX_JSON_BYTES`), not UTF-8 or not JSON is refused
        with its name; a number beyond the float range is refused with its key.
        """
        self.load_state_dict(read_json(path, what="model"))


class Neuron(Module):
    """out = act(b + sum_i w_i x_i), with w_i drawn uniformly from [-1, 1] and b = 0.

    `activation` is "relu", "sigmoid", "tanh" or "linear"; micrograd's `nonlin=True/False` means
    "relu"/"linear". Parameters are labelled `{name}.w{i}` and `{name}.b`, and the output Value
    is labelled `name` (the visualizer groups nodes by these labels).
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool | None = None,
        *,
        activation: str | None = None,
        seed: Seed = None,
        name: str = "",
    ) -> None:
        positive_int(nin, "Neuron", "nin")
        rng = _generator(seed)
        prefix = f"{name}." if name else ""
        self.w = [Value(rng.uniform(-1, 1), label=f"{prefix}w{i}") for i in range(nin)]
        self.b = Value(0.0, label=f"{prefix}b")
        self.activation = _activation_name(nonlin, activation)
        self.name = name

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the neuron is linear."""
        return self.activation != "linear"

    def __call__(self, x: Sequence[Scalar]) -> Value:
        _check_inputs(x, len(self.w), "Neuron")
        # The bias starts the sum, as in micrograd, so results agree with it to the last bit.
        out = ACTIVATIONS[self.activation](sum((wi * xi for wi, xi in zip(self.w, x)), self.b))
        if self.name:
            out.label = self.name
        return out

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def _state_groups(self) -> dict[str, Value | list[Value]]:
        prefix = f"{self.name}." if self.name else ""
        return {f"{prefix}w": self.w, f"{prefix}b": self.b}

    def __repr__(self) -> str:
        return f"{_DISPLAY[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs; one output gives a Value, more a list.

    Regularization (NNFS): R = weight_l1 sum|w| + weight_l2 sum w^2 + bias_l1 sum|b|
    + bias_l2 sum b^2 over this layer's neurons, added to the data loss by `fit`.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        nonlin: bool | None = None,
        activation: str | None = None,
        weight_l1: float = 0.0,
        weight_l2: float = 0.0,
        bias_l1: float = 0.0,
        bias_l2: float = 0.0,
        seed: Seed = None,
        name: str = "",
    ) -> None:
        positive_int(nin, "Layer", "nin")
        positive_int(nout, "Layer", "nout")
        rng = _generator(seed)
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, nonlin, activation=activation, seed=rng, name=f"{prefix}N{j}")
            for j in range(nout)
        ]
        self.weight_l1 = non_negative(weight_l1, "Layer", "weight_l1")
        self.weight_l2 = non_negative(weight_l2, "Layer", "weight_l2")
        self.bias_l1 = non_negative(bias_l1, "Layer", "bias_l1")
        self.bias_l2 = non_negative(bias_l2, "Layer", "bias_l2")
        self.name = name

    def __call__(self, x: Sequence[Scalar]) -> Value | list[Value]:
        _check_inputs(x, len(self.neurons[0].w), f"Layer {self.name}".rstrip())
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def regularization_loss(self) -> Value:
        """The NNFS penalty; a term is computed only when its strength is above 0."""
        weights = [w for n in self.neurons for w in n.w]
        biases = [n.b for n in self.neurons]
        terms = [
            penalty(group, strength)
            for penalty, group, strength in (
                (l1_penalty, weights, self.weight_l1),
                (l2_penalty, weights, self.weight_l2),
                (l1_penalty, biases, self.bias_l1),
                (l2_penalty, biases, self.bias_l2),
            )
            if strength > 0
        ]
        return _sum(terms) if terms else Value(0.0)

    def _state_groups(self) -> dict[str, Value | list[Value]]:
        return {key: group for n in self.neurons for key, group in n._state_groups().items()}

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts` after `nin` inputs.

    Hidden layers use `activation` (ReLU), the last layer `output_activation` (linear, so it
    outputs scores or logits). The regularization strengths apply to every layer; set them on
    `model.layers[i]` to treat layers differently. Neurons are named `L{layer}.N{j}`.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: str = "relu",
        output_activation: str = "linear",
        weight_l1: float = 0.0,
        weight_l2: float = 0.0,
        bias_l1: float = 0.0,
        bias_l2: float = 0.0,
        seed: Seed = None,
    ) -> None:
        positive_int(nin, "MLP", "nin")
        if isinstance(nouts, (str, int)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        rng = _generator(seed)  # one generator for all layers draws micrograd's weights in order
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation=activation if i < last else output_activation,
                weight_l1=weight_l1,
                weight_l2=weight_l2,
                bias_l1=bias_l1,
                bias_l2=bias_l2,
                seed=rng,
                name=f"L{i}",
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Scalar]) -> Value | list[Value]:
        _check_inputs(x, len(self.layers[0].neurons[0].w), "MLP")
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def regularization_loss(self) -> Value:
        terms = [layer.regularization_loss() for layer in self.layers if _regularized(layer)]
        return _sum(terms) if terms else Value(0.0)

    def _state_groups(self) -> dict[str, Value | list[Value]]:
        return {key: group for layer in self.layers for key, group in layer._state_groups().items()}

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

    # ---- the way on to PyTorch (micrograd_plus.export; torch is imported only here) -------------

    def to_torch(self):
        """This network as a float64 torch.nn.Sequential with the same weights (export.to_torch)."""
        from .export import to_torch  # torch is optional: loaded on use

        return to_torch(self)

    @classmethod
    def from_torch(cls, seq) -> MLP:
        """An MLP from a torch.nn.Sequential of Linear layers and activations, same weights."""
        from .export import layers_from_torch

        layers = layers_from_torch(seq)
        model = cls(len(layers[0][0][0]), [len(biases) for _, biases, _ in layers], seed=0)
        for layer, (weights, biases, activation) in zip(model.layers, layers):
            for neuron, row, bias in zip(layer.neurons, weights, biases):
                neuron.activation = activation
                for w, number in zip(neuron.w, row):
                    w.data = number
                neuron.b.data = bias
        return model


# ---- checks and helpers -------------------------------------------------------------------------


def _activation_name(nonlin: bool | None, activation: str | None) -> str:
    """micrograd's `nonlin` flag or an activation name, whichever was given (never conflicting)."""
    if activation is None:
        return "linear" if nonlin is False else "relu"
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    if nonlin is not None and nonlin != (activation != "linear"):
        raise ValueError(f"nonlin={nonlin} contradicts activation={activation!r}; give only one")
    return activation


def _generator(seed: Seed) -> random.Random | ModuleType:
    """Where the weights come from: the `random` module itself (its global generator, seeded by
    `random.seed`, as micrograd), or a private `random.Random`."""
    if seed is None or seed is random:
        return random
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"seed must be an int, a random.Random or None, got {seed!r}")


def _check_inputs(x: Sequence[Scalar], expected: int, where: str) -> None:
    try:
        actual = len(x)
    except TypeError:
        raise ValueError(f"{where}: expected a list of {expected} inputs, got {x!r}") from None
    if actual != expected:
        raise ValueError(f"{where}: expected {expected} inputs, got {actual}")


def _regularized(layer: Layer) -> bool:
    return max(layer.weight_l1, layer.weight_l2, layer.bias_l1, layer.bias_l2) > 0


def _finite(x: object, key: str) -> float:
    try:
        finite = not isinstance(x, bool) and isinstance(x, Real) and math.isfinite(x)
    except OverflowError:  # an int beyond the float range
        finite = False
    if not finite:
        overflowed = isinstance(x, (int, float)) and abs(x) == math.inf  # 1e999 in a file reads as inf
        beyond = " (a number beyond the float range)" if overflowed else ""
        raise TypeError(
            f"load_state_dict: {key!r} should be a finite number, got {_describe(x)}{beyond}"
        )
    return float(x)


def _saveable(x: object, key: str) -> float:
    if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
        raise ValueError(f"save: parameter {key!r} is {x!r}; only finite numbers can be saved "
                         "(training diverged? nothing was written)")
    return float(x)  # a numpy float32 becomes a plain float that json can write


def _describe(x: object) -> str:
    if isinstance(x, list):
        return f"a list of {len(x)}"
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 10**20:
        return f"an integer of {len(str(abs(x)))} digits"
    return f"{x!r} ({type(x).__name__})"


__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "relu",
    "sigmoid",
    "tanh",
    "linear",
    "softmax",
    "log_softmax",
    "mse_loss",
    "cross_entropy",
    "categorical_cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge_loss",
    "l1_penalty",
    "l2_penalty",
    "Optimizer",
    "SGD",
    "Momentum",
    "Adagrad",
    "RMSprop",
    "Adam",
    "fit",
    "TrainingDiverged",
    "cross_validate",
    "evaluate",
    "accuracy",
    "predict",
]
