"""Backprop and autodiff: the notes' dense layer, finished through softmax and cross-entropy.

The notes set up inputs x = [2, 3] and weights W = [[0.5, -0.5, 2.0], [0.3, 0.2, 0.1]], where
input i feeds output j through W[i][j], so z_j = Σ_i x_i W[i][j]. They stop at "to find the
relationship to the output you also have to differentiate softmax and cross-entropy". Here is
the rest, each formula with its numbers, and every number checked against backward():

    1. ∂z_j/∂W[i][j] = x_i                    4. ∂E/∂W[i][j] = x_i (p_j - y_j)
    2. ∂z/∂x_i = W[i] (row i of W)             5. ∂E/∂x_i = Σ_j W[i][j] (p_j - y_j)
    3. ∂E/∂z_j = p_j - y_j

    print(derivation(dense_layer()))
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..engine import Value
from ..files import write_atomic
from ..losses import categorical_cross_entropy
from ..viz.style import number
from .section import Figure, Section, Worked, checked, paren, vector

X = (2.0, 3.0)
W = ((0.5, -0.5, 2.0), (0.3, 0.2, 0.1))
TARGET_CLASS = 1


@dataclass
class DenseLayer:
    """The example's graph after forward and backward. `W[i][j]` joins input i to output j."""

    x: list[Value]
    W: list[list[Value]]
    z: list[Value]
    p: list[Value]
    y: list[float]
    E: Value


def dense_layer(
    x: Sequence[float] = X, W: Sequence[Sequence[float]] = W, target_class: int = TARGET_CLASS
) -> DenseLayer:
    """Build z = xW, p = softmax(z), E = -Σ_j y_j log p_j with one-hot y, and run backward.

    With a one-hot target only the true class's term survives, so E = -log p[target_class].
    Every node is labelled, so the drawing and `explain` read like the formulas.
    """
    inputs, outputs = len(W), len(W[0])
    if len(x) != inputs:
        raise ValueError(f"dense_layer: x has {len(x)} entries but W has {inputs} rows")
    if not 0 <= target_class < outputs:
        raise ValueError(
            f"dense_layer: target_class must be in 0..{outputs - 1}, got {target_class}")
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
    ws = [[Value(W[i][j], label=f"w{i}{j}") for j in range(outputs)] for i in range(inputs)]
    z, p, E = forward(xs, ws, target_class)
    y = [1.0 if j == target_class else 0.0 for j in range(outputs)]
    E.backward()
    return DenseLayer(xs, ws, z, p, y, E)


def forward(
    x: Sequence[Value], W: Sequence[Sequence[Value]], target_class: int
) -> tuple[list[Value], list[Value], Value]:
    """z_j = Σ_i x_i W[i][j], p = softmax(z), E = -log p[target_class]; returns (z, p, E).

    Works on any Values, so gradcheck can call it with its own inputs.
    """
    rows, outputs = range(len(W)), range(len(W[0]))
    z = []
    for j in outputs:
        terms = [_labelled(x[i] * W[i][j], f"x{i}·w{i}{j}") for i in rows]
        z.append(_labelled(_sum(terms), f"z{j}"))
    e = [_labelled(zj.exp(), f"e{j}") for j, zj in enumerate(z)]
    inverse = _labelled(_labelled(_sum(e), "s") ** -1, "1/s")  # softmax's shared 1/Σ e^z
    p = [_labelled(ej * inverse, f"p{j}") for j, ej in enumerate(e)]
    E = _labelled(-_labelled(p[target_class].log(), f"log p{target_class}"), "E")
    return z, p, E


def derivation(layer: DenseLayer | None = None) -> str:
    """The five formulas, each with its numbers, as text."""
    layer = layer or dense_layer()
    x = [v.data for v in layer.x]
    W = [[w.data for w in row] for row in layer.W]
    z = [v.data for v in layer.z]
    p = [v.data for v in layer.p]
    y = layer.y
    t = y.index(1.0)
    delta = [pj - yj for pj, yj in zip(p, y)]  # ∂E/∂z_j
    exps = [Value(zj).exp().data for zj in z]
    rows, cols = range(len(x)), range(len(z))
    lines = [
        "The notes' dense layer, finished",
        f"inputs x = {vector(x)}; weights W = {[vector(row) for row in W]}".replace("'", ""),
        "(input i feeds output j through W[i][j]);"
        f" target class {t}, so y = {vector(y)}",
        "",
        "forward",
        "  z_j = Σ_i x_i W[i][j]:",
        *(f"    z{j} = " + " + ".join(f"{number(x[i])}·{paren(W[i][j])}" for i in rows)
          + f" = {number(z[j])}" for j in cols),
        "  softmax p_j = e^z_j / Σ_k e^z_k:",
        f"    e^z = {vector(exps)}, Σ = {number(sum(exps))}, p = {vector(p)}",
        "  categorical cross-entropy E = -Σ_j y_j log p_j; a one-hot y keeps one term:",
        f"    E = -log p{t} = -log {number(p[t])} = {number(layer.E.data)}",
        f"    (the notes' own example, p = [0.2, 0.7, 0.1] against class 1, is the same formula:"
        f" -log 0.7 = {number(_notes_example_loss())};",
        f"    here the layer gives the true class only p{t} = {number(p[t])}, so E is far larger)",
        "",
        "1. ∂z_j/∂W[i][j] = x_i   (z_j is linear in W[i][j] with slope x_i;"
        " z_k for k ≠ j does not use W[i][j], so ∂z_k/∂W[i][j] = 0)",
        *("    " + "   ".join(f"∂z{j}/∂w{i}{j} = x{i} = {number(x[i])}" for j in cols)
          for i in rows),
        "",
        "2. ∂z/∂x_i = W[i], row i of W   (input i reaches every output j through W[i][j])",
        *(f"    ∂z/∂x{i} = {vector(W[i])}" for i in rows),
        "",
        "3. ∂E/∂z_j = p_j - y_j   (the step through softmax and cross-entropy)",
        "    via softmax: ∂E/∂p_k = -y_k/p_k and ∂p_k/∂z_j = p_k (δ_kj - p_j), so",
        "      ∂E/∂z_j = Σ_k (-y_k/p_k) p_k (δ_kj - p_j) = -y_j + p_j Σ_k y_k = p_j - y_j",
        "      (Σ_k y_k = 1 for a one-hot or any probability target)",
        f"    or directly: E = -z{t} + log Σ_k e^z_k, so ∂E/∂z_j = -y_j + e^z_j / Σ_k e^z_k"
        " = p_j - y_j",
        "    ∂E/∂z = [" + ", ".join(f"{number(p[j])} - {number(y[j])}" for j in cols)
        + f"] = {vector(delta)}",
        "",
        "4. ∂E/∂W[i][j] = ∂E/∂z_j · ∂z_j/∂W[i][j] = x_i (p_j - y_j)",
        *("    " + "   ".join(f"∂E/∂w{i}{j} = {number(x[i])}·{paren(delta[j])}"
                               f" = {number(x[i] * delta[j])}" for j in cols) for i in rows),
        "",
        "5. ∂E/∂x_i = Σ_j ∂E/∂z_j · ∂z_j/∂x_i = Σ_j W[i][j] (p_j - y_j)",
        *(f"    ∂E/∂x{i} = " + " + ".join(f"{paren(W[i][j])}·{paren(delta[j])}" for j in cols)
          + f" = {number(sum(W[i][j] * delta[j] for j in cols))}" for i in rows),
        "",
        "backward() agrees: "
        + ", ".join(f"{v.label}.grad = {number(v.grad)}" for v in (layer.W[0][0], *layer.x)),
    ]
    return "\n".join(lines)


def _notes_example_loss() -> float:
    """The notes' cross-entropy example: softmax output [0.2, 0.7, 0.1], true class 1."""
    return categorical_cross_entropy([0.2, 0.7, 0.1], [0.0, 1.0, 0.0]).data


def save_walkthrough(out: Path, layer: DenseLayer | None = None) -> list[tuple[Path, str]]:
    """Write the example's pictures into `out`; return each file with what it shows.

    The DOT source needs no renderer, so it is written first; the SVGs and the live page
    need one, and raise `RendererNotFound` (with how to get one) when there is none.
    """
    from ..viz import draw, save_page  # the visualizer imports graphviz: only load it here

    layer = layer or dense_layer()
    out.mkdir(parents=True, exist_ok=True)
    dot_file = out / "graph.dot"
    write_atomic(dot_file, draw(layer.E).source)
    written = [(dot_file, "the graph as Graphviz DOT")]
    written.append((draw(layer.E).save(out / "graph.svg"),
                    "the graph, each edge labelled with its local derivative"))
    written.append((draw(layer.E, highlight=layer.W[0][0]).save(out / "path_E_to_w00.svg"),
                    "the one path from E to w00; its product is dE/dw00"))
    written.append((save_page(layer.E, out / "page.html", title="The notes' dense layer, live"),
                    "the live page: change any input, step backward and forward (arrow keys),"
                    " click a node for its chain rule"))
    return written


def _labelled(value: Value, label: str) -> Value:
    value.label = label
    return value


def _sum(values: Sequence[Value]) -> Value:
    """a + b + c with no `0 +` in front (no constant-zero node), partial sums labelled `a+b`."""
    total = values[0]
    for value in values[1:]:
        total = _labelled(total + value, f"{total.label}+{value.label}")
    return total


NOTES_SAID = """inputs = [2, 3]
weights = [[0.5, -0.5, 2.0],
           [0.3, 0.2, 0.1]]
For a given inference, the slope of a weight is just going to be the input to it. [...] So d/dw00 = 2
Similarly d/dx will be the gradient of all the weights connected to it, so d/dx0 = [0.5, -0.5, 2.0]
To find the relationship of these partial derivatives d/dx and d/dw to the output, you have to \
also differentiate the Softmax and Categorical cross-entropy loss functions. This still doesn't \
make sense to me so I will put it off for later."""


def backprop_section(layer: DenseLayer | None = None) -> Section:
    """The dense layer's derivation, with every derivative of E checked by gradcheck."""
    layer = layer or dense_layer()
    inputs = [*X, *W[0], *W[1]]
    check = checked(lambda x0, x1, w00, w01, w02, w10, w11, w12: forward(
        [x0, x1], [[w00, w01, w02], [w10, w11, w12]], TARGET_CLASS)[2], inputs)
    values = {"E": layer.E.data}
    values |= {f"z{j}": v.data for j, v in enumerate(layer.z)}
    values |= {f"p{j}": v.data for j, v in enumerate(layer.p)}
    values |= {f"e^z{j}": Value(v.data).exp().data for j, v in enumerate(layer.z)}
    values |= {f"∂E/∂z{j}": p.data - y for j, (p, y) in enumerate(zip(layer.p, layer.y))}
    values |= {f"∂E/∂{w.label}": w.grad for row in layer.W for w in row}
    values |= {f"∂E/∂{x.label}": x.grad for x in layer.x}
    values["-log 0.7"] = _notes_example_loss()
    return Section(
        "backprop", "Backprop and Autodiff",
        NOTES_SAID,
        (
            "Both claims are right: ∂z0/∂w00 = x0 = 2, and the derivatives of the outputs z with "
            "respect to x0 are the weights leaving x0 (the weights themselves, not their "
            "gradients). The picture below draws the first claim. What was put off for later "
            "follows: the outputs z go through "
            "softmax and categorical cross-entropy into one error E, and the chain rule carries "
            "∂E/∂z back to every weight and input. The step that looked hard collapses into "
            "∂E/∂z_j = p_j − y_j.",
            Worked(derivation(layer).splitlines()[1:]),
            "Every one of these derivatives also comes out of backward() on the graph, and agrees "
            "with finite differences:",
            Worked([check + " (x0, x1 and the six weights)"]),
        ),
        values,
        (
            Figure("backprop_z0.svg",
                   "the notes' own claim, drawn: z0 = x0·w00 + x1·w10, and backward() from z0 gives "
                   "∂z0/∂w00 = x0 = 2.0 (the bold path)",
                   _draw_z0),
            Figure("backprop_path_E_to_w00.svg",
                   "the whole graph from E back to every weight, with the path to w00 in bold: the "
                   "product of its edge labels is ∂E/∂w00",
                   lambda path: _save_drawing(layer.E, layer.W[0][0], path), inline=False),
        ),
    )


def _draw_z0(path: Path) -> Path:
    """z0's graph alone, after backward() from z0, with the path to w00 in bold."""
    x = [Value(v, label=f"x{i}") for i, v in enumerate(X)]
    w = [[Value(v, label=f"w{i}{j}") for j, v in enumerate(row)] for i, row in enumerate(W)]
    z0 = forward(x, w, TARGET_CLASS)[0][0]
    z0.backward()  # fresh leaves: their grads are ∂z0/∂(leaf), not mixed with ∂E/∂(leaf)
    return _save_drawing(z0, w[0][0], path)


def _save_drawing(root: Value, highlight: Value, path: Path) -> Path:
    from ..viz import draw  # the visualizer imports graphviz: only load it here

    return write_atomic(path, draw(root, highlight=highlight).svg())
