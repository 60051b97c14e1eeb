"""Regenerate the pictures the README shows: python docs/make_images.py

The loss curves come from demos/04_five_optimizers.py; run it first (it writes
out/04_five_optimizers/loss_curves.png), and this script copies them beside the others.
"""
import shutil
from pathlib import Path

from micrograd_plus import Value, draw
from micrograd_plus.notes import dense_layer
from micrograd_plus.viz import backward_frames

IMAGES = Path(__file__).resolve().parent / "images"


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    layer = dense_layer()
    (IMAGES / "notes_graph.svg").write_text(draw(layer.E).svg())
    (IMAGES / "notes_path_E_to_w00.svg").write_text(draw(layer.E, highlight=layer.W[0][0]).svg())

    # A small neuron, so a backward frame is readable at README width.
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")
    xw = x * w
    xw.label = "x·w"
    n = xw + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    frames = backward_frames(y, parameters=[w, b])
    (IMAGES / "backward_frame.svg").write_text(frames[len(frames) // 2])

    # The same neuron as a tape: the picture beside its generated code (docs/readme/issue-12.md).
    from micrograd_plus.tape import trace

    def neuron(x: Value, w: Value, b: Value) -> Value:
        xw = x * w
        xw.label = "xw"
        n = xw + b
        n.label = "n"
        y = n.tanh()
        y.label = "y"
        return y

    tape = trace(neuron, [2.0, -0.5, 0.1])
    inputs = [Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.1, label="b")]
    y = neuron(*inputs)
    y.backward()
    (IMAGES / "tape_neuron.svg").write_text(draw(y, parameters=inputs[1:]).svg())
    (IMAGES / "tape_neuron.py.txt").write_text(tape.source.split("\n\n\n")[1])

    curves = Path("out/04_five_optimizers/loss_curves.png")
    if curves.exists():
        shutil.copy(curves, IMAGES / "optimizer_loss_curves.png")
    for picture in sorted(IMAGES.iterdir()):
        print(f"wrote {picture}")


if __name__ == "__main__":
    main()
