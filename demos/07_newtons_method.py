"""Demo 7: higher-order gradients. Newton's method with second derivatives from grad().

grad(f, xs, create_graph=True) returns the gradient as Values, still connected to xs, so it can be
differentiated again: that gives the Hessian, and Newton's step x <- x - H^-1 g.
Run: python demos/07_newtons_method.py
"""
from pathlib import Path

from micrograd_plus import Value, grad
from micrograd_plus.files import write_atomic


def rosenbrock(x: Value, y: Value) -> Value:
    """f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1)"""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def newton_step(point: tuple[float, float]) -> tuple[tuple[float, float], float, float]:
    """One Newton step; returns the new point, f and |gradient| at the old one."""
    x, y = Value(point[0], label="x"), Value(point[1], label="y")
    f = rosenbrock(x, y)
    gx, gy = grad(f, [x, y], create_graph=True)
    (hxx, hxy), (hyx, hyy) = grad(gx, [x, y]), grad(gy, [x, y])
    det = hxx * hyy - hxy * hyx
    # Solve H d = g for the 2x2 Hessian by Cramer's rule.
    dx = (hyy * gx.data - hxy * gy.data) / det
    dy = (hxx * gy.data - hyx * gx.data) / det
    return (point[0] - dx, point[1] - dy), f.data, (gx.data**2 + gy.data**2) ** 0.5


def main(out: Path = Path("out/07_newton"), quick: bool = False) -> None:
    point = (-1.2, 1.0)  # the classic hard start
    lines = ["step          x           y         f(x, y)     |gradient|"]
    for step in range(4 if quick else 8):
        new_point, f, gradient_norm = newton_step(point)
        lines.append(f"{step:>4}  {point[0]:>10.6f}  {point[1]:>10.6f}  {f:>14.6e}  {gradient_norm:>12.4e}")
        point = new_point
    lines.append(f"\nNewton's method reaches ({point[0]:.6f}, {point[1]:.6f}); the minimum is (1, 1).")
    text = "\n".join(lines)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "newton.txt", text + "\n")
    print(text)
    print(f"\nwrote {out / 'newton.txt'}")


if __name__ == "__main__":
    main()
