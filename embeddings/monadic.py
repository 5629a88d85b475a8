"""Moggi's computational metalanguage and Levy's call-by-push-value, translated into the FMC.

Both separate values from computations; in the FMC a value is a term that is pushed, and a
computation is a term that is run. Push is return, pop is binding, sequencing is ``let``:

    metalanguage (Moggi)                 call-by-push-value (Levy)
    x            ↦ x                     x          ↦ x           (a value)
    λx.M         ↦ ⟨x⟩.M                 thunk M    ↦ M           (a value: the suspended term)
    M N          ↦ [N].M                 c          ↦ c
    c            ↦ c                     produce V  ↦ [V]
    return M     ↦ [M]                   M to x. N  ↦ M ; ⟨x⟩.N
    let x ⇐ M in N ↦ M ; ⟨x⟩.N           force V    ↦ V            (run it)
                                         λx.M       ↦ ⟨x⟩.M
                                         M V        ↦ [V].M

The nodes implement the generic term interface; the translations are one :func:`fold` each.
There is no standard concrete syntax for either language, so terms are built in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Pop, Push, Seq, Var
from machine_calculus.calculus.fmc.syntax import Term as FMCTerm
from machine_calculus.calculus.layout import Text
from machine_calculus.calculus.notation import register
from machine_calculus.calculus.terms import Term, fold
from machine_calculus.embeddings.lam import ARGUMENT, BODY, EXTENSIONS, App, Lam, LConst, LVar, lambda_text

__all__ = ["Force", "Let", "Produce", "Return", "Thunk", "To", "cbpv", "metalanguage"]

_BINDS_SECOND = ((0, (2,)),)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Return(Term):
    """``return M`` (Moggi's ``[M]``): the computation that yields M."""

    value: Term
    _tag: ClassVar[int] = 111
    sorts: ClassVar[tuple[str, ...]] = ("term",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Let(Term):
    """``let x ⇐ M in N``: run M, bind its result to x in N."""

    variable: str
    bound: Term
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = _BINDS_SECOND
    variable_class: ClassVar[type[Term]] = LVar
    _tag: ClassVar[int] = 112
    sorts: ClassVar[tuple[str, ...]] = ("binder", "term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Thunk(Term):
    """``thunk M``: the computation M suspended as a value."""

    computation: Term
    _tag: ClassVar[int] = 113
    sorts: ClassVar[tuple[str, ...]] = ("term",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Force(Term):
    """``force V``: run the thunk V."""

    value: Term
    _tag: ClassVar[int] = 114
    sorts: ClassVar[tuple[str, ...]] = ("term",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Produce(Term):
    """``produce V``: the computation returning the value V."""

    value: Term
    _tag: ClassVar[int] = 115
    sorts: ClassVar[tuple[str, ...]] = ("term",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class To(Term):
    """``M to x. N``: run M, bind the value it produces to x in N."""

    variable: str
    computation: Term
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = _BINDS_SECOND
    variable_class: ClassVar[type[Term]] = LVar
    _tag: ClassVar[int] = 116
    sorts: ClassVar[tuple[str, ...]] = ("binder", "term", "term")


# -- printing: the lambda-calculus's printer, with these forms ------------------------------------------


def _keyword(word: str) -> Callable[[Term, str], list[object]]:
    return lambda node, notation: [Text(word + " "), (node.args[0], ARGUMENT)]


def _let(node: Term, notation: str) -> list[object]:
    arrow = "<=" if notation == "ascii" else "⇐"
    return [Text(f"let {node.args[0]} {arrow} "), (node.args[1], BODY), Text(" in "), (node.args[2], BODY)]


def _to(node: Term, notation: str) -> list[object]:
    return [(node.args[1], ARGUMENT), Text(f" to {node.args[0]}. "), (node.args[2], BODY)]


EXTENSIONS.update(
    {
        Return: (False, _keyword("return")),
        Thunk: (False, _keyword("thunk")),
        Force: (False, _keyword("force")),
        Produce: (False, _keyword("produce")),
        Let: (True, _let),
        To: (True, _to),
    }
)
register((Return, Let, Thunk, Force, Produce, To), lambda t, notation, limit: lambda_text(t, notation, limit))


def _common(node: Term, kids: tuple[FMCTerm, ...]) -> FMCTerm | None:
    """The clauses both translations share: variables, constants, λ, application, binding."""
    if isinstance(node, LVar):
        return Var(node.name)
    if isinstance(node, LConst):
        return Const(node.value)  # type: ignore[arg-type]
    if isinstance(node, Lam):
        return Pop(DEFAULT, node.variable, kids[0])
    if isinstance(node, App):
        return Push(kids[1], DEFAULT, kids[0])
    if isinstance(node, Let | To):
        return Seq(kids[0], Pop(DEFAULT, node.variable, kids[1]))
    return None


def metalanguage(term: Term) -> FMCTerm:
    """Moggi's metalanguage into the FMC: ``return M ↦ [M]``, ``let x ⇐ M in N ↦ M ; ⟨x⟩.N``."""

    def combine(node: Term, kids: tuple[FMCTerm, ...]) -> FMCTerm:
        common = _common(node, kids)
        if common is not None and not isinstance(node, To):
            return common
        if isinstance(node, Return):
            return Push(kids[0], DEFAULT, SKIP)
        raise TypeError(f"not a metalanguage term: {node.head}")

    return fold(term, combine)


def cbpv(term: Term) -> FMCTerm:
    """Call-by-push-value into the FMC: ``produce V ↦ [V]``, ``M to x. N ↦ M ; ⟨x⟩.N``,
    ``thunk M ↦ M``, ``force V ↦ V``."""

    def combine(node: Term, kids: tuple[FMCTerm, ...]) -> FMCTerm:
        common = _common(node, kids)
        if common is not None and not isinstance(node, Let):
            return common
        if isinstance(node, Produce):
            return Push(kids[0], DEFAULT, SKIP)
        if isinstance(node, Thunk | Force):
            return kids[0]
        raise TypeError(f"not a call-by-push-value term: {node.head}")

    return fold(term, combine)
