"""The notes' dense layer: every number of the five formulas, checked by hand, against
backward() and against finite differences (gradcheck)."""
import math

import pytest

from micrograd_plus import Value, grad, gradcheck
from micrograd_plus.notes import (
    W,
    X,
    dense_layer,
    derivation,
    forward,
)

Z = [2 * 0.5 + 3 * 0.3, 2 * -0.5 + 3 * 0.2, 2 * 2.0 + 3 * 0.1]  # [1.9, -0.4, 4.3], by hand
P = [math.exp(z) / sum(math.exp(v) for v in Z) for z in Z]
Y = [0.0, 1.0, 0.0]
DELTA = [p - y for p, y in zip(P, Y)]  # ∂E/∂z_j = p_j - y_j


def E_of(x0, x1, w00, w01, w02, w10, w11, w12):
    """E as a function of all eight inputs, for gradcheck."""
    return forward([x0, x1], [[w00, w01, w02], [w10, w11, w12]], 1)[2]


def test_forward_numbers():
    layer = dense_layer()
    assert [z.data for z in layer.z] == pytest.approx([1.9, -0.4, 4.3])
    assert [p.data for p in layer.p] == pytest.approx(P)
    assert sum(p.data for p in layer.p) == pytest.approx(1.0)
    assert layer.E.data == pytest.approx(-math.log(P[1]))


def test_formula_1_dz_j_dW_ij_is_x_i_and_other_outputs_do_not_depend_on_it():
    layer = dense_layer()
    for i in range(2):
        for j in range(3):
            for k in range(3):
                (d,) = grad(layer.z[k], [layer.W[i][j]])
                assert d == (X[i] if k == j else 0.0)
    (d,) = grad(layer.z[0], [layer.W[0][0]])
    assert d == 2.0  # ∂z0/∂w00 = x0 = 2
    gradcheck(lambda w00: forward([Value(2.0), Value(3.0)],
                                  [[w00, -0.5, 2.0], [0.3, 0.2, 0.1]], 1)[0][0], [0.5])


def test_formula_2_dz_dx0_is_row_0_of_W():
    layer = dense_layer()
    assert [grad(z, [layer.x[0]])[0] for z in layer.z] == [0.5, -0.5, 2.0]
    assert [grad(z, [layer.x[1]])[0] for z in layer.z] == [0.3, 0.2, 0.1]
    for j in range(3):
        report = gradcheck(lambda x0, x1, j=j: forward([x0, x1], W, 1)[0][j], list(X))
        assert [row.analytic for row in report.rows] == pytest.approx([W[0][j], W[1][j]])


def test_formula_3_dE_dz_is_p_minus_y():
    layer = dense_layer()
    assert grad(layer.E, layer.z) == pytest.approx(DELTA)

    def E_of_z(z0, z1, z2):  # softmax and cross-entropy alone, as the notes set them up
        e = [z.exp() for z in (z0, z1, z2)]
        return -(e[1] / (e[0] + e[1] + e[2])).log()

    report = gradcheck(E_of_z, Z)
    assert [row.numeric for row in report.rows] == pytest.approx(DELTA, rel=1e-6)


def test_formula_4_dE_dW_ij_is_x_i_times_p_j_minus_y_j():
    layer = dense_layer()
    expected = [[X[i] * DELTA[j] for j in range(3)] for i in range(2)]
    assert [[w.grad for w in row] for row in layer.W] == [pytest.approx(r) for r in expected]
    assert layer.W[0][0].grad == pytest.approx(0.16496, abs=1e-5)  # 2 × 0.08248
    report = gradcheck(E_of, [*X, *W[0], *W[1]])
    assert [row.numeric for row in report.rows[2:]] == pytest.approx(
        expected[0] + expected[1], rel=1e-6)


def test_formula_5_dE_dx_i_is_the_W_weighted_sum_of_p_minus_y():
    layer = dense_layer()
    expected = [sum(W[i][j] * DELTA[j] for j in range(3)) for i in range(2)]
    assert [x.grad for x in layer.x] == pytest.approx(expected)
    assert expected == pytest.approx([2.3556, -0.08268], abs=1e-4)  # worked out by hand
    report = gradcheck(E_of, [*X, *W[0], *W[1]])
    assert [row.numeric for row in report.rows[:2]] == pytest.approx(expected, rel=1e-6)


def test_the_derivation_text_shows_every_formula_with_its_numbers():
    text = derivation()
    for line in (
        "    z0 = 2.0·0.5 + 3.0·0.3 = 1.9",
        "    ∂z0/∂w00 = x0 = 2.0   ∂z1/∂w01 = x0 = 2.0   ∂z2/∂w02 = x0 = 2.0",
        "    ∂z/∂x0 = [0.5, -0.5, 2.0]",
        "    ∂E/∂z = [0.08248 - 0.0, 0.00827 - 1.0, 0.9092 - 0.0] = [0.08248, -0.9917, 0.9092]",
        "    ∂E/∂w00 = 2.0·0.08248 = 0.165   ∂E/∂w01 = 2.0·(-0.9917) = -1.983"
        "   ∂E/∂w02 = 2.0·0.9092 = 1.818",
        "    ∂E/∂x0 = 0.5·0.08248 + (-0.5)·(-0.9917) + 2.0·0.9092 = 2.356",
        "    E = -log p1 = -log 0.00827 = 4.795",
    ):
        assert line in text.splitlines(), line


def test_the_derivation_ties_in_the_notes_cross_entropy_example():
    text = derivation()
    assert f"-log 0.7 = {-math.log(0.7):.4g}" in text  # 0.3567, the notes' [0.2, 0.7, 0.1]
    assert "    E = -log p1 = -log 0.00827 = 4.795" in text.splitlines()


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="x has 3 entries but W has 2 rows"):
        dense_layer(x=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="target_class must be in 0..2, got 3"):
        dense_layer(target_class=3)
