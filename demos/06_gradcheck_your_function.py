"""Demo 6: check the derivatives of your own function against finite differences.

gradcheck runs your function forward at steps around each input, estimates the derivative and
its error from the differences, and compares it with what backward() computed. Put the same call
in a pytest test.
Run: python demos/06_gradcheck_your_function.py
"""
from pathlib import Path

import micrograd_plus.engine as engine
from micrograd_plus import gradcheck, gradgradcheck
from micrograd_plus.files import write_atomic


def swish(x):
    """swish(x) = x * sigmoid(x)"""
    return x * x.sigmoid()


def smooth_l1(prediction, target):
    """Huber-like loss written with sqrt: sqrt(1 + (p - t)^2) - 1"""
    return (1 + (prediction - target) ** 2).sqrt() - 1


def main(out: Path = Path("out/06_gradcheck"), quick: bool = False) -> None:
    sections = []
    points = [-3.0, 0.7] if quick else [-3.0, -0.5, 0.7, 4.0]
    for x in points:
        sections.append(str(gradcheck(swish, [x])))
    sections.append(str(gradcheck(smooth_l1, [0.3, -1.2])))
    sections.append(str(gradgradcheck(smooth_l1, [0.3, -1.2])))

    # At a kink there is no derivative: the report flags it instead of failing.
    sections.append(str(gradcheck(lambda x: x.relu() * 2, [0.0])))

    # What a bug looks like: pretend the engine's sigmoid rule forgot the (1 - s) factor.
    correct_rule = engine.RULES["sigmoid"]
    engine.RULES["sigmoid"] = (lambda out, x: out,)
    try:
        sections.append(str(gradcheck(swish, [0.7], raise_exception=False)))
    finally:
        engine.RULES["sigmoid"] = correct_rule

    text = "\n\n".join(sections)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "reports.txt", text + "\n")
    print(text)
    print(f"\nwrote {out / 'reports.txt'}")


if __name__ == "__main__":
    main()
