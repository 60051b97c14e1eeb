"""The graph visualizer: computation graphs as SVG that teach backprop.

    draw(root)                     a GraphView: .source (DOT), .svg(), .png(), .save(path)
    draw(root, highlight=w)        every path from root to w in bold, with its product
    backward_frames(root)          one SVG per backward step, nodes fixed in place
    save_page(root, "page.html")   the live page: change inputs, step both ways, click a node
    save_frames(root, "frames/")   a folder of SVGs, one per backward step
    explain(root)                  the same steps in words
    use_bundled_dot()              your own graphviz.Digraph (the lecture's draw_dot) renders
                                   with micrograd_plus's dot: no system Graphviz needed
"""
from .explain import explain
from .frames import backward_frames, save_frames
from .page import save_page
from .renderer import RendererNotFound, RenderError, find_dot
from .view import GraphView, draw
from .your_digraphs import use_bundled_dot

__all__ = [
    "draw",
    "GraphView",
    "backward_frames",
    "save_frames",
    "save_page",
    "explain",
    "RendererNotFound",
    "RenderError",
    "find_dot",
    "use_bundled_dot",
]
