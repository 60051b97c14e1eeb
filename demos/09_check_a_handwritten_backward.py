"""Demo 9: check a backward pass you wrote by hand in numpy, the NNFS way.

check_derivative(f, df, x) compares df(x) with finite differences of f at x; check_vjp(f, vjp, x)
checks a backward that takes the upstream gradient, vjp(x, dvalues) -> dinputs, along random
dvalues. Neither needs Values: plain numpy in, plain numpy out. Put the same calls in a pytest test.
Needs numpy (pip install numpy). Run: python demos/09_check_a_handwritten_backward.py
"""
from pathlib import Path

import numpy as np

from micrograd_plus import check_derivative, check_vjp
from micrograd_plus.files import write_atomic


def softmax(z: np.ndarray) -> np.ndarray:
    """s_ij = exp(z_ij) / sum_k exp(z_ik), row by row (shifted by the row's max: same s, no overflow)"""
    exps = np.exp(z - z.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """L = mean_i -log s_i,y_i: softmax and categorical cross-entropy, on logits z"""
    return float(-np.mean(np.log(softmax(z)[range(len(y)), y])))


def cross_entropy_backward(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dz = (s - onehot(y)) / samples, as NNFS's combined softmax and loss backward"""
    dinputs = softmax(z)
    dinputs[range(len(y)), y] -= 1
    return dinputs / len(y)


def cross_entropy_backward_without_mean(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The typical bug: the loss is a mean over samples, its gradient forgot to divide."""
    dinputs = softmax(z)
    dinputs[range(len(y)), y] -= 1
    return dinputs


def softmax_backward(z: np.ndarray, dvalues: np.ndarray) -> np.ndarray:
    """NNFS's Activation_Softmax.backward: per sample, (diag(s) - s s^T) @ dvalues"""
    s = softmax(z)
    dinputs = np.empty_like(dvalues)
    for i, (row, upstream) in enumerate(zip(s, dvalues)):
        row = row.reshape(-1, 1)
        dinputs[i] = (np.diagflat(row) - row @ row.T) @ upstream
    return dinputs


class Dense:
    """NNFS's Layer_Dense: output = inputs @ weights + biases."""

    def __init__(self, n_inputs: int, n_neurons: int, rng: np.random.Generator) -> None:
        self.weights = 0.5 * rng.standard_normal((n_inputs, n_neurons))
        self.biases = rng.standard_normal((1, n_neurons))

    def forward(self, inputs: np.ndarray) -> np.ndarray:
        self.inputs = inputs
        return inputs @ self.weights + self.biases

    def backward(self, dvalues: np.ndarray) -> None:
        self.dweights = self.inputs.T @ dvalues
        self.dinputs = dvalues @ self.weights.T


def main(out: Path = Path("out/09_check_backward"), quick: bool = False) -> None:
    rng = np.random.default_rng(0)
    samples, classes = (2, 3) if quick else (4, 3)
    z = rng.standard_normal((samples, classes))
    y = rng.integers(0, classes, samples)
    sections = []

    def add(title: str, report) -> None:
        sections.append(f"# {title}\n{report}")

    loss = lambda z: cross_entropy(z, y)  # noqa: E731
    add("softmax + cross-entropy backward", check_derivative(loss, lambda z: cross_entropy_backward(z, y), z))
    add(
        "the same, forgetting to divide by the number of samples",
        check_derivative(loss, lambda z: cross_entropy_backward_without_mean(z, y), z, raise_exception=False),
    )
    add("softmax backward, along random dvalues", check_vjp(softmax, softmax_backward, z))

    layer = Dense(classes, 2, rng)

    def dinputs(inputs: np.ndarray, dvalues: np.ndarray) -> np.ndarray:
        layer.forward(inputs)
        layer.backward(dvalues)
        return layer.dinputs

    add("dense layer dinputs, along random dvalues", check_vjp(layer.forward, dinputs, z))

    text = "\n\n".join(sections)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "reports.txt", text + "\n")
    print(text)
    print(f"\nwrote {out / 'reports.txt'}")


if __name__ == "__main__":
    main()
