"""Demo 10: trace once, replay fast. micrograd's moons model trained from a tape.

Every training step rebuilds the same graph with new numbers. `trace` records one sample's
loss once, as a tape: one line of Python per node forward, and the chain rule written out line
by line backward. `fit(..., compile=True)` replays that tape for every sample instead of
building graphs: the same weights come out (to 1e-12), many times faster.

It also shows what a tape cannot do: a Python `if` on `.data` bakes one branch in, and
`tape.check` catches it.

Run: python demos/10_compile_and_train.py
"""
from __future__ import annotations

import pathlib
import time

from micrograd_plus import Value
from micrograd_plus.data import make_moons
from micrograd_plus.files import write_atomic
from micrograd_plus.nn import MLP, SGD, fit, hinge_loss
from micrograd_plus.tape import TapeError, trace


def train(compile: bool | str, X, y, epochs: int) -> tuple[MLP, dict, float]:
    """micrograd's setup: MLP(2, [16, 16, 1]), SVM loss + 1e-4 L2, full-batch SGD."""
    model = MLP(2, [16, 16, 1], weight_l2=1e-4, bias_l2=1e-4, seed=1337)
    optimizer = SGD(model.parameters(), lr=1.0, decay=0.01)
    start = time.perf_counter()
    history = fit(model, X, y, loss=hinge_loss, optimizer=optimizer, epochs=epochs, progress=False, compile=compile)
    return model, history, time.perf_counter() - start


def main(out: pathlib.Path = pathlib.Path("out/10_compile_and_train"), quick: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)

    # 1. A tape is backpropagation written out as code.
    neuron = trace(lambda x, w, b: (x * w + b).tanh(), [2.0, -0.5, 0.1])
    print("The tape of tanh(x*w + b), as generated Python:\n")
    print(neuron.source.split("\n\n\n")[1])
    value, (dx, dw, db) = neuron.value_and_grad(2.0, -0.5, 0.1)
    print(f"replayed at x=2, w=-0.5, b=0.1: {value:.6f}, d/dw = {dw:.6f} (= x (1 - tanh^2))\n")

    # 2. The same training, with and without a tape.
    X, labels = make_moons(n_samples=100, noise=0.1, seed=0)
    y = [1 if label else -1 for label in labels]
    epochs = 5 if quick else 40
    rows = [f"training micrograd's moons model for {epochs} epochs (full batch, 100 points):"]
    plain_model, plain_history, plain_seconds = train(False, X, y, epochs)
    compiled_model, compiled_history, compiled_seconds = train(True, X, y, epochs)
    runs = [("graphs (compile=False)", plain_history, plain_seconds),
            ("tape (compile=True)", compiled_history, compiled_seconds)]
    try:
        numpy_model, numpy_history, numpy_seconds = train("numpy", X, y, epochs)
        runs.append(("numpy tape (compile='numpy')", numpy_history, numpy_seconds))
    except ModuleNotFoundError:
        rows.append("  (numpy is not installed: pip install 'micrograd_plus[fast]' for the batch backend)")
    for name, history, seconds in runs:
        rows.append(
            f"  {name:<30} {seconds:7.3f} s  {plain_seconds / seconds:6.1f}x   "
            f"final loss {history['loss'][-1]:.6f}, accuracy {history['accuracy'][-1]:.0%}"
        )
    difference = max(abs(a.data - b.data) for a, b in zip(plain_model.parameters(), compiled_model.parameters()))
    rows.append(f"  largest difference between the two models' weights: {difference:.1e}")
    rows.append(f"speed-up measured: {plain_seconds / compiled_seconds:.1f}x with the Python tape"
                + (f", {plain_seconds / runs[2][2]:.1f}x with numpy" if len(runs) == 3 else ""))
    print("\n".join(rows) + "\n")

    # 3. What a tape cannot see: an `if` on a number picks one branch, and only that is recorded.
    def hand_made_relu(x: Value) -> Value:
        return x * 1.0 if x.data > 0 else x * 0.0

    tape = trace(hand_made_relu, [2.0])
    print(f"hand-made relu traced at 2.0, replayed at -3.0: {tape(-3.0)} (the real relu gives 0.0)")
    try:
        tape.check(-3.0)
    except TapeError as error:
        print(f"tape.check(-3.0) catches it: {error}")

    write_atomic(out / "speed.txt", "\n".join(rows) + "\n")
    print(f"\nwrote {out / 'speed.txt'}")


if __name__ == "__main__":
    main()
