// The live page: the picture, the controls and window.micrograd, over page_engine.js (the numbers)
// and page_words.js (the words).
//
// window.micrograd: set(name, value) (as typed into the input's field), state(), step(k,
// "forward" | "backward"), wrt(name) (the input whose tangents forward mode shows), select(name)
// (as a click), zoom("fit" | scale).
"use strict";
(function () {
  const { number, factor, pyRepr, constant, RULES, readGraph, compute } = microgradEngine;
  const { gradText, localText, chainText, backwardWords, forwardWords, formulaOf } = microgradWords;

  const tape = JSON.parse(document.getElementById("mg-tape").textContent);
  const graph = readGraph(tape);
  const { nodes, count, root, leaves, results, edges, uses, backwardOrder, backwardStep, forwardStep } = graph;
  const name = (i) => nodes[i].formulaName;

  const inputs = new Float64Array(count);
  leaves.forEach((n) => { inputs[n.index] = n.data; });
  let wrt = (leaves.find((n) => !n.fixed) || leaves[0] || nodes[root]).index; // the tangents' input
  let model = null;
  const recompute = () => { model = compute(graph, inputs, wrt); };

  // ---- the picture ---------------------------------------------------------------------------

  const svg = document.getElementById("mg-svg");
  const groups = nodes.map((n) => document.getElementById(`v${n.index}`));
  const cells = nodes.map((n, i) => ({
    data: groups[i] && groups[i].querySelector(".mg-data"),
    grad: groups[i] && groups[i].querySelector(".mg-grad"),
    fill: groups[i] && groups[i].querySelector(".mg-fill"),
    message: null, // the engine's message under the node, on a card
    card: null,
  }));
  const edgeCells = edges.map((e) => {
    const group = document.getElementById(`e${e.parent}_${e.position}`);
    return { group, local: group && group.querySelector(".mg-local"), chain: group && group.querySelector(".mg-chain") };
  });
  const opEdges = nodes.map((n) => document.getElementById(`o${n.index}`));
  const stage = document.getElementById("mg-stage");

  // Texts are rewritten only where a reader can see them, and again as they come into view, so
  // a drag on a big graph costs what is on screen rather than what is in the file.
  const inView = new Set(); // node and edge groups in or near the visible part of the stage
  let watched = false; // until the first report, treat everything as in view
  const watcher = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) inView.add(entry.target); else inView.delete(entry.target);
    }
    watched = true;
    if (model) render();
  }, { root: stage, rootMargin: "300px" });
  [...groups, ...edgeCells.map((cell) => cell.group)].forEach((g) => g && watcher.observe(g));
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

  const MESSAGE_WIDTH = 48; // characters in a line of an error message under its node
  const SVG_NS = "http://www.w3.org/2000/svg";

  // The engine's message under the node it belongs to, on a white card above everything drawn
  // near it (edge labels included), in lines broken at spaces that stay in the text, so that the
  // element's text is still the message, character for character.
  function showMessage(i, message) {
    const cell = cells[i];
    if (!message) {
      if (cell.message) { cell.card.remove(); cell.message.remove(); cell.message = cell.card = null; }
      return;
    }
    if (!groups[i]) return;
    if (!cell.message) {
      const box = groups[i].getBBox();
      cell.card = document.createElementNS(SVG_NS, "rect");
      cell.card.setAttribute("class", "mg-message-card");
      cell.message = document.createElementNS(SVG_NS, "text");
      cell.message.setAttribute("class", "mg-message");
      cell.message.setAttribute("x", box.x);
      cell.message.setAttribute("y", box.y + box.height + 11);
      groups[i].append(cell.card, cell.message);
      groups[i].parentNode.appendChild(groups[i]); // drawn last, so on top
    }
    if (shownText.get(cell.message) === message) return;
    cell.message.textContent = "";
    const x = cell.message.getAttribute("x");
    for (const [k, line] of message.match(new RegExp(`.{1,${MESSAGE_WIDTH}}(\\s|$)|\\S+\\s?`, "g")).entries()) {
      const span = document.createElementNS(SVG_NS, "tspan");
      span.setAttribute("x", x);
      if (k) span.setAttribute("dy", "1.15em");
      span.textContent = line;
      cell.message.appendChild(span);
    }
    const text = cell.message.getBBox();
    const pad = 2;
    Object.entries({ x: text.x - pad, y: text.y - pad, width: text.width + 2 * pad, height: text.height + 2 * pad })
      .forEach(([key, value]) => cell.card.setAttribute(key, value));
    shownText.set(cell.message, message);
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
    const readable = !stage.classList.contains("mg-tiny"); // hidden texts wait until zoomed in
    const seen = (group) => readable && (!watched || inView.has(group));
    let largest = 0;
    if (values) for (let i = 0; i < count; i++) if (Number.isFinite(values[i])) largest = Math.max(largest, Math.abs(values[i]));
    for (let i = 0; i < count; i++) {
      const c = cells[i];
      if (seen(groups[i])) show(c.data, m.error[i] ? "data error" : m.blocked[i] || !known(i) ? "data ?" : `data ${number(m.data[i])}`);
      let value = null;
      let terms = [];
      if (backward && m.grad) {
        const done = i === root || uses[i].every((e) => backwardStep[e.parent] <= s);
        value = done ? m.grad[i] : null;
        terms = uses[i].map((e) => (backwardStep[e.parent] <= s ? m.contribution(e) : null));
      } else if (!backward && m.tangent && known(i) && !Number.isNaN(m.tangent[i])) {
        value = m.tangent[i];
      }
      if (seen(groups[i])) show(c.grad, backward ? gradText(value, terms) : `∂/∂${nodes[wrt].formulaName} ${value === null ? "?" : number(value)}`);
      paint(c.fill, value === null ? "#ffffff" : colour(value, largest));
      showMessage(i, m.error[i] || (m.backwardError && m.backwardError.node === i ? m.backwardError.message : null));
    }
    for (const edge of edges) {
      const cell = edgeCells[edge.index];
      if (cell.group) cell.group.classList.toggle("mg-push", current !== null && edge.parent === current && (backward ? s > 0 : true));
      if (!seen(cell.group)) continue;
      const computed = known(edge.parent) && !m.localError[edge.index] && !Number.isNaN(m.local[edge.index]);
      const l = computed ? m.local[edge.index] : null;
      show(cell.local, m.localError[edge.index] ? `${edge.head} = error` : localText(edge, l));
      let other = null;
      if (backward && m.grad && backwardStep[edge.parent] <= s) other = m.grad[edge.parent];
      if (!backward && m.tangent && computed) other = m.tangent[edge.child];
      show(cell.chain, chainText(l, other));
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

  const sentence = (message) => (message.endsWith(".") ? message : `${message}.`);

  function problem() {
    const m = model;
    const failed = m.error.findIndex((e) => e);
    if (failed >= 0) {
      const what = nodes[failed].op ? `${nodes[failed].name} cannot be computed` : `the input ${nodes[failed].name} is refused`;
      return `${what}: ${sentence(m.error[failed])} Every value that depends on it is unknown (?).`;
    }
    if (m.backwardError) return `backward stops at ${nodes[m.backwardError.node].name}: ${sentence(m.backwardError.message)}`;
    return null;
  }

  function words() {
    const trouble = problem();
    const backward = view.mode === "backward";
    let text;
    if (trouble && (backward || !model.forwardOk)) text = trouble;
    else text = backward ? backwardWords(graph, model, view.step) : forwardWords(graph, model, view.step, wrt);
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
        `  ${localText(e, m.local[e.index])}, × ${parent.formulaName}.grad ${factor(m.grad[e.parent])} = ${factor(m.contribution(e))}`);
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
      lines.push(`  ${names}`, `    ${chain.map((e) => factor(m.local[e.index])).join(" × ")} = ${factor(product)}`);
    }
    if (total > paths.length) lines.push(`  … ${total >= 10000 ? "10000 or more" : total} paths in all`);
    return lines.join("\n");
  }

  // ---- controls ------------------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);
  const fields = new Map(); // leaf index -> {number, slider}

  function buildInputs() {
    const box = $("mg-inputs");
    // by name, numbers in names counted as numbers: L0.N2.w0 before L0.N10.w0
    const byName = leaves.slice().sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    for (const leaf of byName) {
      const row = document.createElement("div");
      row.className = "mg-input";
      const span = Math.max(1, Math.abs(leaf.data)) * 2;
      const id = `mg-in-${leaf.index}`;
      // a text field, so that `inf` or `nan` can be typed, and refused as the engine refuses them
      row.innerHTML = `<label for="${id}"></label><input id="${id}" type="text" inputmode="decimal" spellcheck="false">` +
        `<input type="range" aria-label="" min="${leaf.data - span}" max="${leaf.data + span}" step="${span / 500}">`;
      row.querySelector("label").textContent = leaf.name;
      const [field, slider] = row.querySelectorAll("input");
      slider.setAttribute("aria-label", `${leaf.name} slider`);
      field.value = pyRepr(leaf.data).replace(/\.0$/, "");
      slider.value = leaf.data;
      if (leaf.fixed) { field.disabled = slider.disabled = true; row.title = leaf.fixed; }
      field.addEventListener("input", () => {
        const value = pythonFloat(field.value);
        if (value === null) { field.classList.add("mg-bad"); return; }
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

  // the text as Python's float() reads it: `2`, `-0.5`, `1e-3`, `inf`, `nan`, `1e999` (inf);
  // null for anything else
  function pythonFloat(text) {
    const t = text.trim().toLowerCase();
    const words = { inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "+infinity": Infinity,
      "-infinity": -Infinity, nan: NaN, "+nan": NaN, "-nan": NaN };
    if (t in words) return words[t];
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t) : null;
  }

  function update(i, value, from) {
    inputs[i] = value;
    const f = fields.get(i);
    if (f && from !== "field") f.field.value = pyRepr(value).replace(/\.0$/, "");
    if (f) f.field.classList.toggle("mg-bad", !Number.isFinite(value)); // inf and nan are refused
    if (f && from !== "slider" && Number.isFinite(value)) {
      if (value < Number(f.slider.min)) f.slider.min = value;
      if (value > Number(f.slider.max)) f.slider.max = value;
      f.slider.value = value;
    }
    recompute();
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
  $("mg-wrt").addEventListener("change", (event) => { wrt = Number(event.target.value); recompute(); render(); });
  // zoom: "fit" shows the whole graph; a scale shows it at that size, scrolled to a node
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
    const wasTiny = stage.classList.contains("mg-tiny");
    stage.classList.toggle("mg-tiny", tiny);
    if (wasTiny && !tiny) render(); // the texts were left as they were while hidden
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
      // inf and nan are taken, as a typed `inf` is, and the engine's refusal shows on the node
      if (typeof value !== "number") throw new Error(`set: ${n} needs a number, got ${value}`);
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
    wrt(n) { wrt = leafNamed(n).index; $("mg-wrt").value = wrt; recompute(); render(); return this.state(); },
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
    format: { number, factor, constant, pyRepr },
    local(op, position, out, ...operands) { return RULES[op].local[position](out, ...operands); },
    forward(op, ...operands) { return RULES[op].forward(...operands); },
  };

  buildInputs();
  recompute();
  render();
  // the whole graph on open; where fitting it would make the text unreadably small on a phone,
  // full size at the current step's node instead ("fit" is one click away)
  zoom(null);
  if (fittedScale() < 0.5 && window.innerWidth < 800) zoom(0.75, focusNode());
})();
