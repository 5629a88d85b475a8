"""The papers' inductive sequencing function, and the normal form it gives every term.

In the papers, ``N ; M`` is not a constructor but a function on terms, defined by induction on N:

    ⋆ ; M        = M
    ([P]a.N) ; M = [P]a.(N ; M)
    (a⟨x⟩.N) ; M = a⟨x⟩.(N ; M)        renaming x away from the free variables of M
    (x.N) ; M    = x.(N ; M)            (x alone is x.⋆)
    j ; M        = j                    a constant (FMC III label) passes over M

:func:`sequence` implements it, and :func:`normalize` applies it to every ``Seq`` node, giving a
term in the papers' grammar ``M ::= ⋆ | x.M | [N]a.M | a⟨x⟩.M`` (plus constants). The machine
cannot tell ``M`` from ``normalize(M)`` apart (a property test). Iterative, linear in the size of
the term apart from the (rare) renaming of a captured binder.
"""

from __future__ import annotations

from typing import Any

from calculus.fmc.syntax import SKIP, Const, Pop, Push, Seq, Skip, Term, Var
from calculus.terms import free_variables, fresh_name, substitute, variable_names

__all__ = ["is_normal", "normalize", "sequence"]

_EVAL, _EVAL_ON_RESULT, _PUSH, _POP, _THEN = range(5)


def sequence(first: Term, then: Term) -> Term:
    """``first ; then`` by the inductive definition (both normalized on the way)."""
    return _normalize(first, normalize(then))


def normalize(term: Term) -> Term:
    """Every ``N ; M`` of ``term`` replaced by the inductive ``N ; M`` (the papers' form)."""
    return _normalize(term, None)


def _normalize(term: Term, then: Term | None) -> Term:
    """``term ; then`` normalized, with ``then`` already normal (``None`` stands for ``⋆``)."""
    results: list[Term] = []
    stack: list[tuple[Any, ...]] = [(_EVAL, term, then)]
    # every name of term and then, and each fresh one: computed once, at the first rename (a
    # rename per nested pop used to scan the whole body each time, O(n^2) for n nested captures)
    used: set[str] | None = None
    next_number: dict[str, int] = {}  # per stem, the first number not yet tried
    while stack:
        task = stack.pop()
        tag = task[0]
        if tag == _EVAL_ON_RESULT:
            stack.append((_EVAL, task[1], results.pop()))
            continue
        if tag == _PUSH:
            body = results.pop()
            arg = results.pop()
            results.append(Push(arg, task[1], body))
            continue
        if tag == _POP:
            results.append(Pop(task[1], task[2], results.pop()))
            continue
        if tag == _THEN:
            # the papers' x.⋆ is written x, so that N ; ⋆ and N have the same normal form
            rest = results.pop()
            results.append(Var(task[1]) if isinstance(rest, Skip) else Seq(Var(task[1]), rest))
            continue
        node, k = task[1], task[2]
        if isinstance(k, Skip):
            k = None  # N ; ⋆ = N
        if isinstance(node, Skip):
            results.append(SKIP if k is None else k)
        elif isinstance(node, Var):
            results.append(node if k is None else Seq(node, k))
        elif isinstance(node, Const):
            results.append(node)  # a label passes over the rest
        elif isinstance(node, Push):
            stack.append((_PUSH, node.location))
            stack.append((_EVAL, node.body, k))
            stack.append((_EVAL, node.term, None))
        elif isinstance(node, Pop):
            x, body = node.variable, node.body
            if k is not None and x in free_variables(k):
                if used is None:
                    used = variable_names(term) | (variable_names(then) if then is not None else set())
                stem = x.rstrip("0123456789'") or "x"
                z = fresh_name(x, used, start=next_number.get(stem, 1))
                next_number[stem] = int(z[len(stem) :]) + 1
                used.add(z)
                if x in free_variables(body):  # else x is not used in body: rename the binder only
                    body = substitute(body, {x: Var(z)})
                x = z
            stack.append((_POP, node.location, x))
            stack.append((_EVAL, body, k))
        elif isinstance(node, Seq):
            if isinstance(node.first, Var):
                stack.append((_THEN, node.first.name))
                stack.append((_EVAL, node.then, k))
            else:
                stack.append((_EVAL_ON_RESULT, node.first))
                stack.append((_EVAL, node.then, k))
        else:
            raise TypeError(f"not an FMC term: {node!r}")
    return results[0]


def is_normal(term: Term) -> bool:
    """Every ``Seq`` in ``term`` is ``x ; M`` with ``M`` not ``⋆`` (the papers' grammar, where the
    papers' ``x.⋆`` is written ``x``): exactly the terms that :func:`normalize` leaves as they are."""
    stack = [term]
    while stack:
        node = stack.pop()
        if isinstance(node, Seq) and (not isinstance(node.first, Var) or isinstance(node.then, Skip)):
            return False
        stack.extend(a for a in node.args if isinstance(a, Term))
    return True
