"""The notes' optimization sections, finished: learning-rate decay, momentum, AdaGrad, RMSProp
and Adam, each as an update rule with two steps worked by hand that equal the library's
optimizer step for step, and a picture of its path on a small loss surface.

The surface is an oval bowl, f(x, y) = 0.1 x² + 2 y², twenty times steeper across (y) than
along (x): plain gradient descent zigzags across it, and each optimizer finds its own way down.
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from ..engine import Value
from ..optim import SGD, Adagrad, Adam, Momentum, Optimizer, RMSprop
from ..viz.style import number
from . import pictures
from .section import Figure, Section, Worked, vector

Point = tuple[float, float]
START: Point = (-4.0, 1.5)
STEPS = 60

# Each optimizer with the settings its path is drawn with (a rate that suits the surface);
# every other setting is the library's default (eps = 1e-7, beta1 = 0.9, beta2 = 0.999).
SETTINGS: dict[str, tuple[type[Optimizer], dict[str, float]]] = {
    "SGD": (SGD, {"lr": 0.4}),
    "Momentum": (Momentum, {"lr": 0.1, "momentum": 0.8}),
    "Adagrad": (Adagrad, {"lr": 0.5}),
    "RMSprop": (RMSprop, {"lr": 0.1, "rho": 0.9}),
    "Adam": (Adam, {"lr": 0.3}),
}
EPS = 1e-7


def _call(name: str) -> str:
    """How the optimizer is made, as code: Momentum(lr=0.1, momentum=0.8)."""
    kind, settings = SETTINGS[name]
    return f"{kind.__name__}({', '.join(f'{key}={value}' for key, value in settings.items())})"


def surface(x: Value | float, y: Value | float) -> Value | float:
    """f(x, y) = 0.1 x² + 2 y², so ∇f = (0.2 x, 4 y)."""
    return 0.1 * x**2 + 2 * y**2


def gradient(point: Point) -> list[float]:
    """∇f at a point, by backward()."""
    x, y = Value(point[0], label="x"), Value(point[1], label="y")
    surface(x, y).backward()
    return [x.grad, y.grad]


def path(name: str, steps: int = STEPS, start: Point = START) -> list[Point]:
    """Where the optimizer `name` takes (x, y) on the surface: the start, then after each step."""
    x, y = Value(start[0], label="x"), Value(start[1], label="y")
    kind, settings = SETTINGS[name]
    optimizer = kind([x, y], **settings)
    points = [start]
    for _ in range(steps):
        optimizer.zero_grad()
        surface(x, y).backward()
        optimizer.step()
        points.append((x.data, y.data))
    return points


def _agrees(by_hand: list[float], name: str) -> Point:
    """The optimizer's point after two steps, which must equal the hand computation."""
    after_two = path(name, steps=2)[2]
    if any(abs(a - b) > 1e-12 for a, b in zip(by_hand, after_two)):
        raise AssertionError(f"{name}: two steps by hand give {by_hand}, the optimizer {after_two}")
    return after_two


def _record(values: dict[str, float], step: int, **vectors: list[float]) -> None:
    """Keep each printed vector of a step by name: g1 and "g1 y" for its x and y entries."""
    for name, (x, y) in vectors.items():
        values[f"{name}{step}"], values[f"{name}{step} y"] = x, y


def _times(scalar: float, v: list[float]) -> list[float]:
    return [scalar * a for a in v]


def _plus(*vectors: list[float]) -> list[float]:
    return [sum(parts) for parts in zip(*vectors)]


def _optimizer_section(name: str, heading: str, said: str, rule: list[str], prose: str,
                       lines: list[str], values: dict[str, float], extra: tuple = ()) -> Section:
    """The shared shape of the four optimizer sections."""
    after_two = _agrees([values["θ2"], values["θ2 y"]], name)
    points = {key: path(key) for key in SETTINGS}
    values = values | {f"{key} f after {STEPS}": surface(*points[key][-1]) for key in (name, "SGD")}
    return Section(
        name.lower(), heading, said,
        (
            Worked(rule),
            prose,
            Worked([f"on f(x, y) = 0.1x² + 2y² from (x, y) = {vector(START)}, ∇f = [0.2x, 4y]:", *lines,
                    f"{_call(name)}, two step() calls: {vector(after_two)}, the same"]),
            f"The picture shows the whole path, {STEPS} steps, with the other optimizers faint "
            f"for comparison. {name} ends at f = {number(values[f'{name} f after {STEPS}'])}; "
            f"plain {_call('SGD')} ends at f = {number(values[f'SGD f after {STEPS}'])}.",
            *extra,
        ),
        values,
        (Figure(f"optimizer_path_{name.lower()}.png",
                f"{name}'s path on the oval bowl f(x, y) = 0.1x² + 2y² (minimum at the cross)",
                lambda out: _plot_paths(points, name, out)),),
    )


# ---- learning-rate decay -------------------------------------------------------------------------


def lr_decay_section() -> Section:
    """lr_k = lr / (1 + decay · k) with k the steps already taken; the notes' halving, checked."""
    weight = Value(1.0, label="w")
    optimizer = SGD([weight], lr=1.0, decay=0.01)
    rates = []  # rates[k]: the rate used by step k + 1
    for _ in range(500):
        weight.grad = 0.0  # the rate does not depend on the gradient, only on the step count
        optimizer.step()
        rates.append(optimizer.current_lr)
    marks = {k: rates[k] for k in (0, 100, 200, 300)}
    values = {f"rate after {k} steps": rate for k, rate in marks.items()}
    return Section(
        "lr-decay", "Learning rate decay",
        "learning_rate = initial_learning_rate * (1 / ( 1 + learning_rate_decay * step ))\n"
        "Each step decreases the learning rate. A learning rate decay param of 0.01 will cause the "
        "learning rate to halve after 100 steps.",
        (
            Worked(["lr_k = lr · 1 / (1 + decay · k)     k: the number of steps already taken"]),
            "Checked with SGD(lr=1.0, decay=0.01): the rate each step used, as the optimizer "
            "reports it in current_lr.",
            Worked([f"after {k:>3} steps the rate is 1 / (1 + 0.01·{k}) = {number(rate)}"
                    for k, rate in marks.items()]),
            "The claim holds: after 100 steps the rate is half. But the decay is not a halving "
            "every 100 steps: after 200 steps the rate is a third, not a quarter, and a quarter "
            "only after 300. It falls fast at first and ever more slowly (like 1/k), so the late "
            "steps still move. The rate depends only on the step count, never on the loss, which "
            "is the first of the notes' cons.",
        ),
        values,
        (Figure("lr_decay.png", "the learning rate per step with decay 0.01: half after 100 steps",
                lambda out: _plot_decay(rates, out)),),
    )


def _plot_decay(rates: list[float], out: Path) -> Path:
    fig = pictures.figure(6.5, 3.6)
    axes = fig.add_subplot(1, 1, 1)
    axes.plot(range(len(rates)), rates, color="C0", label="lr / (1 + 0.01 k)")
    for k, fraction in ((100, "1/2"), (200, "1/3"), (300, "1/4")):
        axes.plot([k], [rates[k]], "o", color="C1")
        axes.annotate(f"{fraction} after {k} steps", xy=(k, rates[k]), xytext=(6, 6),
                      textcoords="offset points")
    axes.set_ylim(0, 1.05)
    pictures.style(axes, "Learning-rate decay 0.01, starting at lr = 1", "steps taken k", "learning rate")
    axes.legend()
    return pictures.save(fig, out)


# ---- the four optimizers -------------------------------------------------------------------------


def momentum_section() -> Section:
    """v = μ v − lr g; θ += v."""
    lr, mu = SETTINGS["Momentum"][1]["lr"], SETTINGS["Momentum"][1]["momentum"]
    lines, theta, v, values = [], list(START), [0.0, 0.0], {}
    for step in (1, 2):
        g = gradient(tuple(theta))
        new_v = _plus(_times(mu, v), _times(-lr, g))
        theta = _plus(theta, new_v)
        lines += [f"step {step}: g = {vector(g)}",
                  f"        v = {mu}·{vector(v)} − {lr}·{vector(g)} = {vector(new_v)}",
                  f"        θ = θ + v = {vector(theta)}"]
        _record(values, step, g=g, v=new_v, θ=theta)
        v = new_v
    stuck, rolled, from_higher = _roll(SGD, 2.0), _roll(Momentum, 2.0), _roll(Momentum, 3.0)
    values |= {"SGD from 2": stuck, "Momentum from 2": rolled, "Momentum from 3": from_higher}
    hill = (
        "The ball and the local minimum (the second picture), checked on f(x) = x⁴ − 3x² + x, "
        "which has a shallow valley on the right and a deeper one on the left. Both start at x = 2 with lr = 0.01 "
        f"for 300 steps: SGD stops in the shallow valley at x = {number(stuck)}; with momentum "
        f"0.9 the ball rolls over the hill into the deep one, x = {number(rolled)}. But not "
        f"always: started higher, at x = 3, it overshoots, rolls back and ends in the shallow "
        f"valley at x = {number(from_higher)}. Momentum can carry the ball out of a local "
        "minimum; it does not promise to.")
    section = _optimizer_section(
        "Momentum", "Momentum",
        "If the state of our model is the position of a ball in some R^n space, then the slope of "
        "the hill it's on would be the gradient of its params. With this analogy we can find the "
        "minimum by letting the ball roll \"downhill\" naturally with momentum. If it starts "
        "sufficiently high up, it should have enough momentum to escape any local minima.",
        ["v = μ·v − lr·g        the velocity: a running sum of past steps, fading by μ each step",
         "θ = θ + v             θ: the parameters, g = ∇f(θ) their gradient"],
        f"The velocity is the ball's speed: every step adds the new push −lr·g to what is left "
        f"(μ = {mu}) of the speed so far. In the picture the ball overshoots the valley floor and "
        "swings back, each swing smaller, while along the valley, where the pushes keep pointing "
        "the same way, its speed builds up.",
        lines, values, extra=(hill,),
    )
    roll = Figure("momentum_local_minimum.png",
                  "SGD and momentum from x = 2 on f(x) = x⁴ − 3x² + x: only momentum leaves the "
                  "shallow valley", _plot_roll)
    return replace(section, figures=(*section.figures, roll))


def adagrad_section() -> Section:
    """cache += g²; θ −= lr g / (√cache + ε)."""
    lr, eps = SETTINGS["Adagrad"][1]["lr"], EPS
    lines, theta, cache, values = [], list(START), [0.0, 0.0], {}
    for step in (1, 2):
        g = gradient(tuple(theta))
        cache = _plus(cache, [a * a for a in g])
        update = [-lr * a / (math.sqrt(c) + eps) for a, c in zip(g, cache)]
        theta = _plus(theta, update)
        lines += [f"step {step}: g = {vector(g)}",
                  f"        cache = cache + g² = {vector(cache)}",
                  f"        θ = θ − {lr}·g / (√cache + ε) = θ + {vector(update)} = {vector(theta)}"]
        _record(values, step, g=g, cache=cache, update=update, θ=theta)
    return _optimizer_section(
        "Adagrad", "AdaGrad",
        "**Ada**ptive **Grad**ient Descent uses a per-parameter learning rate. The idea is this "
        "normalizes the features.",
        ["cache = cache + g²                    (per parameter, summed over all steps)",
         "θ = θ − lr · g / (√cache + ε)         ε = 1e-7 only guards against dividing by 0"],
        "Each parameter's step is its gradient divided by the root of the sum of its squared "
        "gradients so far, so a parameter with large gradients (here y, across the steep side of "
        "the bowl) takes no larger steps than one with small gradients (x). That is the "
        "normalizing the note means; it acts on the parameters' steps, not on the input features. "
        "The first step is lr in every coordinate, whatever the gradient's size, and since the "
        "cache only grows, the steps only shrink.",
        lines, values,
    )


def rmsprop_section() -> Section:
    """cache = ρ cache + (1 − ρ) g²; θ −= lr g / (√cache + ε)."""
    lr, rho, eps = SETTINGS["RMSprop"][1]["lr"], SETTINGS["RMSprop"][1]["rho"], EPS
    lines, theta, cache, values = [], list(START), [0.0, 0.0], {}
    for step in (1, 2):
        g = gradient(tuple(theta))
        cache = _plus(_times(rho, cache), _times(1 - rho, [a * a for a in g]))
        update = [-lr * a / (math.sqrt(c) + eps) for a, c in zip(g, cache)]
        theta = _plus(theta, update)
        lines += [f"step {step}: g = {vector(g)}",
                  f"        cache = {rho}·cache + {number(1 - rho)}·g² = {vector(cache)}",
                  f"        θ = θ − {lr}·g / (√cache + ε) = θ + {vector(update)} = {vector(theta)}"]
        _record(values, step, g=g, cache=cache, update=update, θ=theta)
    values["lr/√(1 − ρ)"] = lr / math.sqrt(1 - rho)
    return _optimizer_section(
        "RMSprop", "RMSProp",
        "Root Mean Square Propagation also calculates an adaptive learning rate per param, just "
        "with a different formula.",
        ["cache = ρ·cache + (1 − ρ)·g²          a moving average of g², forgetting old steps",
         "θ = θ − lr · g / (√cache + ε)         (the root of the mean square: hence the name)"],
        "The different formula is in the cache: AdaGrad's sum of every squared gradient never "
        "stops growing, so its steps die out; RMSprop keeps a moving average instead (ρ = 0.9: "
        "each step the old cache keeps 90%), so the rate adapts to recent gradients and does "
        "not fade to zero. On the first step the cache is only (1 − ρ)·g², so the step is "
        f"lr/√(1 − ρ) = {number(lr / math.sqrt(1 - rho))} in each coordinate.",
        lines, values,
    )


def adam_section() -> Section:
    """m and cache as moving averages, both bias-corrected; θ −= lr m̂ / (√ĉ + ε)."""
    lr, beta1, beta2, eps = SETTINGS["Adam"][1]["lr"], 0.9, 0.999, EPS
    lines, theta, m, cache, values = [], list(START), [0.0, 0.0], [0.0, 0.0], {}
    for t in (1, 2):
        g = gradient(tuple(theta))
        m = _plus(_times(beta1, m), _times(1 - beta1, g))
        cache = _plus(_times(beta2, cache), _times(1 - beta2, [a * a for a in g]))
        m_hat, c_hat = _times(1 / (1 - beta1**t), m), _times(1 / (1 - beta2**t), cache)
        update = [-lr * a / (math.sqrt(c) + eps) for a, c in zip(m_hat, c_hat)]
        theta = _plus(theta, update)
        lines += [f"step t = {t}: g = {vector(g)}",
                  f"        m = {beta1}·m + {number(1 - beta1)}·g = {vector(m)};"
                  f"  m̂ = m / (1 − {beta1}^{t}) = {vector(m_hat)}",
                  f"        cache = {beta2}·cache + {number(1 - beta2)}·g² = {vector(cache)};"
                  f"  ĉ = cache / (1 − {beta2}^{t}) = {vector(c_hat)}",
                  f"        θ = θ − {lr}·m̂ / (√ĉ + ε) = θ + {vector(update)} = {vector(theta)}"]
        _record(values, t, g=g, m=m, m̂=m_hat, cache=cache, ĉ=c_hat, update=update, θ=theta)
    return _optimizer_section(
        "Adam", "Adam",
        "**Ada**ptive **M**omentum uses momentum, but with a per-weight adaptive learning rate.",
        ["m = β1·m + (1 − β1)·g          momentum, as a moving average of g",
         "cache = β2·cache + (1 − β2)·g²  RMSprop's cache",
         "m̂ = m / (1 − β1^t), ĉ = cache / (1 − β2^t)    bias correction, t = 1, 2, ...",
         "θ = θ − lr · m̂ / (√ĉ + ε)"],
        "Right: it is RMSprop's per-weight rate applied to a momentum instead of to the raw "
        "gradient. (The name is ADAptive Moment estimation: m and the cache estimate the first "
        "and second moments of the gradient.) Both averages start at 0, so early on they are too "
        "small; dividing by 1 − β^t corrects that exactly, and the first step is lr in each "
        "coordinate.",
        lines, values,
        extra=("On a bowl this simple, plain SGD with a well-chosen rate is hard to beat; what the "
               "adaptive optimizers save is the search for that rate, one that suits every "
               "parameter at once.",),
    )


# ---- pictures ------------------------------------------------------------------------------------


def _roll(kind: type, start: float, lr: float = 0.01, steps: int = 300) -> float:
    """Where SGD or Momentum leaves x after `steps` steps on x⁴ − 3x² + x."""
    return _roll_path(kind, start, lr, steps)[-1]


def _roll_path(kind: type, start: float, lr: float = 0.01, steps: int = 300) -> list[float]:
    x = Value(start, label="x")
    optimizer = kind([x], lr=lr)
    xs = [start]
    for _ in range(steps):
        optimizer.zero_grad()
        (x**4 - 3 * x**2 + x).backward()
        optimizer.step()
        xs.append(x.data)
    return xs


def _plot_roll(out: Path) -> Path:
    fig = pictures.figure(6.5, 3.8)
    axes = fig.add_subplot(1, 1, 1)
    grid = [-2.2 + i * 0.01 for i in range(461)]
    axes.plot(grid, [x**4 - 3 * x**2 + x for x in grid], color="0.3", label="f(x) = x⁴ − 3x² + x")
    for i, kind in enumerate((SGD, Momentum)):
        xs = _roll_path(kind, 2.0)[:80]
        axes.plot(xs, [x**4 - 3 * x**2 + x for x in xs], "o-", color=f"C{i}", markersize=3,
                  linewidth=0.6, alpha=0.8, label=f"{kind.__name__}, first 80 steps")
    axes.annotate("both start here, at x = 2", xy=(2.0, 6.0), xytext=(0.2, 6.6),
                  arrowprops={"arrowstyle": "->"})
    axes.set_ylim(-4.5, 8)
    pictures.style(axes, "A ball rolling downhill, with and without momentum", "x", "f(x)")
    axes.legend(loc="lower right", fontsize="small")
    return pictures.save(fig, out)


def _plot_paths(points: dict[str, list[Point]], highlight: str, out: Path) -> Path:
    fig = pictures.figure(7.5, 4.4)
    axes = fig.add_subplot(1, 1, 1)
    xs = [-4.6 + i * 0.05 for i in range(129)]
    ys = [-2.0 + i * 0.04 for i in range(101)]
    axes.contour(xs, ys, [[surface(x, y) for x in xs] for y in ys],
                 levels=[0.05, 0.2, 0.5, 1, 2, 3.5, 5, 7], colors="0.75", linewidths=0.8)
    for i, (name, trail) in enumerate(points.items()):
        chosen = name == highlight
        axes.plot([p[0] for p in trail], [p[1] for p in trail], "o-" if chosen else "-",
                  color=f"C{i}", markersize=3, linewidth=1.8 if chosen else 0.9,
                  alpha=1.0 if chosen else 0.35, label=name, zorder=3 if chosen else 2)
    axes.plot([0], [0], "k+", markersize=12)
    axes.plot([START[0]], [START[1]], "ks", markersize=5)
    axes.set_aspect("equal")
    pictures.style(axes, f"{_call(highlight)}: {STEPS} steps from ({START[0]:g}, {START[1]:g})", "x", "y")
    axes.legend(loc="lower right", fontsize="small")
    return pictures.save(fig, out)
