"""The `micrograd-plus` command line (also `python -m micrograd_plus`).

Each subcommand is one small function taking the parsed arguments. A user's mistake raises
`CommandError` (or one of the engine's ValueError family) and `main` turns it into one line on
stderr and exit status 2, with no traceback.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .expression import ExpressionError, parse, parse_assignments
from .gradcheck import gradcheck
from .tape import TapeError

EXIT_MISMATCH = 1  # gradcheck found a wrong derivative
EXIT_USER_ERROR = 2  # as argparse uses for bad arguments


class CommandError(Exception):
    """A mistake in what the user typed or asked for; shown as one line, no traceback."""


# ---- expressions: graph, explain, gradcheck --------------------------------------------------------


def _evaluate(args: argparse.Namespace):
    expression = parse(args.expression)
    root, leaves = expression.evaluate(parse_assignments(args.values))
    return expression, root, leaves


def cmd_graph(args: argparse.Namespace) -> int:
    from .viz import draw

    expression, root, leaves = _evaluate(args)
    if args.highlight is not None and args.highlight not in leaves:
        raise CommandError(f"--highlight {args.highlight}: not a name in the expression")
    if args.highlight is not None and args.out is None:
        raise CommandError("--highlight changes the drawing: add --out FILE to write it")
    if args.out is not None and Path(args.out).suffix.lower() not in (".svg", ".png", ".dot"):
        raise CommandError(f"--out {args.out}: the name must end in .svg, .png or .dot")
    root.backward()
    print(f"{expression.text} = {root.data:.6g}")
    for name, leaf in leaves.items():
        print(f"  d/d{name} = {leaf.grad:.6g}")
    if args.out is not None:
        # every name typed is an input; none is a trained parameter
        view = draw(root, highlight=leaves.get(args.highlight), parameters=())
        print(f"wrote {_writing(lambda: view.save(Path(args.out)), args.out)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .viz import explain

    _, root, _ = _evaluate(args)
    print(explain(root))
    return 0


def cmd_gradcheck(args: argparse.Namespace) -> int:
    expression, _, leaves = _evaluate(args)  # reports unknown names and domain errors first
    try:
        report = gradcheck(
            lambda *xs: expression.build(dict(zip(leaves, xs))),
            list(leaves.values()),  # labelled leaves, so the report's rows carry the names
            eps=args.eps,
            raise_exception=False,
        )
    except (ArithmeticError, ValueError) as error:  # only the nudged points can fail here
        raise CommandError(
            f"{error}: gradcheck evaluates each value nudged by ±eps = {args.eps:g}, which leaves "
            f"the function's domain here; pass a smaller --eps or move the point"
        ) from None
    print(report)
    return 0 if report.ok else EXIT_MISMATCH


def cmd_tape(args: argparse.Namespace) -> int:
    from .tape import trace
    from .tape.python_code import annotated

    expression, _, leaves = _evaluate(args)  # reports unknown names and domain errors first
    tape = trace(lambda *xs: expression.build(dict(zip(leaves, xs))), list(leaves.values()))
    print(f"the tape of {expression.text}: forward, then backward, one line per node\n")
    print(annotated(tape.recording, [leaf.data for leaf in leaves.values()]))
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    from .notes import cross_entropy_example, dense_layer, derivation, save_walkthrough

    layer = dense_layer()
    print(derivation(layer))
    print(f"\nThe notes' cross-entropy example: {cross_entropy_example()}\n")
    for path, what in _writing(lambda: save_walkthrough(Path(args.out), layer), args.out):
        print(f"wrote {path}: {what}")
    return 0


# ---- training: train, compare-optimizers ---------------------------------------------------------


def cmd_train(args: argparse.Namespace) -> int:
    from .experiments import layer_sizes, load_problem

    problem = load_problem(args.dataset, args.seed)
    hidden = args.hidden or problem.hidden
    epochs = args.epochs or problem.epochs
    out = Path(args.out)
    _writing(lambda: out.mkdir(parents=True, exist_ok=True), out)  # fail before training, not after
    if args.kfold is not None and not 2 <= args.kfold <= len(problem.X):
        raise CommandError(f"--kfold {args.kfold}: needs 2 to {len(problem.X)} folds for {len(problem.X)} samples")
    model = f"MLP({len(problem.X[0])}, {layer_sizes(problem, hidden)})"
    print(f"{problem.describe()}: {model}, {args.optimizer}, {epochs} epochs")
    try:
        run = _train_and_validate(problem, args, hidden, epochs)
    except FloatingPointError as error:  # fit's own report of a loss gone to nan or inf
        raise CommandError(str(error)) from None
    except ArithmeticError as error:  # an operation overflowed on the way there
        raise CommandError(f"{error} (training diverged? try a smaller --lr)") from None
    scores = run.scores(problem)
    if not all(math.isfinite(score) for score in scores.values() if score is not None):
        # the weights are finite but so large that the model's outputs overflow
        raise CommandError(f"the trained model's loss is {scores['loss']}: training diverged; try a smaller --lr")
    for part, prefix in (("training", ""), ("validation", "val_")):
        score = f", accuracy {scores[prefix + 'accuracy']:.1%}" if problem.classes else ""
        print(f"{part}: loss {scores[prefix + 'loss']:.4f}{score}")
    model_file, scaler_file = out / "model.json", out / "scaler.json"
    _writing(lambda: run.model.save(model_file), out)
    scaling = {"feature_range": run.scaler.feature_range, "data_min": run.scaler.data_min_, "data_max": run.scaler.data_max_}
    _writing(lambda: scaler_file.write_text(json.dumps(scaling, indent=1) + "\n"), out)
    print(f"wrote {model_file}: the trained weights as JSON, for inputs scaled as {scaler_file} says")
    _plot_run(problem, run, out)
    return 0


def _train_and_validate(problem, args: argparse.Namespace, hidden, epochs: int):
    """Cross-validate first when --kfold asks, then train on the training part; return the run."""
    from .data import cross_validate
    from .experiments import build_model, make_optimizer, train_model

    if args.kfold:
        folds = cross_validate(
            lambda: build_model(problem, hidden, args.seed, args.l1, args.l2),
            problem.X,
            problem.y,
            make_optimizer=lambda params: make_optimizer(args.optimizer, params, args.lr, args.decay),
            epochs=epochs,
            loss=problem.loss,
            n_splits=args.kfold,
            seed=args.seed,
            metric=problem.metric,
        )
        print(f"{args.kfold}-fold cross-validation (scaler fitted on each fold's training part):")
        for k, loss in enumerate(folds["loss"]):
            score = f", accuracy {folds['accuracy'][k]:.1%}" if problem.classes else ""
            print(f"  fold {k + 1}: validation loss {loss:.4f}{score}")
        mean_score = f", accuracy {folds['mean_accuracy']:.1%}" if problem.classes else ""
        print(f"  mean: validation loss {folds['mean_loss']:.4f}{mean_score}")
    return train_model(
        problem,
        args.optimizer,
        hidden=hidden,
        epochs=epochs,
        lr=args.lr,
        decay=args.decay,
        l1=args.l1,
        l2=args.l2,
        seed=args.seed,
        compile=args.compile,
    )


def _plot_run(problem, run, out: Path) -> None:
    try:
        from .plots import plot_decision_boundary, plot_fitted_curve, plot_history
    except ModuleNotFoundError as error:
        print(f"no plots: {error}")
        return
    try:
        curve = _writing(lambda: plot_history({problem.name: run.history}, out / "loss_curve.png"), out)
        shown = "loss and accuracy" if problem.classes else "loss"
        print(f"wrote {curve}: {shown} per epoch (validation dashed)")
        title = f"{problem.name}, training data scaled to [-1, 1]"
        if problem.classes:
            picture = plot_decision_boundary(run.model, run.X_train, run.y_train, out / "decision_boundary.png", title=title)
            print(f"wrote {picture}: the class the model predicts everywhere")
        else:
            picture = plot_fitted_curve(run.model, run.X_train, run.y_train, out / "fitted_curve.png", title=title)
            print(f"wrote {picture}: the model's curve over the data")
    except ModuleNotFoundError as error:  # matplotlib itself is imported on first use
        print(f"no plots: {error}")


def cmd_compare_optimizers(args: argparse.Namespace) -> int:
    from .experiments import compare_optimizers, load_problem

    problem = load_problem(args.dataset, args.seed)
    out = Path(args.out)
    _writing(lambda: out.mkdir(parents=True, exist_ok=True), out)
    histories, table = compare_optimizers(problem, hidden=args.hidden, epochs=args.epochs, seed=args.seed)
    print(f"five optimizers on {problem.describe()}, the same weights, split and epochs:\n\n{table}\n")
    table_file = out / "optimizers.md"
    _writing(lambda: table_file.write_text(table + "\n"), out)
    print(f"wrote {table_file}")
    try:
        from .plots import plot_history

        print(f"wrote {_writing(lambda: plot_history(histories, out / 'loss_curves.png'), out)}")
    except ModuleNotFoundError as error:
        print(f"no plot: {error}")
    return 0


def _hidden_sizes(text: str) -> tuple[int, ...]:
    """`--hidden 16,16` -> (16, 16)"""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of layer sizes such as 16,16") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: every layer needs at least one neuron")
    return sizes


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _positive_float(text: str) -> float:
    value = _non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be > 0")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _writing(action: Callable, where: str | Path):
    """Run a step that renders and writes files; a missing renderer or an unwritable path
    becomes a one-line error."""
    from .viz import RenderError, RendererNotFound

    try:
        return action()
    except (RendererNotFound, RenderError) as error:
        raise CommandError(str(error)) from None  # it says what went wrong and how to fix it
    except OSError as error:
        raise CommandError(f"cannot write {error.filename or where}: {error.strerror or error}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micrograd-plus",
        description="A scalar autodiff engine for learning and testing backpropagation.",
        epilog="Run `micrograd-plus COMMAND --help` for each command's options and an example.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Callable, summary: str, example: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"example:\n  {example}\n",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        return sub

    def expression_arguments(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "expression",
            help="arithmetic: + - * / **, unary -, exp log tanh sigmoid relu abs sqrt"
            " (one that starts with - goes after --, as in: -- '-x*2' x=1)",
        )
        sub.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value for each name in the expression")

    notes = command(
        "notes",
        cmd_notes,
        "the notes' dense layer, softmax and cross-entropy: the derivation with numbers, and pictures",
        "micrograd-plus notes --out out/notes",
    )
    notes.add_argument("--out", default="out/notes", help="folder for the pictures (default: out/notes)")

    graph = command(
        "graph",
        cmd_graph,
        "evaluate an expression, run backward, print every gradient and draw the graph",
        "micrograd-plus graph 'tanh(x*w + b)' x=2 w=-0.5 b=0.1 --out neuron.svg --highlight w",
    )
    expression_arguments(graph)
    graph.add_argument("--out", help="write the drawing: .svg, .png or .dot, chosen by the suffix")
    graph.add_argument("--highlight", metavar="NAME", help="draw every path from the result to NAME in bold")

    explain = command(
        "explain",
        cmd_explain,
        "the backward pass of an expression, step by step, in words",
        "micrograd-plus explain 'x*y + tanh(x)' x=0.5 y=-2",
    )
    expression_arguments(explain)

    check = command(
        "gradcheck",
        cmd_gradcheck,
        "compare backward() with finite differences; exit status 1 on a mismatch",
        "micrograd-plus gradcheck 'sigmoid(x) * log(y)' x=0.3 y=2",
    )
    expression_arguments(check)
    check.add_argument("--eps", type=_positive_float, default=1e-6, help="the finite-difference step (default 1e-6)")

    tape = command(
        "tape",
        cmd_tape,
        "backpropagation as code: the traced forward and backward lines of an expression, with their numbers",
        "micrograd-plus tape 'tanh(x*w + b)' x=2 w=-0.5 b=0.1",
    )
    expression_arguments(tape)

    from .experiments import DATASETS, OPTIMIZERS  # the choices the training commands offer

    def training_arguments(sub: argparse.ArgumentParser, out: str) -> None:
        sub.add_argument("--dataset", choices=list(DATASETS), default="moons", help="default: moons")
        sub.add_argument("--epochs", type=_positive_int, help="default: chosen per dataset")
        sub.add_argument("--hidden", type=_hidden_sizes, metavar="SIZES", help="hidden layer sizes, e.g. 16,16")
        sub.add_argument("--seed", type=int, default=0, help="seeds the data, weights and split (default 0)")
        sub.add_argument("--out", default=out, help=f"folder for the results (default: {out})")

    train = command(
        "train",
        cmd_train,
        "train an MLP with a progress bar; write the loss curve, a decision-boundary plot and the model",
        "micrograd-plus train --dataset spiral --optimizer adam --epochs 100 --l2 5e-4 --kfold 3",
    )
    training_arguments(train, "out/train")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam", help="default: adam")
    train.add_argument("--lr", type=_non_negative_float, help="learning rate (default: the NNFS setting for the optimizer)")
    train.add_argument("--decay", type=_non_negative_float, help="learning-rate decay: lr / (1 + decay * step)")
    train.add_argument("--l1", type=_non_negative_float, default=0.0, help="L1 penalty on every layer's weights")
    train.add_argument("--l2", type=_non_negative_float, default=0.0, help="L2 penalty on every layer's weights")
    train.add_argument("--kfold", type=_positive_int, metavar="K", help="first report K-fold cross-validation")
    train.add_argument("--compile", nargs="?", const="python", default=False, choices=["python", "numpy"],
                       help="trace one sample's loss once and replay it (same result, faster); numpy: whole batches")

    compare = command(
        "compare-optimizers",
        cmd_compare_optimizers,
        "the five optimizers on the same problem: one table and one plot of the loss curves",
        "micrograd-plus compare-optimizers --dataset spiral --epochs 100",
    )
    training_arguments(compare, "out/compare")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except (CommandError, ExpressionError, ArithmeticError, ValueError, TypeError, TapeError) as error:
        print(f"micrograd-plus {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
