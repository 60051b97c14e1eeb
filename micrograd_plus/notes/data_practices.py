"""The notes' data practices, finished: k-fold cross-validation (the ABCDE table, each part
validated once) and scaling to [-1, 1] (the formula and its inverse on a worked column).
Every number comes from the data module: `KFold` and `MinMaxScaler`."""
from __future__ import annotations

from pathlib import Path

from ..activations import sigmoid
from ..data import KFold, MinMaxScaler
from ..engine import Value
from ..viz.style import number
from . import pictures
from .section import Figure, Section, Worked, vector

PARTS = "ABCDE"


# ---- k-fold --------------------------------------------------------------------------------------


def kfold_section() -> Section:
    """The folds of KFold(5) over the five parts A to E; each part is validated exactly once."""
    folds = [("".join(PARTS[i] for i in train), "".join(PARTS[i] for i in val))
             for train, val in KFold(n_splits=len(PARTS)).split(len(PARTS))]
    times_validated = {part: sum(part in val for _, val in folds) for part in PARTS}
    sizes = [len(val) for _, val in KFold(n_splits=5).split(12)]
    values = {f"{part} validated": count for part, count in times_validated.items()}
    values |= {f"fold {k + 1} size of 12": size for k, size in enumerate(sizes)}
    table = ["fold   train on   validate on", *(f"{k:>4}   {train:<8}   {val}"
                                                for k, (train, val) in enumerate(folds, start=1))]
    return Section(
        "kfold", "K-Fold Cross-Validation",
        "Assume we have limited data. Let's split it into ABCDE\nFor one epoch we'll train on ABCD "
        "and validate on E\nThe next epoch we'll train on ABDE and validate on E\nso on and so forth",
        (
            "One slip, in \"the next epoch we'll train on ABDE and validate on E\": the part left "
            "out is the part validated, so training on ABDE means validating on C. If E were "
            "validated twice, some other part would never be validated, and the point of k-fold "
            "is that every sample is used for validation exactly once. KFold(n_splits=5) over the five parts:",
            Worked([*table, "times each part is validated: "
                    + ", ".join(f"{part} {count}" for part, count in times_validated.items())]),
            "And one more word to change: each row is a fold, not an epoch. For each fold a fresh "
            "model is trained, for all its epochs, on the four training parts, then scored once on "
            "the fifth; the k scores are averaged (the library's cross_validate does exactly this, "
            "and fits the scaler on each fold's training part only). Parts need not be equal: "
            f"with 12 samples KFold(5) makes folds of {', '.join(str(s) for s in sizes)} (the "
            f"first 12 mod 5 = {12 % 5} folds get one more).",
        ),
        values,
        (Figure("kfold_folds.png", "the five folds: each row trains on four parts and validates on the fifth",
                lambda out: _plot_folds(folds, out)),),
    )


def _plot_folds(folds: list[tuple[str, str]], out: Path) -> Path:
    fig = pictures.figure(6, 3)
    axes = fig.add_subplot(1, 1, 1)
    for row, (_, val) in enumerate(folds):
        for column, part in enumerate(PARTS):
            validate = part in val
            axes.add_patch(_cell(column, row, "C1" if validate else "C0", alpha=0.85 if validate else 0.3))
            axes.text(column + 0.5, row + 0.5, part, ha="center", va="center",
                      fontweight="bold" if validate else "normal", fontsize=12)
    axes.set_xlim(0, len(PARTS))
    axes.set_ylim(len(folds), 0)
    axes.set_yticks([k + 0.5 for k in range(len(folds))], [f"fold {k + 1}" for k in range(len(folds))])
    axes.set_xticks([])
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.set_title("blue: train on it, orange: validate on it")
    return pictures.save(fig, out)


def _cell(x: float, y: float, color: str, alpha: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x + 0.04, y + 0.06), 0.92, 0.88, color=color, alpha=alpha)


# ---- scaling -------------------------------------------------------------------------------------

TRAINING = (50.0, 80.0, 120.0, 210.0)  # one feature (a flat's size in m²), the training rows
LATER = 250.0  # a value met after fitting, larger than any in training


def scaling_section() -> Section:
    """x' = lo + (x − min)(hi − lo)/(max − min) on a worked column, and back."""
    scaler = MinMaxScaler(feature_range=(-1.0, 1.0)).fit([[v] for v in TRAINING])
    scaled = [row[0] for row in scaler.transform([[v] for v in TRAINING])]
    back = [row[0] for row in scaler.inverse_transform([[v] for v in scaled])]
    (later,) = scaler.transform([[LATER]])[0]
    scale, offset = scaler.scale_[0], scaler.min_[0]
    raw_slope, scaled_slope = _sigmoid_slope(0.5 * TRAINING[-1]), _sigmoid_slope(0.5 * scaled[-1])
    values = {"scale": scale, "offset": offset, "later": later,
              "raw slope": raw_slope, "scaled slope": scaled_slope}
    values |= {f"x'{i}": v for i, v in enumerate(scaled)}
    values |= {f"back {i}": v for i, v in enumerate(back)}
    lo, hi = scaler.feature_range
    return Section(
        "scaling", "Pre-processing",
        "Neural nets work best on data valued from -1 to +1\nNormalizing data to this range can be "
        "a pre-processing step.",
        (
            Worked(["x' = lo + (x − min)·(hi − lo) / (max − min)     [lo, hi] = [−1, 1]",
                    "   = x·scale + offset,   scale = (hi − lo)/(max − min),  offset = lo − min·scale",
                    "x = (x' − offset) / scale                       the inverse, back to the units"]),
            f"A column of flat sizes in m², {vector(TRAINING)}, through MinMaxScaler():",
            Worked([
                f"min = {number(min(TRAINING))}, max = {number(max(TRAINING))}:"
                f" scale = ({number(hi)} − ({number(lo)}))/({number(max(TRAINING))} − "
                f"{number(min(TRAINING))}) = {number(scale)}, offset = {number(lo)} − "
                f"{number(min(TRAINING))}·{number(scale)} = {number(offset)}",
                f"scaled:     {vector(scaled)}",
                f"inverse:    {vector(back)}",
                f"later, {number(LATER)} m² scales to {number(later)}",
            ]),
            "The smallest training value goes to −1 and the largest to +1. Fit the scaler on the "
            "training data only and use the same scale and offset for everything after, which is "
            f"why the later {number(LATER)} m² lands outside [−1, 1]: fitting on it too would leak "
            "it into training.",
            "Why −1 to 1 helps, in the sigmoid section's terms: a sigmoid neuron with weight 0.5 "
            f"fed the raw {number(TRAINING[-1])} sits at σ({number(0.5 * TRAINING[-1])}), where its "
            "slope by backward() is "
            f"σ′ = {number(raw_slope)} (σ({number(0.5 * TRAINING[-1])}) is 1.0 to the last bit): it cannot "
            f"learn. Fed the scaled {number(scaled[-1])} its "
            f"slope is {number(scaled_slope)}.",
        ),
        values,
    )


def _sigmoid_slope(x: float) -> float:
    leaf = Value(x, label="x")
    sigmoid(leaf).backward()
    return leaf.grad
