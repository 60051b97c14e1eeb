"""The live page's size, writing time and update time in a real browser, for the notes' graph
and for graphs of about 500 and 1,000 nodes.

    python benchmarks/page.py [--screenshots DIR]

--screenshots also writes the README's picture (DIR/live_page.png) and the notes' page at
1400×900 and at a phone's 390×844, to look at.

Writing time is wall-clock time for save_page (Graphviz's layout included), the median of 3.
Update time is measured inside headless Chromium: a slider's input event for one input (forward,
backward, tangents and every changed text and colour), and the same until the next frame has
been painted; each the median of 21 steps of a drag along the first input's slider. Fitted to
the window, a big graph's numbers are too small to read and are hidden (and not recomputed as
text); at 100% every number is rewritten. Needs Chromium and websockets
(the test extra).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from micrograd_plus.notes import dense_layer  # noqa: E402
from micrograd_plus.viz import save_page  # noqa: E402
from tests.browser import Browser  # noqa: E402
from tests.page_graphs import mlp_loss  # noqa: E402

MEASURE = """(async () => {
  const slider = document.querySelector("#mg-inputs input[type=range]");
  const update = [], painted = [];
  for (let k = 0; k < 21; k++) {
    const t0 = performance.now();
    slider.value = Number(slider.min) + (k + 1) * (slider.max - slider.min) / 23;  // a drag
    slider.dispatchEvent(new Event("input"));
    update.push(performance.now() - t0);
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    painted.push(performance.now() - t0);
  }
  const median = xs => xs.sort((a, b) => a - b)[10];
  return [micrograd.state().nodes.length, median(update), median(painted)];
})()"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="save screenshots here")
    args = parser.parse_args()
    graphs = {
        "notes' dense layer": dense_layer().E,
        "MLP(3, [6, 6, 1]), 3 samples": mlp_loss(3, (3, [6, 6, 1])),
        "MLP(2, [8, 8, 1]), 4 samples": mlp_loss(4, (2, [8, 8, 1])),
    }
    print("| graph | nodes | page size | written in | slider update, until painted: fitted | at 100% |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder, Browser() as browser:
        for name, root in graphs.items():
            path = Path(folder) / "page.html"
            times = []
            for _ in range(3):
                start = time.perf_counter()
                save_page(root, path)
                times.append(time.perf_counter() - start)
            page = browser.open(path)
            nodes, update, painted = page.evaluate(MEASURE)
            page.evaluate("micrograd.zoom(1)")  # every number shown and recomputed
            _, update_zoomed, painted_zoomed = page.evaluate(MEASURE)
            assert not page.errors, page.errors
            print(f"| {name} | {nodes} | {path.stat().st_size / 1000:,.0f} KB | {statistics.median(times):.2f} s"
                  f" | {update:.1f} ms, {painted:.0f} ms | {update_zoomed:.1f} ms, {painted_zoomed:.0f} ms |")
            if args.screenshots and name.startswith("notes"):
                args.screenshots.mkdir(parents=True, exist_ok=True)
                page.evaluate("micrograd.step(5, 'backward'); micrograd.select('x0')")
                page.screenshot(args.screenshots / "notes-page-1400x900.png")
                page.close()
                page = browser.open(path, 390, 844)
                page.screenshot(args.screenshots / "notes-page-390x844.png")
            page.close()
        if args.screenshots:
            _readme_screenshot(browser, Path(folder), args.screenshots / "live_page.png")


def _readme_screenshot(browser: Browser, folder: Path, out: Path) -> None:
    """The README's picture: the lecture's neuron, made by the one command the README shows."""
    from micrograd_plus.cli import main as command_line

    page_file = folder / "neuron.html"
    command_line(["graph", "tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1",
                  "b=6.8813735870195432", "--out", str(page_file)])
    page = browser.open(page_file, 1100, 700)
    page.evaluate("micrograd.step(4, 'backward'); micrograd.select('w1'); micrograd.zoom(0.66)")
    page.evaluate("document.getElementById('mg-stage').scrollTop = 0")
    page.screenshot(out)
    page.close()


if __name__ == "__main__":
    main()
