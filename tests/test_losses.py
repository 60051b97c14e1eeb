"""Activations, softmax and the losses: hand-worked values, gradients, pitfalls and errors."""

from __future__ import annotations

import math

import pytest

from micrograd_plus import Value, gradcheck
from micrograd_plus.nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    cross_entropy,
    hinge_loss,
    l1_penalty,
    l2_penalty,
    linear,
    log_softmax,
    mse_loss,
    relu,
    sigmoid,
    softmax,
    tanh,
)


def values(*xs: float) -> list[Value]:
    return [Value(x) for x in xs]


def reference_softmax(z: list[float]) -> list[float]:
    m = max(z)
    e = [math.exp(x - m) for x in z]
    return [x / sum(e) for x in e]


# ---- activations --------------------------------------------------------------------------------


def test_activations_map_numbers_values_and_lists():
    assert relu(-2.0).data == 0.0 and relu(Value(3.0)).data == 3.0
    assert [v.data for v in relu([-1.0, 2.0])] == [0.0, 2.0]
    assert sigmoid(0.0).data == 0.5
    assert [v.data for v in tanh([0.0, 1.0])] == [0.0, math.tanh(1.0)]
    x = Value(1.5)
    assert linear(x) is x


def test_softmax_is_the_normalized_exponential_and_sums_to_one():
    z = [1.0, 2.0, 3.0]
    probs = [p.data for p in softmax(z)]
    assert probs == pytest.approx([math.exp(x) / sum(map(math.exp, z)) for x in z], rel=1e-15)
    assert sum(probs) == pytest.approx(1.0, rel=1e-15)


def test_log_softmax_of_huge_logits_does_not_overflow():
    # e^1000 overflows a float; after subtracting the max it is e^0.
    assert [v.data for v in log_softmax([1000.0, 0.0])] == [0.0, -1000.0]
    assert [v.data for v in softmax([1000.0, 0.0])] == [1.0, 0.0]


@pytest.mark.parametrize("z", [[0.5, -1.0, 2.0], [3.0, 3.0, 1.0], [-200.0, 100.0, 99.0]])
def test_log_softmax_gradients_match_finite_differences_also_at_ties(z):
    for i in range(len(z)):
        gradcheck(lambda a, b, c, i=i: log_softmax([a, b, c])[i], z)
        gradcheck(lambda a, b, c, i=i: softmax([a, b, c])[i], z)


def test_max_shift_is_a_constant_so_the_gradient_matches_the_true_derivative():
    # d log_softmax_i / d z_j = delta_ij - softmax_j: the max is not differentiated through,
    # which is exact because softmax is unchanged by a shift of all logits.
    z = values(2.0, 2.0, -1.0)
    log_softmax(z)[0].backward()
    s = reference_softmax([2.0, 2.0, -1.0])
    assert [v.grad for v in z] == pytest.approx([1 - s[0], -s[1], -s[2]], rel=1e-14)


# ---- cross-entropy on logits --------------------------------------------------------------------


def test_cross_entropy_is_minus_log_softmax_of_the_target():
    loss = cross_entropy([1.0, 2.0, 3.0], 2)
    assert loss.data == pytest.approx(-math.log(math.exp(3) / (math.e + math.e**2 + math.e**3)))


def test_cross_entropy_gradient_is_softmax_minus_onehot_for_a_confidently_wrong_prediction():
    # The pitfall: a clipped probability would give gradient [0, 0, 0] here.
    z = values(0.0, 100.0, 0.0)
    loss = cross_entropy(z, 0)
    loss.backward()
    assert loss.data == pytest.approx(100.0, rel=1e-15)
    s = reference_softmax([0.0, 100.0, 0.0])
    assert [v.grad for v in z] == pytest.approx([s[0] - 1, s[1], s[2]], rel=1e-15, abs=1e-300)
    assert z[0].grad == pytest.approx(-1.0) and z[1].grad == pytest.approx(1.0)


def test_cross_entropy_of_a_batch_averages_so_the_gradient_is_divided_by_n():
    a, b = values(0.0, 100.0, 0.0), values(1.0, 2.0, 0.5)
    loss = cross_entropy([a, b], [0, 1])
    loss.backward()
    assert loss.data == pytest.approx((cross_entropy(a, 0).data + cross_entropy(b, 1).data) / 2)
    s = reference_softmax([1.0, 2.0, 0.5])
    assert [v.grad for v in b] == pytest.approx([s[0] / 2, (s[1] - 1) / 2, s[2] / 2], rel=1e-14)
    assert a[0].grad == pytest.approx(-0.5)


def test_cross_entropy_accepts_a_one_hot_target_with_the_same_loss_and_gradient():
    by_index, by_onehot = values(0.3, -1.0, 2.0), values(0.3, -1.0, 2.0)
    loss_index = cross_entropy(by_index, 1)
    loss_onehot = cross_entropy(by_onehot, [0, 1, 0])
    loss_index.backward()
    loss_onehot.backward()
    assert loss_onehot.data == loss_index.data
    assert [v.grad for v in by_onehot] == [v.grad for v in by_index]


# ---- NNFS forms on probabilities ----------------------------------------------------------------


def test_categorical_cross_entropy_is_minus_log_of_the_target_probability():
    assert categorical_cross_entropy([0.2, 0.7, 0.1], 1).data == pytest.approx(-math.log(0.7))
    assert categorical_cross_entropy([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], [[0, 1, 0], 0]).data == (
        pytest.approx((-math.log(0.7) - math.log(0.5)) / 2)
    )


def test_categorical_cross_entropy_clip_bounds_the_loss_and_kills_the_gradient():
    # Documented behaviour: p_target < 1e-7 is clipped, costing -log(1e-7) with no gradient.
    z = values(0.0, 100.0, 0.0)
    loss = categorical_cross_entropy(softmax(z), 0)
    loss.backward()
    assert loss.data == pytest.approx(16.118095650958320, rel=1e-15)
    assert [v.grad for v in z] == [0.0, 0.0, 0.0]
    assert categorical_cross_entropy([0.0, 1.0], 0).data == pytest.approx(-math.log(1e-7))


def test_binary_cross_entropy_is_the_clipped_nnfs_form():
    expected = -(math.log(0.8) + math.log(1 - 0.4)) / 2
    assert binary_cross_entropy([0.8, 0.4], [1, 0]).data == pytest.approx(expected)
    assert binary_cross_entropy(1.0, 0).data == pytest.approx(-math.log(1e-7), rel=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: binary_cross_entropy([Value(0.5), Value(1.5)], [1.0, 1.0]),
         r"binary_cross_entropy: the predicted probability 1.5 is outside \[0, 1\]; for a logit \(a raw "
         r"score\) use binary_cross_entropy_with_logits, which applies the sigmoid itself"),
        (lambda: binary_cross_entropy(-1e-9, 0.0), r"the predicted probability -1e-09 is outside"),
        (lambda: categorical_cross_entropy([[0.5, 0.5], [2.0, -1.0]], [0, 0]),
         r"categorical_cross_entropy: the predicted probability 2.0 is outside \[0, 1\]; for a logit "
         r"\(a raw score\) use cross_entropy, which applies the softmax itself"),
    ],
)
def test_a_logit_given_to_a_probability_loss_is_refused_not_clipped_to_a_constant(call, message):
    # clipped, 1.5 would cost -log(1 - 1e-7) = 1e-7 with gradient 0: a model that never learns
    with pytest.raises(ValueError, match=message):
        call()


def test_the_probabilities_zero_and_one_are_accepted_and_clipped():
    assert binary_cross_entropy([0.0, 1.0], [1.0, 0.0]).data == pytest.approx(-math.log(1e-7), rel=1e-6)
    assert categorical_cross_entropy([1.0, 0.0], 0).data == pytest.approx(-math.log(1 - 1e-7))


@pytest.mark.parametrize("x", [-3.0, -0.2, 0.0, 0.4, 5.0])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
def test_binary_cross_entropy_with_logits_equals_bce_of_sigmoid_with_gradient_sigmoid_minus_y(x, y):
    logit = Value(x)
    loss = binary_cross_entropy_with_logits(logit, y)
    loss.backward()
    p = 1 / (1 + math.exp(-x))
    assert loss.data == pytest.approx(-(y * math.log(p) + (1 - y) * math.log(1 - p)), rel=1e-13)
    assert logit.grad == pytest.approx(p - y, rel=1e-13, abs=1e-16)  # also at x = 0


def test_binary_cross_entropy_with_logits_is_finite_for_extreme_logits():
    assert binary_cross_entropy_with_logits(1000.0, 1).data == 0.0
    assert binary_cross_entropy_with_logits(-1000.0, 1).data == 1000.0
    assert binary_cross_entropy_with_logits(-1000.0, 0).data == 0.0


# ---- hinge, mse, penalties ----------------------------------------------------------------------


def test_hinge_loss_is_micrograds_max_margin_mean():
    scores = values(2.0, 0.5, -0.5)
    loss = hinge_loss(scores, [1, 1, 1])
    loss.backward()
    assert loss.data == pytest.approx((0.0 + 0.5 + 1.5) / 3)
    assert [s.grad for s in scores] == pytest.approx([0.0, -1 / 3, -1 / 3])
    assert hinge_loss(Value(-0.25), -1).data == pytest.approx(0.75)


def test_mse_loss_is_the_mean_over_all_elements():
    pred = [values(1.0, 2.0), values(0.0, -1.0)]
    loss = mse_loss(pred, [[0.0, 2.0], [1.0, 1.0]])
    loss.backward()
    assert loss.data == pytest.approx((1 + 0 + 1 + 4) / 4)
    assert [v.grad for row in pred for v in row] == pytest.approx([0.5, 0.0, -0.5, -1.0])


def test_penalties_are_lambda_times_sum_of_abs_or_squares():
    params = values(0.5, -2.0)
    assert l1_penalty(params, 0.1).data == pytest.approx(0.25)
    assert l2_penalty(params, 0.1).data == pytest.approx(0.425)
    l2_penalty(params, 0.1).backward()
    assert [p.grad for p in params] == pytest.approx([0.1, -0.4])  # 2 lam p
    assert l1_penalty([], 0.1).data == 0.0


# ---- every loss and penalty against finite differences ------------------------------------------

GRADCHECKS = [
    ("cross_entropy index", lambda a, b, c: cross_entropy([a, b, c], 1), [0.3, -1.2, 2.0]),
    (
        "cross_entropy soft",
        lambda a, b, c: cross_entropy([a, b, c], [0.2, 0.5, 0.3]),
        [1.0, 0.1, -0.7],
    ),
    (
        "cross_entropy batch",
        lambda a, b, c, d: cross_entropy([[a, b], [c, d]], [0, 1]),
        [1.0, -1.0, 0.4, 0.2],
    ),
    (
        "categorical_ce",
        lambda a, b, c: categorical_cross_entropy(softmax([a, b, c]), 2),
        [0.3, -1.2, 2.0],
    ),
    ("bce", lambda a, b: binary_cross_entropy([a.sigmoid(), b.sigmoid()], [1, 0]), [0.7, -0.3]),
    (
        "bce_with_logits",
        lambda a, b: binary_cross_entropy_with_logits([a, b], [1, 0.3]),
        [0.7, -2.5],
    ),
    ("hinge", lambda a, b: hinge_loss([a, b], [1, -1]), [0.4, 0.2]),
    ("mse", lambda a, b: mse_loss([a, b], [1.0, -2.0]), [0.4, 0.9]),
    ("l1", lambda a, b: l1_penalty([a, b], 0.3), [0.4, -0.9]),
    ("l2", lambda a, b: l2_penalty([a, b], 0.3), [0.4, -0.9]),
]


@pytest.mark.parametrize(("name", "f", "point"), GRADCHECKS, ids=[g[0] for g in GRADCHECKS])
def test_loss_gradient_matches_finite_differences(name, f, point):
    report = gradcheck(f, point)
    assert report.ok and not any(row.kink for row in report.rows)


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cross_entropy([0.0, 1.0, 2.0], 3), "class index 3 is out of range for 3 classes"),
        (lambda: cross_entropy([0.0, 1.0], -1), "class index -1 is out of range"),
        (lambda: cross_entropy([0.0, 1.0], [0, 1, 0]), "one-hot target needs 2 entries"),
        (lambda: cross_entropy([0.0, 1.0], 1.0), "must be a class index or a one-hot list"),
        (lambda: cross_entropy([[0.0, 1.0], [1.0, 0.0]], [0]), "2 outputs but 1 targets"),
        (lambda: categorical_cross_entropy([0.5, 0.5], 2), "class index 2 is out of range"),
        (lambda: mse_loss([1.0, 2.0], [1.0]), "mse_loss: 2 outputs but 1 targets"),
        (lambda: hinge_loss([1.0], [0]), "hinge_loss: a label must be -1 or \\+1, got 0"),
        (lambda: binary_cross_entropy(0.5, 2), "must be in \\[0, 1\\], got 2"),
        (lambda: binary_cross_entropy_with_logits([0.5], [1, 0]), "1 outputs but 2 targets"),
        (lambda: l2_penalty([Value(1.0)], -0.5), "lam must be a finite number >= 0, got -0.5"),
        (lambda: log_softmax([]), "non-empty list of logits"),
    ],
)
def test_bad_labels_and_lengths_raise_value_error_naming_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()
