"""Unification of first-order terms: most general unifiers with the occurs check.

A substitution is **triangular** and **persistent**: an :class:`immutables.Map` (a hash array
mapped trie, in C) from variable names to terms that may mention other bound variables, so extending it for one branch of a
search shares everything with the others (O(log n) per binding, no copying). :func:`resolve`
applies it fully. Everything is iterative (explicit stacks), so terms nested 100,000 deep unify.

    unify(t, u, σ) = the most general θ extending σ with θ(t) = θ(u), or None if none exists
"""

from __future__ import annotations

from collections.abc import Iterable

from immutables import Map

from machine_calculus.calculus.rmc.firstorder import Arg, Fn, FVar, NoArg, arguments
from machine_calculus.calculus.terms import Term, free_variables

__all__ = ["EMPTY", "INDEXED", "Substitution", "occurs", "resolve", "resolve_all", "unify", "unify_all", "walk"]

Substitution = Map  # variable name -> Term
EMPTY: Substitution = Map()

_INDEXED = ("indexed",)
_MENTIONED = "mentioned"
#: The empty substitution that also records which variables its bound terms mention (under keys
#: that are not variable names), for the cheap occurs check of :func:`unify_all`. Extend it only
#: with :func:`unify`; bindings added by hand would not be recorded.
INDEXED: Substitution = Map({_INDEXED: True})


def walk(t: Term, s: Substitution) -> Term:
    """``t`` if it is not a bound variable, else what its binding chain ends in (one level)."""
    while isinstance(t, FVar):
        bound = s.get(t.name)
        if bound is None:
            return t
        t = bound
    return t


def occurs(name: str, t: Term, s: Substitution) -> bool:
    """Does the variable ``name`` occur in ``t`` under ``s``?"""
    stack, seen = [t], set()
    while stack:
        x = walk(stack.pop(), s)
        if isinstance(x, FVar):
            if x.name == name:
                return True
            continue
        if id(x) in seen:
            continue
        seen.add(id(x))
        stack.extend(arguments(x))  # type: ignore[arg-type]
    return False


def unify_all(pairs: Iterable[tuple[Term, Term]], s: Substitution = EMPTY) -> Substitution | None:
    """The most general extension of ``s`` unifying every pair, or None (Robinson, iterative).

    On an :data:`INDEXED` substitution the occurs check of a variable that no bound term
    mentions looks only at the other term's syntax (it cannot occur through a binding), which
    keeps it O(|t|) instead of O(|σt|) when a fresh variable meets the end of a long chain.
    """
    work = list(pairs)
    indexed = _INDEXED in s
    while work:
        a, b = work.pop()
        a, b = walk(a, s), walk(b, s)
        if a is b:
            continue
        if isinstance(a, FVar) and isinstance(b, FVar) and a.name == b.name:
            continue
        if isinstance(a, FVar) or isinstance(b, FVar):
            v, t = (a, b) if isinstance(a, FVar) else (b, a)
            assert isinstance(v, FVar)
            if indexed and (_MENTIONED, v.name) not in s:
                if v.name in free_variables(t):
                    return None
            elif occurs(v.name, t, s):
                return None
            s = s.set(v.name, t)
            if indexed:
                for x in free_variables(t):
                    if (_MENTIONED, x) not in s:
                        s = s.set((_MENTIONED, x), True)
        else:
            assert isinstance(a, Fn) and isinstance(b, Fn)
            if a.symbol != b.symbol:
                return None
            xs, ys = a.operands, b.operands
            while isinstance(xs, Arg) and isinstance(ys, Arg):
                work.append((xs.item, ys.item))
                xs, ys = xs.rest, ys.rest
            if not (isinstance(xs, NoArg) and isinstance(ys, NoArg)):
                return None  # the same symbol with different numbers of arguments
    return s


def unify(t: Term, u: Term, s: Substitution = EMPTY) -> Substitution | None:
    """The most general extension of ``s`` with ``θ(t) = θ(u)``, or None (see :func:`unify_all`)."""
    return unify_all([(t, u)], s)


def resolve(t: Term, s: Substitution) -> Term:
    """``s`` applied to ``t`` completely (bindings of bindings too), iteratively."""
    return resolve_all([t], s)[0]


def resolve_all(terms: Iterable[Term], s: Substitution, unbound: set[str] | None = None) -> list[Term]:
    """:func:`resolve` of several terms under one substitution, with one memo for them all: a
    binding (or a sub-term) they share is resolved once, so reading an answer is linear in the
    size of its DAG. The names of the variables left unbound are added to ``unbound``."""
    memo: dict[int, Term] = {}
    keep: list[Term] = []  # keep nodes alive so that ids stay unique during the walk
    roots = list(terms)
    stack: list[tuple[Term, bool]] = [(t, False) for t in reversed(roots)]
    while stack:
        x, ready = stack.pop()
        if id(x) in memo:
            continue
        if type(x) is FVar:
            y = walk(x, s)
            if type(y) is FVar:
                memo[id(x)] = y
                if unbound is not None:
                    unbound.add(y.name)
            elif id(y) in memo:
                memo[id(x)] = memo[id(y)]
            else:
                stack.append((x, False))
                stack.append((y, False))
                keep.append(y)
            continue
        kids = arguments(x)  # type: ignore[arg-type]
        if not ready:
            stack.append((x, True))
            stack.extend((k, False) for k in kids if id(k) not in memo)
            keep.append(x)
            continue
        new_kids = [memo[id(k)] for k in kids]
        same = all(n is k for n, k in zip(new_kids, kids, strict=True))
        memo[id(x)] = x if same else _rebuild(x, new_kids)  # type: ignore[arg-type]
    return [memo[id(t)] for t in roots]


def _rebuild(t: Fn, args: list[Term]) -> Fn:
    from machine_calculus.calculus.rmc.firstorder import fn

    return fn(t.symbol, *args)
