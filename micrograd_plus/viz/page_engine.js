// The live page's engine: micrograd_plus's engine.py again, in JavaScript, over the graph's tape.
//
// The tape (the JSON in the page) lists every node in topological order with its operation and
// operands. From the inputs' values `compute` recomputes, as engine.py does: forward (every
// node's data), the local derivative on every edge (RULES: one function per operand, as
// engine.RULES), backward (every grad, contributions added in backward's order) and forward mode
// (every node's tangent for one chosen input, as forward.jvp). Where engine.py raises, the page
// shows its message on the node: an input that is not finite is refused, as Value(inf) is; an
// operation fails or overflows naming itself and its operands; backward names the first node
// whose gradient is not finite. Numbers are printed as Python prints them, so the words match.
"use strict";
const microgradEngine = (function () {
  // ---- numbers printed as Python prints them ------------------------------------------------

  // Python's f"{x:.{p}g}": p significant digits, scientific below 1e-4 or from 10^p up; with
  // `alternate`, f"{x:#.{p}g}": trailing zeros and the decimal point kept (`0.1650`, `1234.`).
  function formatG(x, p, alternate = false) {
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    const sign = x < 0 || Object.is(x, -0) ? "-" : "";
    if (x === 0) return sign + (alternate ? "0." + "0".repeat(p - 1) : "0");
    let [mantissa, exponentText] = Math.abs(x).toExponential(p - 1).split("e");
    // JavaScript rounds an exact tie up, Python to even: where the next digit is a 5, look at
    // the exact digits to tell (rarely, so the cost of 28 digits is rarely paid)
    if (Math.abs(x).toExponential(p).split("e")[0].endsWith("5")) {
      const exact = Math.abs(x).toExponential(p + 24).split("e");
      const rest = exact[0].replace(".", "").slice(p);
      if (/^50*$/.test(rest) && Number(exact[0].replace(".", "")[p - 1]) % 2 === 0) {
        mantissa = exact[0].slice(0, p === 1 ? 1 : p + 1);
        exponentText = exact[1];
      }
    }
    const exponent = Number(exponentText);
    const digits = mantissa.replace(".", "");
    const trim = (text) => (alternate ? text : text.replace(/\.?0+$/, "").replace(/\.$/, ""));
    if (exponent < -4 || exponent >= p) {
      const shown = trim(digits[0] + "." + digits.slice(1));
      return sign + shown + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
    }
    const text = trim(exponent >= 0
      ? digits.slice(0, exponent + 1) + "." + digits.slice(exponent + 1)
      : "0." + "0".repeat(-exponent - 1) + digits);
    return sign + (text === "" ? "0" : text);
  }

  // style.number: 4 significant digits, and `2.0` rather than `2`, so it never reads as an index
  function number(x) {
    const text = formatG(x, 4);
    return /^-?\d+$/.test(text) ? text + ".0" : text;
  }

  // style.factor: a number in a product, `2.0 × 0.4200 = 0.8399`: as `number` where that is
  // exact (up to rounding noise: 0.30000000000000004 is 0.3), else all 4 digits, zeros kept
  function factor(x) {
    const text = number(x);
    const shown = Number(text);
    if (!Number.isFinite(x) || Math.abs(shown - x) <= 1e-12 * Math.max(Math.abs(shown), Math.abs(x))) return text;
    return formatG(x, 4, true);
  }

  const constant = (x) => formatG(x, 6); // style.constant, Python's f"{x:g}"

  // Python's repr(float), used in the engine's error messages: `-1.0`, `1e-05`, `1e+16`
  function pyRepr(x) {
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const [mantissa, exponentText] = x.toExponential().split("e");
    const exponent = Number(exponentText);
    if (exponent < -4 || exponent >= 16) {
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
    }
    const digits = mantissa.replace("-", "").replace(".", "");
    const text = exponent >= 0
      ? digits.slice(0, exponent + 1).padEnd(exponent + 1, "0") + "." + (digits.slice(exponent + 1) || "0")
      : "0." + "0".repeat(-exponent - 1) + digits;
    return (x < 0 ? "-" : "") + text;
  }

  // ---- the rules, as engine.py: forward f(operands), and d(out)/d(operand) per operand -------

  class EngineError extends Error {} // the engine's ValueError / ZeroDivisionError / OverflowError
  const fail = (message) => { throw new EngineError(message); };
  const sign = (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
  const POLICY = "micrograd_plus refuses inf and nan (see 'Non-finite numbers' in the README)";

  // numerics.finite: `x` when it is finite, else the engine's error naming `op` and its operands
  // (`mul: 1e+308 * 10.0 exceeds the float range (it would be inf)`); with no operands, `x` is
  // a number entering the graph (`Value: data: inf is not a finite number; ...`)
  function finite(x, op, operands = [], symbol = "") {
    if (Number.isFinite(x)) return x;
    for (const operand of operands) {
      if (!Number.isFinite(operand)) fail(`${op}: the operand ${pyRepr(operand)} is not a finite number; ${POLICY}`);
    }
    if (!operands.length) fail(`${op}: ${pyRepr(x)} is not a finite number; ${POLICY}`);
    const expression = symbol && operands.length === 2
      ? `${pyRepr(operands[0])} ${symbol} ${pyRepr(operands[1])}`
      : `${op}(${operands.map(pyRepr).join(", ")})`;
    if (!Number.isNaN(x)) fail(`${op}: ${expression} exceeds the float range (it would be ${pyRepr(x)})`);
    fail(`${op}: ${expression} is not a number (nan); ${POLICY}`);
  }

  // Python's float ** raises OverflowError(34, 'Numerical result out of range') where the
  // result would be infinite; inside a rule, backward reports it naming the op (see compute)
  class RuleOverflow extends EngineError {
    constructor() { super("(34, 'Numerical result out of range')"); this.detail = "Numerical result out of range"; }
  }

  // numerics.divide: x / y as Python divides, with the engine's errors for a zero or an overflow
  function divide(x, y) {
    if (y === 0) fail(`div: division by zero (${pyRepr(x)} / ${pyRepr(y)})`);
    return finite(x / y, "div", [x, y], "/");
  }

  // numerics.power
  function power(x, y) {
    if (x < 0 && !Number.isInteger(y)) fail(`pow: negative base ${pyRepr(x)} with non-integer exponent ${pyRepr(y)} has no real value`);
    if (x === 0 && y < 0) fail(`pow: 0.0 cannot be raised to a negative power (${pyRepr(y)})`);
    const result = Math.pow(x, y);
    if (!Number.isFinite(result)) fail(`pow: ${pyRepr(x)} ** ${pyRepr(y)} exceeds the float range`);
    return result;
  }

  function dPowerDBase(out, x, y) {
    if (y === 0) return 0; // x**0 is the constant 1, even at x = 0
    if (x === 0 && y < 1) {
      const also = y === 0.5 ? " (that is sqrt x)" : "";
      fail(`pow backward: the derivative of x ** ${pyRepr(y)}${also} is infinite at x = 0`);
    }
    const lowered = Math.pow(x, y - 1);
    if (!Number.isFinite(lowered)) throw new RuleOverflow(); // as Python's x ** (y - 1.0)
    return y * lowered; // a product may overflow to inf silently, as in Python
  }

  function dPowerDExponent(out, x, y) {
    if (x === 0) return 0;
    if (x < 0) {
      fail(`pow backward: the derivative with respect to the exponent needs a base > 0, got ${pyRepr(x)}: ` +
        `for a negative base x ** y has no real value at the non-integer exponents around y = ${pyRepr(y)} ` +
        "(use a plain number as the exponent if it is fixed)");
    }
    return out * Math.log(x);
  }

  const RULES = {
    "+": { forward: (a, b) => finite(a + b, "add", [a, b], "+"), local: [() => 1, () => 1] },
    "*": { forward: (a, b) => finite(a * b, "mul", [a, b], "*"), local: [(out, a, b) => b, (out, a, b) => a] },
    "/": { forward: divide, local: [(out, a, b) => 1 / b, (out, a, b) => -out / b] },
    "**": { forward: power, local: [dPowerDBase, dPowerDExponent] },
    "exp": {
      forward: (x) => {
        const out = Math.exp(x);
        if (out === Infinity) fail(`exp: ${pyRepr(x)} exceeds the float range (exp overflows above 709.78)`);
        return out;
      },
      local: [(out) => out],
    },
    "log": {
      forward: (x) => (x <= 0 ? fail(`log: input must be > 0, got ${pyRepr(x)}`) : Math.log(x)),
      local: [(out, x) => 1 / x],
    },
    "tanh": { forward: Math.tanh, local: [(out) => 1 - out * out] },
    "sigmoid": {
      forward: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
      local: [(out) => out * (1 - out)],
    },
    "relu": { forward: (x) => (x > 0 ? x : 0), local: [(out, x) => (x > 0 ? 1 : 0)] },
    "abs": { forward: Math.abs, local: [(out, x) => sign(x)] },
  };

  // an input, as Value(x) takes it: a finite number, or the engine's refusal
  const input = (x) => finite(x, "Value: data");

  // ---- the graph, from the tape ------------------------------------------------------------

  // JSON has no inf or nan: the tape carries them as strings
  const asNumber = (v) => (typeof v === "string" ? { inf: Infinity, "-inf": -Infinity, nan: NaN }[v] : v);

  // The nodes in topological order, every operand edge, each node's uses in backward's order,
  // and the step at which each node is processed going backward and going forward.
  function readGraph(tape) {
    const nodes = tape.nodes.map((entry, index) => ({ ...entry, index, data: asNumber(entry.data) }));
    const count = nodes.length;
    const root = tape.root;
    const leaves = nodes.filter((n) => !n.op);
    const results = nodes.filter((n) => n.op);

    // An edge joins a result (`parent`) to its operand number `position` (`child`), a node.
    const edges = [];
    const operandEdges = nodes.map(() => []);
    const uses = nodes.map(() => []); // listed in the order backward adds the contributions
    for (const parent of results) {
      parent.args.forEach((arg, position) => {
        if (typeof arg !== "number") return; // a constant: no edge, no gradient
        const k = operandEdges[parent.index].length;
        const edge = { parent: parent.index, position, child: arg, head: parent.heads[k], formula: parent.formulas[k] };
        if (parent.local) edge.frozenLocal = asNumber(parent.local[k]);
        edge.index = edges.length;
        edges.push(edge);
        operandEdges[parent.index].push(edge);
      });
    }
    for (let i = count - 1; i >= 0; i--) for (const edge of operandEdges[i]) uses[edge.child].push(edge);

    const backwardOrder = results.slice().reverse(); // step k processes backwardOrder[k - 1]
    const backwardStep = new Array(count).fill(Infinity);
    backwardOrder.forEach((node, k) => { backwardStep[node.index] = k + 1; });
    const forwardStep = new Array(count).fill(0); // leaves are known at step 0
    results.forEach((node, k) => { forwardStep[node.index] = k + 1; });
    return { nodes, count, root, leaves, results, edges, operandEdges, uses, backwardOrder, backwardStep, forwardStep };
  }

  // ---- the computation: forward, local derivatives, backward, tangents ----------------------

  function operandValue(arg, data) { return typeof arg === "number" ? data[arg] : asNumber(arg.c); }

  // Everything the page shows, for the inputs' values (`inputs[i]` for leaf i) and the input
  // `wrt` whose tangents forward mode follows.
  function compute(graph, inputs, wrt) {
    const { nodes, count, edges } = graph;
    const data = new Float64Array(count);
    const error = new Array(count).fill(null); // the engine's message, on the node that failed
    const blocked = new Array(count).fill(false); // an operand failed, so this cannot be computed
    for (const node of nodes) {
      const i = node.index;
      const rule = RULES[node.op];
      if (node.op && node.args.some((a) => typeof a === "number" && (error[a] || blocked[a]))) { blocked[i] = true; data[i] = NaN; continue; }
      if (node.op && !rule) { data[i] = node.data; continue; } // an op added in Python: Python's number
      try {
        data[i] = node.op ? rule.forward(...node.args.map((a) => operandValue(a, data))) : input(inputs[i]);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        error[i] = e.message;
        data[i] = NaN;
      }
    }
    const forwardOk = !error.some((e) => e) && !blocked.some((b) => b);
    const local = new Float64Array(edges.length).fill(NaN);
    const localError = new Array(edges.length).fill(null);
    for (const edge of edges) {
      const parent = nodes[edge.parent];
      if (error[edge.parent] || blocked[edge.parent]) continue;
      if ("frozenLocal" in edge) { local[edge.index] = edge.frozenLocal; continue; }
      const operands = parent.args.map((a) => operandValue(a, data));
      try {
        local[edge.index] = RULES[parent.op].local[edge.position](data[edge.parent], ...operands);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // numerics.derivative_overflow: the rule's own arithmetic overflowed
        localError[edge.index] = e instanceof RuleOverflow
          ? `backward: the derivative of '${parent.op}' at (${operands.map(pyRepr).join(", ")}) exceeds the float range (${e.detail})`
          : e.message;
      }
    }
    const { grad, backwardError } = forwardOk ? backward(graph, data, local, localError) : { grad: null, backwardError: null };
    const contribution = (edge) => (grad ? local[edge.index] * grad[edge.parent] : NaN);
    return { data, error, blocked, forwardOk, local, localError, grad, backwardError, contribution, tangent: tangents(graph, wrt, local, localError, forwardOk) };
  }

  // backward, exactly as engine.Value.backward: reverse topological order, += per use; each
  // node's gradient is checked when its turn comes, then its rules run. The first failure stops
  // the pass (no grads are shown then) and is reported on its node.
  function backward(graph, data, local, localError) {
    const { count, root, operandEdges } = graph;
    const grad = new Float64Array(count);
    grad[root] = 1;
    for (let i = count - 1; i >= 0; i--) {
      if (!Number.isFinite(grad[i])) return { grad: null, backwardError: { node: i, message: gradientNotFinite(graph, i, data, local, grad) } };
      const failed = operandEdges[i].find((edge) => localError[edge.index]);
      if (failed) return { grad: null, backwardError: { node: i, message: localError[failed.index] } };
      for (const edge of operandEdges[i]) grad[edge.child] += local[edge.index] * grad[i];
    }
    return { grad, backwardError: null };
  }

  // numerics.gradient_not_finite: the node, and the first use of it (parents in topological
  // order) whose local derivative times upstream gradient is not finite
  function gradientNotFinite(graph, i, data, local, grad) {
    const { nodes, uses } = graph;
    const what = Number.isNaN(grad[i]) ? "is nan" : "is infinite: it exceeds the float range";
    const byParent = uses[i].slice().sort((e, f) => e.parent - f.parent || e.position - f.position);
    const culprit = byParent.find((e) => !Number.isFinite(local[e.index] * grad[e.parent]));
    let because = "";
    if (culprit) {
      const parent = nodes[culprit.parent];
      const operands = parent.args.map((a) => pyRepr(operandValue(a, data))).join(", ");
      because = ` It comes from '${parent.op}' at (${operands}): local derivative ${pyRepr(local[culprit.index])}` +
        ` times upstream gradient ${pyRepr(grad[culprit.parent])}.`;
    }
    const label = nodes[i].labelRepr ? ` ${nodes[i].labelRepr}` : "";
    return `backward: the gradient of the node${label} with data ${pyRepr(data[i])} ${what}.${because}`;
  }

  // forward mode, as forward.jvp: the chosen input's tangent is 1, every other input's 0
  function tangents(graph, wrt, local, localError, forwardOk) {
    if (!forwardOk) return null;
    const { nodes, count, operandEdges } = graph;
    const tangent = new Float64Array(count);
    const unknown = new Array(count).fill(false);
    for (const node of nodes) {
      const i = node.index;
      let total = i === wrt ? 1 : 0;
      for (const edge of operandEdges[i]) {
        const incoming = tangent[edge.child];
        if (unknown[edge.child] || (incoming && localError[edge.index])) { unknown[i] = true; break; }
        if (incoming) total += local[edge.index] * incoming;
      }
      tangent[i] = unknown[i] ? NaN : total;
    }
    return tangent;
  }

  return { formatG, number, factor, constant, pyRepr, asNumber, EngineError, RULES, readGraph, compute };
})();
