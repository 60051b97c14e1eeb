// The live page's script: micrograd_plus's engine again, in JavaScript, over the graph's tape.
//
// The tape (the JSON beside this script) lists every node in topological order with its
// operation and operands. From the inputs' values the script recomputes, as engine.py does:
// forward (every node's data), the local derivative on every edge (RULES, one function per
// operand, as engine.RULES), backward (every grad, contributions added in backward's order) and
// forward mode (every node's tangent for one chosen input, as forward.jvp). Numbers are printed
// as Python prints them, so the page's words equal `explain`'s.
//
// window.micrograd: set(name, value), state(), step(k, "forward" | "backward"), wrt(name) (the
// input whose tangents forward mode shows), select(name) (as a click), zoom("fit" | scale).
"use strict";
(function () {
  // ---- numbers printed as Python prints them ------------------------------------------------

  // Python's f"{x:.{p}g}": p significant digits, scientific below 1e-4 or from 10^p up.
  function formatG(x, p) {
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const sign = x < 0 ? "-" : "";
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
    if (exponent < -4 || exponent >= p) {
      const shown = digits.length > 1 ? (digits[0] + "." + digits.slice(1)).replace(/\.?0+$/, "") : digits;
      return sign + shown + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
    }
    let text = exponent >= 0
      ? digits.slice(0, exponent + 1).padEnd(exponent + 1, "0") + "." + digits.slice(exponent + 1)
      : "0." + "0".repeat(-exponent - 1) + digits;
    text = text.replace(/\.?0+$/, "").replace(/\.$/, "");
    return sign + (text === "" ? "0" : text);
  }

  // style.number: 4 significant digits, and `2.0` rather than `2`, so it never reads as an index
  function number(x) {
    const text = formatG(x, 4);
    return /^-?\d+$/.test(text) ? text + ".0" : text;
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

  function power(x, y) {
    if (x < 0 && !Number.isInteger(y)) fail(`pow: negative base ${pyRepr(x)} with non-integer exponent ${pyRepr(y)} has no real value`);
    if (x === 0 && y < 0) fail(`pow: 0.0 cannot be raised to a negative power (${pyRepr(y)})`);
    const result = Math.pow(x, y);
    if (!Number.isFinite(result) && Number.isFinite(x) && Number.isFinite(y)) fail(`pow: ${pyRepr(x)} ** ${pyRepr(y)} exceeds the float range`);
    return result;
  }

  function dPowerDBase(out, x, y) {
    if (y === 0) return 0; // x**0 is the constant 1, even at x = 0
    if (x === 0 && y < 1) {
      const also = y === 0.5 ? " (that is sqrt x)" : "";
      fail(`pow backward: the derivative of x ** ${pyRepr(y)}${also} is infinite at x = 0`);
    }
    return y * Math.pow(x, y - 1);
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
    "+": { forward: (a, b) => a + b, local: [() => 1, () => 1] },
    "*": { forward: (a, b) => a * b, local: [(out, a, b) => b, (out, a, b) => a] },
    "**": { forward: power, local: [dPowerDBase, dPowerDExponent] },
    "exp": {
      forward: (x) => {
        const out = Math.exp(x);
        if (out === Infinity && x !== Infinity) fail(`exp: ${pyRepr(x)} exceeds the float range (exp overflows above 709.78)`);
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

  // ---- the graph, from the tape -------------------------------------------------------------

  const tape = JSON.parse(document.getElementById("mg-tape").textContent);
  const asNumber = (v) => (typeof v === "string" ? { inf: Infinity, "-inf": -Infinity, nan: NaN }[v] : v);
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

  // ---- the computation: forward, local derivatives, backward, tangents ----------------------

  const inputs = new Float64Array(count);
  leaves.forEach((n) => { inputs[n.index] = n.data; });
  let model = null;
  let wrt = (leaves.find((n) => !n.fixed) || leaves[0] || nodes[root]).index; // the tangents' input

  function operandValue(arg, data) { return typeof arg === "number" ? data[arg] : asNumber(arg.c); }

  function compute() {
    const data = new Float64Array(count);
    const error = new Array(count).fill(null); // the engine's message, on the node that failed
    const blocked = new Array(count).fill(false); // an operand failed, so this cannot be computed
    for (const node of nodes) {
      const i = node.index;
      if (!node.op) { data[i] = inputs[i]; continue; }
      if (node.args.some((a) => typeof a === "number" && (error[a] || blocked[a]))) { blocked[i] = true; data[i] = NaN; continue; }
      const rule = RULES[node.op];
      if (!rule) { data[i] = node.data; continue; } // an op added in Python: Python's number
      try {
        data[i] = rule.forward(...node.args.map((a) => operandValue(a, data)));
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
      try {
        local[edge.index] = RULES[parent.op].local[edge.position](data[edge.parent], ...parent.args.map((a) => operandValue(a, data)));
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        localError[edge.index] = e.message;
      }
    }
    // backward, exactly as engine.Value.backward: reverse topological order, += per use
    let backwardError = null;
    let grad = null;
    if (forwardOk) {
      for (let i = count - 1; i >= 0 && !backwardError; i--) {
        for (const edge of operandEdges[i]) {
          if (localError[edge.index]) { backwardError = { node: i, message: localError[edge.index] }; break; }
        }
      }
      if (!backwardError) {
        grad = new Float64Array(count);
        grad[root] = 1;
        for (let i = count - 1; i >= 0; i--) {
          for (const edge of operandEdges[i]) grad[edge.child] += local[edge.index] * grad[i];
        }
      }
    }
    const contribution = (edge) => (grad ? local[edge.index] * grad[edge.parent] : NaN);
    return { data, error, blocked, forwardOk, local, localError, grad, backwardError, contribution, tangent: tangents(data, local, localError, forwardOk) };
  }

  // forward mode, as forward.jvp: the chosen input's tangent is 1, every other input's 0
  function tangents(data, local, localError, forwardOk) {
    if (!forwardOk) return null;
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

  // ---- the words: labels.py and explain.py, again -------------------------------------------

  function signedSum(terms) {
    return terms.map((t, i) => {
      if (t === null) return i === 0 ? "?" : "+ ?";
      if (i === 0) return number(t);
      return (t < 0 ? "- " : "+ ") + number(Math.abs(t));
    }).join(" ");
  }

  function gradText(total, terms, head = "grad") {
    const first = `${head} ${total === null ? "?" : number(total)}`;
    if (terms.length < 2) return first;
    if (terms.length > 4) return `${first} = sum of ${terms.length}`;
    return `${first} = ${signedSum(terms)}`;
  }

  function localText(edge, value) {
    if (value === null) return `${edge.head} = ?`;
    const shown = number(value);
    if (edge.formula === "?" || edge.formula === shown || edge.formula === constant(value)) return `${edge.head} = ${shown}`;
    return `${edge.head} = ${edge.formula} = ${shown}`;
  }

  function chainText(local, other) {
    if (local === null) return "? × ? = ?";
    if (other === null) return `${number(local)} × ? = ?`;
    return `${number(local)} × ${number(other)} = ${number(local * other)}`;
  }

  const name = (i) => nodes[i].formulaName;

  function backwardWords(step) {
    const m = model;
    const seed = `step 0: seed ${name(root)}.grad = 1 (∂${name(root)}/∂${name(root)} = 1)`;
    if (step === 0) return seed;
    const node = backwardOrder[step - 1];
    const head = `step ${step}: ${node.formulaName}.grad = ${number(m.grad[node.index])}; `;
    const pushes = operandEdges[node.index].map((edge, k) => {
      const l = m.local[edge.index];
      const up = m.grad[edge.parent];
      let text = `to ${name(edge.child)} through ${node.opText}: local ${localText(edge, l)},` +
        ` contribution ${number(l)} × ${number(up)} = ${number(l * up)}`;
      const all = uses[edge.child];
      if (all.length > 1) {
        // the contributions added so far, this edge included, in backward's order
        const done = all.filter((e) => backwardStep[e.parent] < step || (e.parent === node.index && e.position <= edge.position));
        const known = done.map(m.contribution);
        const total = known.reduce((a, b) => a + b, 0);
        text += done.length < all.length
          ? ` (${name(edge.child)}.grad so far ${number(total)}: ${done.length} of ${all.length} uses)`
          : ` (${name(edge.child)}.grad = ${signedSum(known)} = ${number(total)}, complete)`;
      }
      return text;
    });
    return head + pushes.join("\n" + " ".repeat(head.length));
  }

  function formulaOf(node, shown) {
    const operands = node.args.map((a) => (typeof a === "number" ? shown(a) : constant(asNumber(a.c))));
    if (node.op === "+" || node.op === "*" || node.op === "**") return operands.join(` ${node.op} `);
    return `${node.op}(${operands.join(", ")})`;
  }

  function forwardWords(step) {
    const m = model;
    const x = nodes[wrt].formulaName;
    if (step === 0) {
      const given = leaves.slice(0, 6).map((n) => `${n.formulaName} = ${number(m.data[n.index])}`);
      if (leaves.length > 6) given.push(`${leaves.length - 6} more`);
      return `step 0: the inputs ${given.join(", ")}; tangents ∂${x}/∂${x} = 1, every other input's 0`;
    }
    const node = results[step - 1];
    const i = node.index;
    const value = (j) => number(m.data[j]);
    let text = `step ${step}: ${node.formulaName} = ${formulaOf(node, name)} = ${formulaOf(node, value)} = ${value(i)}`;
    if (m.tangent) {
      const terms = operandEdges[i].map((e) => `${number(m.local[e.index])} × ${number(m.tangent[e.child])}`);
      text += `\n  tangent ∂${node.formulaName}/∂${x} = Σ local × operand's tangent = ${terms.join(" + ")} = ${number(m.tangent[i])}`;
    }
    return text;
  }

  // ---- the picture ---------------------------------------------------------------------------

  const svg = document.getElementById("mg-svg");
  const groups = nodes.map((n) => document.getElementById(`v${n.index}`));
  const cells = nodes.map((n, i) => ({
    data: groups[i] && groups[i].querySelector(".mg-data"),
    grad: groups[i] && groups[i].querySelector(".mg-grad"),
    fill: groups[i] && groups[i].querySelector(".mg-fill"),
    message: null,
  }));
  const edgeCells = edges.map((e) => {
    const group = document.getElementById(`e${e.parent}_${e.position}`);
    return { group, local: group && group.querySelector(".mg-local"), chain: group && group.querySelector(".mg-chain") };
  });
  const opEdges = nodes.map((n) => document.getElementById(`o${n.index}`));
  const shownText = new Map(); // what each element shows now, so only changes touch the page

  function show(element, text) {
    if (element && shownText.get(element) !== text) { element.textContent = text; shownText.set(element, text); }
  }
  function paint(element, colour) {
    if (element && shownText.get(element) !== colour) { element.setAttribute("fill", colour); shownText.set(element, colour); }
  }

  // style.grad_colour: white at 0, blue (negative) or red (positive), deeper on a log scale
  function colour(value, largest) {
    if (!value || !largest || Number.isNaN(value)) return "#ffffff";
    const share = !Number.isFinite(largest) ? (Number.isFinite(value) ? 0 : 1)
      : Math.min(Math.max(Math.log10(Math.abs(value) / largest) / 3 + 1, 0), 1);
    const tint = 0.08 + (0.65 - 0.08) * share;
    const base = value < 0 ? [33, 102, 172] : [178, 24, 43];
    return "#" + base.map((c) => Math.round(255 + (c - 255) * tint).toString(16).padStart(2, "0")).join("");
  }

  function showMessage(i, message) {
    const cell = cells[i];
    if (!message) { if (cell.message) { cell.message.remove(); cell.message = null; } return; }
    if (!cell.message && groups[i]) {
      const box = groups[i].getBBox();
      cell.message = document.createElementNS("http://www.w3.org/2000/svg", "text");
      cell.message.setAttribute("class", "mg-message");
      cell.message.setAttribute("x", box.x);
      cell.message.setAttribute("y", box.y + box.height + 11);
      groups[i].appendChild(cell.message);
    }
    show(cell.message, message);
  }

  const view = { mode: "backward", step: backwardOrder.length, selected: null };
  const stepCount = () => (view.mode === "backward" ? backwardOrder.length : results.length);

  function render() {
    const m = model;
    const backward = view.mode === "backward";
    const s = view.step;
    const stepping = backward ? Boolean(m.grad) : m.forwardOk; // nothing to point at when a step failed
    const current = !stepping ? null : backward ? (s === 0 ? root : backwardOrder[s - 1].index) : (s === 0 ? null : results[s - 1].index);
    const known = (i) => backward || forwardStep[i] <= s;
    const values = backward ? m.grad : m.tangent;
    let largest = 0;
    if (values) for (let i = 0; i < count; i++) if (Number.isFinite(values[i])) largest = Math.max(largest, Math.abs(values[i]));
    for (let i = 0; i < count; i++) {
      const c = cells[i];
      show(c.data, m.error[i] ? "data error" : m.blocked[i] || !known(i) ? "data ?" : `data ${number(m.data[i])}`);
      let value = null;
      let terms = [];
      if (backward && m.grad) {
        const done = i === root || uses[i].every((e) => backwardStep[e.parent] <= s);
        value = done ? m.grad[i] : null;
        terms = uses[i].map((e) => (backwardStep[e.parent] <= s ? m.contribution(e) : null));
      } else if (!backward && m.tangent && known(i) && !Number.isNaN(m.tangent[i])) {
        value = m.tangent[i];
      }
      show(c.grad, backward ? gradText(value, terms) : `∂/∂${nodes[wrt].formulaName} ${value === null ? "?" : number(value)}`);
      paint(c.fill, value === null ? "#ffffff" : colour(value, largest));
      showMessage(i, m.error[i] || (m.backwardError && m.backwardError.node === i ? m.backwardError.message : null));
    }
    for (const edge of edges) {
      const cell = edgeCells[edge.index];
      const computed = known(edge.parent) && !m.localError[edge.index] && !Number.isNaN(m.local[edge.index]);
      const l = computed ? m.local[edge.index] : null;
      show(cell.local, m.localError[edge.index] ? `${edge.head} = error` : localText(edge, l));
      let other = null;
      if (backward && m.grad && backwardStep[edge.parent] <= s) other = m.grad[edge.parent];
      if (!backward && m.tangent && computed) other = m.tangent[edge.child];
      show(cell.chain, chainText(l, other));
      if (cell.group) cell.group.classList.toggle("mg-push", current !== null && edge.parent === current && (backward ? s > 0 : true));
    }
    groups.forEach((g, i) => g && g.classList.toggle("mg-current", i === current));
    opEdges.forEach((g, i) => g && g.classList.toggle("mg-push", i === current && (backward ? s > 0 : true)));
    highlightPaths();
    words();
    controls();
  }

  // ---- the words under the toolbar, and the chain rule of the clicked node -------------------

  const wordsBox = document.getElementById("mg-words");
  let wordsText = ""; // as explain() words it; shown with shorter indents
  const chainBox = document.getElementById("mg-chain");

  function problem() {
    const m = model;
    const failed = m.error.findIndex((e) => e);
    if (failed >= 0) return `${nodes[failed].name} cannot be computed: ${m.error[failed]}. Every value that depends on it is unknown (?).`;
    if (m.backwardError) return `backward stops at ${nodes[m.backwardError.node].name}: ${m.backwardError.message}.`;
    return null;
  }

  function words() {
    const trouble = problem();
    const backward = view.mode === "backward";
    let text;
    if (trouble && (backward || !model.forwardOk)) text = trouble;
    else text = backward ? backwardWords(view.step) : forwardWords(view.step);
    if (view.step === stepCount() && !trouble) {
      text += backward
        ? `\n(backward done: every grad is in place. Change an input and watch them move.)`
        : `\n(forward done: ∂${name(root)}/∂${nodes[wrt].formulaName} = ${number(model.tangent[root])}, the same number backward puts in ${nodes[wrt].formulaName}.grad = ${model.grad ? number(model.grad[wrt]) : "?"})`;
    }
    wordsText = text;
    show(wordsBox, text.replace(/\n {6,}/g, "\n    ")); // a short indent reads better than explain's alignment
    wordsBox.classList.toggle("mg-trouble", Boolean(trouble));
  }

  function pathsUp(i) {
    // every node that depends on i (i included): the edges between them carry i's paths to the root
    const above = new Set([i]);
    for (let j = i; j < count; j++) if (above.has(j)) for (const e of uses[j]) above.add(e.parent);
    return above;
  }

  function highlightPaths() {
    const i = view.selected;
    const above = i === null ? new Set() : pathsUp(i);
    edges.forEach((e) => { const g = edgeCells[e.index].group; if (g) g.classList.toggle("mg-path", above.has(e.child) && above.has(e.parent)); });
    opEdges.forEach((g, j) => g && g.classList.toggle("mg-path", above.has(j) && j !== i));
    groups.forEach((g, j) => g && g.classList.toggle("mg-selected", j === i));
    show(chainBox, i === null ? "Click a node to see its grad as the sum of its contributions." : chainRule(i));
  }

  function chainRule(i) {
    const m = model;
    const node = nodes[i];
    if (!m.grad) return `${node.name}: ${problem()}`;
    if (i === root) return `${node.formulaName}.grad = 1: the seed (∂${node.formulaName}/∂${node.formulaName} = 1)`;
    const all = uses[i];
    const parts = all.map((e) => `${number(m.contribution(e))} (from ${nodes[e.parent].name})`);
    const lines = [`${node.formulaName}.grad = ${parts.join(" + ")}${all.length > 1 ? ` = ${number(m.grad[i])}` : ""}`, ""];
    for (const e of all) {
      const parent = nodes[e.parent];
      lines.push(`from ${parent.name} = ${formulaOf(parent, name)}:`,
        `  ${localText(e, m.local[e.index])}, × ${parent.formulaName}.grad ${number(m.grad[e.parent])} = ${number(m.contribution(e))}`);
    }
    lines.push("");
    // each path from the root down to i, with the product of its local derivatives
    const paths = [];
    let total = 0;
    const walk = (j, chain) => {
      if (j === root) { total += 1; if (paths.length < 12) paths.push(chain); return; }
      for (const e of uses[j]) if (total < 10000) walk(e.parent, [e, ...chain]);
    };
    walk(i, []);
    lines.push(`${total === 1 ? "the path" : "the paths"} from ${name(root)} down to ${node.formulaName} (purple), each with the product of its local derivatives; they add up to ${node.formulaName}.grad:`);
    for (const chain of paths) {
      const names = [name(root), ...chain.map((e) => name(e.child))].join(" → ");
      const product = chain.reduce((p, e) => p * m.local[e.index], 1);
      lines.push(`  ${names}`, `    ${chain.map((e) => number(m.local[e.index])).join(" × ")} = ${number(product)}`);
    }
    if (total > paths.length) lines.push(`  … ${total >= 10000 ? "10000 or more" : total} paths in all`);
    return lines.join("\n");
  }

  // ---- controls ------------------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);
  const fields = new Map(); // leaf index -> {number, slider}

  function buildInputs() {
    const box = $("mg-inputs");
    for (const leaf of leaves) {
      const row = document.createElement("div");
      row.className = "mg-input";
      const span = Math.max(1, Math.abs(leaf.data)) * 2;
      const id = `mg-in-${leaf.index}`;
      row.innerHTML = `<label for="${id}"></label><input id="${id}" type="number" step="any">` +
        `<input type="range" aria-label="" min="${leaf.data - span}" max="${leaf.data + span}" step="${span / 500}">`;
      row.querySelector("label").textContent = leaf.name;
      const [field, slider] = row.querySelectorAll("input");
      slider.setAttribute("aria-label", `${leaf.name} slider`);
      field.value = pyRepr(leaf.data).replace(/\.0$/, "");
      slider.value = leaf.data;
      if (leaf.fixed) { field.disabled = slider.disabled = true; row.title = leaf.fixed; }
      field.addEventListener("input", () => {
        const value = Number(field.value);
        if (field.value.trim() === "" || !Number.isFinite(value)) { field.classList.add("mg-bad"); return; }
        field.classList.remove("mg-bad");
        update(leaf.index, value, "field");
      });
      slider.addEventListener("input", () => update(leaf.index, Number(slider.value), "slider"));
      fields.set(leaf.index, { field, slider });
      box.appendChild(row);
      const option = document.createElement("option");
      option.value = leaf.index;
      option.textContent = leaf.name;
      $("mg-wrt").appendChild(option);
    }
    $("mg-wrt").value = wrt;
  }

  function update(i, value, from) {
    inputs[i] = value;
    const f = fields.get(i);
    if (f && from !== "field") f.field.value = String(value);
    if (f && from !== "slider") {
      if (value < Number(f.slider.min)) f.slider.min = value;
      if (value > Number(f.slider.max)) f.slider.max = value;
      f.slider.value = value;
    }
    model = compute();
    render();
  }

  function controls() {
    const backward = view.mode === "backward";
    $("mg-backward").setAttribute("aria-pressed", String(backward));
    $("mg-forward").setAttribute("aria-pressed", String(!backward));
    $("mg-wrt-label").hidden = backward;
    $("mg-counter").textContent = `${view.mode} step ${view.step} of ${stepCount()}`;
    $("mg-previous").disabled = view.step === 0;
    $("mg-next").disabled = view.step === stepCount();
  }

  function goTo(step, mode = view.mode) {
    view.mode = mode;
    view.step = Math.max(0, Math.min(stepCount(), Math.round(step)));
    render();
    const current = svg.querySelector("g.mg-current");
    if (current && scale !== null) centre(current);
  }

  $("mg-previous").addEventListener("click", () => goTo(view.step - 1));
  $("mg-next").addEventListener("click", () => goTo(view.step + 1));
  $("mg-backward").addEventListener("click", () => goTo(view.mode === "backward" ? view.step : backwardOrder.length, "backward"));
  $("mg-forward").addEventListener("click", () => goTo(view.mode === "forward" ? view.step : 0, "forward"));
  $("mg-wrt").addEventListener("change", (event) => { wrt = Number(event.target.value); model = compute(); render(); });
  // zoom: "fit" shows the whole graph; a scale shows it at that size, scrolled to a node
  const stage = $("mg-stage");
  const drawn = { width: svg.viewBox.baseVal.width * 4 / 3, height: svg.viewBox.baseVal.height * 4 / 3 }; // pt -> px
  let scale = null; // null: fitted to the stage
  const TINY_SCALE = 0.2;

  function fittedScale() { return Math.min(stage.clientWidth / drawn.width, stage.clientHeight / drawn.height); }

  function zoom(newScale, focus) {
    scale = newScale;
    stage.classList.toggle("fit", scale === null);
    svg.style.width = scale === null ? "" : `${drawn.width * scale}px`;
    svg.style.height = scale === null ? "" : `${drawn.height * scale}px`;
    const shown = scale === null ? fittedScale() : scale;
    // below this the text is under 3 pixels: a grey haze that costs most of each repaint
    const tiny = shown < TINY_SCALE;
    stage.classList.toggle("mg-tiny", tiny);
    $("mg-scale").textContent = `${Math.round(shown * 100)}%${tiny ? ": numbers hidden, zoom in to read them" : ""}`;
    if (scale !== null && focus) centre(focus);
  }

  function centre(element) { // scroll the stage, not the page, so the toolbar stays in view
    const box = element.getBoundingClientRect();
    const frame = stage.getBoundingClientRect();
    stage.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
    stage.scrollTop += box.top + box.height / 2 - (frame.top + frame.height / 2);
  }

  const focusNode = () => svg.querySelector("g.mg-selected") || svg.querySelector("g.mg-current");
  $("mg-fit").addEventListener("click", () => zoom(null));
  $("mg-zoom-in").addEventListener("click", () => zoom(Math.min(4, (scale || fittedScale()) * 1.5), focusNode()));
  $("mg-zoom-out").addEventListener("click", () => zoom(Math.max(0.05, (scale || fittedScale()) / 1.5), focusNode()));
  svg.addEventListener("dblclick", (event) => {
    const group = event.target.closest("[data-node]");
    if (group) zoom(Math.max(1, scale || 0), group);
  });
  // the fitted scale changes with the stage's size (a window resized, an iframe laid out late)
  new ResizeObserver(() => { if (scale === null) zoom(null); }).observe(stage);

  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("input, select, textarea")) return; // their own keys
    const moves = { ArrowLeft: view.step - 1, ArrowRight: view.step + 1, Home: 0, End: stepCount() };
    if (event.key in moves) { event.preventDefault(); goTo(moves[event.key]); }
  });
  svg.addEventListener("click", (event) => {
    const group = event.target.closest("[data-node]");
    view.selected = group ? Number(group.dataset.node) : null;
    highlightPaths();
  });

  if (tape.unknownOps.length) {
    const notice = $("mg-notice");
    notice.hidden = false;
    notice.textContent = `This graph uses ${tape.unknownOps.map((op) => `'${op}'`).join(", ")}, added in Python` +
      " (define_op), which this page cannot recompute: it keeps Python's numbers there, and the inputs" +
      " that feed it are fixed. Every other input still moves everything above it.";
  }

  // ---- the API, for tests and for pages that embed this one -----------------------------------

  function leafNamed(n) {
    const found = leaves.filter((leaf) => leaf.name === n);
    if (found.length !== 1) {
      throw new Error(found.length ? `set: ${found.length} inputs are named ${n}` : `set: no input named ${n}; the inputs are ${leaves.map((l) => l.name).join(", ")}`);
    }
    return found[0];
  }

  window.micrograd = {
    set(n, value) {
      const leaf = leafNamed(n);
      if (leaf.fixed) throw new Error(`set: ${n} is ${leaf.fixed}`);
      if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`set: ${n} needs a finite number, got ${value}`);
      update(leaf.index, value, "api");
      return this.state();
    },
    state() {
      const m = model;
      return {
        mode: view.mode, step: view.step, steps: stepCount(), wrt: nodes[wrt].name,
        words: wordsText, chain: chainBox.textContent,
        nodes: nodes.map((n, i) => ({
          name: n.name, op: n.op, data: m.error[i] || m.blocked[i] ? null : m.data[i],
          grad: m.grad ? m.grad[i] : null, tangent: m.tangent && !Number.isNaN(m.tangent[i]) ? m.tangent[i] : null,
          error: m.error[i] || (m.backwardError && m.backwardError.node === i ? m.backwardError.message : null),
        })),
      };
    },
    step(k, mode = view.mode) {
      if (mode !== "forward" && mode !== "backward") throw new Error(`step: mode must be "forward" or "backward", got ${mode}`);
      goTo(k, mode);
      return this.state();
    },
    wrt(n) { wrt = leafNamed(n).index; $("mg-wrt").value = wrt; model = compute(); render(); return this.state(); },
    select(n) {
      const i = nodes.findIndex((node) => node.name === n);
      if (i < 0) throw new Error(`select: no node named ${n}`);
      view.selected = i;
      highlightPaths();
      return chainBox.textContent;
    },
    zoom(to) { // "fit", or a scale (1 = the size Graphviz drew it)
      if (to !== "fit" && !(to > 0)) throw new Error(`zoom: "fit" or a scale > 0, got ${to}`);
      zoom(to === "fit" ? null : to, focusNode());
    },
    ops: Object.keys(RULES),
    format: { number, constant, pyRepr },
    local(op, position, out, ...operands) { return RULES[op].local[position](out, ...operands); },
    forward(op, ...operands) { return RULES[op].forward(...operands); },
  };

  buildInputs();
  model = compute();
  render();
  // the whole graph on open; where fitting it would make the text unreadably small on a phone,
  // full size at the current step's node instead ("fit" is one click away)
  zoom(null);
  if (fittedScale() < 0.5 && window.innerWidth < 800) zoom(0.75, focusNode());
})();
