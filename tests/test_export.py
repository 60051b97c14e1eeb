"""to_torch / from_torch and optimizer_to_torch: the same outputs, and the same training run
continued in torch. Skipped without torch (an optional extra)."""

from __future__ import annotations

import random

import pytest

from micrograd_plus.data import spiral_data
from micrograd_plus.nn import MLP, SGD, Adagrad, Adam, Momentum, RMSprop, cross_entropy

torch = pytest.importorskip("torch")

from micrograd_plus.export import optimizer_to_torch, to_torch  # noqa: E402


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: threads cost more than they save
    yield
    torch.set_num_threads(threads)


def random_inputs(count: int, size: int, seed: int = 0) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-3, 3) for _ in range(size)] for _ in range(count)]


def outputs(model: MLP, x: list[float]) -> list[float]:
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_exported_network_computes_our_outputs_to_1e_12(activation):
    model = MLP(5, [7, 6, 3], activation=activation, seed=1)
    seq = model.to_torch()
    assert all(p.dtype == torch.float64 for p in seq.parameters())
    for x in random_inputs(50, 5):
        theirs = seq(torch.tensor(x, dtype=torch.float64)).tolist()
        assert max(abs(a - b) for a, b in zip(outputs(model, x), theirs)) <= 1e-12


def test_exported_layers_are_linear_and_the_same_activations():
    seq = to_torch(MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=0))
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    assert [tuple(m.weight.shape) for m in seq if isinstance(m, torch.nn.Linear)] == [(4, 2), (4, 4), (1, 4)]


def test_neuron_j_is_row_j_of_the_weight_matrix():
    model = MLP(3, [2], seed=4)
    (linear,) = to_torch(model)
    assert linear.weight.tolist() == [[w.data for w in n.w] for n in model.layers[0].neurons]
    assert linear.bias.tolist() == [n.b.data for n in model.layers[0].neurons]


def test_round_trip_gives_back_the_same_weights_and_activations():
    model = MLP(4, [5, 3], activation="sigmoid", seed=3)
    back = MLP.from_torch(model.to_torch())
    assert back.state_dict() == model.state_dict()
    assert repr(back) == repr(model)
    for x in random_inputs(10, 4):
        assert outputs(back, x) == outputs(model, x)


def test_a_torch_network_comes_over_with_its_own_activation_per_layer():
    seq = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 4), torch.nn.Tanh(),
        torch.nn.Linear(4, 2), torch.nn.Identity(),
    )  # float32, as torch makes it: each float32 is exactly a float
    model = MLP.from_torch(seq)
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "tanh", "linear"]
    for x in random_inputs(20, 3):
        theirs = seq.double()(torch.tensor(x, dtype=torch.float64)).tolist()
        assert max(abs(a - b) for a, b in zip(outputs(model, x), theirs)) <= 1e-12


@pytest.mark.parametrize(
    "modules, message",
    [
        (lambda nn: [nn.Linear(2, 3), nn.Dropout(0.5), nn.Linear(3, 1)], "module 1 (Dropout) cannot be represented"),
        (lambda nn: [nn.Linear(2, 3), nn.Softmax(dim=-1)], "module 1 (Softmax) cannot be represented"),
        (lambda nn: [nn.Linear(2, 3), nn.LeakyReLU()], "module 1 (LeakyReLU) cannot be represented"),
        (lambda nn: [nn.Linear(2, 3, bias=False)], "module 0 (Linear) has no bias"),
        (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Tanh()], "module 2 (Tanh) follows another activation"),
        (lambda nn: [nn.ReLU(), nn.Linear(2, 3)], "module 0 (ReLU) comes before any Linear layer"),
        (lambda nn: [nn.Linear(2, 3), nn.Linear(4, 1)], "module 1 (Linear) takes 4 inputs but the layer before it gives 3"),
        (lambda nn: [nn.Sequential(nn.Linear(2, 3))], "module 0 (Sequential) cannot be represented"),
        (lambda nn: [], "the Sequential has no Linear layer"),
    ],
    ids=["dropout", "softmax", "leaky-relu", "no-bias", "two-activations", "activation-first", "sizes", "nested", "empty"],
)
def test_what_an_mlp_cannot_represent_is_refused_with_the_reason(modules, message):
    with pytest.raises(ValueError) as error:
        MLP.from_torch(torch.nn.Sequential(*modules(torch.nn)))
    assert message in str(error.value)


def test_non_finite_weights_and_wrong_types_are_refused():
    seq = torch.nn.Sequential(torch.nn.Linear(2, 2))
    with torch.no_grad():
        seq[0].weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match="Linear layer 0 has a nan or infinite weight"):
        MLP.from_torch(seq)
    with pytest.raises(TypeError, match="expected a torch.nn.Sequential, got Linear"):
        MLP.from_torch(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="to_torch: expected an MLP, got list"):
        to_torch([1.0])


def test_a_layer_of_mixed_activations_cannot_become_one_torch_layer():
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].activation = "tanh"
    with pytest.raises(ValueError, match="layer 0 mixes activations \\['relu', 'tanh'\\]"):
        to_torch(model)


# ---- the same training run, continued in torch --------------------------------------------------

CONFIGS = [
    (SGD, dict(lr=0.5)),
    (SGD, dict(lr=0.5, decay=0.01)),
    (SGD, dict(lr=0.2, momentum=0.9)),
    (Momentum, dict(lr=0.2)),
    (Adagrad, dict(lr=0.5, decay=0.01)),
    (RMSprop, dict(lr=0.01, decay=0.01)),
    (Adam, dict(lr=0.02)),
    (Adam, dict(lr=0.02, decay=0.005)),
]
IDS = ["SGD", "SGD-decay", "SGD-momentum", "Momentum", "Adagrad-decay", "RMSprop-decay", "Adam", "Adam-decay"]


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_training_continued_in_torch_follows_our_trajectory(config):
    """Train 15 steps with ours, export model and optimizer, then take 25 more steps in both:
    the parameters agree to 1e-10 after every step (a smooth tanh network, float64)."""
    optimizer_class, settings = config
    X, y = spiral_data(10, 3, seed=1)
    model = MLP(2, [6, 3], activation="tanh", seed=2)
    optimizer = optimizer_class(model.parameters(), **settings)

    def our_step() -> None:
        loss = cross_entropy([model(x) for x in X], y)
        model.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(15):
        our_step()
    seq = to_torch(model)
    theirs, schedule = optimizer_to_torch(optimizer, seq)
    X_t, y_t = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    worst = 0.0
    for _ in range(25):
        our_step()
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(seq(X_t), y_t).backward()
        theirs.step()
        schedule.step()
        assert theirs.param_groups[0]["lr"] == pytest.approx(optimizer.lr / (1 + optimizer.decay * optimizer.iterations), rel=1e-15)
        back = MLP.from_torch(seq)
        worst = max(worst, *(abs(p.data - q.data) for p, q in zip(model.parameters(), back.parameters())))
    assert worst <= 1e-10


def test_the_readme_example_continues_an_iris_run_in_torch_on_the_same_path():
    """docs/readme/issue-14.md: 20 full-batch Adam steps ours, then 20 in torch and in ours (ReLU)."""
    from micrograd_plus.data import MinMaxScaler, load_iris
    from micrograd_plus.nn import fit

    X, y = load_iris()
    X = MinMaxScaler().fit_transform(X)
    model = MLP(4, [8, 3], seed=0)
    optimizer = Adam(model.parameters(), lr=0.02)
    fit(model, X, y, optimizer=optimizer, epochs=20, progress=False)
    seq = model.to_torch()
    opt, schedule = optimizer_to_torch(optimizer, seq)
    X_t, y_t = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    for _ in range(20):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(seq(X_t), y_t).backward()
        opt.step()
        schedule.step()
    fit(model, X, y, optimizer=optimizer, epochs=20, progress=False)
    back = MLP.from_torch(seq)
    assert max(abs(a.data - b.data) for a, b in zip(model.parameters(), back.parameters())) <= 1e-12


def test_without_moving_the_state_torch_would_take_a_different_path():
    """The check above can fail: a fresh torch Adam (no moments, step 0) leaves our path."""
    X, y = spiral_data(10, 3, seed=1)
    model = MLP(2, [6, 3], activation="tanh", seed=2)
    optimizer = Adam(model.parameters(), lr=0.02)
    for _ in range(15):
        loss = cross_entropy([model(x) for x in X], y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
    seq = to_torch(model)
    fresh = torch.optim.Adam(seq.parameters(), lr=0.02, eps=1e-7)
    fresh.zero_grad()
    torch.nn.functional.cross_entropy(seq(torch.tensor(X, dtype=torch.float64)), torch.tensor(y)).backward()
    fresh.step()
    loss = cross_entropy([model(x) for x in X], y)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    back = MLP.from_torch(seq)
    assert max(abs(p.data - q.data) for p, q in zip(model.parameters(), back.parameters())) > 1e-4


def test_sgd_with_both_momentum_and_decay_is_refused_as_torch_has_no_such_optimizer():
    model = MLP(2, [3], seed=0)
    with pytest.raises(ValueError, match="momentum=0.9 and decay=0.01 has no torch equivalent"):
        optimizer_to_torch(SGD(model.parameters(), lr=0.1, momentum=0.9, decay=0.01), to_torch(model))


def test_the_optimizer_must_train_the_exported_model():
    model, other = MLP(2, [3], seed=0), MLP(2, [4, 3], seed=0)
    with pytest.raises(ValueError, match="updates 9 parameters but the Sequential's Linear layers hold 27"):
        optimizer_to_torch(Adam(model.parameters()), to_torch(other))
