// The live page's words: labels.py and explain.py again, so the page says what explain() says.
"use strict";
const microgradWords = (function () {
  const { number, factor, constant, asNumber } = microgradEngine;

  // labels.signed_sum: `-0.64 + 0.3 - 0.1`; null (not known yet) as `?`
  function signedSum(terms) {
    return terms.map((t, i) => {
      if (t === null) return i === 0 ? "?" : "+ ?";
      if (i === 0) return number(t);
      return (t < 0 ? "- " : "+ ") + number(Math.abs(t));
    }).join(" ");
  }

  // labels.grad_text: `grad -0.34`, or for a node used several times `grad -0.34 = -0.64 + 0.3`
  function gradText(total, terms, head = "grad") {
    const first = `${head} ${total === null ? "?" : number(total)}`;
    if (terms.length < 2) return first;
    if (terms.length > 4) return `${first} = sum of ${terms.length}`;
    return `${first} = ${signedSum(terms)}`;
  }

  // labels.local_text: `∂z0/∂w00 = x0 = 2.0`, the value as in the product below it
  function localText(edge, value) {
    if (value === null) return `${edge.head} = ?`;
    const shown = factor(value);
    if (edge.formula === "?" || edge.formula === shown || edge.formula === constant(value)) return `${edge.head} = ${shown}`;
    return `${edge.head} = ${edge.formula} = ${shown}`;
  }

  // labels.chain_text: `local × upstream = contribution` (or `× tangent` going forward),
  // e.g. `2.0 × 0.4200 = 0.8399`
  function chainText(local, other) {
    if (local === null) return "? × ? = ?";
    if (other === null) return `${factor(local)} × ? = ?`;
    return `${factor(local)} × ${factor(other)} = ${factor(local * other)}`;
  }

  // explain.step_texts, for one step, from the numbers in `m` (compute's result)
  function backwardWords(graph, m, step) {
    const { nodes, root, operandEdges, uses, backwardOrder, backwardStep } = graph;
    const name = (i) => nodes[i].formulaName;
    const seed = `step 0: seed ${name(root)}.grad = 1 (∂${name(root)}/∂${name(root)} = 1)`;
    if (step === 0) return seed;
    const node = backwardOrder[step - 1];
    const head = `step ${step}: ${node.formulaName}.grad = ${number(m.grad[node.index])}; `;
    const pushes = operandEdges[node.index].map((edge) => {
      const l = m.local[edge.index];
      const up = m.grad[edge.parent];
      let text = `to ${name(edge.child)} through ${node.opText}: local ${localText(edge, l)},` +
        ` contribution ${chainText(l, up)}`;
      const all = uses[edge.child];
      if (all.length > 1) {
        // the contributions added so far, this edge included, in backward's order
        const done = all.filter((e) => backwardStep[e.parent] < step || (e.parent === node.index && e.position <= edge.position));
        const known = done.map(m.contribution);
        const total = number(known.reduce((a, b) => a + b, 0));
        const soFar = signedSum(known) + (known.length > 1 ? ` = ${total}` : "");
        text += done.length < all.length
          ? ` (${name(edge.child)}.grad so far ${soFar}: ${done.length} of ${all.length} uses)`
          : ` (${name(edge.child)}.grad = ${signedSum(known)} = ${total}, complete)`;
      }
      return text;
    });
    return head + pushes.join("\n" + " ".repeat(head.length));
  }

  // `x * y` (shown = names) or `2.0 * -3.0` (shown = values); `tanh(x)`
  function formulaOf(node, shown) {
    const operands = node.args.map((a) => (typeof a === "number" ? shown(a) : constant(asNumber(a.c))));
    if (["+", "*", "/", "**"].includes(node.op)) return operands.join(` ${node.op} `);
    return `${node.op}(${operands.join(", ")})`;
  }

  // the same for forward mode: each node's value, and its tangent for the input `wrt`
  function forwardWords(graph, m, step, wrt) {
    const { nodes, leaves, results, operandEdges } = graph;
    const name = (i) => nodes[i].formulaName;
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
      const terms = operandEdges[i].map((e) => `${factor(m.local[e.index])} × ${factor(m.tangent[e.child])}`);
      text += `\n  tangent ∂${node.formulaName}/∂${x} = Σ local × operand's tangent = ${terms.join(" + ")} = ${number(m.tangent[i])}`;
    }
    return text;
  }

  return { signedSum, gradText, localText, chainText, backwardWords, forwardWords, formulaOf };
})();
