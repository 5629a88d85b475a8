"""Reduction graphs: every term reachable from a start term by one-step reduction (bounded), with
an edge per step labelled by its rule and position; exported to DOT, drawn as SVG.

Generic in the steps: ``steps(t)`` gives ``(rule name, position, reduct)`` for every one-step
reduct of ``t``, such as :func:`rewriting.rules.reducts` (FMC III, the default), a rule set's
(:func:`rule_steps`) or a first-order TRS's (:func:`trs_steps`). Terms are nodes up to ``==``
(alpha-equivalence), labelled by their notation (``str``). A graph displays itself in a notebook
(``_repr_svg_``, ``_repr_html_``), drawn by :mod:`rewriting.drawing`, which this module imports
only inside those methods: models never import their renderers.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from machine_calculus.calculus.terms import Term
from machine_calculus.rewriting.engine import RuleSet
from machine_calculus.rewriting.rules import reducts
from machine_calculus.rewriting.trs import TRS, rewrite_steps

__all__ = ["Edge", "ReductionGraph", "cut_text", "edge_text", "reduction_graph", "rule_steps", "trs_steps"]

Steps = Callable[[Term], Iterable[tuple[str, tuple[int, ...], Term]]]


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    rule: str
    position: tuple[int, ...]


@dataclass(frozen=True)
class ReductionGraph:
    """Nodes (node 0 is the start), edges, whether every reachable term is included, and the
    nodes not expanded: those some of whose steps lead beyond the bound (left out with their
    reducts), so that a node without an edge is not taken for a normal form unless it is one."""

    nodes: tuple[Term, ...]
    edges: tuple[Edge, ...]
    complete: bool
    unexpanded: frozenset[int] = frozenset()

    def normal_indices(self) -> set[int]:
        """The indices of the expanded nodes without a step."""
        return set(range(len(self.nodes))) - {e.source for e in self.edges} - self.unexpanded

    def normal_forms(self) -> list[Term]:
        """The expanded nodes without a step (of a complete graph: every normal form reachable)."""
        normal = self.normal_indices()
        return [t for i, t in enumerate(self.nodes) if i in normal]

    def to_dot(self, label: Callable[[Term], str] = str, *, max_label: int | None = None) -> str:
        """The graph in Graphviz's DOT language: a node per term (labelled ``label(term)``, its
        notation by default; the start drawn bold, normal forms doubled, the nodes not expanded
        dashed), an edge per step labelled ``rule @ position``. With ``max_label``, labels longer
        than that are cut with an ellipsis (a drawing's; the export keeps them whole). Nodes are
        ``n0``, ``n1``, ... and edges carry ``id="e0"``, ``id="e1"``, ... in their order."""
        normal = self.normal_indices()
        lines = [
            "digraph reduction {",
            '  graph [nodesep=0.25, ranksep=0.45, bgcolor="transparent"];',
            '  node [shape=box, style="rounded,filled", fillcolor="#f7f7ff", fontname=monospace, fontsize=12,'
            ' height=0.3, margin="0.1,0.04"];',
            '  edge [fontname=monospace, fontsize=10, fontcolor="#a33333", color="#555555", arrowsize=0.7];',
        ]
        for i, t in enumerate(self.nodes):
            styles = ["rounded", "filled"] + ["bold"] * (i == 0) + ["dashed"] * (i in self.unexpanded)
            style = f', style="{",".join(styles)}"' if len(styles) > 2 else ""
            shape = ", peripheries=2" if i in normal else ""
            text = cut_text(label(t), max_label)
            lines.append(f"  n{i} [label={_dot_string(text)}{style}{shape}];")
        for k, e in enumerate(self.edges):
            text = cut_text(edge_text(e), max_label)
            lines.append(f'  n{e.source} -> n{e.target} [label={_dot_string(text)}, id="e{k}"];')
        lines.append("}")
        return "\n".join(lines)

    def svg(self, label: Callable[[Term], str] = str, *, layout: str = "auto", max_label: int | None = None) -> str:
        """The graph drawn as an SVG document that scales to its container (a ``viewBox``, width
        100%): by Graphviz's ``dot`` where it is installed (``layout="auto"``, or ``"dot"``),
        else by the built-in layered layout (``"builtin"``); see :func:`rewriting.drawing.svg`."""
        from machine_calculus.rewriting.drawing import svg

        return svg(self, label, layout=layout, max_label=max_label)

    def summary(self) -> str:
        """One line: how many terms, steps and normal forms, and whether that is all of them."""
        normal = len(self.normal_indices())
        bound = "all reachable" if self.complete else f"bounded, {len(self.unexpanded)} not expanded"
        return (
            f"reduction graph: {len(self.nodes)} terms ({bound}), {len(self.edges)} steps, "
            f"{normal} normal form{'s' * (normal != 1)}"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's plain-text display (beside the drawing): the :meth:`summary`, not every term."""
        printer.text(self.summary())

    def _repr_svg_(self) -> str:
        """A notebook's (or any IPython display's) drawing of the graph: :meth:`svg`."""
        from machine_calculus.rewriting.drawing import display_svg

        return display_svg(self)

    def _repr_html_(self) -> str:
        """A notebook's display: the SVG drawing in a box that scrolls sideways when the graph is
        too wide to stay readable in the column (it scales down to a readable size first)."""
        from machine_calculus.rewriting.drawing import html

        return html(self)


def edge_text(edge: Edge) -> str:
    """An edge's label: its rule and position, ``beta @ 2.1`` (``ε`` the root)."""
    return f"{edge.rule} @ {'.'.join(map(str, edge.position)) or 'ε'}"


def cut_text(text: str, limit: int | None) -> str:
    """``text`` with at most ``limit`` characters, cut with an ellipsis (``None``: whole)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def _dot_string(text: str) -> str:
    """A DOT string literal (a JSON string is one: quotes and backslashes escaped)."""
    return json.dumps(text, ensure_ascii=False)


def reduction_graph(start: Term, steps: Steps = reducts, max_nodes: int = 200) -> ReductionGraph:
    """The terms reachable from ``start`` breadth-first, at most ``max_nodes`` of them."""
    index: dict[Term, int] = {start: 0}
    nodes, edges = [start], []
    queue = deque([0])
    unexpanded: set[int] = set()
    while queue:
        i = queue.popleft()
        for rule, position, result in steps(nodes[i]):
            j = index.get(result)
            if j is None:
                if len(nodes) >= max_nodes:
                    unexpanded.add(i)
                    continue
                j = index[result] = len(nodes)
                nodes.append(result)
                queue.append(j)
            edges.append(Edge(i, j, rule, position))
    return ReductionGraph(tuple(nodes), tuple(edges), not unexpanded, frozenset(unexpanded))


def rule_steps(rules: RuleSet) -> Steps:
    """The one-step reducts by a rule set (the RMC's, or a user's), for :func:`reduction_graph`."""
    return lambda t: reducts(t, rules)


def trs_steps(trs: TRS) -> Steps:
    """The one-step reducts of a first-order TRS, in the form :func:`reduction_graph` takes."""

    def steps(t: Term) -> Iterable[tuple[str, tuple[int, ...], Term]]:
        return ((str(rule), path, result) for rule, path, result in rewrite_steps(trs, t))

    return steps
