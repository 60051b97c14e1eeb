"""The way on to PyTorch: the same network, and the same training run, continued in torch.

    seq = to_torch(model)                          # float64 nn.Sequential, the same weights
    opt, schedule = optimizer_to_torch(optimizer, seq)
    ...  loss.backward(); opt.step(); schedule.step()   # the same trajectory our fit would take
    model = MLP.from_torch(seq)                     # and back

A layer of our MLP is one `torch.nn.Linear` (neuron j's weights are row j of `weight`, its bias
`bias[j]`) followed by its activation module (`ReLU`, `Tanh`, `Sigmoid`; none for linear).
Everything is float64, so both compute the same numbers up to the order of the additions:
outputs agree to about 1e-15.

What does not move: the L1/L2 penalties of our layers are part of our loss, not of the network;
in torch add them to the loss yourself (an L2 strength lam on weights only equals coupled
`weight_decay = 2 * lam` in a parameter group of the weights). torch is an optional extra
(`pip install 'micrograd_plus[torch]'`), imported only when one of these functions runs.
"""

from __future__ import annotations

import math
from typing import Any

from .optim import SGD, Adagrad, Adam, Optimizer, RMSprop

MISSING = "moving models and optimizers to and from PyTorch needs torch: pip install 'micrograd_plus[torch]'"

# Our activation name -> the torch.nn module class name that computes the same function.
TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


# One layer read from torch: (weights, one row per neuron; biases; our activation name).
LayerNumbers = tuple[list[list[float]], list[float], str]


def to_torch(model: Any) -> Any:
    """A float64 `torch.nn.Sequential` computing exactly what `model` computes.

    Each layer becomes Linear(nin, nout) followed by its activation module (a linear layer is
    the Linear alone). The weights are copied: the two models do not share memory.
    """
    torch = _torch()
    if not isinstance(getattr(model, "layers", None), list):  # nn.MLP; nn imports this module
        raise TypeError(f"to_torch: expected an MLP, got {type(model).__name__}")
    modules = []
    for index, layer in enumerate(model.layers):
        activations = {neuron.activation for neuron in layer.neurons}
        if len(activations) > 1:
            raise ValueError(
                f"to_torch: layer {index} mixes activations {sorted(activations)}; a torch layer "
                f"applies one activation to all its outputs"
            )
        linear = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        (activation,) = activations
        if activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[activation])())
    return torch.nn.Sequential(*modules)


def layers_from_torch(seq: Any) -> list[LayerNumbers]:
    """The weights, biases and activations of `seq`, a Sequential of Linear layers each followed
    by at most one of ReLU, Tanh, Sigmoid or Identity, as plain numbers (`MLP.from_torch` builds
    the network from them).

    Anything else is refused with the reason: other modules (Dropout, Softmax, convolutions...),
    a Linear without a bias (ours always has one, and trains it), two activations in a row, an
    activation before the first Linear, layers whose sizes do not chain, non-finite weights.
    """
    torch = _torch()
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(f"from_torch: expected a torch.nn.Sequential, got {type(seq).__name__}")
    layers: list[tuple[Any, str]] = []  # (Linear, our activation name)
    names = {torch_name: ours for ours, torch_name in TORCH_ACTIVATIONS.items()}
    for position, module in enumerate(seq):
        kind = type(module).__name__
        where = f"from_torch: module {position} ({kind})"
        if isinstance(module, torch.nn.Linear):
            if module.bias is None:
                raise ValueError(f"{where} has no bias; our neurons always have a trained bias")
            if layers and layers[-1][0].out_features != module.in_features:
                raise ValueError(
                    f"{where} takes {module.in_features} inputs but the layer before it gives "
                    f"{layers[-1][0].out_features}"
                )
            layers.append((module, "linear"))
        elif type(module) in (torch.nn.ReLU, torch.nn.Tanh, torch.nn.Sigmoid, torch.nn.Identity):
            if not layers:
                raise ValueError(f"{where} comes before any Linear layer; ours start with a layer")
            if layers[-1][1] != "linear":
                raise ValueError(f"{where} follows another activation; a layer has one activation")
            if kind != "Identity":
                layers[-1] = (layers[-1][0], names[kind])
        else:
            raise ValueError(
                f"{where} cannot be represented: an MLP here is Linear layers, each followed by "
                f"at most one of ReLU, Tanh, Sigmoid or Identity"
            )
    if not layers:
        raise ValueError("from_torch: the Sequential has no Linear layer")

    numbers: list[LayerNumbers] = []
    for index, (linear, activation) in enumerate(layers):
        weights = linear.weight.detach().cpu().double().tolist()
        biases = linear.bias.detach().cpu().double().tolist()
        if not all(math.isfinite(x) for row in weights for x in row) or not all(map(math.isfinite, biases)):
            raise ValueError(f"from_torch: Linear layer {index} has a nan or infinite weight")
        numbers.append((weights, biases, activation))
    return numbers


def optimizer_to_torch(optimizer: Optimizer, seq: Any) -> tuple[Any, Any]:
    """The torch optimizer that continues `optimizer`'s run on `seq` (made by `to_torch`).

    Returns (torch optimizer, LambdaLR schedule): call `schedule.step()` after each
    `optimizer.step()`, and the rate follows our decay, lr_k = lr / (1 + decay * k), from the
    step we stopped at. The running values move too (our name -> torch's):

      SGD, momentum mu:  theta += v, v = mu v - lr g        momentum_buffer b = -v / lr
                         (torch: b = mu b + g; theta -= lr b, the same numbers for a fixed lr)
      Adagrad:  cache -> sum;     RMSprop (rho -> alpha): cache -> square_avg
      Adam:     momentums -> exp_avg, cache -> exp_avg_sq;   iterations -> step, everywhere

    eps is passed explicitly (our 1e-7; torch's defaults differ). Refused: SGD with both
    momentum and decay, which has no torch form: we fold each step's rate into v, while torch
    multiplies its whole buffer by the current rate, so the two drift apart from step 2.
    """
    torch = _torch()
    name = type(optimizer).__name__
    groups = _tensor_groups(torch, optimizer, seq)
    params = [tensor for linear in groups for tensor in (linear.weight, linear.bias)]
    settings = dict(lr=optimizer.lr, foreach=False)
    if isinstance(optimizer, SGD):
        if optimizer.momentum and optimizer.decay:
            raise ValueError(
                f"optimizer_to_torch: {name} with momentum={optimizer.momentum} and "
                f"decay={optimizer.decay} has no torch equivalent (ours keeps each step's "
                f"decayed rate inside the velocity; torch scales the whole buffer by today's rate)"
            )
        theirs = torch.optim.SGD(params, momentum=optimizer.momentum, **settings)
        # v = -lr * b; with lr = 0 nothing has moved, and v is still all zeros.
        velocity = [-v / optimizer.lr if optimizer.lr else 0.0 for v in optimizer.velocities]
        buffers = {"momentum_buffer": velocity} if optimizer.momentum else {}
    elif isinstance(optimizer, Adagrad):
        theirs = torch.optim.Adagrad(params, eps=optimizer.eps, **settings)
        buffers = {"sum": optimizer.cache}
    elif isinstance(optimizer, RMSprop):
        theirs = torch.optim.RMSprop(params, alpha=optimizer.rho, eps=optimizer.eps, **settings)
        buffers = {"square_avg": optimizer.cache}
    elif isinstance(optimizer, Adam):
        betas = (optimizer.beta1, optimizer.beta2)
        theirs = torch.optim.Adam(params, betas=betas, eps=optimizer.eps, **settings)
        buffers = {"exp_avg": optimizer.momentums, "exp_avg_sq": optimizer.cache}
    else:
        raise TypeError(f"optimizer_to_torch: no torch optimizer is known to match {name}")

    if optimizer.iterations:  # else torch's fresh state (zeros, step 0) is ours already
        counted = not isinstance(optimizer, SGD)  # torch's SGD keeps no step count
        state = theirs.state_dict()
        state["state"] = {
            # a step tensor of its own per parameter: torch adds 1 to each in place
            index: {"step": torch.tensor(float(optimizer.iterations))} | tensors if counted else tensors
            for index, tensors in enumerate(_shaped(torch, buffers, groups))
            if counted or tensors
        }
        theirs.load_state_dict(state)
    start, decay = optimizer.iterations, optimizer.decay
    schedule = torch.optim.lr_scheduler.LambdaLR(theirs, lambda k: 1.0 / (1.0 + decay * (start + k)))
    return theirs, schedule


# ---- helpers ------------------------------------------------------------------------------------


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ModuleNotFoundError(MISSING) from None
    return torch


def _tensor_groups(torch: Any, optimizer: Optimizer, seq: Any) -> list[Any]:
    """The Linear layers of `seq`, checked to hold exactly as many numbers as the optimizer."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer_to_torch: expected one of our optimizers, got {type(optimizer).__name__}")
    linears = [module for module in seq if isinstance(module, torch.nn.Linear)]
    count = sum(linear.weight.numel() + linear.bias.numel() for linear in linears)
    if count != len(optimizer.params):
        raise ValueError(
            f"optimizer_to_torch: the optimizer updates {len(optimizer.params)} parameters but "
            f"the Sequential's Linear layers hold {count}; export the model it trains"
        )
    return linears


def _shaped(torch: Any, buffers: dict[str, list[float]], groups: list[Any]) -> list[dict[str, Any]]:
    """Our per-parameter lists (neuron by neuron: its weights, then its bias) cut into one
    weight matrix and one bias vector per layer, in the order of seq.parameters()."""
    shaped: list[dict[str, Any]] = []
    offset = 0
    for linear in groups:
        nout, nin = linear.weight.shape
        rows = {key: [values[offset + j * (nin + 1) : offset + (j + 1) * (nin + 1)] for j in range(nout)]
                for key, values in buffers.items()}
        shaped.append({key: torch.tensor([r[:nin] for r in rs], dtype=torch.float64) for key, rs in rows.items()})
        shaped.append({key: torch.tensor([r[nin] for r in rs], dtype=torch.float64) for key, rs in rows.items()})
        offset += nout * (nin + 1)
    return shaped
