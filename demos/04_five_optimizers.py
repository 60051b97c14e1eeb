"""Demo 4: the five NNFS optimizers on the same problem.

Every optimizer gets the same data (a 3-class spiral), the same starting weights (one seed) and
the same number of full-batch epochs, at the settings the NNFS book (chapter 10) ends with for
it. The script prints a markdown table of the final loss and accuracy, writes it to
optimizers.md, saves every history as JSON and, when matplotlib is installed, draws the loss
curves side by side.

Run: python demos/04_five_optimizers.py        (about two minutes: five trainings)
"""

import json
import pathlib

from micrograd_plus.data import spiral_data
from micrograd_plus.nn import (
    MLP,
    SGD,
    Adagrad,
    Adam,
    Momentum,
    RMSprop,
    cross_entropy,
    evaluate,
    fit,
)

# Each optimizer at NNFS chapter 10's final settings, as written in the table.
OPTIMIZERS = {
    "SGD": (SGD, dict(lr=1.0, decay=1e-3)),
    "Momentum": (Momentum, dict(lr=1.0, momentum=0.9, decay=1e-3)),
    "Adagrad": (Adagrad, dict(lr=1.0, decay=1e-4)),
    "RMSprop": (RMSprop, dict(lr=0.02, decay=1e-5, rho=0.999)),
    "Adam": (Adam, dict(lr=0.05, decay=5e-7)),
}


def main(out: pathlib.Path = pathlib.Path("out/04_five_optimizers"), quick: bool = False) -> None:
    samples, hidden, epochs = (10, 8, 5) if quick else (30, 32, 200)
    out.mkdir(parents=True, exist_ok=True)
    X, y = spiral_data(samples, 3, seed=0)
    problem = (
        f"spiral_data({samples}, 3, seed=0), MLP(2, [{hidden}, 3], seed=0), cross_entropy, "
        f"{epochs} full-batch epochs"
    )
    print(f"Same problem for all: {problem}\n")

    histories, rows = {}, []
    for name, (optimizer_class, settings) in OPTIMIZERS.items():
        model = MLP(2, [hidden, 3], seed=0)  # the same starting weights every time
        optimizer = optimizer_class(model.parameters(), **settings)
        print(f"{name}:")
        histories[name] = fit(model, X, y, loss=cross_entropy, optimizer=optimizer, epochs=epochs)
        loss, accuracy = evaluate(model, X, y, loss=cross_entropy)
        written = ", ".join(f"{key}={value:g}" for key, value in settings.items())
        rows.append(f"| {name} | `{written}` | {loss:.3f} | {accuracy:.0%} |")

    table = "\n".join(
        [
            f"Five optimizers on {problem}:",
            "",
            "| optimizer | settings | final loss | accuracy |",
            "|---|---|---|---|",
            *rows,
        ]
    )
    print("\n" + table + "\n")
    (out / "optimizers.md").write_text(table + "\n")
    (out / "histories.json").write_text(json.dumps(histories))
    print(f"wrote {out / 'optimizers.md'} (the table) and {out / 'histories.json'} (every epoch)")
    try:
        from micrograd_plus.plots import plot_history

        picture = plot_history(histories, out / "loss_curves.png")
        print(f"wrote {picture}: the loss and accuracy of each optimizer, epoch by epoch")
    except ModuleNotFoundError as error:
        print(f"no picture: {error}")


if __name__ == "__main__":
    main()
