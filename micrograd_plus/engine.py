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
`define_op` (custom_ops.py) adds an operation and its rules to the table.

Numbers are finite throughout: a non-finite number is refused where it would enter a Value, an
operation whose result overflows raises naming itself, and `backward` names the first node whose
gradient is not finite.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Union

from . import grad_mode
from .grad_mode import no_grad  # noqa: F401  (engine.no_grad, as before)
from .numerics import (
    as_float,
    derivative_overflow,
    describe,
    describe_node,
    divide,
    finite,
    gradient_not_finite,
    power,
    sign,
    stable_sigmoid,
)

Number = Union[int, float]
Operand = Union["Value", float]  # a child is a Value, or a plain-number constant

_new_node = object.__new__  # makes a Value without running __init__'s input checks


class _Listed:
    """The operands of a node that does not fit the two-slot layout (see `Value`), and the
    node's own `_backward` closure, if the user gave it one."""

    __slots__ = ("children", "closure")

    def __init__(self, children: tuple[Operand, ...], closure: Callable[[], None] | None) -> None:
        self.children = children
        self.closure = closure


_LISTED = _Listed((), None)  # in a node's `_a`: "the operands are listed in `_b`"


class Value:
    """A scalar that records how it was computed, so that gradients can flow back through it.

    `Value(data, _children=(), _op='', label='')` is micrograd's constructor: `Value(2.0,
    label='x')` makes a leaf, and `Value(t, (x,), 'tanh')` a node of your own (with
    `out._backward = ...` as micrograd's ops do, or a rule from `define_op`).

    Gradients: `backward()` recomputes the grad of every non-leaf node on each call, but a leaf
    (a Value with no children) *accumulates*, as in PyTorch. Call `zero_grad()` on a model, or
    set `leaf.grad = 0.0`, between steps.
    """

    # No closure or parent pointer per node and no reference cycles, so reference counting
    # frees a graph the moment the last reference goes. The operands sit in two slots, `_a` and
    # `_b` (None when absent), and `_children` builds the tuple on demand: a stored tuple would be
    # a second object per node for the cyclic garbage collector to track and traverse, which
    # measured as the largest single cost of building a graph (benchmarks/run.py). A node that
    # does not fit (three or more operands, a constant first operand of + or *, a `_backward`
    # closure) has `_a = _LISTED` and its operands listed in `_b`. `__dict__` lets users attach
    # attributes (`p.m = 0`); CPython 3.11 gives every node a small array for them, which cost
    # 32 bytes and 5-10% of a chain's time (benchmarks/run.py). The label lives there too, as
    # users' attributes do, with the class's "" for a node without one: that saves a slot and
    # a store per node, and brings the cost down to 24 bytes (160 a node after backward).
    __slots__ = ("data", "grad", "_a", "_b", "_op", "__weakref__", "__dict__")
    label = ""

    def __init__(
        self,
        data: Number,
        _children: tuple | list | set | frozenset = (),
        _op: str = "",
        label: str = "",
        *,
        _prev: tuple | list | set | frozenset | None = None,
    ) -> None:
        if type(data) is not float:
            data = as_float(data, "Value: data")
        if data - data:  # inf or nan (for a finite float, x - x is 0.0)
            finite(data, f"Value (the result of {_op!r})" if _op else "Value: data")
        if not isinstance(_op, str):
            raise TypeError(f"Value: _op must be a string naming the operation, got {_op!r}")
        self.data = data
        self.grad = 0.0
        if label:
            self.label = label
        self._op = _op
        self._a = self._b = None
        if _children or type(_children) is not tuple or _prev is not None:
            _link_operands(self, _children, _prev)

    # ---- operations: each is f(operands), its derivatives are in RULES below ------------------

    def __add__(self, other: Value | Number) -> Value:
        """f(a, b) = a + b"""
        if type(other) is not Value and type(other) is not float:  # a call only for the rare cases
            other = _operand(other, "add")
        data = self.data + (other if type(other) is float else other.data)
        if data - data:  # x - x is 0.0 for a finite x, nan (which is true) for inf: an overflow
            finite(data, "add", self.data, _data(other), symbol="+")
        return _node(data, self, other, "+")

    def __mul__(self, other: Value | Number) -> Value:
        """f(a, b) = a * b"""
        if type(other) is not Value and type(other) is not float:
            other = _operand(other, "mul")
        data = self.data * (other if type(other) is float else other.data)
        if data - data:
            finite(data, "mul", self.data, _data(other), symbol="*")
        return _node(data, self, other, "*")

    def __truediv__(self, other: Value | Number) -> Value:
        """f(a, b) = a / b, exactly as Python divides the floats"""
        other = _operand(other, "div")
        return _node(divide(self.data, _data(other)), self, other, "/")

    def __rtruediv__(self, other: Number) -> Value:
        """f(a, b) = a / b, with a plain-number numerator: `1 / v`"""
        other = _operand(other, "div")
        return _node(divide(other, self.data), other, self, "/")

    def __pow__(self, exponent: Value | Number) -> Value:
        """f(x, y) = x ** y"""
        exponent = _operand(exponent, "pow")
        return _node(power(self.data, _data(exponent)), self, exponent, "**")

    def __rpow__(self, base: Number) -> Value:
        """f(x, y) = x ** y, with a plain-number base: `2 ** v`"""
        base = _operand(base, "pow")
        return _node(power(base, self.data), base, self, "**")

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
        return _node(stable_sigmoid(self.data), self, None, "sigmoid")

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

    # b + a is the node a + b (sum() starts from 0, which lands here), and b * a is a * b
    __radd__ = __add__
    __rmul__ = __mul__

    # ---- gradients ------------------------------------------------------------------------------

    def backward(self) -> None:
        """Fill in d(self)/d(node) as `.grad` on every node of the graph below `self`.

        Non-leaf grads are recomputed from zero; leaf grads accumulate across calls. A node
        with its own `_backward` closure runs it; every other node applies its rules. The
        first node whose gradient is not finite stops the pass with an error naming it (the
        grads above it are filled in by then: zero the leaves' before trying again).
        """
        order = topological_order(self)
        for node in order:
            if node._a is not None:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            upstream = node.grad
            if upstream - upstream:  # inf or nan: checked here, once per node, not per operation
                raise _not_finite_gradient(node, order)
            a = node._a
            if a is None:
                continue  # a leaf: nothing below it
            b, op = node._b, node._op
            try:
                if a is _LISTED:  # any number of operands, or the node's own closure
                    (b.closure or node._rule_step)()
                # + and * make up most of any graph, so their local derivatives (RULES: 1 and 1
                # for +, b and a for *) are applied here without a call per operand. Their first
                # operand is always a Value: the reflected forms (3 + v) record (v, 3.0).
                elif op == "+":
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
                else:  # ** and /: either operand may be a constant
                    a_data = a if type(a) is float else a.data
                    b_data = b if type(b) is float else b.data
                    rule_a, rule_b = RULES[op]
                    if type(a) is not float:
                        a.grad += rule_a(node.data, a_data, b_data) * upstream
                    if type(b) is not float:
                        b.grad += rule_b(node.data, a_data, b_data) * upstream
            except OverflowError as error:  # from a rule's own arithmetic (x ** -2 at 1e-200)
                raise derivative_overflow(node, error) from None

    def _rule_step(self) -> None:
        """This node's own step of the chain rule, from RULES: add d(self)/d(child) * self.grad
        into each Value child's grad. A leaf has nothing to do."""
        children = self._children
        if not children:
            return
        rules = _rules_of(self, "backward")
        operands = [_data(child) for child in children]
        for child, rule in zip(children, rules):
            if type(child) is not float:  # a constant takes no gradient
                child.grad += rule(self.data, *operands) * self.grad

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's per-node step: `node._backward()` adds this node's contribution to its
        children's grads. It is the closure assigned to `_backward`, if any, else the step
        from RULES (a no-op for a leaf). `backward()` runs the same step on every node."""
        listed = self._b
        if type(listed) is _Listed and listed.closure is not None:
            return listed.closure
        return self._rule_step

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        # micrograd's ops assign a closure to each node they make. Moving the operands into a
        # _Listed marks the node, so backward() can tell it apart without a look-up per node.
        if not callable(closure):
            raise TypeError(f"_backward must be a function of no arguments, got {closure!r}")
        children = self._children
        self._a = _LISTED if children else None  # a leaf stays a leaf: backward() skips it
        self._b = _Listed(children, closure)

    def detach(self) -> Value:
        """A new leaf with the same data: gradients stop here."""
        return Value(self.data, label=self.label)

    @property
    def _children(self) -> tuple[Operand, ...]:
        """The operands in order, constants as floats: () for a leaf, (x,) or (a, b), or more."""
        a = self._a
        if a is None:
            return ()
        if a is _LISTED:
            return self._b.children
        return (a,) if self._b is None else (a, self._b)

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
    "/": (lambda out, a, b: 1.0 / b, lambda out, a, b: -out / b),  # 1/b, and -a/b^2 = -(a/b)/b
    "**": (_d_power_d_base, _d_power_d_exponent),
    "exp": (lambda out, x: out,),  # d e^x/dx = e^x
    "log": (lambda out, x: 1.0 / x,),  # d ln x/dx = 1/x
    "tanh": (lambda out, x: 1.0 - out * out,),  # d tanh x/dx = 1 - tanh^2 x
    "sigmoid": (lambda out, x: out * (1.0 - out),),  # d s(x)/dx = s(x)(1 - s(x))
    "relu": (lambda out, x: 1.0 if _data(x) > 0 else 0.0,),  # relu'(0) = 0, as PyTorch
    "abs": (lambda out, x: sign(_data(x)),),  # abs'(0) = 0, as PyTorch
}
BUILT_IN_OPS = frozenset(RULES)  # define_op may add to RULES, never replace these


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
            if isinstance(a, Value):  # not None, not a float constant, not _LISTED
                if a not in visited:
                    stack.append(a)
            elif a is _LISTED:
                stack.extend(c for c in b.children if isinstance(c, Value) and c not in visited)
            if isinstance(b, Value) and b not in visited:
                stack.append(b)
    return order


def grad(output: Value, inputs: Iterable[Value], create_graph: bool = False) -> list:
    """d(output)/d(input) for each input, leaving every `.grad` untouched.

    With `create_graph=True` the results are `Value`s recorded in a graph of their own, so they
    can be differentiated again (second derivatives, Hessians, Newton's method); otherwise floats.
    An input that `output` does not depend on gets 0. Only the rules in RULES are used: a node
    carrying its own `_backward` closure (micrograd's way) works in `backward()` only.
    """
    inputs = list(inputs)
    for position, value in enumerate(inputs):
        if not isinstance(value, Value):
            raise TypeError(f"grad: inputs[{position}] must be a Value, got {value!r}")
    if not create_graph:
        grads = _backpropagate(output, on_values=False)
        return [grads.get(value, 0.0) for value in inputs]
    with grad_mode.recording():  # a graph was asked for, so record one even inside no_grad()
        grads = _backpropagate(output, on_values=True)
        return [_as_value(grads.get(value, 0.0)) for value in inputs]


def _backpropagate(root: Value, on_values: bool) -> dict[Value, Operand]:
    """The chain rule over the whole graph, into a dict instead of `.grad`.

    on_values=False evaluates the rules on floats; on_values=True on the nodes themselves, so
    every local derivative and every product is recorded as new graph.
    """
    reader = "grad(create_graph=True)" if on_values else "grad()"
    order = topological_order(root)
    grads: dict[Value, Operand] = {root: 1.0}
    for node in reversed(order):
        children = node._children
        if not children:
            continue
        upstream = grads[node]
        if not on_values and upstream - upstream:
            raise _not_finite_gradient(node, order, grads)
        if has_own_backward(node):
            raise closure_only_in_backward(node, reader)
        rules = _rules_of(node, reader)
        out = node if on_values else node.data
        operands = children if on_values else [_data(child) for child in children]
        for position, (child, rule) in enumerate(zip(children, rules)):
            if type(child) is float:
                continue  # a constant takes no gradient
            try:
                contribution = rule(out, *operands) * upstream
            except OverflowError as error:
                raise derivative_overflow(node, error, reader) from None
            except TypeError as error:
                if not on_values:
                    raise
                raise TypeError(
                    f"{reader}: the rule of {node._op!r} for operand {position} does not work on "
                    f"Values ({error}); write it with Value arithmetic (x.exp(), x.log(), "
                    "1 / x, ...) to differentiate it again"
                ) from error
            grads[child] = grads[child] + contribution if child in grads else contribution
    if not on_values:
        for node in order:
            if not node._children and node in grads and grads[node] - grads[node]:
                raise _not_finite_gradient(node, order, grads)
    return grads


# ---- helpers ------------------------------------------------------------------------------------


def _node(data: float, a: Operand, b: Operand | None, op: str) -> Value:
    """A new result node. Its data is already a float, so __init__'s checks are skipped."""
    node = _new_node(Value)
    node.data = data
    node.grad = 0.0
    if grad_mode.open_blocks == 0 or grad_mode.depth.get() == 0:  # mostly, the first test decides
        node._a = a
        node._b = b
        node._op = op
    else:
        node._a = node._b = None
        node._op = ""
    return node


def _node_of(data: float, operands: tuple[Operand, ...], op: str) -> Value:
    """A result node with any number of operands, laid out as `_place_operands` says."""
    node = _node(data, None, None, op)
    if node._op:  # recording
        _place_operands(node, operands)
    return node


def _place_operands(node: Value, children: tuple[Operand, ...]) -> None:
    """Two slots when backward's fast paths can read them (the op has rules for this many
    operands, and + and * have a Value first); otherwise the operands go listed in `_b`."""
    rules = RULES.get(node._op)
    fits = rules is not None and len(rules) == len(children) <= 2
    if fits and len(children) == 1:
        fits = type(children[0]) is not float
    elif fits and node._op in ("+", "*"):
        fits = type(children[0]) is not float
    if fits:
        node._a = children[0]
        node._b = children[1] if len(children) == 2 else None
    else:
        node._a, node._b = _LISTED, _Listed(children, None)


def _link_operands(node: Value, children: object, prev: object) -> None:
    """The operands given to the constructor (micrograd's `_children`, or EurekaLabs' `_prev`),
    recorded in order unless no_grad() is on."""
    if prev is not None:
        if children != ():
            raise TypeError("Value: give the operands as _children or as _prev, not both")
        children = prev
    operands = _operands_of(children)
    if not operands:
        return
    if grad_mode.is_recording():
        _place_operands(node, operands)
    else:
        node._op = ""


def _operands_of(children: object) -> tuple[Operand, ...]:
    """micrograd's `_children` as our ordered tuple: Values stay, numbers become floats."""
    if isinstance(children, str):
        raise TypeError(
            f"Value: the second argument is the operands (_children), not a label; "
            f"did you mean label={children!r}?"
        )
    if not isinstance(children, (tuple, list, set, frozenset)):
        raise TypeError(
            f"Value: _children must be a tuple, list or set of operands, got {describe(children)}"
        )
    return tuple(_operand(child, "Value") for child in children)


def _operand(other: object, op: str) -> Operand:
    """A Value stays as it is; a finite plain number becomes a float constant; else an error."""
    if type(other) is Value:
        return other
    if type(other) is float:
        return other if other - other == 0 else finite(other, op)
    if isinstance(other, Value):
        return other
    if isinstance(other, Real):
        other = as_float(other, f"{op}: operand")
        return other if other - other == 0 else finite(other, op)
    raise TypeError(
        f"{op}: expected a Value or a real number, got {other!r} ({type(other).__name__})"
    )


def _rules_of(node: Value, reader: str) -> tuple[Callable[..., Operand], ...]:
    rules = RULES.get(node._op)
    if rules is None:
        raise RuntimeError(
            f"{reader}: {describe_node(node)} has no derivative rule and no _backward "
            f"closure. Add one: define_op({node._op!r}, forward, *rules), or assign "
            "node._backward as micrograd's ops do."
        )
    if len(rules) != len(node._children):
        raise RuntimeError(
            f"{reader}: {describe_node(node)} has {len(node._children)} operands, but "
            f"RULES[{node._op!r}] has {len(rules)} rule(s), one per operand"
        )
    return rules


def _not_finite_gradient(
    node: Value, order: list[Value], grads: dict[Value, Operand] | None = None
) -> ArithmeticError:
    """The error for the first node (from the root down) whose gradient is inf or nan, with
    each use of it by a parent: the parent's local derivative and upstream gradient."""
    grad_of = (lambda n: n.grad) if grads is None else grads.__getitem__
    uses = []
    for parent in order[order.index(node) + 1 :]:  # its parents come after it
        if node not in parent._children or has_own_backward(parent):
            continue
        operands = [_data(child) for child in parent._children]
        for child, rule in zip(parent._children, RULES.get(parent._op, ())):
            if child is node:
                uses.append((parent, rule(parent.data, *operands), grad_of(parent)))
    return gradient_not_finite(node, grad_of(node), uses)


def _as_value(x: Operand) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _data(x: Operand) -> float:
    return x if type(x) is float else x.data  # a constant is always a float (see _operand)


def _log(x: Operand) -> Operand:
    return x.log() if isinstance(x, Value) else math.log(x)


def closure_only_in_backward(node: Value, reader: str, more: str = "") -> RuntimeError:
    """The error for a reader of RULES (grad, jvp, the visualizer's steps) meeting a node with
    its own `_backward` closure: only backward() can run it, and what it computes is unknown."""
    instead = (
        f"use the built-in operation {node._op!r}, whose rule they know"
        if node._op in BUILT_IN_OPS
        else f"add the op with define_op({node._op!r}, forward, *rules)"
    )
    return RuntimeError(
        f"{reader}: {describe_node(node)} has its own _backward closure, which only "
        f"backward() can run.{more} For grad(), jvp, create_graph and the visualizer, {instead}."
    )


def has_own_backward(node: Value) -> bool:
    """Whether `node` carries a `_backward` closure of the user's (then only backward() can
    differentiate through it: the rule table knows nothing of what the closure does)."""
    listed = node._b
    return type(listed) is _Listed and listed.closure is not None
