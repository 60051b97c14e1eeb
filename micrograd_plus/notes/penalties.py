"""The notes' L1 and L2 regularization, finished: the forward penalties on the notes' own
weights, and the backward pass the notes left empty, checked against backward() and gradcheck."""
from __future__ import annotations

from pathlib import Path

from ..engine import Value
from ..losses import l1_penalty, l2_penalty
from ..viz.style import number
from . import pictures
from .backprop import W, dense_layer
from .section import Figure, Section, Worked, checked, vector

LAMBDA = 0.01


def _gradients(penalty, weights: list[list[float]]) -> tuple[float, list[list[float]]]:
    """The penalty's value on the weights and its gradient for each weight, by backward()."""
    leaves = [[Value(w, label=f"w{i}{j}") for j, w in enumerate(row)] for i, row in enumerate(weights)]
    out = penalty([w for row in leaves for w in row], LAMBDA)
    out.backward()
    return out.data, [[w.grad for w in row] for row in leaves]


def l1_l2_section() -> Section:
    """L1 = λ Σ|w|, ∂/∂w = λ sign(w); L2 = λ Σ w², ∂/∂w = 2λw; on the dense layer's W."""
    weights = [list(row) for row in W]
    l1, l1_grads = _gradients(l1_penalty, weights)
    l2, l2_grads = _gradients(l2_penalty, weights)
    flat = [w for row in weights for w in row]
    at_zero = Value(0.0, label="w")
    l1_penalty([at_zero], LAMBDA).backward()
    layer = dense_layer()
    parameters = [w for row in layer.W for w in row]
    w00 = layer.W[0][0]
    data_grad = w00.grad  # dense_layer() ran backward on the data loss E alone
    total = layer.E + l1_penalty(parameters, LAMBDA) + l2_penalty(parameters, LAMBDA)
    for w in parameters:
        w.grad = 0.0  # leaves accumulate: clear E's gradient before the total's
    total.backward()
    ratio = l2_grads[0][2] / l1_grads[0][2]
    values = {"L1w": l1, "L2w": l2, "Σ|w|": sum(abs(w) for w in flat),
              "Σw²": sum(w * w for w in flat), "L1 slope at 0": at_zero.grad,
              "L2/L1 push at 2.0": ratio, "E": layer.E.data, "Loss": total.data,
              "∂E/∂w00": data_grad, "∂Loss/∂w00": w00.grad}
    values |= {f"∂L1w/∂w{i}{j}": g for i, row in enumerate(l1_grads) for j, g in enumerate(row)}
    values |= {f"∂L2w/∂w{i}{j}": g for i, row in enumerate(l2_grads) for j, g in enumerate(row)}
    curve = [i / 20 for i in range(-50, 51)]
    return Section(
        "l1-l2", "L1 and L2 regularization",
        "L1's regularization penalty is the sum of all the absolute values for the weights and "
        "biases.\nL1w = λsum(abs(w)) where w is the array of weights\nL2's regularization penalty "
        "is the sum of all the squares of the weights and biases. This non-linearity penalizes "
        "larger values more heavily.\nL2w = λsum(w ** 2) where w is the array of weights\n"
        "Loss = DataLoss + L1w + L1b + L2w + L2b\n#### Backward Pass: (empty)",
        (
            f"Forward, on the notes' own weights W = [{', '.join(vector(row) for row in W)}] with"
            f" λ = {LAMBDA}:",
            Worked([
                f"L1w = λ Σ|w| = {LAMBDA}·({' + '.join(number(abs(w)) for w in flat)})"
                f" = {LAMBDA}·{number(values['Σ|w|'])} = {number(l1)}",
                f"L2w = λ Σw² = {LAMBDA}·({' + '.join(number(w * w) for w in flat)})"
                f" = {LAMBDA}·{number(values['Σw²'])} = {number(l2)}",
            ]),
            "The backward pass: each weight appears in one term of the sum, so its derivative is "
            "the derivative of that term alone.",
            Worked([
                "∂L1w/∂w = λ·sign(w)     sign(w) = 1 for w > 0, −1 for w < 0, and 0 at w = 0",
                "∂L2w/∂w = 2λ·w",
                *(f"∂L1w/∂W row {i} = {vector(row)}" for i, row in enumerate(l1_grads)),
                *(f"∂L2w/∂W row {i} = {vector(row)}" for i, row in enumerate(l2_grads)),
                "(by backward() on the penalty graph)",
                checked(lambda *ws: l1_penalty(list(ws), LAMBDA), flat) + " for L1w",
                checked(lambda *ws: l2_penalty(list(ws), LAMBDA), flat) + " for L2w",
                f"at w = 0, |w| has a kink; the engine's abs, like PyTorch, gives slope"
                f" {number(at_zero.grad)} there",
            ]),
            "L1 pushes every weight toward 0 with the same force λ, however small the weight, so "
            "it drives small weights to zero. L2 pushes in proportion to the weight: the 2.0 gets "
            f"{number(l2_grads[0][2])}, {ratio:g} times L1's push, and the 0.1 only "
            f"{number(l2_grads[1][2])}: large weights are penalized more heavily, as the note "
            "says, and small ones hardly at all.",
            "The overall loss adds the penalties to the data loss (the notes' layer has no biases, "
            "so L1b and L2b are 0), and its gradient is the sum of theirs:",
            Worked([
                f"Loss = E + L1w + L2w = {number(layer.E.data)} + {number(l1)} + {number(l2)}"
                f" = {number(total.data)}",
                f"∂Loss/∂w00 = {number(data_grad)} + {number(l1_grads[0][0])} + "
                f"{number(l2_grads[0][0])} = {number(w00.grad)} by backward()",
            ]),
        ),
        values,
        (Figure("l1_l2_penalties.png", "the two penalties for one weight (left) and their slopes (right)",
                lambda out: _plot_penalties(curve, flat, out)),),
    )


def _plot_penalties(curve: list[float], weights: list[float], out: Path) -> Path:
    fig = pictures.figure(9, 3.6)
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for i, (name, penalty) in enumerate((("L1: λ|w|", l1_penalty), ("L2: λw²", l2_penalty))):
        pairs = [_gradients(penalty, [[w]]) for w in curve]
        left.plot(curve, [v for v, _ in pairs], color=f"C{i}", label=name)
        slope = [g[0][0] for _, g in pairs]
        for side in ([k for k, w in enumerate(curve) if w < 0], [k for k, w in enumerate(curve) if w > 0]):
            # the slope jumps at 0 for L1: draw each side on its own, so no false ramp joins them
            right.plot([curve[k] for k in side], [slope[k] for k in side], color=f"C{i}",
                       label=name.split(":")[0] + " slope" if side[0] > 0 else None)
        right.plot(weights, [_gradients(penalty, [[w]])[1][0][0] for w in weights], "o", color=f"C{i}",
                   markersize=4)
    right.plot([0], [0], "o", color="C0", markerfacecolor="white")
    right.annotate("L1 slope at 0: 0", xy=(0, 0), xytext=(-2.4, 0.02), arrowprops={"arrowstyle": "->"})
    right.annotate("dots: the notes' six weights", xy=(2.0, 0.04), xytext=(-0.4, 0.045))
    pictures.style(left, f"Penalty, λ = {LAMBDA}", "weight w", "penalty")
    pictures.style(right, "Its derivative: the push toward 0", "weight w", "∂penalty/∂w")
    left.legend()
    right.legend()
    return pictures.save(fig, out)
