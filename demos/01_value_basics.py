"""Demo 1: Values, the graph they record, and backward.

Run: python demos/01_value_basics.py
"""
from micrograd_plus import Value, grad, gradcheck

# A tiny neuron: o = tanh(x1*w1 + x2*w2 + b)
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
o = (x1 * w1 + x2 * w2 + b).tanh()
o.backward()

print(f"o = {o.data:.4f}")
for v in (x1, x2, w1, w2, b):
    print(f"  do/d{v.label:<2} = {v.grad:+.4f}")

# grad() gives derivatives without touching .grad, and can build a graph for the next order
x = Value(2.0)
(first,) = grad(x**3, [x], create_graph=True)
(second,) = grad(first, [x])
print(f"d/dx x^3 at 2 = {first.data}, d2/dx2 = {second}")

# gradcheck compares backward() with finite differences
print(gradcheck(lambda x1, w1: (x1 * w1).tanh(), [2.0, -0.3]))
