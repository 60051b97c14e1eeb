"""Demo 4: the five NNFS optimizers on the same problem.

Every optimizer gets the same data (a 3-class spiral, split 80/20 and scaled to [-1, 1]), the same
starting weights (one seed) and the same number of full-batch epochs, at the settings the NNFS
book (chapter 10) ends with for it. The script prints a markdown table of the final losses and
validation accuracy, writes it to optimizers.md, saves every history as JSON and, when matplotlib
is installed, draws the loss curves side by side. `micrograd-plus compare-optimizers` is the same.

Run: python demos/04_five_optimizers.py        (about a minute and a half: five trainings)
"""

import json
import pathlib

from micrograd_plus.experiments import compare_optimizers, load_problem
from micrograd_plus.files import write_atomic


def main(out: pathlib.Path = pathlib.Path("out/04_five_optimizers"), quick: bool = False) -> None:
    hidden, epochs = ((8,), 5) if quick else ((32,), 200)
    problem = load_problem("spiral", seed=0)
    setting = f"{problem.describe()}, MLP(2, [{hidden[0]}, 3], seed=0), {epochs} full-batch epochs"
    print(f"Same problem for all: {setting}\n")
    histories, table = compare_optimizers(problem, hidden=hidden, epochs=epochs)
    table = f"Five optimizers on {setting}:\n\n{table}"
    print("\n" + table + "\n")

    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "optimizers.md", table + "\n")
    write_atomic(out / "histories.json", json.dumps(histories))
    print(f"wrote {out / 'optimizers.md'} (the table) and {out / 'histories.json'} (every epoch)")
    try:
        from micrograd_plus.plots import plot_history

        picture = plot_history(histories, out / "loss_curves.png")
        print(f"wrote {picture}: the loss and accuracy of each optimizer, epoch by epoch")
    except ModuleNotFoundError as error:
        print(f"no picture: {error}")


if __name__ == "__main__":
    main()
