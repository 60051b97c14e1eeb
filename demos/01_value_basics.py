"""Demo 1: Values, the graph they record, and backward.

A neuron o = tanh(x1*w1 + x2*w2 + b) computed with Values; backward fills in do/d(every input).
Run: python demos/01_value_basics.py
"""
from pathlib import Path

from micrograd_plus import Value, topological_order
from micrograd_plus.files import write_atomic


def main(out: Path = Path("out/01_value_basics"), quick: bool = False) -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()

    lines = [f"o = tanh(x1*w1 + x2*w2 + b) = {o.data:.4f}", "", "the graph, inputs first:"]
    for node in topological_order(o):
        made_by = f"made by {node._op}" if node._op else "a leaf"
        lines.append(f"  {node.label or '(unnamed)':<10} data {node.data:+.4f}  grad {node.grad:+.4f}  {made_by}")
    lines += [
        "",
        "do/dn = 1 - o^2 = 0.5, so do/dw1 = x1 * 0.5 = 1.0 and do/dx1 = w1 * 0.5 = -1.5;",
        "x2 = 0 means w2 has no effect: do/dw2 = 0.",
    ]
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "neuron.txt", "\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nwrote {out / 'neuron.txt'}")


if __name__ == "__main__":
    main()
