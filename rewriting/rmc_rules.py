"""The RMC's equations oriented into reduction rules (docs/rmc.md, "Equations"): our rule set,
documented in docs/rewriting.md. Sequences are brought to the right (``seq-assoc``), so an
action's successor is the first part of the sequence after it.

    seq-assoc      (M ; N) ; P              ->  M ; (N ; P)
    skip           ⋆ ; M  ->  M        M ; ⋆  ->  M
    fail           0 ; M  ->  0        M ; 0  ->  0        0 + M  ->  M        M + 0  ->  M
    distribute     (M + N) ; P  ->  M ; P + N ; P          M ; (N + P)  ->  M ; N + M ; P
    unfold         M*                       ->  ⋆ + M ; M*         (the only non-terminating rule)
    extrude        (new x. M) ; N  ->  new x. (M ; N)      M ; new x. N  ->  new x. (M ; N)
                   (x renamed away from the other part's free variables)
    new            new x. (M + N)  ->  new x. M + new x. N     new x. 0  ->  0
                   new x. M  ->  M   when x is not free in M
    unify          [t]a ; C ; a⟨u⟩ ; M      ->  C ; M                     when t = u
                                            ->  0                         when t, u have no unifier
                                            ->  C ; [t1]a ; ... ; [tn]a ; a⟨un⟩ ; ... ; a⟨u1⟩ ; M
                                                  when t = f(t1..tn), u = f(u1..un)
                   (C: pushes and pops on locations other than a; the pop meets the push)
    bind           new x. new ys. S         ->  new ys. {t/x}S'
                   when the sequence S has a push and its pop [x]a ; C ; a⟨t⟩ (or [t]a ; C ; a⟨x⟩)
                   at its top level, x not in t, and S' is S without them: ∃x.(x = t ∧ R) = R[t/x]

Every rule is an equation of the RMC's theory read left to right (``unify`` and ``bind`` are
the push/pop unification law; moving C in front uses the independence of distinct locations).
On closed star-free terms reduction terminates, and a normal form is a sum of summands
``new xs. A1 ; ... ; An`` of pushes and pops in which no pop meets a push: the answers of
the machine are the summands without pops (:func:`read_answers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from machine_calculus.calculus.fmc.syntax import SKIP, Seq, Skip, sequence_of
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments
from machine_calculus.calculus.rmc.syntax import FAIL, Choice, Fail, New, Pop, Push, Star
from machine_calculus.calculus.rmc.unify import unify
from machine_calculus.calculus.terms import Term, free_variables, fresh_name, iter_preorder, substitute, variable_names
from machine_calculus.rewriting.engine import Link, ReductionRule, RuleSet

__all__ = ["RMC", "canonical_summands", "read_answers", "spine", "summands"]


def _parts(t: Term) -> Iterator[tuple[Term, Term | None]]:
    """The parts of the right-nested sequence ``M1 ; (M2 ; ...)``, each with the rest of the
    sequence after it (None after the last), lazily."""
    while isinstance(t, Seq):
        yield t.first, t.then
        t = t.then
    yield t, None


def _items(t: Term) -> list[Term]:
    """The right-nested sequence ``M1 ; (M2 ; ...)`` as its list of parts."""
    return [item for item, _ in _parts(t)]


def _seq_assoc(t: Term) -> Term | None:
    if isinstance(t, Seq) and isinstance(t.first, Seq):
        return Seq(t.first.first, Seq(t.first.then, t.then))
    return None


def _skip(t: Term) -> Term | None:
    if isinstance(t, Seq):
        if isinstance(t.first, Skip):
            return t.then
        if isinstance(t.then, Skip):
            return t.first
    return None


def _fail(t: Term) -> Term | None:
    if isinstance(t, Seq) and (isinstance(t.first, Fail) or isinstance(t.then, Fail)):
        return FAIL
    if isinstance(t, Choice):
        if isinstance(t.left, Fail):
            return t.right
        if isinstance(t.right, Fail):
            return t.left
    return None


def _distribute(t: Term) -> Term | None:
    if isinstance(t, Seq):
        if isinstance(t.first, Choice):
            return Choice(Seq(t.first.left, t.then), Seq(t.first.right, t.then))
        if isinstance(t.then, Choice):
            return Choice(Seq(t.first, t.then.left), Seq(t.first, t.then.right))
    return None


def _unfold(t: Term) -> Term | None:
    return Choice(SKIP, Seq(t.body, t)) if isinstance(t, Star) else None


def _extrude(t: Term) -> Term | None:
    if not isinstance(t, Seq):
        return None
    if isinstance(t.first, New):
        binder, other, left = t.first, t.then, True
    elif isinstance(t.then, New):
        binder, other, left = t.then, t.first, False
    else:
        return None
    x, body = binder.variable, binder.body
    outside = free_variables(other)
    if x in outside:
        z = fresh_name(x, outside | variable_names(body))
        body, x = substitute(body, {x: FVar(z)}), z
    return New(x, Seq(body, other) if left else Seq(other, body))


def _new(t: Term) -> Term | None:
    if not isinstance(t, New):
        return None
    if isinstance(t.body, Choice):
        return Choice(New(t.variable, t.body.left), New(t.variable, t.body.right))
    if isinstance(t.body, Fail):
        return FAIL
    if t.variable not in free_variables(t.body):
        return t.body
    return None


def _meeting_pop(location: str, following: Iterable[tuple[Term, Any]]) -> tuple[int, Pop, Any] | None:
    """The pop that meets a push on ``location`` among the parts that follow it, past actions on
    other locations: (how many parts it passes, the pop, what comes with it), or None. Reads only
    as far as the pop."""
    for passed, (item, rest) in enumerate(following):
        if not isinstance(item, Push | Pop):
            return None
        if item.location == location:
            return (passed, item, rest) if isinstance(item, Pop) else None
    return None


def _unify(t: Term) -> Term | None:
    if not (isinstance(t, Seq) and isinstance(t.first, Push)):
        return None
    push = t.first
    met = _meeting_pop(push.location, _parts(t.then))
    if met is None:
        return None
    passed, item, rest = met
    between = [u for u, _ in islice(_parts(t.then), passed)]  # C: the parts the pop passed
    pushed, pattern = push.item, item.pattern
    tail = () if rest is None else (rest,)
    if pushed == pattern:
        return sequence_of(*between, *tail)
    if unify(pushed, pattern) is None:
        return FAIL
    if isinstance(pushed, Fn) and isinstance(pattern, Fn):  # same symbol and arity: decompose
        a = push.location
        ts, us = arguments(pushed), arguments(pattern)
        return sequence_of(*between, *(Push(x, a) for x in ts), *(Pop(a, u) for u in reversed(us)), *tail)
    return None  # a variable against a term: bind's work, at the variable's new


def _bind(t: Term) -> Term | None:
    if not isinstance(t, New):
        return None
    x = t.variable
    inner: list[str] = []
    body = t.body
    while isinstance(body, New):
        inner.append(body.variable)
        body = body.body
    if x in inner:
        return None  # x is shadowed in S
    items = _items(body)
    for i, item in enumerate(items):
        if not isinstance(item, Push):
            continue
        met = _meeting_pop(item.location, ((u, None) for u in items[i + 1 :]))
        if met is None:
            continue
        j = i + 1 + met[0]
        value = _binding(x, item.item, items[j].pattern)  # type: ignore[attr-defined]
        if value is None:
            continue
        rest = [u for k, u in enumerate(items) if k not in (i, j)]
        result = substitute(sequence_of(*rest), {x: value})
        for y in reversed(inner):
            result = New(y, result)
        return result
    return None


def _binding(x: str, pushed: Term, pattern: Term) -> Term | None:
    """The term ``x`` equals by ``[pushed]a ; a<pattern>``, when one side is ``x`` and the
    other does not contain it."""
    for side, other in ((pushed, pattern), (pattern, pushed)):
        if isinstance(side, FVar) and side.name == x and x not in free_variables(other):
            return other
    return None


RULES: tuple[ReductionRule, ...] = (
    ReductionRule("seq-assoc", _seq_assoc, equation="(M ; N) ; P -> M ; (N ; P)"),
    ReductionRule("skip", _skip, equation="⋆ ; M -> M,  M ; ⋆ -> M"),
    ReductionRule("fail", _fail, equation="0 ; M -> 0,  M ; 0 -> 0,  0 + M -> M,  M + 0 -> M"),
    ReductionRule("distribute", _distribute, equation="(M + N) ; P -> M ; P + N ; P,  M ; (N + P) -> M ; N + M ; P"),
    ReductionRule("unfold", _unfold, equation="M* -> ⋆ + M ; M*"),
    ReductionRule("extrude", _extrude, equation="(∃x.M) ; N -> ∃x.(M ; N),  M ; ∃x.N -> ∃x.(M ; N)"),
    ReductionRule("new", _new, equation="∃x.(M + N) -> ∃x.M + ∃x.N,  ∃x.0 -> 0,  ∃x.M -> M when x is not free in M"),
    ReductionRule(
        "unify",
        _unify,
        equation="[t]a ; C ; a⟨u⟩ ; M -> C ; M when t = u, 0 when t, u have no unifier, else the arguments pushed and popped",
    ),
    ReductionRule(
        "bind", _bind, equation="∃x.∃ys.S -> ∃ys.{t/x}S' when S has [x]a ; C ; a⟨t⟩ at its top level, x not in t"
    ),
)


def spine(t: Term) -> Iterator[tuple[Link, Term]]:
    """The positions the relational machine runs through: the first part of a sequence, the body
    of a ``new``, both branches of a choice (left first)."""
    stack: list[tuple[Link, Term]] = [(None, t)]
    while stack:
        link, node = stack.pop()
        yield link, node
        if isinstance(node, Seq):
            stack.append(((0, link), node.first))
        elif isinstance(node, New):
            stack.append(((1, link), node.body))
        elif isinstance(node, Choice):
            stack.append(((1, link), node.right))
            stack.append(((0, link), node.left))


RMC = RuleSet("RMC", RULES, spine)


def summands(t: Term) -> Iterator[Term]:
    """The summands of ``M1 + ... + Mn`` (``0`` has none)."""
    stack = [t]
    while stack:
        node = stack.pop()
        if isinstance(node, Choice):
            stack.extend((node.right, node.left))
        elif not isinstance(node, Fail):
            yield node


def canonical_summands(t: Term) -> frozenset[Term]:
    """The set of ``t``'s summands, each with its leading ``new``s reordered by the first
    occurrence of their variables (unused ones dropped): normal forms equal up to the order of
    choices and of extruded binders give the same set."""
    return frozenset(_canonical_summand(s) for s in summands(t))


def _canonical_summand(t: Term) -> Term:
    bound: set[str] = set()
    while isinstance(t, New):
        if t.variable in bound:  # an inner binder shadows: rename it apart first
            fresh = fresh_name(t.variable, bound | variable_names(t))
            t = New(fresh, substitute(t.body, {t.variable: FVar(fresh)}))
        bound.add(t.variable)
        t = t.body
    order: list[str] = []
    for node in iter_preorder(t):
        if isinstance(node, FVar) and node.name in bound and node.name not in order:
            order.append(node.name)
    for name in reversed(order):
        t = New(name, t)
    return t


def read_answers(t: Term) -> list[dict[str, tuple[Term, ...]]] | None:
    """The answers read off a normal form of ``pushes(memory) ; M``: one memory per summand made
    of pushes only (a summand that still pops has none: the machine pops an empty stack). Fresh
    variables are named ``_1, _2, ...`` in order of first occurrence (locations sorted, stacks
    bottom to top). None when ``t`` is not such a normal form."""
    answers = []
    for summand in summands(t):
        while isinstance(summand, New):
            summand = summand.body
        memory: dict[str, list[Term]] = {}
        popped = False
        for item in _items(summand):
            if isinstance(item, Push):
                memory.setdefault(item.location, []).append(item.item)
            elif isinstance(item, Pop):
                popped = True
            elif not isinstance(item, Skip):
                return None
        if not popped:
            answers.append(canonical_memory({loc: tuple(v) for loc, v in memory.items()}))
    return answers


def canonical_memory(memory: dict[str, tuple[Term, ...]]) -> dict[str, tuple[Term, ...]]:
    """``memory`` with its variables renamed ``_1, _2, ...`` by first occurrence (locations
    sorted, stacks bottom to top)."""
    names: dict[str, Term] = {}
    for loc in sorted(memory):
        for item in memory[loc]:
            for node in iter_preorder(item):
                if isinstance(node, FVar) and node.name not in names:
                    names[node.name] = FVar(f"_{len(names) + 1}")
    return {loc: tuple(substitute(v, names) for v in items) for loc, items in sorted(memory.items()) if items}
