"""The `micrograd-plus` command line (also `python -m micrograd_plus`).

Each subcommand is one small function taking the parsed arguments. A user's mistake raises
`CommandError` (or one of the engine's ValueError family) and `main` turns it into one line on
stderr and exit status 2, with no traceback. Anything else that escapes a command (a bug of ours)
is reported the same way, also with exit status 2: status 1 means only "gradcheck found a mismatch",
and status 3 only "gradcheck could not tell" (a derivative its finite differences cannot resolve).
"""
from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .expression import ExpressionError, parse, parse_assignments
from .files import write_atomic
from .gradcheck import gradcheck
from .tape import TapeError

if TYPE_CHECKING:
    from .notes import Section

EXIT_MISMATCH = 1  # gradcheck found a wrong derivative
EXIT_UNRESOLVED = 3  # gradcheck could not tell: a test script must not read this as right or wrong
EXIT_USER_ERROR = 2  # as argparse uses for bad arguments
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell reports `... | head` closing the pipe early


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
    if args.out is not None and Path(args.out).suffix.lower() not in (".svg", ".png", ".dot", ".html"):
        raise CommandError(f"--out {args.out}: the name must end in .html, .svg, .png or .dot")
    root.backward()
    print(f"{expression.text} = {root.data:.6g}")
    for name, leaf in leaves.items():
        print(f"  d/d{name} = {leaf.grad:.6g}")
    if args.out is not None:
        # every name typed is an input; none is a trained parameter
        view = draw(root, highlight=leaves.get(args.highlight), parameters=())
        out = Path(args.out)
        _writing(lambda: out.parent.mkdir(parents=True, exist_ok=True), out)  # as train and notes do
        if out.suffix.lower() == ".html":
            page = view.page(title=f"{expression.text}, live")
            print(f"wrote {_writing(lambda: page.save(out), out)}")
            print("  open it in a browser: change the inputs, step with the arrow keys, click a node")
        else:
            print(f"wrote {_writing(lambda: view.save(out), out)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from .viz import explain

    _, root, _ = _evaluate(args)
    print(explain(root))
    return 0


def cmd_gradcheck(args: argparse.Namespace) -> int:
    expression, root, leaves = _evaluate(args)  # reports unknown names and domain errors first
    root.backward()  # a derivative that fails at the point itself is the engine's to report
    try:
        report = gradcheck(
            lambda *xs: expression.build(dict(zip(leaves, xs))),
            list(leaves.values()),  # labelled leaves, so the report's rows carry the names
            eps=args.eps,
            raise_exception=False,
        )
    except (ArithmeticError, ValueError) as error:  # the point works, so a nudged one failed
        step = "the steps it tries" if args.eps is None else f"±eps = {args.eps:g}"
        raise CommandError(
            f"{str(error).rstrip('.')}. That is at a nudged point: gradcheck evaluates each value"
            f" nudged by {step}, which leaves the function's domain here; pass a smaller --eps"
            " or move the point"
        ) from None
    print(report)
    if report.failures:
        return EXIT_MISMATCH
    return EXIT_UNRESOLVED if report.unresolved else 0


def cmd_tape(args: argparse.Namespace) -> int:
    from .tape import trace
    from .tape.python_code import annotated

    expression, _, leaves = _evaluate(args)  # reports unknown names and domain errors first
    tape = trace(lambda *xs: expression.build(dict(zip(leaves, xs))), list(leaves.values()))
    print(f"the tape of {expression.text}: forward, then backward, one line per node\n")
    print(annotated(tape.recording, [leaf.data for leaf in leaves.values()]))
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    from .notes import SECTIONS, dense_layer, derivation, save_walkthrough, section

    if args.section or args.all:
        for name in SECTIONS if args.all else [args.section]:
            _print_section(section(name), Path(args.out))
        return 0
    layer = dense_layer()
    print(derivation(layer))
    print("\nEvery other section of the notes is finished too: micrograd-plus notes --section NAME"
          f" (or --all), with NAME one of\n  {', '.join(SECTIONS)}\n")
    for path, what in _writing(lambda: save_walkthrough(Path(args.out), layer), args.out):
        print(f"wrote {path}: {what}")
    return 0


def _print_section(part: Section, out: Path) -> None:
    """One finished section of the notes, then its pictures written into `out`."""
    print(part.text, end="\n\n")
    try:
        written = _writing(lambda: part.save_figures(out), out)
    except ModuleNotFoundError as error:  # matplotlib, for the plots
        print(f"no pictures: {error}\n")
        return
    for path, what in written:
        print(f"wrote {path}: {what}")
    if written:
        print()


# ---- training: train, compare-optimizers ---------------------------------------------------------


def cmd_train(args: argparse.Namespace) -> int:
    from .experiments import layer_sizes, load_problem

    problem = load_problem(args.dataset, args.seed, args.target)
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
    except FloatingPointError as error:  # fit's TrainingDiverged: epoch, loss and learning rate
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
    _writing(lambda: write_atomic(scaler_file, json.dumps(scaling, indent=1) + "\n"), out)
    print(f"wrote {model_file}: the trained weights as JSON, for inputs scaled as {scaler_file} says")
    _plot_run(problem, run, out)
    return 0


def _train_and_validate(problem, args: argparse.Namespace, hidden, epochs: int):
    """Cross-validate first when --kfold asks, then train on the training part; return the run."""
    from .experiments import build_model, make_optimizer, train_model
    from .train import cross_validate

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
            batch_size=problem.batch_size,
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
        from .plots import plot_confusion_matrix, plot_decision_boundary, plot_fitted_curve, plot_history
    except ModuleNotFoundError as error:
        print(f"no plots: {error}")
        return
    try:
        curve = _writing(lambda: plot_history({problem.name: run.history}, out / "loss_curve.png"), out)
        shown = "loss and accuracy" if problem.classes else "loss"
        print(f"wrote {curve}: {shown} per epoch (validation dashed)")
        title = f"{problem.name}, training data scaled to [-1, 1]"
        if problem.classes and len(problem.X[0]) != 2:  # no plane to draw: which class went where
            names = problem.class_names or [str(c) for c in range(problem.classes)]
            picture = plot_confusion_matrix(run.y_val, _predicted_classes(run), names,
                                            out / "confusion_matrix.png", title=f"{problem.name}, validation data")
            print(f"wrote {picture}: which class the model predicted for each validation sample")
        elif problem.classes:
            picture = plot_decision_boundary(run.model, run.X_train, run.y_train, out / "decision_boundary.png", title=title)
            print(f"wrote {picture}: the class the model predicts everywhere")
        else:
            picture = plot_fitted_curve(run.model, run.X_train, run.y_train, out / "fitted_curve.png", title=title)
            print(f"wrote {picture}: the model's curve over the data")
    except ModuleNotFoundError as error:  # matplotlib itself is imported on first use
        print(f"no plots: {error}")


def _predicted_classes(run) -> list[int]:
    from .train import predict

    return [max(range(len(scores)), key=scores.__getitem__) for scores in predict(run.model, run.X_val)]


def cmd_compare_optimizers(args: argparse.Namespace) -> int:
    from .experiments import compare_optimizers, load_problem

    problem = load_problem(args.dataset, args.seed, args.target)
    out = Path(args.out)
    _writing(lambda: out.mkdir(parents=True, exist_ok=True), out)
    histories, table = compare_optimizers(problem, hidden=args.hidden, epochs=args.epochs, seed=args.seed)
    print(f"five optimizers on {problem.describe()}, the same weights, split and epochs:\n\n{table}\n")
    table_file = out / "optimizers.md"
    _writing(lambda: write_atomic(table_file, table + "\n"), out)
    print(f"wrote {table_file}")
    try:
        from .plots import plot_history

        print(f"wrote {_writing(lambda: plot_history(histories, out / 'loss_curves.png'), out)}")
    except ModuleNotFoundError as error:
        print(f"no plot: {error}")
    return 0


def _dataset(text: str) -> str:
    """A built-in data set's name, or the path of a CSV file (read later, with its own errors)."""
    from .experiments import DATASETS

    if text in DATASETS or text.lower().endswith(".csv"):
        return text
    raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(DATASETS)}, or a file ending in .csv)")


def _hidden_sizes(text: str) -> tuple[int, ...]:
    """`--hidden 16,16` -> (16, 16)"""
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of layer sizes such as 16,16") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: every layer needs at least one neuron")
    return sizes


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _non_negative_float(text: str) -> float:
    value = _number(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _positive_float(text: str) -> float:
    value = _number(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number > 0")
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


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser. Its usage errors name the likely slip: an expression that starts
    with `-` (argparse reads it as an option) or a misspelt option."""

    def __init__(self, *args, **kwargs) -> None:
        self.option_names: list[str] = []  # before super().__init__, which adds --help
        self.takes_expression = False
        super().__init__(*args, **kwargs)

    def add_argument(self, *names, **kwargs):
        self.option_names += [name for name in names if name.startswith("-")]
        self.takes_expression |= "expression" in names
        return super().add_argument(*names, **kwargs)

    def unrecognized(self, extras: list[str]) -> None:
        """Exit 2 with this command's usage and what to do about `extras`."""
        hints, read_as_options = [], []
        for extra in (e for e in extras if e.startswith("-")):
            close = difflib.get_close_matches(extra.split("=")[0], self.option_names, n=1)
            if extra.startswith("--") and close:
                hints.append(f"{extra}: did you mean {close[0]}?")
            else:
                read_as_options.append(extra)
        if read_as_options and self.takes_expression:
            hints.append(self.dash_hint())
        self.error(f"unrecognized arguments: {' '.join(extras)}" + "".join(f"\n  {h}" for h in hints))

    def error(self, message: str):
        if self.takes_expression and message.startswith("the following arguments are required"):
            message += f"\n  {self.dash_hint()}"  # an expression starting with - was read as an option
        super().error(message)

    def dash_hint(self) -> str:
        return f"an expression that starts with - goes after --, as in: {self.prog} -- '-x*2' x=1"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micrograd-plus",
        description="A scalar autodiff engine for learning and testing backpropagation.",
        epilog="Run `micrograd-plus COMMAND --help` for each command's options and an example.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)

    def command(name: str, handler: Callable, summary: str, example: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=f"example:\n  {example}\n",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler, command_parser=sub)
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
        "the study notes this project grew from, finished: each section worked through with"
        " numbers the engine computes and checks, and pictures",
        "micrograd-plus notes --section softmax --out out/notes",
    )
    notes.description = (
        "The notes are the study notes this project grew from: a learner's notes on activation\n"
        "functions, losses, backprop, optimizers and data practices. Their dense-layer derivation\n"
        "stops where softmax and cross-entropy begin; with no option this command finishes it\n"
        "(every derivative with its numbers, checked by backward()) and draws the graph. Each\n"
        "other section is finished the same way: --section NAME prints one, --all every one,\n"
        "and their pictures go to --out. docs/notes.md is the same text, generated."
    )
    from .notes import SECTIONS

    chosen = notes.add_mutually_exclusive_group()
    chosen.add_argument("--section", choices=list(SECTIONS), metavar="NAME",
                        help=f"one section: {', '.join(SECTIONS)}")
    chosen.add_argument("--all", action="store_true", help="every section, in the notes' order")
    notes.add_argument("--out", default="out/notes", help="folder for the pictures (default: out/notes)")

    graph = command(
        "graph",
        cmd_graph,
        "evaluate an expression, run backward, print every gradient and draw the graph",
        "micrograd-plus graph 'tanh(x*w + b)' x=2 w=-0.5 b=0.1 --out neuron.html",
    )
    expression_arguments(graph)
    graph.add_argument("--out", help="write the drawing: .html (a live page), .svg, .png or .dot, chosen by the suffix")
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
        "compare backward() with finite differences; exit status 1 on a mismatch, 3 when a"
        " derivative cannot be checked",
        "micrograd-plus gradcheck 'sigmoid(x) * log(y)' x=0.3 y=2",
    )
    expression_arguments(check)
    check.add_argument(
        "--eps", type=_positive_float, help="a fixed finite-difference step (default: search the steps)"
    )

    tape = command(
        "tape",
        cmd_tape,
        "backpropagation as code: the traced forward and backward lines of an expression, with their numbers",
        "micrograd-plus tape 'tanh(x*w + b)' x=2 w=-0.5 b=0.1",
    )
    expression_arguments(tape)

    from .experiments import DATASETS, OPTIMIZERS  # the choices the training commands offer

    def training_arguments(sub: argparse.ArgumentParser, out: str) -> None:
        sub.add_argument("--dataset", type=_dataset, default="moons", metavar="NAME|PATH.csv",
                         help=f"{', '.join(DATASETS)}, or a CSV file with a header row (default: moons)")
        sub.add_argument("--target", metavar="COLUMN", help="for a CSV file: the column of class labels (default: the last)")
        sub.add_argument("--epochs", type=_positive_int, help="default: chosen per dataset")
        sub.add_argument("--hidden", type=_hidden_sizes, metavar="SIZES", help="hidden layer sizes, e.g. 16,16")
        sub.add_argument("--seed", type=int, default=0, help="seeds the data, weights and split (default 0)")
        sub.add_argument("--out", default=out, help=f"folder for the results (default: {out})")

    train = command(
        "train",
        cmd_train,
        "train an MLP with a progress bar; write the loss curve, a decision-boundary plot and the model",
        "micrograd-plus train --dataset moons --optimizer adam --l2 5e-4 --kfold 3",
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
    args, extras = parser.parse_known_args(argv)
    if extras:  # shown under the subcommand's usage, not the top level's
        if args.command is None:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        args.command_parser.unrecognized(extras)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except BrokenPipeError:  # the reader (`| head`) has all it wants: stop quietly
        # Python flushes stdout again at exit and would fail again: point it at nowhere first
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except (CommandError, ExpressionError, ArithmeticError, ValueError, TypeError, TapeError) as error:
        print(f"micrograd-plus {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as error:  # noqa: BLE001 - the last resort: never a traceback, never exit 1
        print(f"micrograd-plus {args.command}: error: {type(error).__name__}: {error} "
              "(unexpected: please report it)", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, with the shell's status for SIGINT
        print(f"micrograd-plus {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
