"""Demo 11: real data. Fisher's iris and 1,797 handwritten digits, shipped with micrograd_plus.

1. Iris: 5-fold cross-validation. Each fold fits its own MinMaxScaler on its training part only,
   trains a fresh MLP(4, [8, 3]) and scores the fold it never saw.
2. Digits: hold out 20% as a test set, train on the rest, and look at what went wrong: a
   confusion matrix (which digit was read as which) and the test digits it misread, as pictures.
3. The way on: the trained digits model becomes a torch.nn.Sequential with the same outputs
   (when torch is installed; pip install 'micrograd_plus[torch]').

Run: python demos/11_real_data.py        (a few seconds: the digits train from tapes, compile=True)
"""

import pathlib
import time

from micrograd_plus.data import MinMaxScaler, load_digits, load_iris, train_val_split
from micrograd_plus.files import write_atomic
from micrograd_plus.nn import MLP, Adam, cross_validate, evaluate, fit, predict


def main(out: pathlib.Path = pathlib.Path("out/11_real_data"), quick: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    report = ["# Real data", ""]

    # ---- 1. iris: 5-fold cross-validation -------------------------------------------------------
    iris = load_iris()
    epochs = 30  # under two seconds for all five folds, so quick mode keeps it
    print(f"iris: {len(iris.X)} flowers, {len(iris.feature_names)} measurements, classes {iris.class_names}")
    start = time.perf_counter()
    folds = cross_validate(
        lambda: MLP(4, [8, 3], seed=0),
        iris.X,
        iris.y,
        make_optimizer=lambda params: Adam(params, lr=0.02),
        epochs=epochs,
        batch_size=16,
        n_splits=5,
        seed=0,  # shuffles the flowers (sorted by species) before cutting the folds
    )
    seconds = time.perf_counter() - start
    per_fold = ", ".join(f"{a:.1%}" for a in folds["accuracy"])
    line = f"iris 5-fold cross-validation: mean validation accuracy {folds['mean_accuracy']:.1%} ({per_fold})"
    print(f"{line}; {seconds:.1f} s\n")
    report += [f"- {line}", f"- MLP(4, [8, 3]), Adam lr 0.02, batches of 16, {epochs} epochs per fold", ""]

    # ---- 2. digits: train on 80%, test on the held-out 20% --------------------------------------
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_val_split(digits.X, digits.y, val_fraction=0.2, seed=0)
    if quick:  # a fifth of the training images and one epoch: checks the pipeline, not the score
        X_train, y_train = X_train[:300], y_train[:300]
    epochs = 1 if quick else 6
    scaler = MinMaxScaler().fit(X_train)  # fitted on the training images only
    X_train_scaled, X_test_scaled = scaler.transform(X_train), scaler.transform(X_test)
    # One layer of 10 neurons, one per digit (softmax regression): 650 parameters. Each pixel
    # times each weight is a node of the graph, so a hidden layer of 32 would make every step's
    # graph, and the time, four times larger; this one reaches 96% in seconds.
    model = MLP(64, [10], weight_l2=1e-4, seed=0)
    print(f"digits: {len(X_train)} images to train on, {len(X_test)} held out; MLP(64, [10])")
    start, cpu_start = time.perf_counter(), time.process_time()
    fit(
        model,
        X_train_scaled,
        y_train,
        optimizer=Adam(model.parameters(), lr=0.02, decay=1e-3),
        epochs=epochs,
        batch_size=16,
        seed=0,
        compile=True,  # one tape per digit, replayed for every image (demo 10): the same weights, faster
    )
    # Both clocks: on a shared machine the wall clock also counts the other programs' turns.
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    _, test_accuracy = evaluate(model, X_test_scaled, y_test)
    line = f"digits held-out test accuracy {test_accuracy:.1%} ({len(X_test)} images)"
    timing = f"trained in {seconds:.1f} s ({cpu_seconds:.1f} s of CPU)"
    print(f"{line}; {timing}\n")
    report += [
        f"- {line}",
        f"- MLP(64, [10]), weight_l2 1e-4, Adam lr 0.02 decay 1e-3, batches of 16, {epochs} epochs: {timing}",
    ]

    scores = predict(model, X_test_scaled)  # ten floats per image, under no_grad
    predicted = [max(range(10), key=row.__getitem__) for row in scores]
    mistakes = [(image, true, guess) for image, true, guess in zip(X_test, y_test, predicted) if true != guess]
    report.append(f"- misread: {len(mistakes)} of {len(X_test)} test digits")
    try:
        from micrograd_plus.plots import plot_confusion_matrix, plot_image_grid

        path = plot_confusion_matrix(y_test, predicted, digits.class_names, out / "confusion_matrix.png",
                                     title="Digits, held-out test set")
        print(f"wrote {path}: row = the true digit, column = what the model read")
        shown = mistakes[:40]
        more = f" (the first {len(shown)})" if len(shown) < len(mistakes) else ""
        path = plot_image_grid(
            [image for image, _, _ in shown],
            [f"{true} read as {guess}" for _, true, guess in shown],
            out / "misread_digits.png",
            columns=8,
            title=f"The {len(mistakes)} test digits it misread{more}",
        )
        print(f"wrote {path}: the digits themselves, 8 x 8 pixels each")
    except ModuleNotFoundError as error:
        print(f"no pictures: {error}")

    # ---- 3. the same model in PyTorch -------------------------------------------------------------
    try:
        import torch
    except ImportError:
        print("\nno PyTorch step: pip install 'micrograd_plus[torch]' to export the model")
    else:
        seq = model.to_torch()
        theirs = seq(torch.tensor(X_test_scaled, dtype=torch.float64)).tolist()
        gap = max(abs(a - b) for ours, torch_row in zip(scores, theirs) for a, b in zip(ours, torch_row))
        line = f"to_torch: {seq[0]}; largest output difference on the test set {gap:.1e}"
        print(f"\n{line}")
        report.append(f"- {line}")

    write_atomic(out / "report.md", "\n".join(report) + "\n")
    print(f"wrote {out / 'report.md'}")


if __name__ == "__main__":
    main()
