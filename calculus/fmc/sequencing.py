"""The papers' inductive sequencing function, and the normal form it gives every term.

In the papers, ``N ; M`` is not a constructor but a function on terms, defined by induction on N:

    ⋆ ; M        = M
    ([P]a.N) ; M = [P]a.(N ; M)
    (a⟨x⟩.N) ; M = a⟨x⟩.(N ; M)        renaming x away from the free variables of M
    (x.N) ; M    = x.(N ; M)            (x alone is x.⋆)
    j ; M        = j                    a constant (FMC III label) passes over M

FMC III generalizes ``; M`` to a case frame ``; C`` (``; M`` is ``; {⋆ -> M}``), following the
reduction rules of FMC III:

    j ; C            = C(j)  if C catches j, else j           (⋆ is the label of skip)
    ([P]a.N) ; C     = [P]a.(N ; C)
    (a⟨x⟩.N) ; C     = a⟨x⟩.(N ; C)      renaming x away from the free variables of C
    (N ; C1) ; C2    = N ; (C1 ∘ C2)     C1's branches each followed by C2, then C2's
                                         branches for the labels C1 does not catch
    h ; C            stays, for a head h: a variable, a primitive, a loop, or a symbolic
                     constant whose branch C cannot tell

:func:`sequence` implements it, and :func:`normalize` applies it to every ``Seq`` and ``Case``
node, giving a term in the papers' grammar ``M ::= ⋆ | x.M | [N]a.M | a⟨x⟩.M`` (plus FMC III's
heads followed by frames). A frame's branch ``⋆ -> ⋆`` is dropped (without ``_`` it does
nothing). The machine cannot tell ``M`` from ``normalize(M)`` apart (a property test).
Iterative, linear in the size of the term apart from the (rare) renaming of a captured binder.
"""

from __future__ import annotations

from typing import Any

from machine_calculus.calculus.fmc.labels import UNDETERMINED, select
from machine_calculus.calculus.fmc.syntax import (
    ANY,
    STAR,
    Case,
    Const,
    Label,
    Loop,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    Term,
    Var,
    case,
    frame_of,
)
from machine_calculus.calculus.terms import free_variables, fresh_name, substitute, variable_names

__all__ = ["is_normal", "normalize", "sequence"]

#: A frame during normalization: its branches, bodies normal; ``()`` is ``{⋆ -> ⋆}``, the identity.
Frame = tuple[tuple[Label, Term], ...]

_EVAL, _COMPOSE, _PUSH, _POP, _LOOP = range(5)


def sequence(first: Term, then: Term) -> Term:
    """``first ; then`` by the inductive definition (both normalized on the way)."""
    return _normalize(first, _tidy(((STAR, normalize(then)),)))


def normalize(term: Term) -> Term:
    """Every ``N ; C`` of ``term`` replaced by the inductive ``N ; C`` (the papers' form)."""
    return _normalize(term, ())


def _tidy(frame: Frame) -> Frame:
    """Drop the branch ``⋆ -> ⋆``, which does nothing unless a ``_`` follows."""
    if any(label is ANY for label, _ in frame):
        return frame
    return tuple((label, body) for label, body in frame if not (label == STAR and isinstance(body, Skip)))


def _attach(head: Term, frame: Frame) -> Term:
    """``head ; frame`` as a node (``head`` alone for the identity frame)."""
    return case(head, *frame) if frame else head


def _frame_variables(frame: Frame) -> set[str]:
    out: set[str] = set()
    for _, body in frame:
        out |= free_variables(body)
    return out


def _normalize(term: Term, then: Frame) -> Term:
    """``term ; then`` normalized, with ``then``'s bodies already normal."""
    results: list[Term] = []
    stack: list[tuple[Any, ...]] = [(_EVAL, term, then)]
    # every name of term and then, and each fresh one: computed once, at the first rename (a
    # rename per nested pop used to scan the whole body each time, O(n^2) for n nested captures)
    used: set[str] | None = None
    next_number: dict[str, int] = {}  # per stem, the first number not yet tried
    while stack:
        task = stack.pop()
        tag = task[0]
        if tag == _COMPOSE:  # (N ; C1) ; C2 = N ; (C1 ∘ C2), C1's bodies already followed by C2
            _, first, labels, k = task
            bodies = results[len(results) - len(labels) :]
            del results[len(results) - len(labels) :]
            composed = list(zip(labels, bodies, strict=True))
            if ANY not in labels:
                composed += [(j, body) for j, body in k if j not in labels]
            stack.append((_EVAL, first, _tidy(tuple(composed))))
            continue
        if tag == _PUSH:
            body = results.pop()
            arg = results.pop()
            results.append(Push(arg, task[1], body))
            continue
        if tag == _POP:
            results.append(Pop(task[1], task[2], results.pop()))
            continue
        if tag == _LOOP:
            results.append(_attach(Loop(results.pop(), task[1]), task[2]))
            continue
        node, k = task[1], task[2]
        if isinstance(node, Skip | Const):
            label = STAR if isinstance(node, Skip) else node.value
            caught = select(k, label)
            if caught is UNDETERMINED:
                results.append(_attach(node, k))  # a symbolic label: which branch is not known
            else:
                results.append(node if caught is None else caught)
        elif isinstance(node, Var | Prim):
            results.append(_attach(node, k))
        elif isinstance(node, Loop):
            stack.append((_LOOP, node.label, k))
            stack.append((_EVAL, node.body, ()))
        elif isinstance(node, Push):
            stack.append((_PUSH, node.location))
            stack.append((_EVAL, node.body, k))
            stack.append((_EVAL, node.term, ()))
        elif isinstance(node, Pop):
            x, body = node.variable, node.body
            if k and x in _frame_variables(k):
                if used is None:
                    used = variable_names(term) | _frame_names(then)
                stem = x.rstrip("0123456789'") or "x"
                z = fresh_name(x, used, start=next_number.get(stem, 1))
                next_number[stem] = int(z[len(stem) :]) + 1
                used.add(z)
                if x in free_variables(body):  # else x is not used in body: rename the binder only
                    body = substitute(body, {x: Var(z)})
                x = z
            stack.append((_POP, node.location, x))
            stack.append((_EVAL, body, k))
        elif isinstance(node, Seq | Case):
            pairs = frame_of(node)
            labels = tuple(label for label, _ in pairs)
            stack.append((_COMPOSE, node.first, labels, k))
            stack.extend((_EVAL, body, k) for _, body in reversed(pairs))
        else:
            raise TypeError(f"not an FMC term: {node!r}")
    return results[0]


def _frame_names(frame: Frame) -> set[str]:
    out: set[str] = set()
    for _, body in frame:
        out |= variable_names(body)
    return out


def is_normal(term: Term) -> bool:
    """``term`` is in the form :func:`normalize` gives (and is left unchanged by it): every
    ``N ; C`` has a head ``N`` (a variable, primitive, loop or undetermined symbolic label),
    and no frame has a branch ``⋆ -> ⋆`` without a ``_`` after it (the papers' ``x.⋆`` is ``x``)."""
    stack = [term]
    while stack:
        node = stack.pop()
        if isinstance(node, Seq | Case):
            frame: Frame = frame_of(node)
            if _tidy(frame) != frame:
                return False
            first = node.first
            if not isinstance(first, Var | Prim | Loop):
                if not isinstance(first, Const | Skip):
                    return False
                if select(frame, STAR if isinstance(first, Skip) else first.value) is not UNDETERMINED:
                    return False
        stack.extend(a for a in node.args if isinstance(a, Term))
    return True
