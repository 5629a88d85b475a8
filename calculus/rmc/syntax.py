"""RMC terms (docs/rmc.md), behind the generic term interface, and the converse involution.

    M, N ::= *                 skip                               Skip()   (shared with the FMC)
           | [t]a              push the first-order term t onto a   Push(t, "a")    (not the FMC's)
           | a<t>              pop the top of a, unify it with t    Pop("a", t)     (not the FMC's)
           | new x. M          a fresh variable x over M (∃x.M)     New("x", M)   binds x in M
           | M ; N             sequence                           Seq(M, N)  (shared with the FMC)
           | M + N             choice                             Choice(M, N)
           | 0                 failure                            Fail()
           | M*                iteration: * + M ; M*              Star(M)

``[t]a.M`` and ``a<t>.M`` abbreviate ``[t]a ; M`` and ``a<t> ; M``. Pop does not bind: variables
come from ``new`` and are constrained by unification. First-order terms are
:mod:`calculus.rmc.firstorder`'s; ``New`` binds :class:`~calculus.rmc.firstorder.FVar`, so
free variables, substitution and alpha-equivalence are the generic ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from machine_calculus.calculus.fmc.syntax import SKIP, Seq, Skip
from machine_calculus.calculus.rmc.firstorder import FVar
from machine_calculus.calculus.terms import Term, fold, iter_preorder, with_children

__all__ = [
    "FAIL",
    "RELATIONAL_NODES",
    "SKIP",
    "Choice",
    "Fail",
    "New",
    "Pop",
    "Push",
    "Seq",
    "Skip",
    "Star",
    "converse",
    "is_relational",
]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Push(Term):
    # not the FMC's Push (which pushes a term and then runs its body): here an action alone
    """``[t]a``: push the first-order term ``t`` (under the current substitution) onto ``a``."""

    item: Term
    location: str
    _tag: ClassVar[int] = 211
    sorts: ClassVar[tuple[str, ...]] = ("fo", "location")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Pop(Term):
    """``a<t>``: pop the top of ``a`` and unify it with ``t`` (no binding)."""

    location: str
    pattern: Term
    _tag: ClassVar[int] = 212
    sorts: ClassVar[tuple[str, ...]] = ("location", "fo")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class New(Term):
    """``new x. M`` (Unicode ``∃x.M``): a fresh variable x, scoped over M."""

    variable: str
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ((0, (1,)),)
    variable_class: ClassVar[type[Term]] = FVar
    _tag: ClassVar[int] = 213
    sorts: ClassVar[tuple[str, ...]] = ("binder", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Choice(Term):
    """``M + N``: either."""

    left: Term
    right: Term
    _tag: ClassVar[int] = 214
    sorts: ClassVar[tuple[str, ...]] = ("term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Fail(Term):
    """``0``: no result."""

    _tag: ClassVar[int] = 215
    sorts: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Star(Term):
    """``M*``: ``* + M ; M*``."""

    body: Term
    _tag: ClassVar[int] = 216
    sorts: ClassVar[tuple[str, ...]] = ("term",)


FAIL = Fail()


#: The node classes only the RMC has (skip ``⋆`` and sequence ``;`` are the FMC's nodes).
RELATIONAL_NODES: tuple[type[Term], ...] = (Push, Pop, New, Choice, Fail, Star)


def is_relational(*terms: Term) -> bool:
    """Whether any of ``terms`` has a node only the RMC has (``[t]a``, ``a⟨t⟩``, ``∃x``, ``+``,
    ``0``, ``*``): how a calculus is told from a term alone (``⋆`` and ``M ; N`` are both's)."""
    return any(isinstance(node, RELATIONAL_NODES) for t in terms for node in iter_preorder(t))


def converse(term: Term) -> Term:
    """``M†``, the involution on syntax (iterative):

    (M ; N)† = N† ; M†      ([t]a)† = a<t>      (a<t>)† = [t]a      (M + N)† = M† + N†
    (M*)† = (M†)*           (new x.M)† = new x.M†      *† = *      0† = 0
    """

    def flip(node: Term, kids: tuple[Term, ...]) -> Term:
        if isinstance(node, Seq):
            return Seq(kids[1], kids[0])
        if isinstance(node, Push):
            return Pop(node.location, node.item)
        if isinstance(node, Pop):
            return Push(node.pattern, node.location)
        return with_children(node, kids)

    return fold(term, flip)
