"""A self-contained HTML page that steps through SVG frames: previous/next buttons, arrow keys,
and each step's explanation under its picture. Nothing is fetched from a network.

Frames show at full size in a scrolling box, which follows the current node (a drawing fitted to
the window would make its text unreadable; a checkbox does that for an overview). Frames wait
in `<template>` elements, whose content is inert, so the ids repeated in every
frame (`v7`, `e7_0`) never meet in the live document: only the frame on show is in it.
"""
from __future__ import annotations

import html
import re

from .style import printable

_XML_PROLOGUE = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1rem; background: #fff; color: #111; }}
  nav {{ display: flex; gap: 0.75rem; align-items: center; margin-bottom: 0.75rem; }}
  button {{ font-size: 1rem; padding: 0.3rem 0.9rem; }}
  #stage {{ overflow: auto; max-height: 78vh; border: 1px solid #e5e7eb; }}
  #stage.fit svg {{ max-width: 100%; height: auto; }}
  #words {{ font-family: ui-monospace, monospace; white-space: pre-wrap; background: #f3f4f6;
            padding: 0.6rem; border-radius: 4px; }}
</style>
</head>
<body>
<h1>{title}</h1>
<nav>
  <button id="previous" type="button">&#9664; previous</button>
  <button id="next" type="button">next &#9654;</button>
  <span id="counter"></span>
  <span>(or the &larr; and &rarr; keys)</span>
  <label><input id="fit" type="checkbox"> fit to the window</label>
</nav>
<div id="stage"></div>
<pre id="words"></pre>
{templates}
<script>
  const frames = document.querySelectorAll("template.frame");
  const stage = document.getElementById("stage");
  const words = document.getElementById("words");
  const counter = document.getElementById("counter");
  let current = 0;
  function show(step) {{
    current = Math.max(0, Math.min(frames.length - 1, step));
    const frame = frames[current].content;
    stage.replaceChildren(frame.querySelector("svg").cloneNode(true));
    words.textContent = frame.querySelector("pre").textContent;
    counter.textContent = "step " + current + " of " + (frames.length - 1);
    document.getElementById("previous").disabled = current === 0;
    document.getElementById("next").disabled = current === frames.length - 1;
    const node = stage.querySelector("g.current");  // keep the step's node in view
    if (node) node.scrollIntoView({{block: "nearest", inline: "center"}});
  }}
  document.getElementById("fit").addEventListener("change", (event) => {{
    stage.classList.toggle("fit", event.target.checked);
  }});
  document.getElementById("previous").addEventListener("click", () => show(current - 1));
  document.getElementById("next").addEventListener("click", () => show(current + 1));
  document.addEventListener("keydown", (event) => {{
    if (event.key === "ArrowLeft") show(current - 1);
    if (event.key === "ArrowRight") show(current + 1);
  }});
  show(0);
</script>
</body>
</html>
"""


def stepper_page(frames: list[str], texts: list[str], title: str) -> str:
    """The page for `frames` (SVG documents), each shown above its `texts` entry."""
    if len(frames) != len(texts):
        raise ValueError(f"stepper_page: {len(frames)} frames but {len(texts)} texts")
    templates = "\n".join(
        f'<template class="frame">{_XML_PROLOGUE.sub("", svg)}'
        f"<pre>{_page_text(text)}</pre></template>"
        for svg, text in zip(frames, texts)
    )
    return _PAGE.format(title=_page_text(title), templates=templates)


def _page_text(text: str) -> str:
    """Text for the page: its own line breaks kept, anything else undrawable shown escaped."""
    return "\n".join(html.escape(printable(line)) for line in text.split("\n"))
