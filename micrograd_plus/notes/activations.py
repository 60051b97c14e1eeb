"""The notes' activation functions, finished: sigmoid, ReLU and softmax.

Every number comes from the engine (forward, backward, `grad`) and every derivative is checked
by gradcheck before the text is written.
"""
from __future__ import annotations

from pathlib import Path

from ..activations import relu, sigmoid, softmax
from ..data import make_moons
from ..engine import Value, grad
from ..gradcheck import gradcheck
from ..nn import Layer
from ..viz.style import number
from . import pictures
from .backprop import dense_layer
from .section import Figure, Section, Worked, checked_at, vector


def _derivative(f, x: float) -> tuple[float, float]:
    """f(x) and f'(x), from one forward and one backward pass."""
    leaf = Value(x, label="x")
    out = f(leaf)
    out.backward()
    return out.data, leaf.grad


# ---- sigmoid -------------------------------------------------------------------------------------


def sigmoid_section() -> Section:
    """σ(x) = 1 / (1 + e^-x), σ'(x) = σ(x)(1 - σ(x)); its limits and its vanishing gradient."""
    points = (-10.0, -2.0, 0.0, 2.0, 10.0)
    rows = {x: _derivative(sigmoid, x) for x in points}
    far_left, _ = _derivative(sigmoid, -20.0)
    far_right, _ = _derivative(sigmoid, 20.0)
    _, relu_slope = _derivative(relu, 10.0)
    values = {"σ(-20)": far_left, "1 - σ(20)": 1 - far_right, "relu'(10)": relu_slope}
    for x, (s, slope) in rows.items():
        values[f"σ({number(x)})"] = s
        values[f"σ'({number(x)})"] = slope
        values[f"σ(1 - σ) at {number(x)}"] = s * (1 - s)
    table = [f"  {'x':>6}  {'σ(x)':>9}  {'σ′(x) by backward()':>20}  {'σ(1 − σ)':>9}"]
    table += [f"  {number(x):>6}  {number(s):>9}  {number(slope):>20}  {number(s * (1 - s)):>9}"
              for x, (s, slope) in rows.items()]
    grid = [i / 10 for i in range(-120, 121)]
    curves = {name: [_derivative(f, x) for x in grid] for name, f in (("σ", sigmoid), ("relu", relu))}
    return Section(
        "sigmoid", "Sigmoid",
        "The Sigmoid goes from 0 -> 1\nlim = 0 as x -> -inf\nlim = 1 as x -> inf\n0 = 0.5",
        (
            Worked(["σ(x) = 1 / (1 + e^−x)",
                    "σ′(x) = e^−x / (1 + e^−x)² = σ(x) (1 − σ(x))"]),
            "All four claims hold; the last one means σ(0) = 0.5. The engine's sigmoid, its "
            "derivative from backward(), and the formula σ(1 − σ) side by side:",
            Worked([*table,
                    f"limits: σ(−20) = {number(far_left)} (→ 0),"
                    f" 1 − σ(20) = {number(1 - far_right)} (so σ(20) → 1)",
                    checked_at(sigmoid, points)]),
            f"The vanishing gradient that the ReLU section mentions: σ′ is never more than "
            f"{number(rows[0.0][1])} (at 0), and far from 0 it almost disappears: "
            f"σ′(10) = {number(rows[10.0][1])} while relu′(10) = {number(relu_slope)}. Every sigmoid a "
            f"gradient passes through multiplies it by σ′, so a few saturated sigmoids in a row leave "
            f"the early weights with almost no gradient to learn from.",
        ),
        values,
        (Figure("sigmoid_relu_derivatives.png",
                "sigmoid and ReLU (left) and their derivatives from backward() (right)",
                lambda path: _plot_activations(grid, curves, rows[10.0][1], path)),),
    )


def _plot_activations(grid: list[float], curves: dict, vanished: float, path: Path) -> Path:
    fig = pictures.figure(10, 3.8)
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for i, (name, pairs) in enumerate(curves.items()):
        left.plot(grid, [f for f, _ in pairs], color=f"C{i}", label=f"{name}(x)")
        right.plot(grid, [d for _, d in pairs], color=f"C{i}", label=f"{name}′(x)")
    left.set_ylim(-0.5, 4)
    left.set_xlim(-12, 12)
    right.set_ylim(-0.05, 1.1)
    right.annotate(f"σ′(10) = {number(vanished)}:\nthe gradient vanishes", xy=(10, 0), xytext=(2.5, 0.45),
                   arrowprops={"arrowstyle": "->"})
    pictures.style(left, "The functions", "x", "f(x)")
    pictures.style(right, "Their derivatives", "x", "f′(x)")
    left.legend(loc="upper left")
    right.legend(loc="upper left")
    return pictures.save(fig, path)


# ---- ReLU ----------------------------------------------------------------------------------------


def relu_section() -> Section:
    """relu(x) = max(0, x), relu'(x) = 1 for x > 0, else 0; the fraction of zeros in a layer."""
    points = (-2.0, 0.0, 3.0)
    rows = {x: _derivative(relu, x) for x in points}
    inputs, _ = make_moons(100, noise=0.1, seed=0)
    layer = Layer(2, 16, activation="relu", seed=0)
    outputs = [[v.data for v in layer(row)] for row in inputs]
    zeros = sum(v == 0.0 for row in outputs for v in row)
    fraction = zeros / (len(outputs) * len(outputs[0]))
    values = {f"relu({number(x)})": r for x, (r, _) in rows.items()}
    values |= {f"relu'({number(x)})": d for x, (_, d) in rows.items()}
    _, sigmoid_slope = _derivative(sigmoid, 10.0)
    values |= {"zero outputs": zeros, "fraction of zeros": fraction, "σ'(10)": sigmoid_slope}
    return Section(
        "relu", "ReLU",
        "y = x if x > 0\ny = 0 if x <= 0\nReLU is nice because it doesn't cause vanishing gradient "
        "like sigmoid, is almost free to compute, and results in sparse matrices (matrices with "
        "zeros) which is good for representation.",
        (
            Worked(["relu(x) = max(0, x)",
                    "relu′(x) = 1 if x > 0, 0 if x < 0; at x = 0 there is a kink, and the engine"
                    " uses 0 (as PyTorch)"]),
            Worked([f"relu({number(x)}) = {number(r)}, relu′({number(x)}) = {number(d)} by backward()"
                    for x, (r, d) in rows.items()]
                   + [checked_at(relu, (-2.0, 3.0)) + " at −2 and 3;",
                      _kink_at_zero()]),
            "No vanishing gradient: wherever the input is positive the slope is exactly 1, however "
            f"large the input (see the sigmoid section: σ′(10) = {number(sigmoid_slope)}). Almost "
            "free: one comparison, and its derivative is another.",
            f"Sparse: a layer of 16 ReLU neurons (weights drawn with seed 0, biases 0) reading the "
            f"100 points of the two-moons data set gives {len(outputs)} × {len(outputs[0])} = "
            f"{len(outputs) * len(outputs[0])} outputs, of which {zeros} are exactly zero: "
            f"{fraction:.1%}. A zero output passes no gradient back either, so for each input only "
            f"some of the neurons take part.",
        ),
        values,
        (Figure("relu_sparsity.png", f"the layer's outputs on 100 inputs: {fraction:.0%} are zero (white)",
                lambda path: _plot_sparsity(outputs, path)),),
    )


def _kink_at_zero() -> str:
    """What gradcheck says about relu at 0, where the left and right slopes differ."""
    (row,) = gradcheck(relu, [0.0], raise_exception=False).rows
    if not row.kink:
        raise AssertionError("gradcheck should flag relu at 0 as a kink")
    return ("at 0 gradcheck reports a kink: the slopes from the left (0) and the right (1) differ, "
            "so there is no derivative to check")


def _plot_sparsity(outputs: list[list[float]], path: Path) -> Path:
    fig = pictures.figure(9, 3.2)
    axes = fig.add_subplot(1, 1, 1)
    columns = [list(column) for column in zip(*outputs)]  # one row per neuron, one column per input
    image = axes.imshow([[v if v > 0 else float("nan") for v in row] for row in columns],
                        aspect="auto", cmap="viridis", interpolation="nearest")
    axes.set_facecolor("white")
    fig.colorbar(image, ax=axes, label="output (white: exactly 0)")
    axes.set_yticks(range(0, 16, 3))
    axes.set_title("ReLU layer outputs: each row a neuron, each column an input")
    axes.set_xlabel("input (one of the 100 two-moons points)")
    axes.set_ylabel("neuron")
    return pictures.save(fig, path)


# ---- softmax -------------------------------------------------------------------------------------


def softmax_section() -> Section:
    """p_i = e^z_i / Σ_j e^z_j, its Jacobian p_k(δ_kj − p_j), and the fused gradient p − y."""
    z_values = [v.data for v in dense_layer().z]
    exps = [Value(z).exp().data for z in z_values]
    total = sum(exps)  # Σ_j e^z_j
    as_written = [z / total for z in z_values]  # the notes' line: output[i] / sum(e ^ output[:])
    z = [Value(v, label=f"z{j}") for j, v in enumerate(z_values)]
    p = softmax(z)
    probabilities = [v.data for v in p]
    jacobian = [grad(p_k, z) for p_k in p]  # row k: ∂p_k/∂z_j for each j
    by_formula = [[pk * ((k == j) - pj) for j, pj in enumerate(probabilities)]
                  for k, pk in enumerate(probabilities)]
    cols = range(len(z))
    values = {"Σ e^z": total, "Σ p": sum(probabilities), "Σ as written": sum(as_written)}
    values |= {f"as written {j}": v for j, v in enumerate(as_written)}
    values |= {f"e^z{j}": v for j, v in enumerate(exps)}
    values |= {f"row {k} sum": sum(row) for k, row in enumerate(jacobian)}
    values |= {f"p{j}": v for j, v in enumerate(probabilities)}
    values |= {f"∂p{k}/∂z{j}": jacobian[k][j] for k in cols for j in cols}
    values |= {f"p{k}(δ{k}{j} − p{j})": by_formula[k][j] for k in cols for j in cols}
    checks = sum(len(gradcheck(lambda *zs, k=k: softmax(list(zs))[k], z_values).rows) for k in cols)
    return Section(
        "softmax", "Softmax",
        "Softmax is good for classficiation/yassification\nSoftmax turns outputs into \"confidence "
        "scores\" which sum up to one. The largest score becomes the classification.\n"
        "score = output[i] / sum(e ^ output[:])",
        (
            "One correction: the note writes the numerator as output[i], but it is e^output[i]. "
            "Both the numerator and the denominator must be exponentials: then every score is "
            "positive and the scores add up to exactly one. With output[i] on top, a negative output "
            "gets a negative \"confidence\" and the scores do not add up to one. On the outputs z "
            "of the notes' dense layer (worked through under Backprop and Autodiff, below):",
            Worked([
                "softmax(z)_i = e^z_i / Σ_j e^z_j",
                f"z = {vector(z_values)}, e^z = {vector(exps)},"
                f" Σ_j e^z_j = {number(total)}",
                f"as the note wrote it, z_i / Σ e^z = {vector(as_written)}: sums to"
                f" {number(sum(as_written))}, and one score is negative",
                f"corrected, e^z_i / Σ e^z = {vector(probabilities)}: sums to"
                f" {number(sum(probabilities))}",
            ]),
            f"The largest score, p2 = {number(probabilities[2])}, makes the classification class 2, "
            "while the notes' target is class 1: that is why the layer's loss comes out large. "
            "The derivative is a matrix, since every p_k depends on every z_j (they share the sum): "
            "∂p_k/∂z_j = p_k (δ_kj − p_j), where δ_kj is 1 when k = j and 0 otherwise. By backward() "
            "and by the formula:",
            Worked([
                *(f"∂p{k}/∂z = {vector(jacobian[k])}   p{k}(δ{k}j − p_j) = {vector(by_formula[k])}"
                  for k in cols),
                "each row adds up to 0: moving every z_j by the same amount changes no p_k",
                f"gradcheck: all {checks} entries agree with finite differences",
            ]),
            "Followed by cross-entropy, the whole matrix collapses into one subtraction: "
            "∂E/∂z_j = p_j − y_j. The backprop section derives it (its step 3) and the "
            "cross-entropy section checks it on the notes' example.",
        ),
        values,
    )
