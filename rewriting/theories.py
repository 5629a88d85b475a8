"""The calculi's equational theories as egglog rules over the bridge (:mod:`rewriting.egraph`),
and :func:`equal`. Rules that name a location are instantiated for the locations of the terms at
hand (and rules about two locations for each pair of distinct ones).

**RMC** (docs/rmc.md, "Equations"): Kleene algebra, ``+`` associative, commutative, idempotent
with unit ``0``; ``;`` associative with unit ``⋆``; ``0`` annihilating ``;`` on both sides; ``;``
distributing over ``+`` on both sides; ``M* = ⋆ + M ; M*`` and ``M* = ⋆ + M* ; M`` (the induction
laws, implications, are not included). Push/pop unification: ``[t]a ; a⟨t⟩ = ⋆``;
``[f(ts)]a ; a⟨g(us)⟩ = 0`` for distinct symbols (or arities);
``[f(t1..tn)]a ; a⟨f(u1..un)⟩ = [t1]a ; ... ; [tn]a ; a⟨un⟩ ; ... ; a⟨u1⟩``; actions on distinct
locations commute.

**FMC** (docs/introduction.md, "Reduction"; of Plotkin and Power's laws of state, reduction
proves two, and the others need these equations in the e-graph: docs/types-and-effects.md):

    beta        [N]a.a⟨x⟩.M -> {N/x}M
    push-push   [N]a.[P]b.M -> [P]b.[N]a.M                  a > b
    push-pop    [N]a.b⟨y⟩.M -> b⟨y⟩.[N]a.M                  a ≠ b, y not free in N
    pop-pop     a⟨x⟩.b⟨y⟩.M -> b⟨y⟩.a⟨x⟩.M                  a > b
    sequencing  ([N]a.M) ; K = [N]a.(M ; K)  (both ways)    (a⟨x⟩.M) ; K -> a⟨x⟩.(M ; K)
                ⋆ ; K -> K     M ; ⋆ -> M     (M ; N) ; K -> M ; (N ; K)     c ; K -> c
    delta       [m].[n].+ -> [n + m]   (and -, *, on integers; also before ; K)

Each is an equation; in the e-graph (which keeps both sides) the arrow only says which way it is
applied. The independence of locations is applied towards pushes and pops sorted by location
(``a > b``), and a push moves right past a pop to meet its own: that is enough for beta across
other locations, and both sides of an equation meet in the sorted order, while applying the
commutations both ways grew the e-graph of a 12-statement While program past 30,000 e-nodes in
ten rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from egglog import String, i64, rewrite, vars_

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Pop, Prim, Push, Seq, Skip
from machine_calculus.calculus.rmc import syntax as rmc
from machine_calculus.calculus.rmc.firstorder import Arg, Fn, NoArg, arguments
from machine_calculus.calculus.terms import Term, iter_preorder
from machine_calculus.rewriting.egraph import (
    Bridge,
    Node,
    Proof,
    locations_of,
    prove,
    shift,
    subst,
    substitution_laws,
    swap,
)

__all__ = ["equal", "fmc_laws", "kleene_laws", "rmc_laws"]


def _sequence(bridge: Bridge) -> Callable[[Node, Node], Node]:
    """``M ; N`` on e-graph nodes (``Seq``, shared by the FMC and the RMC)."""
    return lambda x, y: bridge.node(Seq, (), x, y)


def kleene_laws(bridge: Bridge, terms: Sequence[Term] = ()) -> list[Any]:
    """Kleene algebra's laws for RMC terms."""
    a, b, c = vars_("a b c", Node)
    zero, one = bridge.encode(rmc.FAIL), bridge.encode(SKIP)

    def plus(x: Node, y: Node) -> Node:
        return bridge.node(rmc.Choice, (), x, y)

    then = _sequence(bridge)

    def star(x: Node) -> Node:
        return bridge.node(rmc.Star, (), x)

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


def _symbols(terms: Sequence[Term]) -> list[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for t in terms:
        for node in iter_preorder(t):
            if isinstance(node, Fn):
                found.add((node.symbol, len(arguments(node))))
    return sorted(found)


def _variables(prefix: str, n: int) -> list[Node]:
    return list(vars_(" ".join(f"{prefix}{i}" for i in range(n)), Node)) if n else []


def rmc_laws(bridge: Bridge, terms: Sequence[Term] = ()) -> list[Any]:
    """Kleene algebra, and push/pop unification for the locations and symbols of ``terms``."""
    laws = kleene_laws(bridge, terms)
    zero, one = bridge.encode(rmc.FAIL), bridge.encode(SKIP)
    symbols, locations = _symbols(terms), locations_of(terms)

    then = _sequence(bridge)

    def fo(symbol: str, args: Sequence[Node]) -> Node:
        chain = bridge.node(NoArg, ())
        for x in reversed(args):
            chain = bridge.node(Arg, (), x, chain)
        return bridge.node(Fn, (symbol,), chain)

    def act(kind: type[Term], location: str, x: Node) -> Node:
        return bridge.node(kind, (location,), x)

    t, u, m = vars_("t u m", Node)
    for a in locations:
        laws.append(rewrite(then(act(rmc.Push, a, t), act(rmc.Pop, a, t))).to(one))
        for f, n in symbols:
            ts, us = _variables("t", n), _variables("u", n)
            if n:
                actions = [act(rmc.Push, a, x) for x in ts] + [act(rmc.Pop, a, x) for x in reversed(us)]
                decomposed = actions[-1]
                for action in reversed(actions[:-1]):
                    decomposed = then(action, decomposed)
                laws.append(rewrite(then(act(rmc.Push, a, fo(f, ts)), act(rmc.Pop, a, fo(f, us)))).to(decomposed))
            for g, k in symbols:
                if (g, k) != (f, n):
                    left, right = _variables("l", n), _variables("r", k)
                    clash = then(act(rmc.Push, a, fo(f, left)), act(rmc.Pop, a, fo(g, right)))
                    laws.append(rewrite(clash).to(zero))
        for b in locations:
            if a == b:
                continue
            for first in (rmc.Push, rmc.Pop):  # actions on distinct locations commute
                for second in (rmc.Push, rmc.Pop):
                    x, y = act(first, a, t), act(second, b, u)
                    laws.append(rewrite(then(x, y)).to(then(y, x)))
                    laws.append(rewrite(then(x, then(y, m))).to(then(y, then(x, m))))
    return laws + substitution_laws()


def fmc_laws(bridge: Bridge, terms: Sequence[Term] = ()) -> list[Any]:
    """Beta, the independence of distinct locations, sequencing and integer delta (see above)."""
    n, p, m, k = vars_("n p m k", Node)
    (label,) = vars_("label", String)
    v1, v2 = vars_("v1 v2", i64)
    skip = bridge.encode(SKIP)
    locations = sorted(set(locations_of(terms)) | {DEFAULT})

    def push(x: Node, a: str, body: Node) -> Node:
        return bridge.node(Push, (a,), x, body)

    def pop(a: str, body: Node) -> Node:
        return bridge.node(Pop, (a,), Node.scope(body))

    then = _sequence(bridge)

    laws = [
        rewrite(then(skip, k)).to(k),
        rewrite(then(m, skip)).to(m),
        rewrite(then(then(n, m), k)).to(then(n, then(m, k))),
        rewrite(then(Node.app0(String(Const.__name__), label), k)).to(Node.app0(String(Const.__name__), label)),
        rewrite(then(Node.lit(String(Const.__name__), v1), k)).to(Node.lit(String(Const.__name__), v1)),
    ]
    bridge.classes[Const.__name__] = Const
    for a in locations:
        laws += [
            rewrite(push(n, a, pop(a, m))).to(subst(0, n, m)),
            rewrite(then(push(n, a, m), k)).to(push(n, a, then(m, k))),
            rewrite(push(n, a, then(m, k))).to(then(push(n, a, m), k)),
            rewrite(then(pop(a, m), k)).to(pop(a, then(m, shift(1, 0, k)))),
        ]
        for b in locations:
            if a > b:
                laws += [
                    rewrite(push(n, a, push(p, b, m))).to(push(p, b, push(n, a, m))),
                    rewrite(pop(a, pop(b, m))).to(pop(b, pop(a, swap(0, m)))),
                ]
            if a != b:
                laws.append(rewrite(push(n, a, pop(b, m))).to(pop(b, push(shift(1, 0, n), a, m))))
    for name, result in (("+", v1 + v2), ("-", v1 - v2), ("*", v1 * v2)):
        prim = bridge.node(Prim, (name,))

        def const(v: Any) -> Node:
            return Node.lit(String(Const.__name__), v)

        laws += [
            rewrite(push(const(v2), DEFAULT, push(const(v1), DEFAULT, prim))).to(push(const(result), DEFAULT, skip)),
            rewrite(push(const(v2), DEFAULT, push(const(v1), DEFAULT, then(prim, k)))).to(
                push(const(result), DEFAULT, k)
            ),
        ]
    bridge.classes[Skip.__name__] = Skip
    return laws + substitution_laws()


def equal(left: Term, right: Term, iterations: int = 30, max_nodes: int = 20_000) -> Proof:
    """Do the calculus's laws prove ``left = right``? RMC terms by Kleene algebra and push/pop
    unification, FMC terms by beta, independence, sequencing and delta. Proved, or not found
    within ``iterations`` rounds of saturation and ``max_nodes`` e-nodes: never "unequal"."""
    if rmc.is_relational(left, right):
        return prove(left, right, rmc_laws, "the RMC's laws", iterations, max_nodes)
    return prove(left, right, fmc_laws, "the FMC's laws", iterations, max_nodes)
