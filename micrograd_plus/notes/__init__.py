"""The study notes this project grew from, finished: one worked example per section.

The notes (a learner's notes on activations, losses, backprop, optimizers and data practices)
leave gaps: empty sections, formulas put off for later, two wrong lines. Each function here
finishes one section and returns a `Section`: its text (numbers computed by the engine and
checked by gradcheck, or by the data module) and its figures.

    from micrograd_plus.notes import section, SECTIONS
    print(section("softmax").text)
    section("lr-decay").save_figures(Path("out/notes"))

`micrograd-plus notes --section NAME` prints one, `--all` every one, in the notes' order.
"""
from __future__ import annotations

from collections.abc import Callable

from .activations import relu_section, sigmoid_section, softmax_section
from .backprop import (
    TARGET_CLASS,
    W,
    X,
    DenseLayer,
    backprop_section,
    dense_layer,
    derivation,
    forward,
    save_walkthrough,
)
from .data_practices import kfold_section, scaling_section
from .losses import cross_entropy_section, mse_section
from .optimizers import adagrad_section, adam_section, lr_decay_section, momentum_section, rmsprop_section
from .penalties import l1_l2_section
from .section import Figure, Section

# The notes' chapters, each with its sections in the notes' order: name -> the function.
CHAPTERS: dict[str, dict[str, Callable[[], Section]]] = {
    "Activation Functions": {
        "sigmoid": sigmoid_section, "relu": relu_section, "softmax": softmax_section},
    "Loss Functions": {"mse": mse_section, "cross-entropy": cross_entropy_section},
    "Backprop and Autodiff": {"backprop": backprop_section},
    "Optimization": {
        "lr-decay": lr_decay_section, "momentum": momentum_section, "adagrad": adagrad_section,
        "rmsprop": rmsprop_section, "adam": adam_section},
    "Data Practices": {"kfold": kfold_section, "scaling": scaling_section, "l1-l2": l1_l2_section},
}
SECTIONS: dict[str, Callable[[], Section]] = {
    name: build for chapter in CHAPTERS.values() for name, build in chapter.items()}


def section(name: str) -> Section:
    """The finished section called `name` (one of SECTIONS)."""
    if name not in SECTIONS:
        raise ValueError(f"notes: no section {name!r}; the sections are {', '.join(SECTIONS)}")
    return SECTIONS[name]()


def all_sections() -> list[Section]:
    """Every section, in the notes' order."""
    return [build() for build in SECTIONS.values()]


__all__ = [
    "CHAPTERS", "SECTIONS", "section", "all_sections", "chapters", "Section", "Figure",
    "sigmoid_section", "relu_section", "softmax_section", "mse_section", "cross_entropy_section",
    "backprop_section", "lr_decay_section", "momentum_section", "adagrad_section",
    "rmsprop_section", "adam_section", "kfold_section", "scaling_section", "l1_l2_section",
    "X", "W", "TARGET_CLASS", "DenseLayer", "dense_layer", "forward", "derivation",
    "save_walkthrough",
]


def chapters() -> dict[str, list[Section]]:
    """Every section, built, under its chapter heading (the notes' `##` headings)."""
    return {chapter: [build() for build in sections.values()] for chapter, sections in CHAPTERS.items()}
