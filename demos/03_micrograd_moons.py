"""Demo 3: karpathy/micrograd's demo, unchanged but for the imports.

The model, the loss and the training loop below are micrograd's demo.ipynb line for line: an
MLP(2, [16, 16, 1]) learns to separate two moons with an SVM max-margin loss plus an L2 penalty,
by 100 steps of gradient descent with a decaying rate. Only the imports changed, and the moons
come from micrograd_plus.data instead of scikit-learn (so no numpy is needed).

Run: python demos/03_micrograd_moons.py
"""

import pathlib
import random

from micrograd_plus.data import make_moons
from micrograd_plus.engine import Value
from micrograd_plus.nn import MLP


def main(out: pathlib.Path = pathlib.Path("out/03_micrograd_moons"), quick: bool = False) -> None:
    steps = 30 if quick else 100
    out.mkdir(parents=True, exist_ok=True)
    random.seed(1337)  # micrograd's seed: MLP below draws micrograd's own initial weights

    X, y = make_moons(n_samples=100, noise=0.1)
    y = [yi * 2 - 1 for yi in y]  # make y be -1 or 1

    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    print(model)
    print("number of parameters", len(model.parameters()))

    # loss function
    def loss(batch_size=None):
        Xb, yb = X, y  # micrograd's demo can also sample a batch; it trains on all 100 points
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    # optimization
    for k in range(steps):
        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        if k % 10 == 0 or k == steps - 1:
            print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")

    # ---- beyond micrograd: a final score, the saved model and a picture -------------------------
    final_loss, final_accuracy = loss()
    print(f"after {steps} steps: loss {final_loss.data:.4f}, accuracy {final_accuracy:.0%}")
    model.save(out / "model.json")
    print(f"wrote {out / 'model.json'} (the weights as JSON; model.load(path) reads them back)")
    try:
        from micrograd_plus.plots import plot_decision_boundary

        picture = plot_decision_boundary(
            model,
            X,
            y,
            out / "decision_boundary.png",
            title=f"micrograd's demo after {steps} steps",
        )
        print(f"wrote {picture}: open it to see the boundary the network learned")
    except ModuleNotFoundError as error:
        print(f"no picture: {error}")


if __name__ == "__main__":
    main()
