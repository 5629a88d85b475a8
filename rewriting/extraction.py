"""Extraction: the cheapest term of an e-class by a cost model, computed here from a snapshot of
the e-graph (egglog's serialized form: e-nodes with their e-class and children).

Doing it on plain data keeps the cost model plain Python (any function of a node's head) and
the rebuilt term goes through the bridge's own decoder: every node chosen is an e-node of the
e-graph, and the tests check the result is in the root's e-class.

**Cost**: a term's cost is the sum of its nodes' own costs (a tree cost); ``cost(head)`` gives a
node's own cost from its head's name, at least 1, so that a node always costs more than its
children and the choice has no cycles. The best node of every e-class is found by iterating to
the fixed point (Bellman-Ford style), in O(rounds × e-nodes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from egglog import EGraph

from machine_calculus.calculus.terms import Term
from machine_calculus.rewriting.egraph import Bridge

__all__ = ["Snapshot", "extract", "snapshot"]

_TERM_NODES = {"Node.app0", "Node.app1", "Node.app2", "Node.app3", "Node.lit", "Node.bvar", "Node.scope"}


@dataclass(frozen=True)
class Snapshot:
    """The e-graph as data: e-nodes (``op``, children node ids, ``eclass``) and the e-classes
    under a :func:`~rewriting.egraph.marked` node."""

    nodes: dict[str, dict[str, Any]]
    marked: frozenset[str]
    term_classes: frozenset[str]

    def is_term(self, node_id: str) -> bool:
        """Does the node (a child) stand for a term's e-class (not a literal)?"""
        return self.nodes[node_id]["eclass"] in self.term_classes

    def literal(self, node_id: str) -> Any:
        """A primitive node's value (a string or an integer)."""
        op = self.nodes[node_id]["op"]
        return json.loads(op)


def snapshot(egraph: EGraph) -> Snapshot:
    """The e-graph's e-nodes and its marked e-classes, from egglog's serialized form."""
    data = json.loads(egraph._serialize(split_primitive_outputs=False).to_json())
    nodes = data["nodes"]
    marked = {nodes[n["children"][0]]["eclass"] for n in nodes.values() if n["op"] == "marked"}
    terms = frozenset(k for k, v in data["class_data"].items() if v["type"].endswith(".Node"))
    return Snapshot(nodes, frozenset(marked), terms)


def extract(bridge: Bridge, snap: Snapshot, cost: Callable[[str], int]) -> tuple[Term, int]:
    """The cheapest term of the marked e-class (there must be one) and its cost."""
    if len(snap.marked) != 1:
        raise ValueError(f"extraction needs one marked e-class, not {len(snap.marked)}")
    (root_class,) = snap.marked
    members: dict[str, list[str]] = {}
    for node_id, node in snap.nodes.items():
        if node["op"] in _TERM_NODES:
            members.setdefault(node["eclass"], []).append(node_id)

    def own(node_id: str) -> tuple[int, list[str]]:
        """A node's own cost and the e-classes of its term children."""
        node = snap.nodes[node_id]
        kids = node["children"]
        op = node["op"]
        head = snap.literal(kids[0]) if op.startswith("Node.app") or op == "Node.lit" else op
        term_kids = [snap.nodes[k]["eclass"] for k in kids if snap.is_term(k)]
        return max(1, cost(head)), term_kids

    costs = {node_id: own(node_id) for ids in members.values() for node_id in ids}
    best: dict[str, tuple[int, str]] = {}
    changed = True
    while changed:
        changed = False
        for eclass, ids in members.items():
            for node_id in ids:
                base, kids = costs[node_id]
                if all(k in best for k in kids):
                    total = base + sum(best[k][0] for k in kids)
                    if eclass not in best or total < best[eclass][0]:
                        best[eclass] = (total, node_id)
                        changed = True
    if root_class not in best:
        raise ValueError("the marked e-class has no finite term")

    def view(eclass: str) -> tuple[str, list[Any]]:
        node = snap.nodes[best[eclass][1]]
        args = []
        for k in node["children"]:
            child = snap.nodes[k]
            args.append(child["eclass"] if snap.is_term(k) else snap.literal(k))
        return node["op"].removeprefix("Node."), args

    return bridge.decode(root_class, view), best[root_class][0]
