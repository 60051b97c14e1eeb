"""Models: Neuron, Layer, MLP, micrograd compatibility, regularization, state dicts."""

from __future__ import annotations

import json
import math
import random

import pytest

from micrograd_plus import Value, gradcheck
from micrograd_plus.nn import MLP, Layer, Module, Neuron


def weights(model: Module) -> list[float]:
    return [p.data for p in model.parameters()]


# ---- micrograd's behaviour ----------------------------------------------------------------------


def test_neuron_has_uniform_weights_zero_bias_and_micrograd_repr():
    neuron = Neuron(3, seed=0)
    assert len(neuron.w) == 3 and all(-1 <= w.data <= 1 for w in neuron.w)
    assert neuron.b.data == 0.0
    assert neuron.parameters() == neuron.w + [neuron.b]
    assert repr(neuron) == "ReLUNeuron(3)" and neuron.nonlin
    assert repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"
    assert repr(Neuron(3, False)) == "LinearNeuron(3)"  # positional, as micrograd allows


def test_neuron_computes_relu_of_bias_plus_weighted_sum():
    neuron = Neuron(2, seed=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -2.0, 0.25
    assert neuron([2.0, 0.1]).data == pytest.approx(0.25 + 1.0 - 0.2)
    assert neuron([-2.0, 0.1]).data == 0.0  # 0.25 - 1 - 0.2 < 0


def test_layer_with_one_output_returns_a_value_and_with_more_a_list():
    assert isinstance(Layer(3, 1, seed=0)([1.0, 2.0, 3.0]), Value)
    outputs = Layer(3, 4, seed=0)([1.0, 2.0, 3.0])
    assert isinstance(outputs, list) and len(outputs) == 4


def test_mlp_has_relu_hidden_layers_a_linear_output_and_micrograd_repr():
    model = MLP(2, [16, 16, 1], seed=0)
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert [n.activation for n in model.layers[0].neurons] == ["relu"] * 16
    assert [n.activation for n in model.layers[2].neurons] == ["linear"]
    relu16 = ", ".join(["ReLUNeuron(16)"] * 16)
    assert repr(model) == (
        f"MLP of [Layer of [{', '.join(['ReLUNeuron(2)'] * 16)}], "
        f"Layer of [{relu16}], Layer of [LinearNeuron(16)]]"
    )
    assert isinstance(model([0.5, -0.5]), Value)


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_seed_draws_the_weights_micrograd_draws_after_random_seed():
    rng = random.Random(1337)
    expected = [rng.uniform(-1, 1) for _ in range(2 * 4 + 4 * 1)]
    model = MLP(2, [4, 1], seed=1337)
    drawn = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert drawn == expected


def test_models_use_their_own_generator_and_leave_the_global_one_alone():
    state = random.getstate()
    first, second = MLP(2, [8, 1], seed=7), MLP(2, [8, 1], seed=7)
    assert random.getstate() == state
    assert weights(first) == weights(second)
    assert weights(MLP(2, [8, 1], seed=8)) != weights(first)


def test_matches_micrograd_forward_and_backward_on_the_same_weights():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(3)
    theirs = micrograd_nn.MLP(2, [8, 8, 1])
    ours = MLP(2, [8, 8, 1], seed=3)
    assert weights(ours) == [p.data for p in theirs.parameters()]
    assert repr(ours) == repr(theirs)
    for x in ([0.3, -1.2], [2.0, 0.5]):
        out_ours, out_theirs = ours(x), theirs(x)
        assert out_ours.data == out_theirs.data  # same operations in the same order
        out_ours.backward()
        out_theirs.backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-15)


# ---- activations, names and inputs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("relu", lambda z: max(0.0, z)),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("tanh", math.tanh),
        ("linear", lambda z: z),
    ],
)
def test_neuron_applies_the_named_activation(activation, f):
    neuron = Neuron(2, activation=activation, seed=0)
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = -0.7, 0.4, 0.1
    z = 0.1 - 0.7 * 1.5 + 0.4 * -2.0  # = -1.75
    assert neuron([1.5, -2.0]).data == pytest.approx(f(z), rel=1e-15)


def test_neuron_derivative_with_respect_to_its_inputs_matches_finite_differences():
    neuron = Neuron(3, activation="tanh", seed=4)
    gradcheck(lambda a, b, c: neuron([a, b, c]), [0.3, -0.8, 1.1])


def test_unknown_or_contradicting_activation_is_rejected():
    with pytest.raises(ValueError, match="activation must be one of relu, sigmoid, tanh, linear"):
        Neuron(2, activation="softplus")
    with pytest.raises(ValueError, match="contradicts"):
        Neuron(2, nonlin=False, activation="relu")
    assert Neuron(2, nonlin=True, activation="tanh", seed=0).activation == "tanh"


def test_mlp_names_neurons_by_layer_and_labels_parameters_and_outputs():
    model = MLP(3, [2, 1], seed=0)
    assert model.layers[1].neurons[0].w[1].label == "L1.N0.w1"
    assert model.layers[0].neurons[1].b.label == "L0.N1.b"
    hidden = model.layers[0]([1.0, 2.0, 3.0])
    assert [v.label for v in hidden] == ["L0.N0", "L0.N1"]
    assert model([1.0, 2.0, 3.0]).label == "L1.N0"


def test_standalone_layer_and_neuron_labels():
    layer = Layer(2, 2, seed=0)
    assert [p.label for p in layer.neurons[1].parameters()] == ["N1.w0", "N1.w1", "N1.b"]
    neuron = Neuron(2, seed=0)
    assert [p.label for p in neuron.parameters()] == ["w0", "w1", "b"]
    assert neuron([1.0, 1.0]).label == ""


@pytest.mark.parametrize(
    ("model", "where"),
    [(Neuron(2, seed=0), "Neuron"), (Layer(2, 3, seed=0), "Layer"), (MLP(2, [3, 1], seed=0), "MLP")],
)
def test_wrong_input_length_names_expected_and_actual_size(model, where):
    with pytest.raises(ValueError, match=f"{where}: expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "make", [lambda: Neuron(0), lambda: Layer(2, 0), lambda: MLP(2, []), lambda: MLP(2, 3)]
)
def test_impossible_sizes_are_rejected(make):
    with pytest.raises(ValueError, match="must be a"):
        make()


# ---- regularization -----------------------------------------------------------------------------


def test_layer_regularization_loss_is_the_nnfs_sum_of_four_penalties():
    layer = Layer(2, 1, weight_l1=0.1, weight_l2=0.2, bias_l1=0.3, bias_l2=0.4, seed=0)
    neuron = layer.neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -2.0, 3.0
    # 0.1 * (0.5 + 2) + 0.2 * (0.25 + 4) + 0.3 * 3 + 0.4 * 9 = 0.25 + 0.85 + 0.9 + 3.6
    penalty = layer.regularization_loss()
    assert penalty.data == pytest.approx(5.6)
    penalty.backward()
    # d/dw = l1 sign(w) + 2 l2 w; d/db = l1 sign(b) + 2 l2 b
    assert neuron.w[0].grad == pytest.approx(0.1 + 2 * 0.2 * 0.5)
    assert neuron.w[1].grad == pytest.approx(-0.1 + 2 * 0.2 * -2.0)
    assert neuron.b.grad == pytest.approx(0.3 + 2 * 0.4 * 3.0)


def test_bias_l1_gradient_at_zero_is_zero_as_pytorch():
    layer = Layer(2, 1, bias_l1=0.5, seed=0)  # biases start at exactly 0
    layer.regularization_loss().backward()
    assert layer.neurons[0].b.grad == 0.0  # NNFS would give +0.5 here


def test_mlp_regularization_sums_its_layers_and_is_zero_without_strengths():
    model = MLP(2, [3, 2], weight_l2=0.01, seed=0)
    expected = sum(0.01 * w.data**2 for layer in model.layers for n in layer.neurons for w in n.w)
    assert model.regularization_loss().data == pytest.approx(expected)
    assert MLP(2, [3, 2], seed=0).regularization_loss().data == 0.0


def test_negative_regularization_strength_is_rejected():
    with pytest.raises(ValueError, match="weight_l2 must be a finite number >= 0, got -0.1"):
        Layer(2, 2, weight_l2=-0.1)


# ---- state dicts --------------------------------------------------------------------------------


def test_state_dict_is_plain_json_keyed_by_neuron():
    model = MLP(2, [2, 1], seed=0)
    state = model.state_dict()
    assert list(state) == ["L0.N0.w", "L0.N0.b", "L0.N1.w", "L0.N1.b", "L1.N0.w", "L1.N0.b"]
    assert state["L1.N0.w"] == [w.data for w in model.layers[1].neurons[0].w]
    assert json.loads(json.dumps(state)) == state


def test_load_state_dict_copies_every_value():
    source, target = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    target.load_state_dict(source.state_dict())
    assert weights(target) == weights(source)


def test_save_and_load_round_trip_through_a_json_file(tmp_path):
    source, target = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    source.layers[0].neurons[0].b.data = 0.125
    path = tmp_path / "model.json"
    source.save(path)
    assert json.loads(path.read_text()) == source.state_dict()
    target.load(path)
    assert weights(target) == weights(source)


def _bad_states() -> list:
    good = MLP(2, [2, 1], seed=1).state_dict()
    missing = {k: v for k, v in good.items() if k != "L1.N0.b"}
    return [
        pytest.param(missing, ValueError, "missing \\['L1.N0.b'\\]", id="missing key"),
        pytest.param(
            {**good, "L2.N0.b": 0.0}, ValueError, "unexpected \\['L2.N0.b'\\]", id="extra key"
        ),
        pytest.param(
            {**good, "L1.N0.w": [1.0]}, ValueError, "'L1.N0.w' should be a list of 2", id="short"
        ),
        pytest.param(
            {**good, "L1.N0.w": 1.0}, ValueError, "'L1.N0.w' should be a list", id="not a list"
        ),
        pytest.param({**good, "L1.N0.w": [1.0, "x"]}, TypeError, "'L1.N0.w\\[1\\]'", id="string"),
        pytest.param({**good, "L1.N0.b": True}, TypeError, "'L1.N0.b'", id="bool"),
        pytest.param({**good, "L1.N0.b": math.nan}, TypeError, "'L1.N0.b'", id="nan"),
        pytest.param([1.0], TypeError, "expected a dict", id="not a dict"),
    ]


@pytest.mark.parametrize(("state", "error", "message"), _bad_states())
def test_bad_state_raises_naming_the_key_and_leaves_the_model_unchanged(state, error, message):
    model = MLP(2, [2, 1], seed=5)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_neuron_and_layer_state_dicts_use_their_own_names():
    assert list(Neuron(2, seed=0).state_dict()) == ["w", "b"]
    assert list(Layer(2, 2, seed=0).state_dict()) == ["N0.w", "N0.b", "N1.w", "N1.b"]


def test_from_torch_without_torch_says_what_needs_it_and_how_to_get_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    message = r"^moving models and optimizers to and from PyTorch needs torch: pip install 'micrograd_plus\[torch\]'$"
    with pytest.raises(ModuleNotFoundError, match=message):
        MLP.from_torch(object())
    with pytest.raises(ModuleNotFoundError, match=message):
        MLP(2, [1], seed=0).to_torch()
