"""Demo 2: the notes' dense layer, finished and drawn.

A dense layer (x = [2, 3], W = [[0.5, -0.5, 2.0], [0.3, 0.2, 0.1]]), softmax and categorical
cross-entropy against class 1. It prints the derivation of dE/dW and dE/dx with numbers, and
writes the graph, the path from E to w00, and the live page (change inputs, step, click).

Run: python demos/02_notes_dense_layer.py
"""
import pathlib

from micrograd_plus.notes import dense_layer, derivation, save_walkthrough
from micrograd_plus.viz import RendererNotFound


def main(out: pathlib.Path = pathlib.Path("out/02_notes_dense_layer"), quick: bool = False) -> None:
    # quick changes nothing here: the example is small, and every output takes well under a second
    layer = dense_layer()
    print(derivation(layer))
    print()
    try:
        written = save_walkthrough(out, layer)
    except RendererNotFound as error:
        print(f"no pictures ({error}); the DOT source is in {out / 'graph.dot'}")
        return
    for path, what in written:
        print(f"wrote {path}: {what}")


if __name__ == "__main__":
    main()
