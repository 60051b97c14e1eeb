"""The scalar autodiff engine: `Value`, the table of derivative rules, backward and `grad`.

Every arithmetic operation on a `Value` makes one new node that remembers its result (`data`),
its operands (`_children`, an ordered tuple) and the name of its operation (`_op`). That is the
whole graph.
A plain number used as an operand (the `2` in `x * 2`) is kept among the children as a number:
it is part of the formula, so it is shown and used by the rules, but no gradient flows to it.

Derivatives live in one table, `RULES`: for each operation, one function per operand giving
the local derivative d(out)/d(operand) from the result and the operands. The rules are written
with ordinary arithmetic, so the same rule runs on floats (in `backward`), on `Value`s (in
`grad(..., create_graph=True)`, which makes the gradient itself a graph) and in the visualizer.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from numbers import Real
from typing import Union

Number = Union[int, float]
Operand = Union["Value", float]  # a child is a Value, or a plain-number constant

_recording = True  # switched off by `no_grad()`
_new_node = object.__new__  # makes a Value without running __init__'s input checks


class Value:
    """A scalar that records how it was computed, so that gradients can flow back through it.

    Gradients: `backward()` recomputes the grad of every non-leaf node on each call, but a leaf
    (a Value made by the user) *accumulates*, as in PyTorch. Call `zero_grad()` on a model, or
    set `leaf.grad = 0.0`, between steps.
    """

    # No per-node dict, closure or parent pointer, and no reference cycles, so reference counting
    # frees a graph the moment the last reference goes. The operands sit in two slots, `_a` and
    # `_b` (None when absent), and `_children` builds the tuple on demand: a stored tuple would be
    # a second object per node for the cyclic garbage collector to track and traverse, which
    # measured as the largest single cost of building a graph (benchmarks/run.py).
    __slots__ = ("data", "grad", "_a", "_b", "_op", "label", "__weakref__")

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is not float:  # the ABC check below is slow, and floats need none
            if not isinstance(data, Real):
                raise TypeError(f"Value: data must be a real number, got {data!r} ({type(data).__name__})")
            data = float(data)
        self.data = data
        self.grad = 0.0
        self._a: Operand | None = None
        self._b: Operand | None = None
        self._op = ""
        self.label = label

    # ---- operations: each is f(operands), its derivatives are in RULES below ------------------

    def __add__(self, other: Value | Number) -> Value:
        """f(a, b) = a + b"""
        if type(other) is not Value and type(other) is not float:  # a call only for the rare cases
            other = _operand(other, "add")
        return _node(self.data + (other if type(other) is float else other.data), self, other, "+")

    def __mul__(self, other: Value | Number) -> Value:
        """f(a, b) = a * b"""
        if type(other) is not Value and type(other) is not float:
            other = _operand(other, "mul")
        return _node(self.data * (other if type(other) is float else other.data), self, other, "*")

    def __pow__(self, exponent: Value | Number) -> Value:
        """f(x, y) = x ** y"""
        exponent = _operand(exponent, "pow")
        return _node(_power(self.data, _data(exponent)), self, exponent, "**")

    def __rpow__(self, base: Number) -> Value:
        """f(x, y) = x ** y, with a plain-number base: `2 ** v`"""
        base = _operand(base, "pow")
        return _node(_power(base, self.data), base, self, "**")

    def exp(self) -> Value:
        """f(x) = e^x"""
        try:
            return _node(math.exp(self.data), self, None, "exp")
        except OverflowError:
            raise OverflowError(
                f"exp: {self.data!r} exceeds the float range (exp overflows above 709.78)"
            ) from None

    def log(self) -> Value:
        """f(x) = ln x, for x > 0"""
        if self.data <= 0:
            raise ValueError(f"log: input must be > 0, got {self.data!r}")
        return _node(math.log(self.data), self, None, "log")

    def tanh(self) -> Value:
        """f(x) = tanh x (math.tanh saturates to +-1 instead of overflowing)"""
        return _node(math.tanh(self.data), self, None, "tanh")

    def sigmoid(self) -> Value:
        """f(x) = 1 / (1 + e^-x)"""
        return _node(_stable_sigmoid(self.data), self, None, "sigmoid")

    def relu(self) -> Value:
        """f(x) = max(0, x)"""
        return _node(self.data if self.data > 0 else 0.0, self, None, "relu")

    def abs(self) -> Value:
        """f(x) = |x|"""
        return _node(abs(self.data), self, None, "abs")

    # ---- derived operations: made of the ones above, so they need no rule of their own --------

    def sqrt(self) -> Value:
        """sqrt(x) = x ** 0.5, for x >= 0"""
        if self.data < 0:
            raise ValueError(f"sqrt: input must be >= 0, got {self.data!r}")
        return self**0.5

    def __neg__(self) -> Value:  # -a = a * -1
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:  # a - b = a + (-b)
        return self + (-_operand(other, "sub"))

    def __rsub__(self, other: Number) -> Value:  # b - a = b + (-a)
        return -self + _operand(other, "sub")

    def __truediv__(self, other: Value | Number) -> Value:  # a / b = a * b**-1
        other = _operand(other, "div")
        if _data(other) == 0:
            raise ZeroDivisionError(f"div: division by zero ({self.data!r} / {_data(other)!r})")
        return self * (1.0 / other if isinstance(other, float) else other**-1.0)

    def __rtruediv__(self, other: Number) -> Value:  # b / a = b * a**-1
        other = _operand(other, "div")
        if self.data == 0:
            raise ZeroDivisionError(f"div: division by zero ({other!r} / {self.data!r})")
        return self**-1.0 * other

    # b + a is the node a + b (sum() starts from 0, which lands here), and b * a is a * b
    __radd__ = __add__
    __rmul__ = __mul__

    # ---- gradients ------------------------------------------------------------------------------

    def backward(self) -> None:
        """Fill in d(self)/d(node) as `.grad` on every node of the graph below `self`.

        Non-leaf grads are recomputed from zero; leaf grads accumulate across calls.
        """
        order = topological_order(self)
        for node in order:
            if node._a is not None:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            a = node._a
            if a is None:
                continue  # a leaf: nothing below it
            b, op, upstream = node._b, node._op, node.grad
            # + and * make up most of any graph, so their local derivatives (RULES: 1 and 1 for +,
            # b and a for *) are applied here without a call per operand; other ops ask RULES.
            # Their first operand is always a Value: the reflected forms (3 + v) record (v, 3.0).
            if op == "+":
                a.grad += upstream
                if type(b) is not float:  # a plain-number constant takes no gradient
                    b.grad += upstream
            elif op == "*":
                if type(b) is float:
                    a.grad += b * upstream
                else:
                    a.grad += b.data * upstream
                    b.grad += a.data * upstream
            elif b is None:  # exp, log, tanh, sigmoid, relu, abs: one operand, a Value
                a.grad += RULES[op][0](node.data, a.data) * upstream
            else:  # **: either operand may be a constant
                a_data = a if type(a) is float else a.data
                b_data = b if type(b) is float else b.data
                rule_a, rule_b = RULES[op]
                if type(a) is not float:
                    a.grad += rule_a(node.data, a_data, b_data) * upstream
                if type(b) is not float:
                    b.grad += rule_b(node.data, a_data, b_data) * upstream

    def detach(self) -> Value:
        """A new leaf with the same data: gradients stop here."""
        return Value(self.data, self.label)

    @property
    def _children(self) -> tuple[Operand, ...]:
        """The operands in order, constants as floats: () for a leaf, (x,) or (a, b)."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    # ---- micrograd compatibility and printing ---------------------------------------------------

    @property
    def _prev(self) -> set[Value]:
        """The Value children, as micrograd's `_prev` set (lecture helpers draw graphs from it)."""
        return {child for child in self._children if type(child) is not float}

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label else ""
        return f"Value({label}data={self.data!r}, grad={self.grad!r})"


# ---- the derivative rules ---------------------------------------------------------------------
# For each op, one function per operand: (out, *operands) -> d(out)/d(operand). Arguments are
# floats in `backward()` and Values under `create_graph=True`, so the rules use plain arithmetic
# and read `_data()` only where a branch depends on a number. (`backward()` applies the rules of
# + and * inline, for speed: change them there too. test_engine pins the two to agree.)


def _d_power_d_base(out: Operand, x: Operand, y: Operand) -> Operand:
    """d/dx x**y = y * x**(y - 1)"""
    if type(y) is float and y == 0:
        # x**0 is the constant 1, even at x = 0 where x**-1 does not exist. Only for a number:
        # a Value exponent that is 0 now must stay in the formula, or d/dy of this is lost.
        return 0.0
    if _data(x) == 0 and _data(y) < 1:
        also = " (that is sqrt x)" if _data(y) == 0.5 else ""
        raise ZeroDivisionError(
            f"pow backward: the derivative of x ** {_data(y)!r}{also} is infinite at x = 0"
        )
    return y * x ** (y - 1.0)


def _d_power_d_exponent(out: Operand, x: Operand, y: Operand) -> Operand:
    """d/dy x**y = x**y * ln x"""
    if _data(x) == 0:
        return 0.0  # 0**y is 0 for every y > 0 (forward rejects y <= 0)
    if _data(x) < 0:
        raise ValueError(
            f"pow backward: the derivative with respect to the exponent needs a base > 0, "
            f"got {_data(x)!r}: for a negative base x ** y has no real value at the non-integer "
            f"exponents around y = {_data(y)!r} (use a plain number as the exponent if it is fixed)"
        )
    return out * _log(x)


RULES: dict[str, tuple[Callable[..., Operand], ...]] = {
    "+": (lambda out, a, b: 1.0, lambda out, a, b: 1.0),  # d(a+b)/da = 1, d(a+b)/db = 1
    "*": (lambda out, a, b: b, lambda out, a, b: a),  # d(ab)/da = b, d(ab)/db = a
    "**": (_d_power_d_base, _d_power_d_exponent),
    "exp": (lambda out, x: out,),  # d e^x/dx = e^x
    "log": (lambda out, x: 1.0 / x,),  # d ln x/dx = 1/x
    "tanh": (lambda out, x: 1.0 - out * out,),  # d tanh x/dx = 1 - tanh^2 x
    "sigmoid": (lambda out, x: out * (1.0 - out),),  # d s(x)/dx = s(x)(1 - s(x))
    "relu": (lambda out, x: 1.0 if _data(x) > 0 else 0.0,),  # relu'(0) = 0, as PyTorch
    "abs": (lambda out, x: _sign(_data(x)),),  # abs'(0) = 0, as PyTorch
}


# ---- graph walks --------------------------------------------------------------------------------


def topological_order(root: Value) -> list[Value]:
    """Every Value reachable from `root`, each listed after all of its children.

    An iterative depth-first search with an explicit stack, so a chain of a million operations
    needs no recursion. When a node is first reached it goes back on the stack under a `None`
    marker, above which its children are pushed; popping the marker means they are all done.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # the marker: the node beneath it has all its children in `order`
            order.append(stack.pop())
        elif node not in visited:
            visited.add(node)
            stack.append(node)
            stack.append(None)  # a marker, not a (node, flag) pair: nothing allocated per node
            a, b = node._a, node._b
            if isinstance(a, Value) and a not in visited:  # not None, not a float constant
                stack.append(a)
            if isinstance(b, Value) and b not in visited:
                stack.append(b)
    return order


def grad(output: Value, inputs: Iterable[Value], create_graph: bool = False) -> list:
    """d(output)/d(input) for each input, leaving every `.grad` untouched.

    With `create_graph=True` the results are `Value`s recorded in a graph of their own, so they
    can be differentiated again (second derivatives, Hessians, Newton's method); otherwise floats.
    An input that `output` does not depend on gets 0.
    """
    inputs = list(inputs)
    for position, value in enumerate(inputs):
        if not isinstance(value, Value):
            raise TypeError(f"grad: inputs[{position}] must be a Value, got {value!r}")
    if not create_graph:
        grads = _backpropagate(output, on_values=False)
        return [grads.get(value, 0.0) for value in inputs]
    with _recording_enabled():  # a graph was asked for, so record one even inside no_grad()
        grads = _backpropagate(output, on_values=True)
        return [_as_value(grads.get(value, 0.0)) for value in inputs]


def _backpropagate(root: Value, on_values: bool) -> dict[Value, Operand]:
    """The chain rule over the whole graph, into a dict instead of `.grad`.

    on_values=False evaluates the rules on floats; on_values=True on the nodes themselves, so
    every local derivative and every product is recorded as new graph.
    """
    grads: dict[Value, Operand] = {root: 1.0}
    for node in reversed(topological_order(root)):
        children = node._children
        if not children:
            continue
        upstream = grads[node]
        out = node if on_values else node.data
        operands = children if on_values else [_data(child) for child in children]
        for child, rule in zip(children, RULES[node._op]):
            if type(child) is not float:  # a constant takes no gradient
                contribution = rule(out, *operands) * upstream
                grads[child] = grads[child] + contribution if child in grads else contribution
    return grads


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations compute values but record no graph (for evaluation)."""
    global _recording
    previous, _recording = _recording, False
    try:
        yield
    finally:
        _recording = previous


@contextmanager
def _recording_enabled() -> Iterator[None]:
    global _recording
    previous, _recording = _recording, True
    try:
        yield
    finally:
        _recording = previous


# ---- helpers ------------------------------------------------------------------------------------


def _node(data: float, a: Operand, b: Operand | None, op: str) -> Value:
    """A new result node. Its data is already a float, so __init__'s checks are skipped."""
    node = _new_node(Value)
    node.data = data
    node.grad = 0.0
    if _recording:
        node._a = a
        node._b = b
        node._op = op
    else:
        node._a = node._b = None
        node._op = ""
    node.label = ""
    return node


def _operand(other: object, op: str) -> Operand:
    """A Value stays as it is; a plain number becomes a float constant; anything else fails."""
    if type(other) is Value or type(other) is float:
        return other
    if isinstance(other, Value):
        return other
    if isinstance(other, Real):
        return float(other)
    raise TypeError(
        f"{op}: expected a Value or a real number, got {other!r} ({type(other).__name__})"
    )


def _as_value(x: Operand) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _data(x: Operand) -> float:
    return x if type(x) is float else x.data  # a constant is always a float (see _operand)


def _power(x: float, y: float) -> float:
    """x ** y with clear errors where Python would return a complex number or fail tersely."""
    if x < 0 and not y.is_integer():
        raise ValueError(
            f"pow: negative base {x!r} with non-integer exponent {y!r} has no real value"
        )
    if x == 0 and y < 0:
        raise ZeroDivisionError(f"pow: 0.0 cannot be raised to a negative power ({y!r})")
    try:
        return x**y
    except OverflowError:
        raise OverflowError(f"pow: {x!r} ** {y!r} exceeds the float range") from None


def _stable_sigmoid(x: float) -> float:
    # Two branches so that exp never sees a large positive argument.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _log(x: Operand) -> Operand:
    return x.log() if isinstance(x, Value) else math.log(x)


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0
