"""Regenerate the pictures the README shows: python docs/make_images.py

The README is read about 880 pixels wide, so the pictures it shows inline are small graphs,
drawn top to bottom where that keeps them narrow; the notes' full dense layer is linked, not
shown. The optimizer comparison comes from demos/04_five_optimizers.py: run it first (it writes
out/04_five_optimizers/loss_curves.png), and this script copies it beside the others.
"""
import shutil
from pathlib import Path

from micrograd_plus import Value, draw
from micrograd_plus.files import write_atomic
from micrograd_plus.notes import dense_layer
from micrograd_plus.viz import backward_frames

IMAGES = Path(__file__).resolve().parent / "images"


def first_example() -> tuple[Value, list[Value]]:
    """The README's first example: the lecture's neuron o = tanh(x1·w1 + x2·w2 + b)."""
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()
    return o, [w1, w2, b]


def used_twice() -> Value:
    """L = a·b + a: `a` is used twice, so its grad arrives in two parts (backward's +=)."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    L = e + a
    L.label = "L"
    return L


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    o, parameters = first_example()
    view = draw(o, parameters=parameters)
    view.digraph.graph_attr["rankdir"] = "TB"  # top to bottom: half the width of left to right
    write_atomic(IMAGES / "first_example.svg", view.svg())

    layer = dense_layer()
    write_atomic(IMAGES / "notes_graph.svg", draw(layer.E).svg())
    write_atomic(IMAGES / "notes_path_E_to_w00.svg", draw(layer.E, highlight=layer.W[0][0]).svg())

    # step 1: a.grad holds one of its two contributions, `? = 1.0 + ?`
    write_atomic(IMAGES / "backward_frame.svg", backward_frames(used_twice(), parameters=())[1])

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
    write_atomic(IMAGES / "tape_neuron.svg", draw(y, parameters=inputs[1:]).svg())
    write_atomic(IMAGES / "tape_neuron.py.txt", tape.source.split("\n\n\n")[1])

    curves = Path("out/04_five_optimizers/loss_curves.png")
    if curves.exists():
        shutil.copy(curves, IMAGES / "optimizer_loss_curves.png")
    for picture in sorted(IMAGES.iterdir()):
        print(f"wrote {picture}")


if __name__ == "__main__":
    main()
