"""Reduction graphs drawn as SVG that scales: a ``viewBox`` and ``width="100%"`` (at most the
drawing's natural width), so that a notebook's column shows all of it.

Two layouts. Where Graphviz's ``dot`` program is installed (``shutil.which("dot")``), ``dot
-Tsvg`` lays out :meth:`ReductionGraph.to_dot` (bounded by a timeout) and the result is made to
scale, its tooltips the terms' full text, and each label moved to touch its edge. Otherwise, or
with ``layout="builtin"``, a layered layout of our own (Sugiyama's scheme), with no system binary:

1. **layers**: a term's layer is the longest path to it from the start along the steps that
   close no cycle (found by a depth-first search), so that every step of a terminating system
   points down and the normal forms end their paths; a step closing a cycle points up;
2. **dummy vertices**: a step spanning several layers passes through one dummy vertex per layer
   it crosses, which takes a slot in that layer's row, so that it runs between boxes, never
   behind one;
3. **crossing reduction**: barycentre sweeps down and up, keeping the order with the fewest
   crossings (counted by inversions);
4. **coordinates**: each vertex is pulled towards the mean of its neighbours (dummy chains
   pulled hardest, so long edges run straight) by a weighted isotonic regression that keeps the
   boxes of a row apart; alternate sweeps down and up;
5. **routing**: between two layers an edge is a vertical-tangent cubic curve in the channel
   between the rows (which no box enters), through a layer a vertical segment at its dummy's
   slot; a step from a term to itself is a bracket at the box's right, in room kept free for it.

Each edge's label (its rule; the position in the tooltip) is centred on a point of its path, on
a white background, at the curve's middle or the nearest point along it that overlaps no other
label. The start is drawn bold, normal forms with a double border, the terms not expanded (some
of their steps lead beyond the bound) dashed. Long labels are cut with an ellipsis (by default
shorter as the widest layer holds more terms), the full text in each box's ``<title>`` tooltip.
Everything is iterative; 200 terms are laid out in a fraction of a second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import pairwise

from machine_calculus.calculus.terms import Term
from machine_calculus.rewriting.graph import Edge, ReductionGraph, cut_text, edge_text

__all__ = [
    "DOT_TIMEOUT",
    "LAYOUTS",
    "LayoutError",
    "builtin_svg",
    "display_svg",
    "dot_available",
    "dot_svg",
    "html",
    "svg",
]

#: the layouts ``svg`` takes: ``dot`` where installed else built-in, Graphviz's, or ours
LAYOUTS = ("auto", "dot", "builtin")
#: seconds ``dot`` may take before the built-in layout is used instead (``auto``)
DOT_TIMEOUT = 10.0
#: the least a notebook's display scales a drawing down (its text 9 px); wider, it scrolls
_MIN_SCALE = 0.75
#: characters of a term's full text kept in its tooltip
TOOLTIP_LIMIT = 2_000

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"

# geometry of the built-in layout, in px
_CHAR, _EDGE_CHAR = 7.2, 6.0  # a monospace character at 12 px, at 10 px
_BOX_H, _BAND = 24.0, 30.0  # a box's height; a layer's row (a double border's outer box fills it)
_CHANNEL = 60.0  # between two rows: the curves and their labels
_GAP, _DUMMY_GAP = 22.0, 10.0  # between two boxes of a row, two dummies
_DUMMY_W = 4.0
_MIN_W = 40.0  # a box's least width, room for several edges' ports
_LABEL_H = 14.0
_MARGIN = 8.0
_PORT_SPACING = 10.0


class LayoutError(RuntimeError):
    """The requested layout could not be made (``dot`` missing, failing or too slow)."""


def dot_available() -> bool:
    """Is Graphviz's ``dot`` program on the PATH?"""
    return shutil.which("dot") is not None


def svg(
    graph: ReductionGraph,
    label: Callable[[Term], str] = str,
    *,
    layout: str = "auto",
    max_label: int | None = None,
    timeout: float = DOT_TIMEOUT,
) -> str:
    """The graph as an SVG document (a string; ``IPython.display.SVG`` shows it) that scales to
    its container. ``layout``: ``"auto"`` (``dot`` where installed, falling back to the built-in
    layout on any failure), ``"dot"`` (Graphviz's, :class:`LayoutError` when it cannot be made) or
    ``"builtin"``. ``label`` gives a term's text (its notation by default); labels longer than
    ``max_label`` characters are cut (by default a length that keeps wide graphs readable)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: one of {', '.join(LAYOUTS)}")
    texts = [label(t) for t in graph.nodes]
    limit = max_label if max_label is not None else _automatic_limit(graph)
    if layout == "dot" or (layout == "auto" and dot_available()):
        try:
            return dot_svg(graph, texts, limit, timeout)
        except LayoutError:
            if layout == "dot":
                raise
    return builtin_svg(graph, texts, limit)


@lru_cache(maxsize=8)
def display_svg(graph: ReductionGraph) -> str:
    """:func:`svg` with its defaults, remembered for the last few graphs: a notebook asks a graph
    for its SVG and its HTML display at once, and ``dot`` runs once for both."""
    return svg(graph)


def html(graph: ReductionGraph, label: Callable[[Term], str] = str, **options: object) -> str:
    """The SVG drawing in a ``<div>`` for a notebook: it shrinks to the column, but not below 75%
    of its natural size (9 px text), past which the box scrolls sideways; ``options`` are
    :func:`svg`'s."""
    drawing = display_svg(graph) if label is str and not options else svg(graph, label, **options)  # type: ignore[arg-type]
    match = re.search(r'style="max-width: (\d+)px', drawing)
    natural = float(match.group(1)) if match else 600.0
    drawing = drawing.replace('style="max-width:', f'style="min-width: {_MIN_SCALE * natural:.0f}px; max-width:', 1)
    return f'<div class="mcalc-graph-box" style="overflow-x: auto; max-width: 100%">{drawing}</div>'


def _automatic_limit(graph: ReductionGraph) -> int:
    """How many characters of a label to show: fewer as the widest layer has more terms, so that
    a row of boxes stays within a notebook's column at a readable size."""
    widest = max(_count(_layers(graph.nodes, graph.edges)).values(), default=1)
    return max(16, min(60, int(160 / max(widest, 1))))


def _count(values: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def _layers(nodes: Sequence[Term], edges: Sequence[Edge]) -> list[int]:
    """Each node's layer: the longest path to it from the start (node 0) along the steps that
    close no cycle (a depth-first search from node 0, then from each node it does not reach, in
    turn, finds the steps back to a term on the current path: they are left out). Every step of
    a terminating system then points down, the normal forms at the bottom of their paths;
    iterative."""
    n = len(nodes)
    successors: list[list[int]] = [[] for _ in range(n)]
    for e in edges:
        if e.source != e.target:
            successors[e.source].append(e.target)
    state = [0] * n  # 0 unseen, 1 on the current path, 2 done
    finished: list[int] = []
    back: set[tuple[int, int]] = set()
    for root in range(n):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, i = stack[-1]
            if i < len(successors[v]):
                stack[-1] = (v, i + 1)
                w = successors[v][i]
                if state[w] == 1:
                    back.add((v, w))
                elif state[w] == 0:
                    state[w] = 1
                    stack.append((w, 0))
            else:
                state[v] = 2
                finished.append(v)
                stack.pop()
    layer = [0] * n
    for v in reversed(finished):  # a topological order of the steps that are not back
        for w in successors[v]:
            if (v, w) not in back and layer[w] < layer[v] + 1:
                layer[w] = layer[v] + 1
    return layer


def _root_attributes(min_x: float, min_y: float, width: float, height: float) -> str:
    return (
        f'viewBox="{min_x:.1f} {min_y:.1f} {width:.1f} {height:.1f}" width="100%" '
        f'style="max-width: {width:.0f}px; height: auto"'
    )


# -- Graphviz ----------------------------------------------------------------------------------


def dot_svg(graph: ReductionGraph, texts: Sequence[str], limit: int | None, timeout: float = DOT_TIMEOUT) -> str:
    """Graphviz's drawing of the graph (``dot -Tsvg`` on its DOT, nodes labelled ``texts`` cut to
    ``limit`` characters), made to scale: a ``viewBox``, ``width="100%"`` and a ``max-width`` of
    its natural size (a point a pixel: its 12-point text is 12 px, as the built-in layout's); each node's and edge's ``<title>`` its full text; each edge label moved to
    touch its edge. :class:`LayoutError` when ``dot`` is missing, fails or takes over ``timeout``
    seconds."""
    program = shutil.which("dot")
    if program is None:
        raise LayoutError("Graphviz's dot program is not installed (layout='builtin' needs none)")
    by_id = {id(t): s for t, s in zip(graph.nodes, texts, strict=True)}
    source = graph.to_dot(lambda t: by_id[id(t)], max_label=limit)
    try:
        done = subprocess.run(
            [program, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise LayoutError(f"dot took more than {timeout:g} s") from None
    except OSError as exc:
        raise LayoutError(f"dot could not run: {exc}") from None
    if done.returncode != 0:
        raise LayoutError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    try:
        return _scalable(done.stdout.decode("utf-8"), graph, texts)
    except (ET.ParseError, ValueError, IndexError) as exc:
        raise LayoutError(f"dot's SVG could not be read: {exc}") from None


def _scalable(raw: str, graph: ReductionGraph, texts: Sequence[str]) -> str:
    """Graphviz's SVG with a width that follows its container, full texts in the tooltips and
    labels touching their edges."""
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    root = ET.fromstring(raw)
    width_pt = float(root.get("width", "0").removesuffix("pt") or 0)
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("width", "100%")
    root.set("style", f"max-width: {width_pt:.0f}px; height: auto")  # a point a pixel: 12 px text, as ours
    root.set("class", "mcalc-graph")
    ns = {"s": _SVG}
    for group in root.iter(f"{{{_SVG}}}g"):
        kind, title = group.get("class"), group.find("s:title", ns)
        if title is None:
            continue
        if kind == "graph":
            title.text = f"reduction graph: {len(graph.nodes)} terms, {len(graph.edges)} steps"
        elif kind == "node" and title.text and title.text.startswith("n"):
            title.text = cut_text(texts[int(title.text[1:])], TOOLTIP_LIMIT)
        elif kind == "edge" and (group.get("id") or "").startswith("e"):
            title.text = cut_text(edge_text(graph.edges[int(group.get("id", "e")[1:])]), TOOLTIP_LIMIT)
            _touch(group, ns)
    return ET.tostring(root, encoding="unicode")


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _touch(group: ET.Element, ns: dict[str, str]) -> None:
    """Move an edge's label (Graphviz sets it beside the edge) until its box touches the path."""
    path, text = group.find("s:path", ns), group.find("s:text", ns)
    if path is None or text is None or not text.text:
        return
    numbers = [float(n) for n in _NUMBER.findall(path.get("d", ""))]
    points = _bezier_points(list(zip(numbers[0::2], numbers[1::2], strict=False)))
    if not points:
        return
    size = float(text.get("font-size", "10"))
    x, y = float(text.get("x", "0")), float(text.get("y", "0"))
    half = len(text.text) * size * 0.6 / 2
    anchor = text.get("text-anchor", "middle")
    left = x - half if anchor == "middle" else x - 2 * half if anchor == "end" else x
    box = (left - 1, y - size * 0.8, left + 2 * half + 1, y + size * 0.2)
    best = min(points, key=lambda p: _distance_to_box(p, box))
    near_x, near_y = min(max(best[0], box[0]), box[2]), min(max(best[1], box[1]), box[3])
    dx, dy = best[0] - near_x, best[1] - near_y
    if abs(dx) + abs(dy) > 0.5:
        text.set("x", f"{x + dx:.2f}")
        text.set("y", f"{y + dy:.2f}")


def _bezier_points(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Samples of Graphviz's path ``M p0 C p1 p2 p3 p4 p5 p6 ...`` (cubic pieces)."""
    out = [points[0]] if points else []
    for k in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[k : k + 4]
        for step in range(1, 17):
            t = step / 16
            out.append(_cubic(p0, p1, p2, p3, t))
    return out


def _cubic(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float], t: float
) -> tuple[float, float]:
    s = 1 - t
    a, b, c, d = s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])


def _distance_to_box(p: tuple[float, float], box: tuple[float, float, float, float]) -> float:
    dx = max(box[0] - p[0], 0.0, p[0] - box[2])
    dy = max(box[1] - p[1], 0.0, p[1] - box[3])
    return dx * dx + dy * dy


# -- the built-in layered layout ---------------------------------------------------------------

Point = tuple[float, float]
#: a rectangle: left, top, right, bottom
Box = tuple[float, float, float, float]
#: a path's pieces: ``("L", start, end)`` or ``("C", start, control, control, end)``
Segment = tuple[str, tuple[Point, ...]]


@dataclass
class _Label:
    text: str
    title: str
    x: float
    y: float
    width: float


@dataclass
class _Layered:
    """The layered graph: real vertices ``0..n-1`` (the terms), dummies after them."""

    layer: list[int]
    left: list[float]  # extent of a vertex left of its x, and right of it
    right: list[float]
    up: list[list[int]]  # neighbours in the layer above, below
    down: list[list[int]]
    real: int
    gap: float = _GAP  # between two boxes of a row: wider when the edges' labels are long

    def add(self, layer: int, left: float, right: float) -> int:
        self.layer.append(layer)
        self.left.append(left)
        self.right.append(right)
        self.up.append([])
        self.down.append([])
        return len(self.layer) - 1

    def link(self, upper: int, lower: int) -> None:
        self.down[upper].append(lower)
        self.up[lower].append(upper)


def builtin_svg(graph: ReductionGraph, texts: Sequence[str], limit: int | None) -> str:
    """The built-in layered drawing (no system binary) of the graph, its nodes labelled ``texts``
    cut to ``limit`` characters."""
    n = len(graph.nodes)
    shown = [cut_text(s, limit) for s in texts]
    width = [max(len(s) * _CHAR + 16, _MIN_W) for s in shown]
    normal = graph.normal_indices()
    depth = _layers(graph.nodes, graph.edges)
    edge_labels = [cut_text(e.rule, max(limit or 24, 12)) for e in graph.edges]
    label_w = [len(s) * _EDGE_CHAR + 8 for s in edge_labels]

    loops: dict[int, list[int]] = {}
    chains: dict[int, list[int]] = {}  # edge -> its vertices, top to bottom
    lg = _Layered([], [], [], [[] for _ in range(n)], [[] for _ in range(n)], n)
    for i in range(n):
        lg.layer.append(depth[i])
        lg.left.append(width[i] / 2)
        lg.right.append(width[i] / 2)
    for k, e in enumerate(graph.edges):
        if e.source == e.target:
            loops.setdefault(e.source, []).append(k)
    # long labels (a TRS's rules) need room: boxes further apart, taller channels between rows
    widths = sorted(label_w[k] for k, e in enumerate(graph.edges) if e.source != e.target)
    typical = widths[len(widths) // 2] if widths else 0.0
    lg.gap = min(max(_GAP, 0.6 * typical), 90.0)
    channel = _CHANNEL + (24.0 if typical > 90 else 0.0)
    for i, ks in loops.items():  # room at the right for the loops and their labels
        lg.right[i] += 14 + sum(label_w[k] + 4 for k in ks) + (3 if i in normal else 0)
    for k, e in enumerate(graph.edges):
        if e.source == e.target:
            continue
        # every other step crosses layers (down, or up when it closes a cycle): see _layers
        top, bottom = (e.source, e.target) if depth[e.source] < depth[e.target] else (e.target, e.source)
        chain = [top]
        for d in range(depth[top] + 1, depth[bottom]):
            chain.append(lg.add(d, _DUMMY_W / 2, _DUMMY_W / 2))
        chain.append(bottom)
        for a, b in pairwise(chain):
            lg.link(a, b)
        chains[k] = chain

    layers = _order(lg)
    x = _coordinates(lg, layers)
    top_of = [_MARGIN + d * (_BAND + channel) for d in range(len(layers))]
    cy = [top_of[lg.layer[v]] + _BAND / 2 for v in range(n)]
    half_h = [_BAND / 2 if i in normal else _BOX_H / 2 for i in range(n)]  # where edges meet the box

    # ports: where the edges meet a box's bottom and top, in the order of their other ends
    bottom_ports: dict[int, list[tuple[float, int]]] = {}
    top_ports: dict[int, list[tuple[float, int]]] = {}
    for k, chain in chains.items():
        bottom_ports.setdefault(chain[0], []).append((x[chain[1]], k))
        top_ports.setdefault(chain[-1], []).append((x[chain[-2]], k))
    port: dict[tuple[int, str], float] = {}
    for side, table in (("bottom", bottom_ports), ("top", top_ports)):
        for v, entries in table.items():
            entries.sort()
            spacing = _PORT_SPACING if len(entries) < 2 else min(_PORT_SPACING, (width[v] - 8) / (len(entries) - 1))
            for rank, (_, k) in enumerate(entries):
                port[(k, side)] = x[v] + (rank - (len(entries) - 1) / 2) * spacing

    paths: dict[int, list[Segment]] = {}
    labels: dict[int, _Label] = {}
    where: dict[int, list[tuple[Segment, tuple[float, float]]]] = {}  # each edge's curves, for its label
    for k, chain in chains.items():
        segments, curves = _chain_path(chain, k, lg, x, top_of, cy, half_h, port, n)
        e = graph.edges[k]
        if depth[e.source] > depth[e.target]:  # drawn upwards: the same path, reversed
            segments = _reverse(segments)
        paths[k] = segments
        where[k] = curves
    for i, ks in loops.items():  # nested brackets at the box's right, each label just outside its own
        side = x[i] + width[i] / 2 + (3 if i in normal else 0)
        reach = side + 10
        for j, k in enumerate(ks):
            dy, attach = 8 + 3 * j, min(8 + 3 * j, half_h[i] - 2)
            inset = side + 4 + 2 * j
            corners = [
                (side, cy[i] - attach),
                (inset, cy[i] - dy),
                (reach, cy[i] - dy),
                (reach, cy[i] + dy),
                (inset, cy[i] + dy),
                (side, cy[i] + attach),
            ]
            paths[k] = [("L", (a, b)) for a, b in pairwise(corners)]
            labels[k] = _Label(edge_labels[k], edge_text(graph.edges[k]), reach + label_w[k] / 2, cy[i], label_w[k])
            reach += label_w[k] + 4
    grid = _Grid(paths)
    placed = _Boxes()
    for k, curves in where.items():
        labels[k] = _place_label(k, edge_labels[k], edge_text(graph.edges[k]), label_w[k], curves, placed, grid)
    return _svg_document(graph, texts, shown, width, x, cy, normal, paths, labels)


class _Grid:
    """Points sampled along every edge, bucketed in cells, to tell how much of the other edges a
    label's box would hide."""

    CELL = 24.0

    def __init__(self, paths: dict[int, list[Segment]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
        for k, segments in paths.items():
            for kind, points in segments:
                samples = (
                    [_cubic(*points, t / 12) for t in range(13)]  # type: ignore[misc]
                    if kind == "C"
                    else [_lerp(points[0], points[1], t / 6) for t in range(7)]
                )
                for px, py in samples:
                    self.cells.setdefault((int(px // self.CELL), int(py // self.CELL)), []).append((px, py, k))

    def hidden(self, box: Box, edge: int) -> int:
        """How many sampled points of edges other than ``edge`` lie in ``box``."""
        found = 0
        for cx in range(int(box[0] // self.CELL), int(box[2] // self.CELL) + 1):
            for cy in range(int(box[1] // self.CELL), int(box[3] // self.CELL) + 1):
                for px, py, k in self.cells.get((cx, cy), ()):
                    found += k != edge and box[0] <= px <= box[2] and box[1] <= py <= box[3]
        return found


class _Boxes:
    """The labels placed so far, bucketed in cells: how much a new one would overlap them."""

    CELL = 48.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        return [
            (cx, cy)
            for cx in range(int(box[0] // self.CELL), int(box[2] // self.CELL) + 1)
            for cy in range(int(box[1] // self.CELL), int(box[3] // self.CELL) + 1)
        ]

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def overlap(self, box: Box) -> float:
        """The area ``box`` shares with the boxes added (each counted once)."""
        seen = {other for key in self._keys(box) for other in self.cells.get(key, ())}
        return sum(_overlap(box, other) for other in seen)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _order(lg: _Layered) -> list[list[int]]:
    """The vertices of each layer, left to right: barycentre sweeps down and up from the order
    of discovery, keeping the order with the fewest crossings."""
    count = max(lg.layer, default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(count)]
    for v in range(lg.real):  # terms in the order they were found; dummies after, by barycentre
        layers[lg.layer[v]].append(v)
    pos = [0.0] * len(lg.layer)
    for row in layers:
        for rank, v in enumerate(row):
            pos[v] = rank
    for v in range(lg.real, len(lg.layer)):
        layers[lg.layer[v]].append(v)
    _sweep(layers, lg.up, pos, range(1, count))
    best, best_crossings = [row[:] for row in layers], _crossings(layers, lg.down, pos)
    stale = 0
    for _ in range(12):
        if best_crossings == 0 or stale >= 3:
            break
        _sweep(layers, lg.up, pos, range(1, count))
        _sweep(layers, lg.down, pos, range(count - 2, -1, -1))
        crossings = _crossings(layers, lg.down, pos)
        if crossings < best_crossings:
            best, best_crossings, stale = [row[:] for row in layers], crossings, 0
        else:
            stale += 1
    return best


def _sweep(layers: list[list[int]], neighbours: list[list[int]], pos: list[float], order: range) -> None:
    """Sort each layer of ``order`` by the mean position of each vertex's ``neighbours`` (its own
    position when it has none), stably."""
    for i in order:
        row = layers[i]
        keys = {}
        for v in row:
            ns = neighbours[v]
            keys[v] = sum(pos[u] for u in ns) / len(ns) if ns else pos[v]
        row.sort(key=keys.__getitem__)
        for rank, v in enumerate(row):
            pos[v] = rank


def _crossings(layers: list[list[int]], down: list[list[int]], pos: list[float]) -> int:
    """How many pairs of edges between consecutive layers cross (inversions, by a Fenwick tree)."""
    for row in layers:
        for rank, v in enumerate(row):
            pos[v] = rank
    total = 0
    for i in range(len(layers) - 1):
        pairs = sorted((int(pos[u]), int(pos[w])) for u in layers[i] for w in down[u])
        size = len(layers[i + 1])
        tree = [0] * (size + 1)
        for seen, (_, w) in enumerate(pairs):
            # edges already seen that end to the right of w cross this one
            j, not_right = w + 1, 0
            while j > 0:
                not_right += tree[j]
                j -= j & -j
            total += seen - not_right
            j = w + 1
            while j <= size:
                tree[j] += 1
                j += j & -j
    return total


def _coordinates(lg: _Layered, layers: list[list[int]]) -> list[float]:
    """Each vertex's x: rows packed and centred, then sweeps pulling each vertex towards its
    neighbours' mean (weights: 1 between terms, 2 with a dummy, 8 between dummies) without
    letting two boxes of a row come closer than their gap."""
    x = [0.0] * len(lg.layer)
    for row in layers:
        offsets = _offsets(lg, row)
        middle = (offsets[-1] if offsets else 0.0) / 2
        for v, o in zip(row, offsets, strict=True):
            x[v] = o - middle
    count = len(layers)
    for _ in range(6):
        for i in range(1, count):
            _place_row(lg, layers[i], lg.up, x)
        for i in range(count - 2, -1, -1):
            _place_row(lg, layers[i], lg.down, x)
    for i in range(1, count):
        _place_row(lg, layers[i], lg.up, x)
    low = min((x[v] - lg.left[v] for v in range(len(x))), default=0.0)
    return [value - low + _MARGIN for value in x]


def _separation(lg: _Layered, a: int, b: int) -> float:
    real_a, real_b = a < lg.real, b < lg.real
    gap = lg.gap if real_a and real_b else _DUMMY_GAP if not (real_a or real_b) else (lg.gap + _DUMMY_GAP) / 2
    return lg.right[a] + lg.left[b] + gap


def _offsets(lg: _Layered, row: list[int]) -> list[float]:
    out, at = [], 0.0
    for rank, v in enumerate(row):
        if rank:
            at += _separation(lg, row[rank - 1], v)
        out.append(at)
    return out


def _place_row(lg: _Layered, row: list[int], neighbours: list[list[int]], x: list[float]) -> None:
    """The positions of ``row`` closest (weighted least squares) to its vertices' neighbours'
    mean that keep the row's order and gaps: pool-adjacent-violators on ``x - offset``."""
    if not row:
        return
    offsets = _offsets(lg, row)
    blocks: list[list[float]] = []  # [weight, weighted sum, count]
    for v, o in zip(row, offsets, strict=True):
        total, weight = 0.0, 0.0
        for u in neighbours[v]:
            w = 1.0 if v < lg.real and u < lg.real else 8.0 if v >= lg.real and u >= lg.real else 2.0
            total += w * x[u]
            weight += w
        target, weight = (total / weight, weight) if weight else (x[v], 0.05)
        blocks.append([weight, weight * (target - o), 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] > blocks[-1][1] / blocks[-1][0]:
            w, s, c = blocks.pop()
            blocks[-1][0] += w
            blocks[-1][1] += s
            blocks[-1][2] += c
    rank = 0
    for w, s, c in blocks:
        for _ in range(int(c)):
            x[row[rank]] = s / w + offsets[rank]
            rank += 1


def _stub(start: Point, end: Point) -> list[Segment]:
    """A straight piece from ``start`` to ``end``, or none when they are the same point."""
    return [] if abs(start[1] - end[1]) < 0.01 and abs(start[0] - end[0]) < 0.01 else [("L", (start, end))]


def _chain_path(
    chain: list[int],
    k: int,
    lg: _Layered,
    x: list[float],
    top_of: list[float],
    cy: list[float],
    half_h: list[float],
    port: dict[tuple[int, str], float],
    real: int,
) -> tuple[list[Segment], list[tuple[Segment, tuple[float, float]]]]:
    """An edge through the vertices of ``chain``, top to bottom: its pieces, and its curves with
    the band of height each runs in (a channel between two rows, where its label may go)."""
    first, last = chain[0], chain[-1]
    at = (port[(k, "bottom")], cy[first] + half_h[first])
    base = top_of[lg.layer[first]] + _BAND
    segments = _stub(at, (at[0], base))
    at = (at[0], base)
    curves = []
    for v in chain[1:]:
        row_top = top_of[lg.layer[v]]
        end_x = port[(k, "top")] if v == last else x[v]
        middle = (at[1] + row_top) / 2
        curve: Segment = ("C", (at, (at[0], middle), (end_x, middle), (end_x, row_top)))
        segments.append(curve)
        curves.append((curve, (at[1] + 1, row_top - 1)))
        if v < real:
            segments += _stub((end_x, row_top), (end_x, cy[v] - half_h[v]))
        else:
            segments.append(("L", ((end_x, row_top), (end_x, row_top + _BAND))))
            at = (end_x, row_top + _BAND)
    middle_first = sorted(range(len(curves)), key=lambda c: abs(c - (len(curves) - 1) / 2))
    return segments, [curves[c] for c in middle_first]


def _reverse(segments: list[Segment]) -> list[Segment]:
    return [(kind, tuple(reversed(points))) for kind, points in reversed(segments)]


_TRIES = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)


def _place_label(
    edge: int,
    text: str,
    title: str,
    width: float,
    curves: list[tuple[Segment, tuple[float, float]]],
    placed: _Boxes,
    grid: _Grid,
) -> _Label:
    """The label centred on a point of one of ``curves`` (the middle first), inside its channel:
    where it overlaps no label already ``placed`` and hides least of the other edges."""
    best: tuple[float, float, Point] | None = None
    for curve, (low, high) in curves:
        for t in _TRIES:
            p = _cubic(*curve[1], t)  # type: ignore[misc]
            if p[1] - _LABEL_H / 2 < low or p[1] + _LABEL_H / 2 > high:
                continue
            box = (p[0] - width / 2, p[1] - _LABEL_H / 2, p[0] + width / 2, p[1] + _LABEL_H / 2)
            overlap = placed.overlap(box)
            cost = (overlap, grid.hidden(box, edge) + abs(t - 0.5) * 4)
            if best is None or cost < best[:2]:
                best = (*cost, p)
            if cost[0] == 0 and cost[1] < 1:
                break
        if best is not None and best[0] == 0 and best[1] < 1:
            break
    if best is None:  # a channel too short for the label: the curve's middle
        best = (0.0, 0.0, _cubic(*curves[0][0][1], 0.5))  # type: ignore[misc]
    (px, py) = best[2]
    placed.add((px - width / 2, py - _LABEL_H / 2, px + width / 2, py + _LABEL_H / 2))
    return _Label(text, title, px, py, width)


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _path_data(segments: list[Segment]) -> str:
    out: list[str] = []
    for kind, points in segments:
        if not out:
            out.append(f"M {points[0][0]:.1f} {points[0][1]:.1f}")
        out.append(kind + " " + " ".join(f"{px:.1f} {py:.1f}" for px, py in points[1:]))
    return " ".join(out)


def _svg_document(
    graph: ReductionGraph,
    texts: Sequence[str],
    shown: Sequence[str],
    width: Sequence[float],
    x: Sequence[float],
    cy: Sequence[float],
    normal: set[int],
    paths: dict[int, list[Segment]],
    labels: dict[int, _Label],
) -> str:
    """The SVG text: the edges, then the boxes, then the labels (on top), in a ``viewBox`` that
    holds everything."""
    xs: list[float] = []
    ys: list[float] = []
    for i in range(len(graph.nodes)):
        grow = 3 if i in normal else 0
        xs += [x[i] - width[i] / 2 - grow, x[i] + width[i] / 2 + grow]
        ys += [cy[i] - _BOX_H / 2 - grow, cy[i] + _BOX_H / 2 + grow]
    for segments in paths.values():
        for _, points in segments:
            xs += [p[0] for p in points]
            ys += [p[1] for p in points]
    for lab in labels.values():
        xs += [lab.x - lab.width / 2, lab.x + lab.width / 2]
        ys += [lab.y - _LABEL_H / 2, lab.y + _LABEL_H / 2]
    min_x, min_y = min(xs, default=0.0) - _MARGIN, min(ys, default=0.0) - _MARGIN
    view_w, view_h = max(xs, default=0.0) + _MARGIN - min_x, max(ys, default=0.0) + _MARGIN - min_y
    out = [
        f'<svg xmlns="{_SVG}" {_root_attributes(min_x, min_y, view_w, view_h)} class="mcalc-graph" '
        'font-family="monospace" font-size="12">',
        f"<title>reduction graph: {len(graph.nodes)} terms, {len(graph.edges)} steps</title>",
        '<defs><marker id="mcalc-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        '<g class="edges">',
    ]
    for k in range(len(graph.edges)):
        out.append(
            f'<g class="edge" id="e{k}"><title>{escape(labels[k].title)}</title>'
            f'<path d="{_path_data(paths[k])}" fill="none" stroke="#555" marker-end="url(#mcalc-arrow)"/></g>'
        )
    out.append('</g>\n<g class="nodes">')
    for i in range(len(graph.nodes)):
        w, left, y = width[i], x[i] - width[i] / 2, cy[i] - _BOX_H / 2
        stroke = ' stroke-width="2.5"' if i == 0 else ""
        stroke += ' stroke-dasharray="4 3"' if i in graph.unexpanded else ""
        out.append(f'<g class="node" id="n{i}"><title>{escape(cut_text(texts[i], TOOLTIP_LIMIT))}</title>')
        if i in normal:
            out.append(
                f'<rect class="outer" x="{left - 3:.1f}" y="{y - 3:.1f}" width="{w + 6:.1f}" height="{_BOX_H + 6:.1f}" '
                'rx="6" fill="none" stroke="#333"/>'
            )
        out.append(
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" height="{_BOX_H:.1f}" rx="4" fill="#f7f7ff" '
            f'stroke="#333"{stroke}/>'
        )
        out.append(f'<text x="{x[i]:.1f}" y="{cy[i] + 4:.1f}" text-anchor="middle">{escape(shown[i])}</text></g>')
    out.append('</g>\n<g class="edge-labels" font-size="10">')
    for k in range(len(graph.edges)):
        lab = labels[k]
        out.append(
            f'<g class="edge-label" id="e{k}-label"><title>{escape(lab.title)}</title>'
            f'<rect x="{lab.x - lab.width / 2:.1f}" y="{lab.y - _LABEL_H / 2:.1f}" width="{lab.width:.1f}" '
            f'height="{_LABEL_H:.1f}" rx="3" fill="white" fill-opacity="0.9"/>'
            f'<text x="{lab.x:.1f}" y="{lab.y + 3.5:.1f}" text-anchor="middle" fill="#a33">{escape(lab.text)}</text></g>'
        )
    out.append("</g>\n</svg>")
    return "\n".join(out)
