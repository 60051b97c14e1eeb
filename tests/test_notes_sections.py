"""Every section of the finished notes: each number it prints, worked out again here by hand
(plain Python and `math`, no engine, no optimizer, no data module), and each claim the notes
make, tested where they make one.

A section keeps every number it computed in `section.values`; HAND below holds the same
names with independent computations, and the first test compares the two in full, so a value
added to a section without a hand computation fails here."""
import math
import random

import pytest

from micrograd_plus.data import make_moons
from micrograd_plus.notes import SECTIONS, section
from micrograd_plus.viz.style import number


def s(x):  # the logistic function, by hand
    return 1 / (1 + math.exp(-x))


# ---- hand computations, section by section ------------------------------------------------------

X, W = (2.0, 3.0), ((0.5, -0.5, 2.0), (0.3, 0.2, 0.1))
Z = [X[0] * W[0][j] + X[1] * W[1][j] for j in range(3)]  # [1.9, -0.4, 4.3]
EXPS = [math.exp(z) for z in Z]
P = [e / sum(EXPS) for e in EXPS]
DELTA = [P[0], P[1] - 1, P[2]]  # p - y for the target class 1


def sigmoid_hand():
    values = {"σ(-20)": s(-20), "1 - σ(20)": 1 - s(20), "relu'(10)": 1.0}
    for x in (-10.0, -2.0, 0.0, 2.0, 10.0):
        slope = math.exp(-x) / (1 + math.exp(-x)) ** 2  # the quotient rule, not σ(1 - σ)
        values |= {f"σ({x})": s(x), f"σ'({x})": slope, f"σ(1 - σ) at {x}": s(x) * (1 - s(x))}
    return values


def relu_hand():
    inputs, _ = make_moons(100, noise=0.1, seed=0)
    rng = random.Random(0)  # the layer's weights, drawn as micrograd draws them; biases are 0
    weights = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(16)]
    outputs = [max(0.0, w[0] * a + w[1] * b) for a, b in inputs for w in weights]
    zeros = sum(out == 0.0 for out in outputs)
    return {"relu(-2.0)": 0.0, "relu(0.0)": 0.0, "relu(3.0)": 3.0, "relu'(-2.0)": 0.0,
            "relu'(0.0)": 0.0, "relu'(3.0)": 1.0, "zero outputs": zeros,
            "fraction of zeros": zeros / 1600, "σ'(10)": s(10) * (1 - s(10))}


def softmax_hand():
    total = sum(EXPS)
    values = {"Σ e^z": total, "Σ p": 1.0, "Σ as written": sum(Z) / total}
    values |= {f"as written {j}": z / total for j, z in enumerate(Z)}
    values |= {f"e^z{j}": e for j, e in enumerate(EXPS)}
    values |= {f"row {k} sum": 0.0 for k in range(3)}
    values |= {f"p{j}": p for j, p in enumerate(P)}
    for k in range(3):
        for j in range(3):
            entry = P[k] * (1 - P[k]) if k == j else -P[k] * P[j]
            values[f"∂p{k}/∂z{j}"] = values[f"p{k}(δ{k}{j} − p{j})"] = entry
    return values


def mse_hand():
    errors = [1.9 - 2.0, -0.4 - 0.0, 4.3 - 4.0]
    values = {"L": sum(e * e for e in errors) / 3, "Σ squares": sum(e * e for e in errors)}
    values |= {f"e{i}": e for i, e in enumerate(errors)}
    values |= {f"e{i}²": e * e for i, e in enumerate(errors)}
    values |= {f"∂L/∂ŷ{i}": 2 * e / 3 for i, e in enumerate(errors)}
    return values


def cross_entropy_hand():
    p, y = (0.2, 0.7, 0.1), (0.0, 1.0, 0.0)
    values = {"E": -math.log(0.7), "E from logits": -math.log(0.7), "dense layer p1": P[1],
              "dense layer E": -math.log(P[1])}
    values |= {f"∂E/∂p{j}": -yj / pj for j, (pj, yj) in enumerate(zip(p, y))}
    values |= {f"z{j}": math.log(pj) for j, pj in enumerate(p)}
    values |= {f"softmax(z){j}": pj for j, pj in enumerate(p)}
    values |= {f"∂E/∂z{j}": pj - yj for j, (pj, yj) in enumerate(zip(p, y))}
    values |= {f"p{j} − y{j}": pj - yj for j, (pj, yj) in enumerate(zip(p, y))}
    return values


def backprop_hand():
    values = {"E": -math.log(P[1]), "-log 0.7": -math.log(0.7)}
    values |= {f"z{j}": z for j, z in enumerate(Z)}
    values |= {f"p{j}": p for j, p in enumerate(P)}
    values |= {f"e^z{j}": e for j, e in enumerate(EXPS)}
    values |= {f"∂E/∂z{j}": d for j, d in enumerate(DELTA)}
    values |= {f"∂E/∂w{i}{j}": X[i] * DELTA[j] for i in range(2) for j in range(3)}
    values |= {f"∂E/∂x{i}": sum(W[i][j] * DELTA[j] for j in range(3)) for i in range(2)}
    return values


def lr_decay_hand():
    return {f"rate after {k} steps": 1 / (1 + 0.01 * k) for k in (0, 100, 200, 300)}


# The optimizers on f(x, y) = 0.1 x² + 2 y², whose gradient is (0.2 x, 4 y), written out.
def grad_f(t):
    return [0.2 * t[0], 4 * t[1]]


def f(t):
    return 0.1 * t[0] ** 2 + 2 * t[1] ** 2


def run(update, steps, state):
    """Apply `update(theta, g, state, t)` -> (theta, printed vectors) `steps` times from the start."""
    theta, printed = [-4.0, 1.5], {}
    for t in range(1, steps + 1):
        g = grad_f(theta)
        theta, vectors = update(theta, g, state, t)
        for name, (a, b) in {"g": g, **vectors, "θ": theta}.items():
            printed[f"{name}{t}"], printed[f"{name}{t} y"] = a, b
    return theta, printed


def sgd(theta, g, state, t):
    return [a - 0.4 * b for a, b in zip(theta, g)], {}


def momentum(theta, g, state, t, lr=0.1, mu=0.8):
    state["v"] = [mu * v - lr * b for v, b in zip(state["v"], g)]
    return [a + v for a, v in zip(theta, state["v"])], {"v": state["v"]}


def adagrad(theta, g, state, t, lr=0.5):
    state["cache"] = [c + b * b for c, b in zip(state["cache"], g)]
    update = [-lr * b / (math.sqrt(c) + 1e-7) for b, c in zip(g, state["cache"])]
    return [a + u for a, u in zip(theta, update)], {"cache": state["cache"], "update": update}


def rmsprop(theta, g, state, t, lr=0.1, rho=0.9):
    state["cache"] = [rho * c + (1 - rho) * b * b for c, b in zip(state["cache"], g)]
    update = [-lr * b / (math.sqrt(c) + 1e-7) for b, c in zip(g, state["cache"])]
    return [a + u for a, u in zip(theta, update)], {"cache": state["cache"], "update": update}


def adam(theta, g, state, t, lr=0.3):
    state["m"] = [0.9 * m + 0.1 * b for m, b in zip(state["m"], g)]
    state["cache"] = [0.999 * c + 0.001 * b * b for c, b in zip(state["cache"], g)]
    m_hat = [m / (1 - 0.9**t) for m in state["m"]]
    c_hat = [c / (1 - 0.999**t) for c in state["cache"]]
    update = [-lr * m / (math.sqrt(c) + 1e-7) for m, c in zip(m_hat, c_hat)]
    return [a + u for a, u in zip(theta, update)], {
        "m": state["m"], "m̂": m_hat, "cache": state["cache"], "ĉ": c_hat, "update": update}


def optimizer_hand(name, update, state):
    _, printed = run(update, 2, dict(state))
    printed.update({f"{name} f after 60": f(run(update, 60, {k: list(v) for k, v in state.items()})[0]),
                    "SGD f after 60": f(run(sgd, 60, {})[0])})
    return printed


def local_minima():
    """The two minima of x⁴ − 3x² + x: the roots of 4x³ − 6x + 1 in [−2, −1] and [1, 1.5]."""
    def root(lo, hi):
        slope = lambda x: 4 * x**3 - 6 * x + 1  # noqa: E731
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if slope(lo) * slope(mid) > 0 else (lo, mid)
        return lo
    return root(-2.0, -1.0), root(1.0, 1.5)


def momentum_hand():
    deep, shallow = local_minima()
    values = optimizer_hand("Momentum", momentum, {"v": [0.0, 0.0]})
    values |= {"SGD from 2": shallow, "Momentum from 2": deep,
               "Momentum from 3": shallow}
    return values


def rmsprop_hand():
    return optimizer_hand("RMSprop", rmsprop, {"cache": [0.0, 0.0]}) | {"lr/√(1 − ρ)": 0.1 / math.sqrt(0.1)}


def kfold_hand():
    return {f"{part} validated": 1 for part in "ABCDE"} | {
        f"fold {k} size of 12": size for k, size in zip(range(1, 6), (3, 3, 2, 2, 2))}


def scaling_hand():
    column, scale = (50.0, 80.0, 120.0, 210.0), 2 / (210.0 - 50.0)
    scaled = [-1 + (x - 50.0) * scale for x in column]
    values = {"scale": scale, "offset": -1 - 50.0 * scale, "later": -1 + (250.0 - 50.0) * scale,
              "raw slope": 0.0,  # σ(105) rounds to exactly 1.0 in floating point
              "scaled slope": s(0.5) * (1 - s(0.5))}
    values |= {f"x'{i}": v for i, v in enumerate(scaled)}
    values |= {f"back {i}": x for i, x in enumerate(column)}
    return values


def l1_l2_hand():
    flat = [w for row in W for w in row]
    names = [f"w{i}{j}" for i in range(2) for j in range(3)]
    l1, l2 = 0.01 * sum(abs(w) for w in flat), 0.01 * sum(w * w for w in flat)
    values = {"L1w": l1, "L2w": l2, "Σ|w|": 3.6, "Σw²": 4.64, "L1 slope at 0": 0.0,
              "L2/L1 push at 2.0": 4.0, "E": -math.log(P[1]), "Loss": -math.log(P[1]) + l1 + l2,
              "∂E/∂w00": X[0] * DELTA[0], "∂Loss/∂w00": X[0] * DELTA[0] + 0.01 + 2 * 0.01 * 0.5}
    values |= {f"∂L1w/∂{n}": 0.01 * math.copysign(1, w) for n, w in zip(names, flat)}
    values |= {f"∂L2w/∂{n}": 2 * 0.01 * w for n, w in zip(names, flat)}
    return values


HAND = {
    "sigmoid": sigmoid_hand,
    "relu": relu_hand,
    "softmax": softmax_hand,
    "mse": mse_hand,
    "cross-entropy": cross_entropy_hand,
    "backprop": backprop_hand,
    "lr-decay": lr_decay_hand,
    "momentum": momentum_hand,
    "adagrad": lambda: optimizer_hand("Adagrad", adagrad, {"cache": [0.0, 0.0]}),
    "rmsprop": rmsprop_hand,
    "adam": lambda: optimizer_hand("Adam", adam, {"m": [0.0, 0.0], "cache": [0.0, 0.0]}),
    "kfold": kfold_hand,
    "scaling": scaling_hand,
    "l1-l2": l1_l2_hand,
}


def test_every_section_has_a_hand_computation():
    assert list(HAND) == list(SECTIONS)


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_number_a_section_computed_equals_the_hand_computation(name):
    computed, by_hand = section(name).values, HAND[name]()
    assert sorted(computed) == sorted(by_hand)  # nothing computed goes unchecked
    for key, value in by_hand.items():
        # 300 steps past an unstable hilltop amplify the last bit of rounding to about 1e-7
        tolerance = 1e-6 if key.endswith(("from 2", "from 3")) else 1e-12
        assert computed[key] == pytest.approx(value, rel=1e-9, abs=tolerance), key
        if abs(value) > 1e-12:  # (a zero may be -0.0 on one side)
            assert number(computed[key]) == number(value), key  # the same, as printed


@pytest.mark.parametrize("name", list(SECTIONS))
def test_every_section_prints_its_numbers_and_names_its_pictures(name):
    part = section(name)
    text = part.text
    for key, value in part.values.items():
        if key.startswith("row "):
            continue  # a Jacobian row's sum, stated as "each row adds up to 0"
        shown = [number(value), f"{value:.1%}"] + ([str(int(value))] if value == int(value) else [])
        assert any(form in text for form in shown), (key, shown)
    assert text.startswith(f"{part.heading} (micrograd-plus notes --section {name})")
    assert "The notes say:" in text
    for figure in part.figures:
        assert figure.filename in text


# ---- the notes' own claims, one by one -----------------------------------------------------------


def test_sigmoid_goes_from_0_to_1_through_one_half_and_its_gradient_vanishes():
    part = section("sigmoid")
    v = part.values
    assert v["σ(0.0)"] == 0.5 and v["σ'(0.0)"] == 0.25
    assert v["σ(-20)"] < 1e-8 and v["1 - σ(20)"] < 1e-8
    assert v["σ'(10.0)"] == pytest.approx(4.5398e-5, rel=1e-4) and v["relu'(10)"] == 1.0
    assert "σ′(10) = 4.54e-05 while relu′(10) = 1.0" in part.text.replace("\n", " ")


def test_relu_leaves_a_sparse_layer_output():
    v = section("relu").values
    assert 0.2 < v["fraction of zeros"] < 0.8  # sparse, not dead
    assert f"of which {v['zero outputs']} are exactly zero: {v['fraction of zeros']:.1%}" in (
        section("relu").text.replace("\n", " "))


def test_softmax_as_the_note_wrote_it_is_corrected_and_the_corrected_one_sums_to_one():
    part = section("softmax")
    text = part.text
    assert "the note writes the numerator as output[i], but it is e^output[i]" in text.replace("\n", " ")
    assert part.values["as written 1"] < 0 and part.values["Σ as written"] < 0.1
    assert part.values["Σ p"] == pytest.approx(1.0)
    assert "  corrected, e^z_i / Σ e^z = [0.08248, 0.00827, 0.9092]: sums to 1.0" in text.splitlines()
    assert "  ∂p0/∂z = [0.07568, -0.0006821, -0.075]   p0(δ0j − p_j) = [0.07568, -0.0006821, -0.075]" in (
        text.splitlines())


def test_mse_fills_the_empty_section_with_the_gradient_2_error_over_n():
    text = section("mse").text
    assert "(nothing: the section is empty)" in text
    assert "  ∂L/∂ŷ = [2·(-0.1)/3, 2·(-0.4)/3, 2·0.3/3] = [-0.06667, -0.2667, 0.2] by backward()" in (
        text.splitlines())


def test_cross_entropy_is_minus_log_0_7_and_through_softmax_p_minus_y():
    lines = section("cross-entropy").text.splitlines()
    assert "  E = −(0.0·log 0.2 + 1.0·log 0.7 + 0.0·log 0.1) = −log 0.7 = 0.3567" in lines
    assert "  ∂E/∂z = [0.2, -0.3, 0.1] by backward(); p − y = [0.2, -0.3, 0.1]" in lines


def test_backprop_keeps_the_dense_layer_walkthrough():
    text = section("backprop").text
    assert "      ∂E/∂x0 = 0.5·0.08248 + (-0.5)·(-0.9917) + 2.0·0.9092 = 2.356" in text.splitlines()
    assert "gradcheck: 8 derivatives agree with finite differences" in text


def test_lr_decay_of_0_01_halves_the_rate_after_100_steps_but_does_not_halve_it_again():
    v = section("lr-decay").values
    assert v["rate after 100 steps"] == 0.5
    assert v["rate after 200 steps"] == pytest.approx(1 / 3) and v["rate after 300 steps"] == 0.25


def test_momentum_can_carry_the_ball_out_of_a_local_minimum_but_not_always():
    v = section("momentum").values
    deep, shallow = local_minima()
    assert v["SGD from 2"] == pytest.approx(shallow, abs=1e-6)
    assert v["Momentum from 2"] == pytest.approx(deep, abs=1e-5)
    assert v["Momentum from 3"] == pytest.approx(shallow, abs=1e-5)


@pytest.mark.parametrize("name", ["momentum", "adagrad", "rmsprop", "adam"])
def test_each_optimizer_section_works_two_steps_that_equal_the_optimizer(name):
    text = section(name).text
    assert "two step() calls:" in text and ", the same" in text


def test_kfold_validates_each_part_exactly_once_gently_correcting_the_note():
    part = section("kfold")
    lines = part.text.splitlines()
    assert "     3   ABDE       C" in lines  # the note's second line: ABDE validates on C, not E
    assert all(part.values[f"{p} validated"] == 1 for p in "ABCDE")


def test_scaling_maps_the_training_column_onto_minus_one_to_one_and_back():
    lines = section("scaling").text.splitlines()
    assert "  scaled:     [-1.0, -0.625, -0.125, 1.0]" in lines
    assert "  inverse:    [50.0, 80.0, 120.0, 210.0]" in lines


def test_l1_l2_backward_is_lambda_sign_w_and_2_lambda_w():
    lines = section("l1-l2").text.splitlines()
    assert "  ∂L1w/∂W row 0 = [0.01, -0.01, 0.01]" in lines
    assert "  ∂L2w/∂W row 1 = [0.006, 0.004, 0.002]" in lines
    assert f"  ∂Loss/∂w00 = 0.165 + 0.01 + 0.01 = {number(X[0] * DELTA[0] + 0.02)} by backward()" in lines


def test_an_unknown_section_is_named_with_the_choices():
    with pytest.raises(ValueError, match="no section 'tanh'; the sections are sigmoid, relu"):
        section("tanh")
