"""The notes' loss functions, finished: mean squared error (the empty section) and categorical
cross-entropy (the notes' example, then its gradient through softmax)."""
from __future__ import annotations

from pathlib import Path

from ..engine import Value
from ..activations import softmax
from ..losses import categorical_cross_entropy, cross_entropy, mse_loss
from ..viz.style import number
from . import pictures
from .backprop import dense_layer
from .section import Figure, Section, Worked, checked, paren, vector

# ---- MSE -----------------------------------------------------------------------------------------

PREDICTIONS = (1.9, -0.4, 4.3)  # the dense layer's outputs z, read as three regression outputs
TARGETS = (2.0, 0.0, 4.0)


def mse_section() -> Section:
    """L = (1/n) Σ_i (ŷ_i − y_i)², ∂L/∂ŷ_i = 2(ŷ_i − y_i)/n, on three outputs."""
    n = len(PREDICTIONS)
    predictions = [Value(v, label=f"ŷ{i}") for i, v in enumerate(PREDICTIONS)]
    loss = mse_loss(predictions, list(TARGETS))
    loss.backward()
    errors = [p - y for p, y in zip(PREDICTIONS, TARGETS)]
    squares = [e * e for e in errors]
    gradients = [p.grad for p in predictions]
    values = {"L": loss.data, "Σ squares": sum(squares)}
    values |= {f"e{i}": e for i, e in enumerate(errors)}
    values |= {f"e{i}²": s for i, s in enumerate(squares)}
    values |= {f"∂L/∂ŷ{i}": g for i, g in enumerate(gradients)}
    return Section(
        "mse", "MSE", "",
        (
            "Mean squared error is the loss for regression, where the model outputs numbers rather "
            "than class scores: square each error, then take the mean. Squaring makes every error "
            "count as positive and a large error count much more than a small one.",
            Worked(["L = (1/n) Σ_i (ŷ_i − y_i)²        ŷ: the model's outputs, y: the targets",
                    "∂L/∂ŷ_i = 2 (ŷ_i − y_i) / n"]),
            "Read the three outputs z of the notes' dense layer (see Backprop and Autodiff) as regression "
            f"outputs ŷ = {vector(PREDICTIONS)} with targets y = {vector(TARGETS)}:",
            Worked([
                f"errors ŷ − y = {vector(errors)}, squared {vector(squares)}",
                f"L = ({' + '.join(number(s) for s in squares)}) / {n} = {number(sum(squares))} / {n}"
                f" = {number(loss.data)}",
                "∂L/∂ŷ = [" + ", ".join(f"2·{paren(e)}/{n}" for e in errors)
                + f"] = {vector(gradients)} by backward()",
                checked(lambda *ys: mse_loss(list(ys), list(TARGETS)), PREDICTIONS),
            ]),
            "The gradient points from the target to the prediction and is proportional to the "
            f"error: the output that is furthest off (ŷ1, off by {number(abs(errors[1]))}) is pushed "
            "hardest. From here "
            "backprop continues exactly as in the backprop section, with ∂L/∂ŷ in place of p − y.",
        ),
        values,
    )


# ---- categorical cross-entropy -------------------------------------------------------------------

NOTES_P = (0.2, 0.7, 0.1)  # the notes' softmax output
NOTES_Y = (0.0, 1.0, 0.0)  # and the actual distribution


def cross_entropy_section() -> Section:
    """E = −Σ_j y_j log p_j; the notes' −log 0.7, ∂E/∂p_j = −y_j/p_j, and through softmax p − y."""
    p = [Value(v, label=f"p{j}") for j, v in enumerate(NOTES_P)]
    loss = categorical_cross_entropy(p, list(NOTES_Y))
    loss.backward()
    target = NOTES_Y.index(1.0)
    # Logits whose softmax is exactly the notes' output: z_j = log p_j (any constant may be added).
    z = [Value(v).log() for v in NOTES_P]
    z = [Value(v.data, label=f"z{j}") for j, v in enumerate(z)]
    given_back = [v.data for v in softmax(z)]
    fused = cross_entropy(z, target)
    fused.backward()
    layer = dense_layer()
    layer_p = layer.p[target].data
    curve = [(q / 200, -Value(q / 200).log().data) for q in range(1, 201)]
    values = {"E": loss.data, "E from logits": fused.data, "dense layer p1": layer_p,
              "dense layer E": layer.E.data}
    values |= {f"∂E/∂p{j}": v.grad for j, v in enumerate(p)}
    values |= {f"z{j}": v.data for j, v in enumerate(z)}
    values |= {f"softmax(z){j}": v for j, v in enumerate(given_back)}
    values |= {f"∂E/∂z{j}": v.grad for j, v in enumerate(z)}
    values |= {f"p{j} − y{j}": pj - yj for j, (pj, yj) in enumerate(zip(NOTES_P, NOTES_Y))}
    return Section(
        "cross-entropy", "Categorical Cross-Entropy Loss",
        "Example, let's say our softmaxed output looks like:\n[0.2, 0.7, 0.1] and the actual "
        "distribution is [0 , 1, 0]\nThe zeros cancel out and we get\nloss = -(log(0.7) * 1)\n"
        "this reduces to the negative log of the target class' confidence score! ezpz",
        (
            "Exactly right. With a one-hot target every term but the true class's is multiplied by "
            "zero, so the loss is minus the log of the confidence in the true class:",
            Worked([
                "E = −Σ_j y_j log p_j = −log p_target          ∂E/∂p_j = −y_j / p_j",
                f"E = −({' + '.join(f'{number(y)}·log {number(q)}' for q, y in zip(NOTES_P, NOTES_Y))})"
                f" = −log 0.7 = {number(loss.data)}",
                f"∂E/∂p = {vector([v.grad for v in p])} by backward()"
                f" (−1/0.7 for the true class, 0 for the others)",
                checked(lambda *qs: categorical_cross_entropy(list(qs), list(NOTES_Y)), NOTES_P),
            ]),
            "In a network the p come out of softmax, so the gradient has to go on through it to the "
            "outputs z. The logits z_j = log p_j give back the notes' softmax output exactly; the "
            "library's cross_entropy takes logits, fuses softmax with the log (log-sum-exp, so it "
            "never takes the log of 0) and gives the same loss. Its gradient is the fused form "
            "that the backprop section derives: ∂E/∂z_j = p_j − y_j.",
            Worked([
                f"z = log p = {vector([v.data for v in z])}, softmax(z) = {vector(given_back)}",
                f"cross_entropy(z, class {target}) = {number(fused.data)}",
                f"∂E/∂z = {vector([v.grad for v in z])} by backward();"
                f" p − y = {vector([q - y for q, y in zip(NOTES_P, NOTES_Y)])}",
                checked(lambda *zs: cross_entropy(list(zs), target), [v.data for v in z]),
            ]),
            f"The same formula finishes the backprop section's dense layer: there the true class "
            f"gets p1 = {number(layer_p)}, so E = −log {number(layer_p)} = {number(layer.E.data)}. "
            "The less confidence in the true class, the larger the loss, without bound:",
        ),
        values,
        (Figure("cross_entropy_curve.png",
                "−log p against the confidence p in the true class, with the two examples",
                lambda path: _plot_loss_curve(curve, [(0.7, loss.data), (layer_p, layer.E.data)], path)),),
    )


def _plot_loss_curve(curve: list[tuple[float, float]], marks: list[tuple[float, float]],
                     path: Path) -> Path:
    fig = pictures.figure(6.5, 3.8)
    axes = fig.add_subplot(1, 1, 1)
    axes.plot([p for p, _ in curve], [e for _, e in curve], color="C0", label="E = −log p")
    labels = ("the notes' example", "the dense layer")
    for (p, e), label, offset in zip(marks, labels, ((-150, 30), (18, -4))):
        axes.plot([p], [e], "o", color="C1")
        axes.annotate(f"{label}: p = {number(p)}, E = {number(e)}", xy=(p, e), xytext=offset,
                      textcoords="offset points")
    pictures.style(axes, "Cross-entropy: the cost of low confidence in the true class",
                   "p, the confidence in the true class", "loss E")
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 5.6)
    return pictures.save(fig, path)
