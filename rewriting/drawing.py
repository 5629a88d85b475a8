"""Reduction graphs drawn as SVG, for notebooks and web pages, with no system binaries (Graphviz's
``dot`` is not pip-installable; :meth:`ReductionGraph.to_dot` is there for those who have it).

The layout is layered: a term's row is its distance from the start term (breadth-first), terms
of a row side by side in discovery order; a step is an arrow labelled with its rule (its
position in the tooltip), a step back to an earlier or the same row a curve to the side. The
start term is drawn bold, normal forms with a double border, the terms not expanded (some of
their steps lead beyond the bound) with a dashed border.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from html import escape

from machine_calculus.calculus.terms import Term
from machine_calculus.rewriting.graph import ReductionGraph

__all__ = ["svg"]

_CHAR, _ROW, _BOX, _GAP = 7.2, 80, 24, 28


def _depths(graph: ReductionGraph) -> list[int]:
    depth = [-1] * len(graph.nodes)
    depth[0] = 0
    successors: dict[int, list[int]] = {}
    for e in graph.edges:
        successors.setdefault(e.source, []).append(e.target)
    queue = deque([0])
    while queue:
        i = queue.popleft()
        for j in successors.get(i, ()):
            if depth[j] < 0:
                depth[j] = depth[i] + 1
                queue.append(j)
    return depth


def svg(graph: ReductionGraph, label: Callable[[Term], str] = repr) -> str:
    """The graph as an SVG document (a string; ``IPython.display.SVG`` shows it)."""
    texts = [label(t) for t in graph.nodes]
    widths = [len(s) * _CHAR + 16 for s in texts]
    depth = _depths(graph)
    rows: dict[int, list[int]] = {}
    for i, d in enumerate(depth):
        rows.setdefault(d, []).append(i)
    row_width = {d: sum(widths[i] for i in row) + _GAP * (len(row) - 1) for d, row in rows.items()}
    width = max(row_width.values()) + 2 * _GAP + 120
    centre: dict[int, tuple[float, float]] = {}
    for d, row in sorted(rows.items()):
        x = (width - row_width[d]) / 2
        for i in row:
            centre[i] = (x + widths[i] / 2, _GAP + d * _ROW + _BOX / 2)
            x += widths[i] + _GAP
    height = _GAP * 2 + max(rows) * _ROW + _BOX
    normal = graph.normal_indices()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        'font-family="monospace" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>',
    ]
    for e in graph.edges:
        (x1, y1), (x2, y2) = centre[e.source], centre[e.target]
        where = ".".join(map(str, e.position)) or "ε"
        title = f"<title>{escape(e.rule)} @ {where}</title>"
        if depth[e.target] > depth[e.source]:
            y1, y2 = y1 + _BOX / 2, y2 - _BOX / 2
            path = f"M {x1:.1f} {y1:.1f} L {x2:.1f} {y2:.1f}"
            lx, ly = (x1 + x2) / 2 + 4, (y1 + y2) / 2
        else:  # back to an earlier row (or a loop): a curve out to the right
            xa, xb = x1 + widths[e.source] / 2, x2 + widths[e.target] / 2
            bend = max(xa, xb) + 40
            path = f"M {xa:.1f} {y1:.1f} C {bend:.1f} {y1:.1f}, {bend:.1f} {y2:.1f}, {xb:.1f} {y2:.1f}"
            lx, ly = bend - 10, (y1 + y2) / 2
        out.append(f'<g>{title}<path d="{path}" fill="none" stroke="#555" marker-end="url(#arrow)"/>')
        out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" fill="#a33">{escape(e.rule)}</text></g>')
    for i, (x, y) in centre.items():
        w = widths[i]
        stroke = ' stroke-width="2.5"' if i == 0 else ""
        stroke += ' stroke-dasharray="4 3"' if i in graph.unexpanded else ""
        out.append(
            f'<rect x="{x - w / 2:.1f}" y="{y - _BOX / 2:.1f}" width="{w:.1f}" height="{_BOX}" rx="4" '
            f'fill="#f7f7ff" stroke="#333"{stroke}/>'
        )
        if i in normal:
            out.append(
                f'<rect x="{x - w / 2 - 3:.1f}" y="{y - _BOX / 2 - 3:.1f}" width="{w + 6:.1f}" '
                f'height="{_BOX + 6}" rx="6" fill="none" stroke="#333"/>'
            )
        out.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{escape(texts[i])}</text>')
    out.append("</svg>")
    return "\n".join(out)
