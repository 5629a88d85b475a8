"""Reduction graphs: every term reachable from a start term by one-step reduction (bounded), with
an edge per step labelled by its rule and position; exported to DOT.

Generic in the steps: ``steps(t)`` gives ``(rule name, position, reduct)`` for every one-step
reduct of ``t``, such as :func:`rewriting.rules.reducts` (FMC III, the default), a rule set's
(:func:`rule_steps`) or a first-order TRS's (:func:`trs_steps`). Drawn by
:func:`rewriting.drawing.svg`. Terms are nodes up to ``==`` (alpha-equivalence).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from machine_calculus.calculus.terms import Term
from machine_calculus.rewriting.engine import RuleSet
from machine_calculus.rewriting.rules import reducts
from machine_calculus.rewriting.trs import TRS, rewrite_steps

__all__ = ["Edge", "ReductionGraph", "reduction_graph", "rule_steps", "trs_steps"]

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

    def to_dot(self, label: Callable[[Term], str] = repr) -> str:
        """The graph in Graphviz's DOT language (the start is drawn bold, normal forms doubled,
        the nodes not expanded dashed)."""
        normal = self.normal_indices()
        lines = ["digraph reduction {", "  node [shape=box, fontname=monospace];"]
        for i, t in enumerate(self.nodes):
            style = ", style=bold" if i == 0 else ""
            style = ", style=" + ('"bold,dashed"' if i == 0 else "dashed") if i in self.unexpanded else style
            shape = ", peripheries=2" if i in normal else ""
            lines.append(f"  n{i} [label={json.dumps(label(t), ensure_ascii=False)}{style}{shape}];")
        for e in self.edges:
            where = ".".join(map(str, e.position)) or "ε"
            lines.append(
                f"  n{e.source} -> n{e.target} [label={json.dumps(f'{e.rule} @ {where}', ensure_ascii=False)}];"
            )
        lines.append("}")
        return "\n".join(lines)


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
