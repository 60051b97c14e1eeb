"""Arithmetic typed on the command line, turned into a graph of Values without `eval`.

The text is parsed with `ast` and walked against an allow-list: numbers, names, `+ - * / **`,
unary `-`, parentheses, and calls to the functions in FUNCTIONS. Anything else is rejected with
a message that points at the offending part:

    x.__class__ + 1
    ^^^^^^^^^^^
    attribute access is not allowed

Size is limited too: at most MAX_LENGTH characters and MAX_DEPTH operations nested inside one
another (`x*x*x` is 2 deep, `-(-(-x))` 3). The walk that builds the graph is recursive, and
Python's own parser runs out of stack (or memory) on a few thousand nested operations; the limits
turn that into one clear message long before.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .engine import Value

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "abs": Value.abs,
    "sqrt": Value.sqrt,
}

_OPERATORS: dict[type[ast.operator], Callable] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}

# What a rejected construct is called in the error message.
_DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "boolean operators",
    ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignment expressions",
    ast.Starred: "starred arguments",
}


MAX_LENGTH = 1000  # characters: far more than a command line needs
MAX_DEPTH = 100  # nested operations: a sum of 101 terms, or `exp` of `exp` ... 100 times


class ExpressionError(ValueError):
    """An expression that cannot be read; the message points at the offending part."""


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its syntax tree and the names it needs values for."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]  # in order of first appearance

    def evaluate(self, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        """Make a leaf Value labelled with each name, build the graph, return (root, leaves)."""
        missing = [name for name in self.names if name not in values]
        if missing:
            hint = " ".join(f"{name}=NUMBER" for name in missing)
            raise ExpressionError(f"no value for {', '.join(missing)}: add {hint}")
        unused = [name for name in values if name not in self.names]
        if unused:
            raise ExpressionError(
                f"{', '.join(unused)} given a value but not used in the expression {self.text!r}"
            )
        leaves = {name: Value(values[name], label=name) for name in self.names}
        return self.build(leaves), leaves

    def build(self, leaves: Mapping[str, Value]) -> Value:
        """The graph of this expression on the given leaves, one per name."""
        root = _build(self.tree, leaves)
        if not isinstance(root, Value):
            raise ExpressionError(f"{self.text!r} has no variables, so there is nothing to differentiate")
        if root._children and len(self.text) > LONGEST_LABEL:  # too long to name by its text
            root.label = "f"
        return root


def parse(text: str) -> Expression:
    """Parse and check `text`; raise ExpressionError pointing at anything not allowed."""
    if len(text.strip()) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text.strip()):,} characters long; the limit is "
                              f"{MAX_LENGTH:,} (build a larger graph in Python instead)")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        # Python reports offset 0 when the text ends too early; point past its end then.
        column = error.offset - 1 if error.offset else len(text.strip())
        reason = error.msg if error.msg != "invalid syntax" else "this is not valid arithmetic"
        raise ExpressionError(_pointing(text.strip(), column, column + 1, reason)) from None
    except (RecursionError, MemoryError):  # the parser's own stack, before our depth check
        raise ExpressionError(f"operations nest more than {MAX_DEPTH} deep, the limit "
                              "(build a deeper graph in Python instead)") from None
    _check_depth(tree)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names: list[str] = []
    for node in ast.walk(tree):
        _check(node, text.strip(), called)
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in names:
            names.append(node.id)
    # ast.walk is breadth-first; report names in reading order instead
    names.sort(key=lambda name: _first_column(tree, name))
    return Expression(text.strip(), tree, tuple(names))


def parse_assignments(pairs: list[str]) -> dict[str, float]:
    """`["x=2", "y=-0.5"]` -> {"x": 2.0, "y": -0.5}, with a clear error for each kind of mistake."""
    values: dict[str, float] = {}
    for pair in pairs:
        name, equals, number = pair.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier():
            raise ExpressionError(f"{pair!r} is not NAME=VALUE (for example x=2.5)")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"{name}: {number.strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"{name}: {number.strip()!r} is not a finite number")
        if name in values:
            raise ExpressionError(f"{name} is given a value twice")
        values[name] = value
    return values


# How a refused operator is written, so the message can say which one it was.
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.UAdd: "unary +", ast.Not: "not",
    ast.Invert: "~",
}


def _check(node: ast.AST, text: str, called: set[int]) -> None:
    allowed = (ast.BinOp, ast.Name, ast.Load, ast.Constant, ast.Call, ast.UnaryOp, ast.USub)
    allowed += tuple(_OPERATORS)
    if isinstance(node, ast.Constant):
        _check_number(node, text)
    # A callee that is refused in itself (a lambda, an attribute) gets its own message below.
    if isinstance(node, ast.Call) and isinstance(node.func, allowed):
        function = node.func.id if isinstance(node.func, ast.Name) else None
        if function not in FUNCTIONS:
            known = " ".join(FUNCTIONS)
            raise ExpressionError(_pointing_at(node.func, text, f"only these functions can be called: {known}"))
        if len(node.args) != 1 or node.keywords:
            raise ExpressionError(_pointing_at(node, text, f"{function} takes exactly one argument"))
    if isinstance(node, ast.Name) and node.id in FUNCTIONS and id(node) not in called:
        raise ExpressionError(_pointing_at(node, text, f"{node.id} is a function: call it, as in {node.id}(x)"))
    # An operator node has no position of its own, so a refused one is shown on its whole operation.
    operator = getattr(node, "op", None)
    if isinstance(node, (ast.BinOp, ast.UnaryOp)) and not isinstance(operator, allowed):
        symbol = _SYMBOLS.get(type(operator), type(operator).__name__)
        raise ExpressionError(_pointing_at(node, text, f"the operator {symbol} is not allowed (only + - * / ** and unary -)"))
    if not isinstance(node, allowed):
        what = _DESCRIPTIONS.get(type(node), type(node).__name__)
        raise ExpressionError(_pointing_at(node, text, f"{what} not allowed"))


def _check_depth(tree: ast.expr) -> None:
    """Refuse more than MAX_DEPTH nested operations, walking with a stack (never recursion)."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            # no caret: under a text this long it would be a screenful of ^
            raise ExpressionError(f"operations nest more than {MAX_DEPTH} deep, the limit "
                                  "(build a deeper graph in Python instead)")
        callee = node.func if isinstance(node, ast.Call) else None  # `exp` in exp(x) adds no depth
        stack += [(child, depth + 1) for child in ast.iter_child_nodes(node)
                  if isinstance(child, ast.expr) and child is not callee]


def _check_number(node: ast.Constant, text: str) -> None:
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        raise ExpressionError(_pointing_at(node, text, f"{node.value!r} is not a real number"))
    try:
        finite = math.isfinite(float(node.value))
    except OverflowError:  # an integer literal beyond the float range
        finite = False
    if not finite:
        raise ExpressionError(_pointing_at(node, text, "this number is beyond the float range"))


LONGEST_LABEL = 24  # a longer sub-expression's label is its text cut short with "…"

# `a - b` is built as a + (b * -1): the hidden step is named -b. (Division is an op of its own.)
_HIDDEN_STEPS: dict[type[ast.operator], Callable[[ast.expr], ast.expr]] = {
    ast.Sub: lambda b: ast.UnaryOp(ast.USub(), b),
}


def _build(node: ast.expr, leaves: Mapping[str, Value]) -> Value | float:
    """Evaluate the checked tree on the leaves; each result is labelled with its own text."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        result = -_build(node.operand, leaves)
    elif isinstance(node, ast.BinOp):
        left, right = _build(node.left, leaves), _build(node.right, leaves)
        if not isinstance(left, Value) and not isinstance(right, Value):
            # Two constants: still computed by the engine, for its checks and error messages
            # (1/0, (-8) ** (1/3), 10 ** 400), and the result stays a constant.
            return _OPERATORS[type(node.op)](Value(left), right).data
        result = _OPERATORS[type(node.op)](left, right)
        hidden = [c for c in result._children if type(c) is Value and c._children and not c.label]
        if hidden and type(node.op) in _HIDDEN_STEPS:
            hidden[0].label = _label(_HIDDEN_STEPS[type(node.op)](node.right))
    else:
        assert isinstance(node, ast.Call)  # parse() let nothing else through
        argument = _build(node.args[0], leaves)
        if not isinstance(argument, Value):  # a function of a constant stays a constant
            return FUNCTIONS[node.func.id](Value(argument)).data
        result = FUNCTIONS[node.func.id](argument)
    if isinstance(result, Value):
        result.label = _label(node)
    return result


def _label(node: ast.expr) -> str:
    """The node's text, as the drawing and explain name it: `x * w + b`, `1 + y * y * y * …`."""
    text = ast.unparse(node)
    return text if len(text) <= LONGEST_LABEL else text[: LONGEST_LABEL - 1].rstrip() + "…"


def _first_column(tree: ast.expr, name: str) -> int:
    return min(
        node.col_offset for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name
    )


def _pointing_at(node: ast.AST, text: str, message: str) -> str:
    start = getattr(node, "col_offset", 0)
    end = getattr(node, "end_col_offset", None) or start + 1
    return _pointing(text, start, end, message)


def _pointing(text: str, start: int, end: int, message: str) -> str:
    return f"{message}:\n  {text}\n  {' ' * start}{'^' * max(1, end - start)}"
