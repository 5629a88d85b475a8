"""Reduction graphs drawn as SVG: the geometry of the built-in layered layout (no edge behind a
box, each label on its edge, boxes apart and inside the ``viewBox``) on generated graphs and on
real reduction graphs; Graphviz's layout where ``dot`` is installed, made to scale; the choice
between them; labels in notation; the notebook display."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.rmc.firstorder import fn
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.strategies import fmc_terms
from machine_calculus.rewriting import drawing
from machine_calculus.rewriting.drawing import LayoutError, dot_available, svg
from machine_calculus.rewriting.graph import Edge, ReductionGraph, reduction_graph, rule_steps, trs_steps
from machine_calculus.rewriting.patterns import Meta, rule
from machine_calculus.rewriting.rmc_rules import RMC
from machine_calculus.rewriting.trs import parse_trs

ROOT = Path(__file__).resolve().parents[2]
NS = {"s": "http://www.w3.org/2000/svg"}
Rect = tuple[float, float, float, float]  # left, top, right, bottom
Point = tuple[float, float]

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz's dot is not installed")


# -- reading the drawing back ------------------------------------------------------------------


def path_points(d: str) -> list[list[Point]]:
    """The pieces of an SVG path of ``M``, ``L`` and ``C`` commands (absolute), each as a
    polyline (curves sampled finely)."""
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?(?:e-?\d+)?", d)
    pieces: list[list[Point]] = []
    at: Point = (0.0, 0.0)
    command, i = "M", 0
    while i < len(tokens):
        if tokens[i] in "MLC":
            command = tokens[i]
            i += 1
        count = {"M": 1, "L": 1, "C": 3}[command]
        numbers = [float(t) for t in tokens[i : i + 2 * count]]
        i += 2 * count
        points = list(zip(numbers[0::2], numbers[1::2], strict=True))
        if command == "M":
            at = points[0]
            command = "L"  # coordinates after M's first pair are line-tos
            continue
        if command == "L":
            pieces.append([at, points[0]])
        else:
            (c1, c2, end), p0 = points, at
            samples = []
            for step in range(41):
                t, s = step / 40, 1 - step / 40
                samples.append(
                    (
                        s**3 * p0[0] + 3 * s * s * t * c1[0] + 3 * s * t * t * c2[0] + t**3 * end[0],
                        s**3 * p0[1] + 3 * s * s * t * c1[1] + 3 * s * t * t * c2[1] + t**3 * end[1],
                    )
                )
            pieces.append(samples)
        at = pieces[-1][-1]
    return pieces


def segment_hits_rect(a: Point, b: Point, r: Rect) -> bool:
    """Does the segment ``ab`` pass through the inside of ``r`` (Liang-Barsky clipping)?"""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - r[0]), (dx, r[2] - a[0]), (-dy, a[1] - r[1]), (dy, r[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t1 - t0 > 1e-9


def rect_of(element: ET.Element) -> Rect:
    x, y = float(element.get("x", 0)), float(element.get("y", 0))
    return (x, y, x + float(element.get("width", 0)), y + float(element.get("height", 0)))


def overlap(a: Rect, b: Rect) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.01 and min(a[3], b[3]) - max(a[1], b[1]) > 0.01


def inside(r: Rect, outer: Rect) -> bool:
    return outer[0] <= r[0] and outer[1] <= r[1] and r[2] <= outer[2] and r[3] <= outer[3]


def near(p: Point, r: Rect, slack: float) -> bool:
    return r[0] - slack <= p[0] <= r[2] + slack and r[1] - slack <= p[1] <= r[3] + slack


def view_box(root: ET.Element) -> Rect:
    x, y, w, h = (float(v) for v in root.get("viewBox", "").split())
    return (x, y, x + w, y + h)


def scales(root: ET.Element) -> None:
    """The drawing follows its container's width: a viewBox, width 100%, its natural width as
    the most, and no fixed height."""
    assert root.get("viewBox") and root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"max-width: \d+px; height: auto", root.get("style", ""))


def check_builtin(graph: ReductionGraph) -> ET.Element:
    """Draw ``graph`` with the built-in layout and check its geometry."""
    root = ET.fromstring(svg(graph, layout="builtin"))
    scales(root)
    frame = view_box(root)
    boxes: dict[int, Rect] = {}
    for node in root.iterfind(".//s:g[@class='node']", NS):
        i = int(node.get("id", "n")[1:])
        rects = node.findall("s:rect", NS)
        boxes[i] = rect_of(rects[0])  # the outer border of a normal form comes first
        assert node.find("s:title", NS) is not None
    assert sorted(boxes) == list(range(len(graph.nodes)))
    for i, box in boxes.items():
        assert inside(box, frame), f"box {i} outside the viewBox"
    ordered = sorted(boxes.items(), key=lambda item: item[1][0])
    for a, (i, ra) in enumerate(ordered):  # sweep over x: only boxes that start before ra ends
        for j, rb in ordered[a + 1 :]:
            if rb[0] >= ra[2]:
                break
            assert not overlap(ra, rb), f"boxes {i} and {j} overlap"
    edges = {int(g.get("id", "e")[1:]): g for g in root.iterfind(".//s:g[@class='edge']", NS)}
    labels = {int(g.get("id", "e-")[1:].split("-")[0]): g for g in root.iterfind(".//s:g[@class='edge-label']", NS)}
    assert sorted(edges) == sorted(labels) == list(range(len(graph.edges)))
    for k, e in enumerate(graph.edges):
        path = edges[k].find("s:path", NS)
        assert path is not None
        pieces = path_points(path.get("d", ""))
        others = [(i, shrink(r)) for i, r in boxes.items() if i not in (e.source, e.target)]
        for piece in pieces:
            for a, b in pairwise(piece):
                xs, ys = (min(a[0], b[0]), max(a[0], b[0])), (min(a[1], b[1]), max(a[1], b[1]))
                for i, r in others:
                    if xs[1] < r[0] or xs[0] > r[2] or ys[1] < r[1] or ys[0] > r[3]:
                        continue
                    assert not segment_hits_rect(a, b, r), f"edge {k} ({e.source}->{e.target}) passes behind box {i}"
        label = labels[k].find("s:rect", NS)
        assert label is not None
        where = rect_of(label)
        assert inside(where, frame), f"label of edge {k} outside the viewBox"
        assert touches(pieces, where, 0.5), f"label of edge {k} is not on its edge"
        for i, r in boxes.items():
            assert not overlap(where, r), f"label of edge {k} covers box {i}"
    return root


def touches(pieces: list[list[Point]], r: Rect, slack: float) -> bool:
    """Does a path (its pieces as polylines) pass through or touch ``r`` (give or take ``slack``)?"""
    grown = (r[0] - slack, r[1] - slack, r[2] + slack, r[3] + slack)
    return any(near(a, r, slack) or segment_hits_rect(a, b, grown) for piece in pieces for a, b in pairwise(piece))


def shrink(r: Rect, by: float = 0.5) -> Rect:
    return (r[0] + by, r[1] + by, r[2] - by, r[3] - by)


# -- the built-in layout -----------------------------------------------------------------------


@st.composite
def graphs(draw: st.DrawFn) -> ReductionGraph:
    """Graphs of up to 30 nodes with any edges: cycles, loops, several between the same pair,
    terms the start does not reach; labels of any length."""
    n = draw(st.integers(1, 30))
    names = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    nodes = tuple(fn(f"t{i}" + "x" * k) for i, k in enumerate(names))
    # mostly a spanning tree from node 0 (as a reduction graph has: every term reachable), then
    # any further edges; sometimes no tree, so that some terms are unreachable
    spanning = draw(st.integers(0, 3)) > 0
    tree = [Edge(draw(st.integers(0, j - 1)), j, "r", ()) for j in range(1, n)] if spanning else []
    extra = draw(
        st.lists(
            st.builds(
                Edge,
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.text("abcdefgh-", min_size=1, max_size=12),
                st.tuples(st.integers(0, 3)),
            ),
            max_size=3 * n,
        )
    )
    unexpanded = draw(st.frozensets(st.integers(0, n - 1), max_size=3))
    return ReductionGraph(nodes, tuple(tree + extra), not unexpanded, unexpanded)


@settings(deadline=None)
@given(graphs())
def test_generated_graphs_draw_with_no_edge_behind_a_box(graph: ReductionGraph) -> None:
    check_builtin(graph)


@settings(deadline=None, max_examples=40)
@given(fmc_terms())
def test_reduction_graphs_of_generated_fmc_terms_draw_cleanly(term) -> None:  # type: ignore[no-untyped-def]
    check_builtin(reduction_graph(term, max_nodes=60))


SWAP = "([A].[B] ; <x>.<y>.[x].[y]) ; <u>.[u]out"


@pytest.mark.parametrize(
    "graph",
    [
        pytest.param(lambda: reduction_graph(parse(SWAP)), id="fmc-48-terms"),
        pytest.param(
            lambda: reduction_graph(parse((ROOT / "examples/church.fmc").read_text()), max_nodes=80), id="church-80"
        ),
        pytest.param(lambda: reduction_graph(parse((ROOT / "examples/church.fmc").read_text())), id="church-200"),
        pytest.param(
            lambda: reduction_graph(parse_rmc("[s(z)] ; new n. ((<n> ; [n] ; [n]) + (<s(n)> ; [n]))"), rule_steps(RMC)),
            id="rmc",
        ),
        pytest.param(
            lambda: reduction_graph(fn("b"), trs_steps(parse_trs((ROOT / "examples/trs/newman.trs").read_text()))),
            id="trs-newman",
        ),
        pytest.param(
            lambda: reduction_graph(
                fn("f", fn("f", fn("a"), fn("a")), fn("f", fn("a"), fn("b"))),
                trs_steps(parse_trs((ROOT / "examples/trs/commutativity.trs").read_text())),
            ),
            id="trs-loops",
        ),
    ],
)
def test_real_reduction_graphs_draw_cleanly(graph) -> None:  # type: ignore[no-untyped-def]
    built = graph()
    root = check_builtin(built)
    assert len(root.findall(".//s:text", NS)) == len(built.nodes) + len(built.edges)


def test_the_first_graph_a_user_drew_now_fits_and_reads_as_notation() -> None:
    """The RMC graph of docs/rewriting.ipynb was 1,915 px wide with no viewBox, labelled by reprs."""
    graph = reduction_graph(parse_rmc("[s(z)] ; new n. ((<n> ; [n] ; [n]) + (<s(n)> ; [n]))"), rule_steps(RMC))
    text = svg(graph, layout="builtin")
    root = ET.fromstring(text)
    scales(root)
    assert "Push(" not in text and "∃n." in text
    titles = [t.text for t in root.iterfind(".//s:g[@class='node']/s:title", NS)]
    assert titles == [str(t) for t in graph.nodes]  # the full text, however the label was cut
    shown = [t.text or "" for t in root.iterfind(".//s:g[@class='node']/s:text", NS)]
    assert any(s.endswith("…") for s in shown) and all(len(s) <= 60 for s in shown)


def test_styles_start_normal_forms_and_unexpanded_terms() -> None:
    trs = parse_trs("(VAR x) (RULES f(x) -> f(g(x)) a -> b)")
    graph = reduction_graph(fn("f", fn("a")), trs_steps(trs), max_nodes=6)
    root = ET.fromstring(svg(graph, layout="builtin"))
    nodes = {g.get("id"): g for g in root.iterfind(".//s:g[@class='node']", NS)}
    assert nodes["n0"].find("s:rect", NS).get("stroke-width") == "2.5"  # type: ignore[union-attr]
    dashed = {i for i, g in nodes.items() if any(r.get("stroke-dasharray") for r in g.findall("s:rect", NS))}
    assert dashed == {f"n{i}" for i in graph.unexpanded}
    doubled = {i for i, g in nodes.items() if len(g.findall("s:rect", NS)) == 2}
    assert doubled == {f"n{i}" for i in graph.normal_indices()}


def test_a_label_function_and_a_label_length() -> None:
    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    root = ET.fromstring(svg(graph, lambda t: "T" * 80, layout="builtin", max_label=10))
    shown = {t.text for t in root.iterfind(".//s:g[@class='node']/s:text", NS)}
    assert shown == {"T" * 9 + "…"}


# -- Graphviz, and choosing the layout ---------------------------------------------------------


def dot_boxes(root: ET.Element) -> dict[str, Rect]:
    """Each Graphviz node's outline (its outer border) in the viewBox's coordinates."""
    graph = root.find("s:g[@class='graph']", NS)
    assert graph is not None
    shift = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", graph.get("transform", ""))
    dx, dy = (float(shift.group(1)), float(shift.group(2))) if shift else (0.0, 0.0)
    out = {}
    for node in graph.iterfind("s:g[@class='node']", NS):
        numbers = [
            float(v) for s in node.iterfind("s:path", NS) for v in re.findall(r"-?\d+(?:\.\d+)?", s.get("d", ""))
        ]
        numbers += [
            float(v)
            for s in node.iterfind("s:polygon", NS)
            for v in re.findall(r"-?\d+(?:\.\d+)?", s.get("points", ""))
        ]
        xs, ys = numbers[0::2], numbers[1::2]
        out[node.findtext("s:title", "", NS)] = (min(xs) + dx, min(ys) + dy, max(xs) + dx, max(ys) + dy)
    return out


@needs_dot
def test_dot_draws_where_it_is_installed_and_scales() -> None:
    graph = reduction_graph(parse(SWAP))
    text = svg(graph)  # auto: dot, since it is on the PATH
    root = ET.fromstring(text)
    assert root.find("s:g[@class='graph']", NS) is not None  # Graphviz's drawing
    scales(root)
    assert not text.startswith("<?xml") and "<!DOCTYPE" not in text
    boxes = dot_boxes(root)
    assert sorted(boxes) == sorted(str(t) for t in graph.nodes)  # titles: the full texts
    frame = view_box(root)
    assert all(inside(r, frame) for r in boxes.values())
    rects = list(boxes.values())
    assert not any(overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    for group in root.iterfind(".//s:g[@class='edge']", NS):
        label = group.find("s:text", NS)
        path = group.find("s:path", NS)
        assert label is not None and path is not None and label.text
        size = float(label.get("font-size", "10"))
        x, y, half = float(label.get("x", 0)), float(label.get("y", 0)), len(label.text) * size * 0.3
        where = (x - half, y - size * 0.8, x + half, y + size * 0.2)
        pieces = path_points(path.get("d", "").replace(",", " "))
        assert touches(pieces, where, 2.0), f"label {label.text!r} is not by its edge"


@needs_dot
def test_the_layout_can_be_chosen() -> None:
    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    assert ET.fromstring(svg(graph, layout="dot")).find("s:g[@class='graph']", NS) is not None
    built = ET.fromstring(svg(graph, layout="builtin"))
    assert built.find("s:g[@class='graph']", NS) is None and built.find("s:g[@class='edges']", NS) is not None
    assert graph.svg(layout="builtin") == svg(graph, layout="builtin")


def test_without_dot_auto_is_the_builtin_layout_and_dot_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    assert svg(graph) == svg(graph, layout="builtin")
    with pytest.raises(LayoutError, match="not installed"):
        svg(graph, layout="dot")
    with pytest.raises(ValueError, match="unknown layout"):
        svg(graph, layout="neato")


def test_a_failing_or_slow_dot_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    monkeypatch.setattr(drawing.shutil, "which", lambda name: "/usr/bin/dot")

    def slow(*args: object, **kwargs: object) -> None:
        assert kwargs.get("timeout") == 1.5  # bounded
        raise subprocess.TimeoutExpired("dot", 1.5)

    monkeypatch.setattr(drawing.subprocess, "run", slow)
    assert svg(graph, timeout=1.5) == svg(graph, layout="builtin")
    with pytest.raises(LayoutError, match=r"more than 1\.5 s"):
        svg(graph, layout="dot", timeout=1.5)

    def broken(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(["dot", "-Tsvg"], 1, b"", b"Error: syntax error in line 1")

    monkeypatch.setattr(drawing.subprocess, "run", broken)
    assert svg(graph) == svg(graph, layout="builtin")
    with pytest.raises(LayoutError, match="syntax error"):
        svg(graph, layout="dot")


# -- displays and other rule sets -----------------------------------------------------------------


def test_a_graph_displays_itself_in_a_notebook() -> None:
    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    scales(ET.fromstring(graph._repr_svg_()))
    assert graph._repr_svg_() is drawing.display_svg(graph)  # drawn once for both displays
    shown = graph._repr_html_()
    assert shown.startswith('<div class="mcalc-graph-box" style="overflow-x: auto')
    inner = ET.fromstring(shown[shown.index("<svg") : shown.rindex("</svg>") + 6])
    width = re.search(r"min-width: (\d+)px; max-width: (\d+)px", inner.get("style", ""))
    assert width and int(width.group(1)) == round(0.75 * int(width.group(2)))


def test_a_user_rule_set_graph_draws() -> None:
    x, y = Meta("x"), Meta("y")
    from machine_calculus.rewriting.engine import RuleSet

    peano = RuleSet(
        "Peano addition",
        (
            rule("add-zero", fn("add", fn("z"), y), y),
            rule("add-succ", fn("add", fn("s", x), y), fn("s", fn("add", x, y))),
        ),
        redex_kinds=frozenset({"fo"}),
    )
    graph = reduction_graph(fn("add", fn("s", fn("s", fn("z"))), fn("s", fn("z"))), rule_steps(peano))
    root = check_builtin(graph)
    assert [t.text for t in root.iterfind(".//s:g[@class='node']/s:title", NS)][-1] == "s(s(s(z)))"
    assert {t.text for t in root.iterfind(".//s:g[@class='edge-label']/s:text", NS)} == {"add-succ", "add-zero"}
