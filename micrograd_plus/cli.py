"""The `micrograd-plus` command line (also `python -m micrograd_plus`).

Each subcommand is one small function taking the parsed arguments. A user's mistake raises
`CommandError` (or one of the engine's ValueError family) and `main` turns it into one line on
stderr and exit status 2, with no traceback.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .expression import ExpressionError, parse, parse_assignments
from .gradcheck import gradcheck

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
    report = gradcheck(
        lambda *xs: expression.build(dict(zip(leaves, xs))),
        list(leaves.values()),  # labelled leaves, so the report's rows carry the names
        raise_exception=False,
    )
    print(report)
    return 0 if report.ok else EXIT_MISMATCH


def cmd_notes(args: argparse.Namespace) -> int:
    from .notes import cross_entropy_example, dense_layer, derivation, save_walkthrough

    layer = dense_layer()
    print(derivation(layer))
    print(f"\nThe notes' cross-entropy example: {cross_entropy_example()}\n")
    for path, what in _writing(lambda: save_walkthrough(Path(args.out), layer), args.out):
        print(f"wrote {path}: {what}")
    return 0


def _writing(action: Callable, where: str | Path):
    """Run a step that renders and writes files; a missing renderer or an unwritable path
    becomes a one-line error."""
    from .viz import RendererNotFound

    try:
        return action()
    except RendererNotFound as error:
        raise CommandError(str(error)) from None  # its second line says how to get one
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
        sub.add_argument("expression", help="arithmetic: + - * / **, unary -, exp log tanh sigmoid relu abs sqrt")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except (CommandError, ExpressionError, ArithmeticError, ValueError, TypeError) as error:
        print(f"micrograd-plus {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
