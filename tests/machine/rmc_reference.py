"""A reference semantics for the RMC, independent of the machine: the relation a term denotes,
computed by recursion on the term (a list of final memories per initial memory), with eager
substitution and a Martelli-Montanari unifier. Star is unfolded to a given depth.

    [[*]]S = {S}          [[[t]a]]S = {S(a += t)}       [[a<t>]]S(a = s.u) = {θS(a = s) | θ = mgu(t, u)}
    [[M ; N]]S = ∪ {[[N]]S' | S' ∈ [[M]]S}              [[M + N]]S = [[M]]S ∪ [[N]]S
    [[0]]S = {}           [[new x.M]]S = [[{x'/x}M]]S   [[M*]]S = ∪_n [[M^n]]S  (n up to the depth)
"""

from __future__ import annotations

from itertools import count

from machine_calculus.calculus.fmc.syntax import Seq, Skip
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments, fn, term_text
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Pop, Push, Star
from machine_calculus.calculus.terms import Term, free_variables, iter_preorder, substitute

Memory = dict[str, tuple[Term, ...]]


def apply(theta: dict[str, Term], t: Term) -> Term:
    if isinstance(t, FVar):
        return t if t.name not in theta else apply(theta, theta[t.name])
    return fn(t.symbol, *(apply(theta, a) for a in arguments(t)))  # type: ignore[union-attr]


def mgu(t: Term, u: Term) -> dict[str, Term] | None:
    """Martelli-Montanari: rewrite a set of equations until solved (idempotent result)."""
    equations = [(t, u)]
    solved: dict[str, Term] = {}
    while equations:
        a, b = equations.pop()
        a, b = apply(solved, a), apply(solved, b)
        if isinstance(a, FVar) and isinstance(b, FVar) and a.name == b.name:
            continue
        if not isinstance(a, FVar) and isinstance(b, FVar):
            a, b = b, a
        if isinstance(a, FVar):
            if a.name in free_variables(b):
                return None
            solved = {x: apply({a.name: b}, v) for x, v in solved.items()}
            solved[a.name] = b
            continue
        assert isinstance(a, Fn) and isinstance(b, Fn)
        xs, ys = arguments(a), arguments(b)
        if a.symbol != b.symbol or len(xs) != len(ys):
            return None
        equations.extend(zip(xs, ys, strict=True))
    return solved


def relation(term: Term, memory: Memory, star_depth: int = 3) -> list[Memory]:
    """The final memories of ``term`` from ``memory`` (with repetitions: one per path)."""
    names = count(1)
    State = tuple[Memory, dict[str, Term]]  # memory with σ applied, and σ (idempotent)

    def go(m: Term, state: State, depth: int) -> list[State]:
        s, sigma = state
        if isinstance(m, Skip):
            return [state]
        if isinstance(m, Push):
            return [({**s, m.location: (*s.get(m.location, ()), apply(sigma, m.item))}, sigma)]
        if isinstance(m, Pop):
            stack = s.get(m.location, ())
            if not stack:
                return []
            theta = mgu(apply(sigma, m.pattern), stack[-1])
            if theta is None:
                return []
            rest = {**s, m.location: stack[:-1]}
            composed = {x: apply(theta, v) for x, v in sigma.items()} | theta
            return [({loc: tuple(apply(theta, t) for t in items) for loc, items in rest.items()}, composed)]
        if isinstance(m, New):
            return go(substitute(m.body, {m.variable: FVar(f"#{next(names)}")}), state, depth)
        if isinstance(m, Seq):
            return [s2 for s1 in go(m.first, state, depth) for s2 in go(m.then, s1, depth)]
        if isinstance(m, Choice):
            return go(m.left, state, depth) + go(m.right, state, depth)
        if isinstance(m, Fail):
            return []
        if isinstance(m, Star):
            if depth == 0:
                return [state]
            return [state] + [s2 for s1 in go(m.body, state, depth) for s2 in go(m, s1, depth - 1)]
        raise TypeError(m)

    return [final for final, _ in go(term, (dict(memory), {}), star_depth)]


def canonical(memory: Memory, keep: frozenset[str] = frozenset()) -> str:
    """A memory as text with its variables (except ``keep``) renamed ``V1, V2, ...`` by first
    occurrence (locations sorted, stacks bottom to top): equal up to renaming iff equal texts."""
    renaming: dict[str, Term] = {}
    for loc in sorted(memory):
        for t in memory[loc]:
            for node in iter_preorder(t):
                if isinstance(node, FVar) and node.name not in keep and node.name not in renaming:
                    renaming[node.name] = FVar(f"V{len(renaming) + 1}")
    return "; ".join(
        f"{loc}: [{', '.join(term_text(substitute(t, renaming)) for t in memory[loc])}]"
        for loc in sorted(memory)
        if memory[loc]
    )
