"""Loss functions and L1/L2 penalties, made of `Value` operations.

A loss takes a model's outputs and the targets and returns one Value, the mean over the samples
(and, for outputs with several elements, over the elements). Pass one sample or a list of them:

    cross_entropy([z0, z1, z2], 2)                  # one sample, its class index
    cross_entropy([[z0, z1], [z2, z3]], [1, 0])     # two samples: the mean of the two losses
    mse_loss([y0, y1], [0.5, -1.0])                 # mean of the squared errors
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

from .activations import Scalar, _as_value, _sum, log_softmax
from .engine import Value
from .checks import distribution, finite_number, non_negative

Target = int | Sequence[float]  # a class index, or a one-hot (or probability) list

CLIP = 1e-7  # NNFS clips probabilities to [CLIP, 1 - CLIP] before taking logs
# what to use instead when a probability loss is given a logit
_BINARY_ON_LOGITS = "binary_cross_entropy_with_logits, which applies the sigmoid itself"
_CATEGORICAL_ON_LOGITS = "cross_entropy, which applies the softmax itself"


# ---- regression ---------------------------------------------------------------------------------


def mse_loss(pred: Scalar | Sequence, target: float | Sequence) -> Value:
    """L = mean over all elements of (pred - target)^2,  dL/dpred = 2 (pred - target) / n"""
    preds, targets = _flatten(pred), _flatten(target)
    _check_same_length("mse_loss", len(preds), len(targets))
    errors = [_as_value(p, "mse_loss") - finite_number(t, "mse_loss", "a target") for p, t in zip(preds, targets)]
    return _mean([e**2 for e in errors])


# ---- classification on logits -------------------------------------------------------------------


def cross_entropy(logits: Sequence, target: Target | Sequence[Target]) -> Value:
    """L = -sum_k t_k log softmax(z)_k (= -log softmax(z)_y for a class index y), mean over samples.

    Fused with log-softmax, so dL/dz = (softmax(z) - onehot) / n exactly, even for a confidently
    wrong prediction: logits [0, 100, 0] with target 0 give loss 100 and gradient [-1, 1, ~0].
    """
    samples, targets = _samples(logits, target, "cross_entropy")
    losses = []
    for z, t in zip(samples, targets):
        log_p = log_softmax(z)
        losses.append(-_weighted_sum(log_p, _target_weights(t, len(log_p), "cross_entropy")))
    return _mean(losses)


def binary_cross_entropy_with_logits(logit: Scalar | Sequence, target: float | Sequence) -> Value:
    """L = log(1 + e^x) - x y for a logit x and a target y in [0, 1], mean over elements.

    The same as binary_cross_entropy(sigmoid(x), y) without its clip, and never overflowing;
    dL/dx = (sigmoid(x) - y) / n.
    """
    where = "binary_cross_entropy_with_logits"
    pairs = _scalar_pairs(logit, target, where)
    return _mean([_softplus(x) - x * _probability(y, where) for x, y in pairs])


def hinge_loss(score: Scalar | Sequence, target: float | Sequence) -> Value:
    """L = max(0, 1 - y s) for a score s and a label y in {-1, +1}, mean over samples.

    micrograd's max-margin (SVM) loss: a sample scored on the right side by a margin of at least
    1 costs nothing; dL/ds = -y / n inside the margin, 0 outside.
    """
    losses = []
    for s, y in _scalar_pairs(score, target, "hinge_loss"):
        if y not in (-1, 1):
            raise ValueError(f"hinge_loss: a label must be -1 or +1, got {y!r}")
        losses.append((1 - s * y).relu())
    return _mean(losses)


# ---- the NNFS forms on probabilities ------------------------------------------------------------


def categorical_cross_entropy(probs: Sequence, target: Target | Sequence[Target]) -> Value:
    """L = -log(sum_k t_k clip(p_k)) on probabilities (NNFS), mean over samples.

    A p_k outside [0, 1] is refused: a logit belongs in `cross_entropy`.

    Each p_k is clipped to [1e-7, 1 - 1e-7], so a probability of 0 costs 16.118 instead of
    infinity. The clip has a price: where it bites, the gradient through it is 0 (as
    torch.clamp). A confidently wrong prediction, p_target < 1e-7, then gets loss 16.118 and no
    gradient at all, and stops learning. (NNFS's hand-written backward ignores the clip and uses
    -1/p.) Prefer `cross_entropy` on logits, whose gradient is always softmax - onehot.
    """
    where = "categorical_cross_entropy"
    samples, targets = _samples(probs, target, where)
    losses = []
    for p, t in zip(samples, targets):
        clipped = [_clip(_predicted(_as_value(v, where), where, _CATEGORICAL_ON_LOGITS)) for v in p]
        weights = _target_weights(t, len(clipped), where)
        losses.append(-_weighted_sum(clipped, weights).log())
    return _mean(losses)


def binary_cross_entropy(prob: Scalar | Sequence, target: float | Sequence) -> Value:
    """L = -(y log p + (1 - y) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7], mean over elements.

    As in categorical_cross_entropy, where the clip bites the gradient is 0; prefer
    binary_cross_entropy_with_logits, which needs no clip. A p outside [0, 1] is refused: a
    logit belongs in binary_cross_entropy_with_logits.
    """
    losses = []
    for p, y in _scalar_pairs(prob, target, "binary_cross_entropy"):
        y = _probability(y, "binary_cross_entropy")
        p = _clip(_predicted(p, "binary_cross_entropy", _BINARY_ON_LOGITS))
        losses.append(-(y * p.log() + (1 - y) * (1 - p).log()))
    return _mean(losses)


# ---- penalties ----------------------------------------------------------------------------------


def l1_penalty(params: Sequence[Value], lam: float) -> Value:
    """R = lam * sum |p|,  dR/dp = lam * sign(p)

    sign(0) is 0 here (as PyTorch); NNFS uses +1, which matters on the first step for biases,
    since they start at exactly 0.
    """
    lam = non_negative(lam, "l1_penalty", "the strength lam")
    if not params:
        return Value(0.0)
    return lam * _sum([_as_value(p, "l1_penalty").abs() for p in params])


def l2_penalty(params: Sequence[Value], lam: float) -> Value:
    """R = lam * sum p^2 (no 1/2, as NNFS),  dR/dp = 2 lam p"""
    lam = non_negative(lam, "l2_penalty", "the strength lam")
    if not params:
        return Value(0.0)
    return lam * _sum([_as_value(p, "l2_penalty") ** 2 for p in params])


# ---- helpers ------------------------------------------------------------------------------------


def _softplus(x: Value) -> Value:
    """softplus(x) = log(1 + e^x), in a form whose exp never sees a large positive number."""
    if x.data >= 0:
        return x + (1 + (-x).exp()).log()  # log(1 + e^x) = x + log(e^-x + 1)
    return (1 + x.exp()).log()


def _predicted(p: Value, where: str, on_logits: str) -> Value:
    """p itself when it is a probability. A number outside [0, 1] is most likely a logit passed
    by mistake, which the clip would turn into a constant loss with gradient 0: refuse it (as
    torch's BCELoss does) and name the form that takes logits."""
    if not 0 <= p.data <= 1:
        raise ValueError(
            f"{where}: the predicted probability {p.data!r} is outside [0, 1]; for a logit (a raw "
            f"score) use {on_logits}"
        )
    return p


def _clip(p: Value) -> Value:
    """p inside [CLIP, 1 - CLIP] (gradient 1); outside, the bound, with gradient 0 (torch.clamp).

    `p * 0 + bound` rather than a fresh constant keeps the clipped probability in the graph, so
    a drawing shows where it came from.
    """
    if p.data < CLIP:
        return p * 0.0 + CLIP
    if p.data > 1 - CLIP:
        return p * 0.0 + (1 - CLIP)
    return p


def _weighted_sum(values: list[Value], weights: list[tuple[int, float]]) -> Value:
    """sum_k w_k v_k over the (k, w_k) pairs; a weight of 1 (a class index) adds no `* 1` node."""
    return _sum([values[k] if w == 1 else values[k] * w for k, w in weights])


def _mean(losses: list[Value]) -> Value:
    return _sum(losses) / len(losses)


def _samples(outputs: Sequence, target, where: str) -> tuple[list, list]:
    """One sample (a list of numbers) or many (a list of lists), as two parallel lists."""
    if not isinstance(outputs, Sequence) or not outputs:
        raise ValueError(f"{where}: expected a non-empty list of scores, got {outputs!r}")
    if not isinstance(outputs[0], Sequence):
        return [outputs], [target]
    if not isinstance(target, Sequence) or isinstance(target, str):
        raise ValueError(f"{where}: {len(outputs)} samples need a list of targets, got {target!r}")
    _check_same_length(where, len(outputs), len(target))
    return list(outputs), list(target)


def _target_weights(target: Target, classes: int, where: str) -> list[tuple[int, float]]:
    """The (class, weight) pairs of a target: [(y, 1)] for an index y, the non-zero entries of a
    one-hot or probability list. Skipping the zeros changes neither the loss nor its gradient."""
    if isinstance(target, Integral) and not isinstance(target, bool):
        if not 0 <= target < classes:
            raise ValueError(
                f"{where}: class index {target} is out of range for {classes} classes "
                f"(0..{classes - 1})"
            )
        return [(int(target), 1.0)]
    if isinstance(target, Sequence) and not isinstance(target, str):
        if len(target) != classes:
            raise ValueError(
                f"{where}: a one-hot target needs {classes} entries, got {len(target)}: {target!r}"
            )
        return [(k, w) for k, w in enumerate(distribution(target, where, "a target")) if w != 0]
    raise ValueError(f"{where}: a target must be a class index or a one-hot list, got {target!r}")


def _scalar_pairs(output: Scalar | Sequence, target, where: str) -> list[tuple[Value, float]]:
    """One output per sample: a single (output, target) or two parallel lists, as pairs."""
    outputs = list(output) if isinstance(output, Sequence) else [output]
    targets = list(target) if isinstance(target, Sequence) else [target]
    _check_same_length(where, len(outputs), len(targets))
    if not outputs:
        raise ValueError(f"{where}: needs at least one sample")
    return [(_as_value(o, where), finite_number(t, where, "a target")) for o, t in zip(outputs, targets)]


def _flatten(x) -> list:
    if isinstance(x, Sequence) and not isinstance(x, str):
        return [leaf for item in x for leaf in _flatten(item)]
    return [x]


def _check_same_length(where: str, outputs: int, targets: int) -> None:
    if outputs != targets:
        raise ValueError(f"{where}: {outputs} outputs but {targets} targets; they must match")


def _probability(y: float, where: str) -> float:
    if not 0 <= y <= 1:
        raise ValueError(f"{where}: a target must be in [0, 1], got {y!r}")
    return y