"""The five optimizers: hand-worked first steps, decay, state, errors, and torch.optim parity."""

from __future__ import annotations

import json
import math

import pytest

from micrograd_plus import Value
from micrograd_plus.data import spiral_data
from micrograd_plus.nn import MLP, SGD, Adagrad, Adam, Layer, Momentum, RMSprop, cross_entropy

EPS = 1e-7


def two_steps(optimizer_class, grad: float = 2.0, **settings) -> tuple[float, float, object]:
    """theta starts at 1.0; take two steps with the same gradient; return theta after each."""
    theta = Value(1.0)
    optimizer = optimizer_class([theta], **settings)
    after = []
    for _ in range(2):
        theta.grad = grad
        optimizer.step()
        after.append(theta.data)
    return after[0], after[1], optimizer


# ---- hand-worked steps: theta = 1, g = 2 --------------------------------------------------------
# With decay d = 1 the first step uses lr and the second lr / (1 + 1) = lr / 2.


def test_sgd_steps_by_minus_lr_times_gradient():
    assert two_steps(SGD, lr=0.1)[:2] == pytest.approx((0.8, 0.6))  # 1 - 0.2, 0.8 - 0.2
    assert two_steps(SGD, lr=0.1, decay=1.0)[:2] == pytest.approx((0.8, 0.7))  # 0.8 - 0.1


def test_momentum_accumulates_a_velocity():
    # v1 = -0.1 * 2 = -0.2;  v2 = 0.9 * -0.2 - 0.2 = -0.38
    assert two_steps(Momentum, lr=0.1)[:2] == pytest.approx((0.8, 0.42))
    # with decay: v2 = 0.9 * -0.2 - 0.05 * 2 = -0.28
    assert two_steps(Momentum, lr=0.1, decay=1.0)[:2] == pytest.approx((0.8, 0.52))
    assert two_steps(SGD, lr=0.1, momentum=0.9)[:2] == pytest.approx((0.8, 0.42))


def test_adagrad_divides_by_the_root_of_the_summed_squared_gradients():
    # cache 4 then 8
    first = 1 - 0.1 * 2 / (2 + EPS)
    assert two_steps(Adagrad, lr=0.1)[:2] == pytest.approx(
        (first, first - 0.1 * 2 / (math.sqrt(8) + EPS)), rel=1e-15
    )
    assert two_steps(Adagrad, lr=0.1, decay=1.0)[:2] == pytest.approx(
        (first, first - 0.05 * 2 / (math.sqrt(8) + EPS)), rel=1e-15
    )


def test_rmsprop_divides_by_the_root_of_a_moving_average_of_squares():
    # cache = 0.1 * 4 = 0.4, then 0.9 * 0.4 + 0.4 = 0.76
    first = 1 - 0.01 * 2 / (math.sqrt(0.4) + EPS)
    assert two_steps(RMSprop, lr=0.01)[:2] == pytest.approx(
        (first, first - 0.01 * 2 / (math.sqrt(0.76) + EPS)), rel=1e-15
    )
    assert two_steps(RMSprop, lr=0.01, decay=1.0)[:2] == pytest.approx(
        (first, first - 0.005 * 2 / (math.sqrt(0.76) + EPS)), rel=1e-15
    )


def test_adam_bias_correction_makes_the_first_steps_lr_sized():
    # m = 0.2, cache = 0.004; m_hat = 0.2 / 0.1 = 2, cache_hat = 0.004 / 0.001 = 4.
    # Step 2: m = 0.38, m_hat = 0.38 / 0.19 = 2;
    #         cache = 0.007996, cache_hat = 0.007996 / 0.001999 = 4.
    step = 0.01 * 2 / (2 + EPS)
    assert two_steps(Adam, lr=0.01)[:2] == pytest.approx((1 - step, 1 - 2 * step), rel=1e-12)
    assert two_steps(Adam, lr=0.01, decay=1.0)[:2] == pytest.approx(
        (1 - step, 1 - 1.5 * step), rel=1e-12
    )


# ---- the shared protocol ------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer_class", [SGD, Momentum, Adagrad, RMSprop, Adam])
def test_current_lr_is_the_rate_the_last_step_used(optimizer_class):
    theta = Value(1.0)
    optimizer = optimizer_class([theta], lr=0.5, decay=0.1)
    assert optimizer.current_lr == 0.5 and optimizer.iterations == 0
    for k in range(1, 6):
        theta.grad = 1.0
        optimizer.step()
        assert optimizer.iterations == k
        assert optimizer.current_lr == pytest.approx(0.5 / (1 + 0.1 * (k - 1)), rel=1e-15)


def test_decayed_rate_matches_the_value_nnfs_prints_after_10000_steps():
    theta = Value(0.0)
    optimizer = Adam([theta], lr=0.02, decay=5e-7)
    for _ in range(10000):
        optimizer.step()
    assert optimizer.current_lr == 0.019900507413187767


def test_optimizer_zero_grad_clears_its_parameters():
    params = [Value(1.0), Value(2.0)]
    for p in params:
        p.grad = 3.0
    SGD(params).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


@pytest.mark.parametrize("lr", [-0.1, math.nan, math.inf])
@pytest.mark.parametrize("optimizer_class", [SGD, Momentum, Adagrad, RMSprop, Adam])
def test_negative_or_non_finite_learning_rate_is_rejected(optimizer_class, lr):
    with pytest.raises(ValueError, match=f"{optimizer_class.__name__}: lr must be"):
        optimizer_class([Value(1.0)], lr=lr)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SGD([]), "SGD: got an empty parameter list"),
        (lambda: Adam([1.0]), "Adam: params\\[0\\] must be a Value"),
        (lambda: SGD([Value(1.0)], decay=-1.0), "decay must be a finite number >= 0"),
        (lambda: RMSprop([Value(1.0)], rho=1.0), "rho must be in \\[0, 1\\)"),
        (lambda: Adam([Value(1.0)], beta2=-0.5), "beta2 must be in \\[0, 1\\)"),
    ],
)
def test_bad_settings_are_rejected(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_state_dict_is_json_and_resuming_from_it_continues_identically():
    def run(steps: int, theta: Value, optimizer: Adam) -> None:
        for _ in range(steps):
            theta.grad = theta.data**2 - 1.0
            optimizer.step()

    theta = Value(3.0)
    optimizer = Adam([theta], lr=0.1, decay=0.01)
    run(3, theta, optimizer)
    saved = json.loads(json.dumps(optimizer.state_dict()))
    assert saved["iterations"] == 3 and saved["optimizer"] == "Adam"
    resumed_theta = Value(theta.data)
    resumed = Adam([resumed_theta])
    resumed.load_state_dict(saved)
    run(4, theta, optimizer)
    run(4, resumed_theta, resumed)
    assert resumed_theta.data == theta.data
    assert resumed.state_dict() == optimizer.state_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update(optimizer="SGD"), "this state is for 'SGD'"),
        (lambda s: s["buffers"].update(cache=[0.0, 0.0]), "'cache' needs 1 numbers"),
        (lambda s: s["settings"].update(lr=-1.0), "lr must be a finite number >= 0"),
        (lambda s: s.pop("iterations"), "expected the keys"),
    ],
)
def test_bad_optimizer_state_is_rejected_and_changes_nothing(change, message):
    theta = Value(1.0)
    optimizer = Adam([theta], lr=0.1)
    theta.grad = 1.0
    optimizer.step()
    before = optimizer.state_dict()
    state = json.loads(json.dumps(before))
    change(state)
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(state)
    assert optimizer.state_dict() == before


# ---- parity with torch.optim (optional) ---------------------------------------------------------
# The configurations in which NNFS and torch.optim agree step for step (reference/semantics.md,
# section 1.3): float64, explicit eps and alpha, decay emulated by LambdaLR stepped after each
# update. A smooth (tanh) network keeps rounding differences from being amplified at ReLU kinks.
# Not matched, as the reference explains: SGD with both momentum and decay, torch defaults.

TORCH_CONFIGS = [
    # (our optimizer, its settings, torch.optim class, its settings, decay for LambdaLR)
    (SGD, dict(lr=0.5), "SGD", dict(lr=0.5), 0.0),
    (SGD, dict(lr=0.5, decay=0.01), "SGD", dict(lr=0.5), 0.01),
    (SGD, dict(lr=0.2, momentum=0.9), "SGD", dict(lr=0.2, momentum=0.9), 0.0),
    (Momentum, dict(lr=0.2), "SGD", dict(lr=0.2, momentum=0.9), 0.0),
    (Adagrad, dict(lr=0.5, decay=0.01), "Adagrad", dict(lr=0.5, lr_decay=0.01, eps=EPS), 0.0),
    (RMSprop, dict(lr=0.01, decay=0.01), "RMSprop", dict(lr=0.01, alpha=0.9, eps=EPS), 0.01),
    (Adam, dict(lr=0.02), "Adam", dict(lr=0.02, eps=EPS), 0.0),
    (Adam, dict(lr=0.02, decay=0.005), "Adam", dict(lr=0.02, eps=EPS), 0.005),
]
TORCH_IDS = [
    "SGD",
    "SGD-decay",
    "SGD-momentum",
    "Momentum",
    "Adagrad-decay",
    "RMSprop-decay",
    "Adam",
    "Adam-decay",
]


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: thread start-up costs more than it saves
    yield torch
    torch.set_num_threads(threads)


def max_difference_from_torch(torch, ours, settings, torch_name, torch_settings, decay):
    """Train one tanh network with our optimizer and a copy with torch's; the largest
    |theta_ours - theta_torch| over 40 full-batch steps."""
    X, y = spiral_data(10, 3, seed=1)
    model = MLP(2, [6, 3], activation="tanh", seed=2)
    optimizer = ours(model.parameters(), **settings)

    def as_tensors(layer: Layer) -> list:  # weights (out x in) and biases, as leaf tensors
        W = [[w.data for w in n.w] for n in layer.neurons]
        b = [n.b.data for n in layer.neurons]
        return [torch.tensor(t, dtype=torch.float64, requires_grad=True) for t in (W, b)]

    W1, b1, W2, b2 = as_tensors(model.layers[0]) + as_tensors(model.layers[1])
    reference = getattr(torch.optim, torch_name)([W1, b1, W2, b2], foreach=False, **torch_settings)
    schedule = torch.optim.lr_scheduler.LambdaLR(reference, lambda k: 1 / (1 + decay * k))
    X_t, y_t = torch.tensor(X, dtype=torch.float64), torch.tensor(y)

    worst = 0.0
    for _ in range(40):
        loss = cross_entropy([model(x) for x in X], y)
        model.zero_grad()
        loss.backward()
        optimizer.step()

        reference.zero_grad()
        logits = torch.tanh(X_t @ W1.T + b1) @ W2.T + b2
        torch.nn.functional.cross_entropy(logits, y_t).backward()
        reference.step()
        schedule.step()

        # Our parameters run neuron by neuron: its weights, then its bias.
        theirs = [
            value
            for W, b in ((W1, b1), (W2, b2))
            for row, bias in zip(W.tolist(), b.tolist())
            for value in (*row, bias)
        ]
        worst = max(worst, *(abs(p.data - q) for p, q in zip(model.parameters(), theirs)))
    return worst


@pytest.mark.parametrize("config", TORCH_CONFIGS, ids=TORCH_IDS)
def test_optimizer_matches_torch_optim_step_for_step(torch, config):
    assert max_difference_from_torch(torch, *config) <= 1e-10
