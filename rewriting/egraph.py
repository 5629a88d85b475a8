"""An e-graph bridge (egglog) and equational reasoning on RMC terms by the laws of Kleene algebra.

**The bridge** is written once against the generic term interface: a node becomes
``Node.app(head, atoms, children)``, with its head's name, its non-term arguments as one string
(JSON) and its sub-terms as a list, so any calculus's terms go into the e-graph unchanged.
**Binders**: before a term goes in, every bound variable is renamed to a canonical name given by
the number of binders nested from it down (``new x. new y. M`` becomes ``new ⟨2⟩. new ⟨1⟩. M``),
so alpha-equivalent terms are the same e-node; the laws below never move a term across a binder, so no capture can
arise.

**The theory** (spec rmc.md, "Equations"): ``+`` associative, commutative, idempotent, with unit
``0``; ``;`` associative with unit ``⋆``; ``0`` annihilates ``;`` on both sides; ``;`` distributes
over ``+`` on both sides; ``M* = ⋆ + M ; M*`` and ``M* = ⋆ + M* ; M`` (the star's unfoldings).
The induction laws (implications) are not included.

:func:`equal` answers **proved** (the two terms meet in one e-class) or **not found** within the
limits: never "not equal", since a bounded search proves nothing of the kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from egglog import EGraph, Expr, String, StringLike, eq, rewrite, vars_

from calculus.fmc.syntax import SKIP, Seq
from calculus.rmc.syntax import FAIL, Choice, New, Star
from calculus.terms import Term, fold, substitute, with_children

__all__ = ["Node", "NodeList", "Proof", "canonical_binders", "equal", "to_egglog"]


class NodeList(Expr):
    """A node's children."""

    @classmethod
    def nil(cls) -> NodeList: ...

    @classmethod
    def cons(cls, head: Node, tail: NodeList) -> NodeList: ...


class Node(Expr):
    """Any term node: its head, its atoms (JSON text) and its children."""

    @classmethod
    def app(cls, head: StringLike, atoms: StringLike, children: NodeList) -> Node: ...


def _children(*kids: Node) -> NodeList:
    result = NodeList.nil()
    for kid in reversed(kids):
        result = NodeList.cons(kid, result)
    return result


def _node(head: str, *kids: Node, atoms: str = "[]") -> Node:
    return Node.app(String(head), String(atoms), _children(*kids))


def canonical_binders(term: Term) -> Term:
    """``term`` with each ``new``-bound variable renamed ``⟨h⟩``, h the number of nested ``new``s
    from it down (itself included): alpha-equivalent terms become identical, and no renaming
    can capture (a binder's body only binds smaller heights). Bottom-up, iterative."""

    def rename(node: Term, results: tuple[tuple[Term, int], ...]) -> tuple[Term, int]:
        kids = tuple(r[0] for r in results)
        height = max((r[1] for r in results), default=0)
        rebuilt = with_children(node, kids)
        if isinstance(rebuilt, New):
            height += 1
            name = f"⟨{height}⟩"
            if rebuilt.variable != name:
                fresh = rebuilt.variable_class(name)  # type: ignore[attr-defined]
                rebuilt = New(name, substitute(rebuilt.body, {rebuilt.variable: fresh}))
        return rebuilt, height

    return fold(term, rename)[0]


def to_egglog(term: Term) -> Node:
    """The e-graph expression of a term (generic: head, atoms, children)."""

    def build(node: Term, kids: tuple[Node, ...]) -> Node:
        atoms = json.dumps([a for a in node.args if not isinstance(a, Term)], ensure_ascii=False)
        return _node(node.head, *kids, atoms=atoms)

    return fold(canonical_binders(term), build)


def _kleene_rules() -> list:  # type: ignore[type-arg]
    a, b, c = vars_("a b c", Node)
    zero, one = to_egglog(FAIL), to_egglog(SKIP)

    def plus(x: Node, y: Node) -> Node:
        return _node(Choice.__name__, x, y)

    def then(x: Node, y: Node) -> Node:
        return _node(Seq.__name__, x, y)

    def star(x: Node) -> Node:
        return _node(Star.__name__, x)

    return [
        rewrite(plus(a, b)).to(plus(b, a)),
        rewrite(plus(a, plus(b, c))).to(plus(plus(a, b), c)),
        rewrite(plus(plus(a, b), c)).to(plus(a, plus(b, c))),
        rewrite(plus(a, a)).to(a),
        rewrite(plus(a, zero)).to(a),
        rewrite(then(a, then(b, c))).to(then(then(a, b), c)),
        rewrite(then(then(a, b), c)).to(then(a, then(b, c))),
        rewrite(then(a, one)).to(a),
        rewrite(then(one, a)).to(a),
        rewrite(then(a, zero)).to(zero),
        rewrite(then(zero, a)).to(zero),
        rewrite(then(a, plus(b, c))).to(plus(then(a, b), then(a, c))),
        rewrite(then(plus(a, b), c)).to(plus(then(a, c), then(b, c))),
        rewrite(plus(then(a, b), then(a, c))).to(then(a, plus(b, c))),
        rewrite(plus(then(a, c), then(b, c))).to(then(plus(a, b), c)),
        rewrite(star(a)).to(plus(one, then(a, star(a)))),
        rewrite(plus(one, then(a, star(a)))).to(star(a)),
        rewrite(plus(one, then(star(a), a))).to(star(a)),
    ]


@dataclass(frozen=True)
class Proof:
    """The answer of :func:`equal`: proved, or not found within the limits (never "unequal")."""

    proved: bool
    iterations: int
    note: str

    def __bool__(self) -> bool:
        return self.proved

    def __str__(self) -> str:
        return self.note


def equal(left: Term, right: Term, iterations: int = 8, max_nodes: int = 5_000) -> Proof:
    """Do the laws of Kleene algebra prove ``left = right``? Saturates the e-graph one round at a
    time, for at most ``iterations`` rounds and while it has at most ``max_nodes`` e-nodes (the
    star's unfolding grows it without end). egglog does not give the rewrite steps here: the
    answer is the two e-classes meeting."""
    egraph = EGraph()
    egraph.register(*_kleene_rules())
    x = egraph.let("left", to_egglog(left))
    y = egraph.let("right", to_egglog(right))
    for done in range(iterations + 1):
        if egraph.check_bool(eq(x).to(y)):
            return Proof(True, done, f"proved by Kleene algebra after {done} rounds of saturation")
        size = sum(n for _, n in egraph.all_function_sizes())
        if size > max_nodes:
            return Proof(False, done, f"not found before the e-graph grew past {max_nodes:,} nodes (not a disproof)")
        if done < iterations:
            egraph.run(1)
    return Proof(False, iterations, f"not found within {iterations} rounds (this does not mean unequal)")
