"""A minimal MLP made of micrograd_plus Values, for the mlp benchmark until `micrograd_plus.nn` exists.

It is micrograd's `nn.MLP` line for line (ReLU hidden layers, a linear output, weights in
parameter order w..., b per neuron), so both engines do exactly the same arithmetic. `run.py`
uses `micrograd_plus.nn.MLP` instead whenever that module can be imported.
"""
from __future__ import annotations

from micrograd_plus import Value


class Neuron:
    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(0.0) for _ in range(nin)]  # run.py copies micrograd's initial weights in
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x: list[Value]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)  # act = b + sum_i w_i x_i
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]


class MLP:
    def __init__(self, nin: int, nouts: list[int]) -> None:
        sizes = [nin] + nouts
        self.layers = [
            [Neuron(sizes[i], nonlin=i != len(nouts) - 1) for _ in range(sizes[i + 1])]
            for i in range(len(nouts))
        ]

    def __call__(self, x: list[Value]) -> Value | list[Value]:
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for neuron in layer for p in neuron.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0
