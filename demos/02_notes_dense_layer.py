"""Demo 2: the notes' dense layer, finished and drawn.

A dense layer (x = [2, 3], W = [[0.5, -0.5, 2.0], [0.3, 0.2, 0.1]]), softmax and categorical
cross-entropy against class 1. It prints the derivation of dE/dW and dE/dx with numbers, and
writes the graph, the path from E to w00, and a page that steps through backward.

Run: python demos/02_notes_dense_layer.py
"""
import pathlib

from micrograd_plus import draw
from micrograd_plus.notes import cross_entropy_example, dense_layer, derivation
from micrograd_plus.viz import RendererNotFound, save_frames


def main(out: pathlib.Path = pathlib.Path("out/02_notes_dense_layer"), quick: bool = False) -> None:
    # quick changes nothing here: the example is small, and every output takes well under a second
    layer = dense_layer()
    print(derivation(layer))
    print()
    print("The notes' cross-entropy example:", cross_entropy_example())
    print()
    out.mkdir(parents=True, exist_ok=True)
    dot_file = out / "graph.dot"
    dot_file.write_text(draw(layer.E).source, encoding="utf-8")  # needs no renderer
    print(f"wrote {dot_file}: the graph as Graphviz DOT")
    try:
        graph = draw(layer.E).save(out / "graph.svg")
        path = draw(layer.E, highlight=layer.W[0][0]).save(out / "path_E_to_w00.svg")
        stepper = save_frames(layer.E, out / "backward.html")
    except RendererNotFound as error:
        print(f"no pictures: {error}")
        return
    print(f"wrote {graph}: the graph, each edge labelled with its local derivative")
    print(f"wrote {path}: the one path from E to w00; its product is dE/dw00")
    print(f"wrote {stepper}: backward step by step (open it in a browser; arrow keys step)")


if __name__ == "__main__":
    main()
