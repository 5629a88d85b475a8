"""FMC terms (parts I and II), with constants as atoms (FMC III labels).

    M, N ::= *            skip: the empty instruction sequence       Skip()
           | x            variable: execute the term bound to x      Var("x")
           | [N]a.M       push N onto location a, then M             Push(N, "a", M)
           | a<x>.M       pop the top of a into x, then M            Pop("a", "x", M)
           | N ; M        sequential composition                     Seq(N, M)
           | c            a constant (integer, rational, string,     Const(value)
                          capitalized name, $symbol)

The default location λ is the string ``DEFAULT`` (``"λ"``). ``Pop`` binds its variable in its
body; every other node is binder-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sympy

from calculus.terms import Term

__all__ = [
    "DEFAULT",
    "SKIP",
    "Const",
    "ConstValue",
    "Name",
    "Pop",
    "Push",
    "Seq",
    "Skip",
    "Var",
    "lam",
    "sequence_of",
]

#: The default location λ (the lambda-calculus's own stack), written by omitting it.
DEFAULT = "λ"


@dataclass(frozen=True, slots=True)
class Name:
    """A capitalized constant such as ``True``, ``Nil`` or ``Overflow``."""

    text: str

    def __str__(self) -> str:
        return self.text


#: What a constant may be: an exact number, a sympy symbol ($n), a string literal or a Name.
ConstValue = sympy.Integer | sympy.Rational | sympy.Symbol | str | Name


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Skip(Term):
    """``*`` (Unicode ``⋆``): the empty instruction sequence, imperative skip."""

    _tag: ClassVar[int] = 1
    sorts: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Var(Term):
    """``x``: execute the term bound to ``x`` (the papers' variable)."""

    name: str
    is_variable: ClassVar[bool] = True
    _tag: ClassVar[int] = 2
    sorts: ClassVar[tuple[str, ...]] = ("name",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Push(Term):
    """``[N]a.M``: push ``N`` (unevaluated) onto location ``a``, then continue with ``M``."""

    term: Term
    location: str
    body: Term
    _tag: ClassVar[int] = 3
    sorts: ClassVar[tuple[str, ...]] = ("term", "location", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Pop(Term):
    """``a<x>.M``: pop the top of location ``a`` into ``x``, then ``M`` (binds ``x`` in ``M``)."""

    location: str
    variable: str
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ((1, (2,)),)
    variable_class: ClassVar[type[Term]] = Var
    _tag: ClassVar[int] = 4
    sorts: ClassVar[tuple[str, ...]] = ("location", "binder", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Seq(Term):
    """``N ; M``: run ``N``, then ``M``."""

    first: Term
    then: Term
    _tag: ClassVar[int] = 5
    sorts: ClassVar[tuple[str, ...]] = ("term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Const(Term):
    """A constant: an atom that can be pushed and popped; run, it exits with its label."""

    value: ConstValue
    _tag: ClassVar[int] = 6
    sorts: ClassVar[tuple[str, ...]] = ("constant",)


#: The one skip node (any ``Skip()`` is equal to it).
SKIP = Skip()


def lam(variables: str, body: Term) -> Term:
    """``λx y.M``: sugar for ``<x>.<y>.M`` on the default location."""
    for x in reversed(variables.split()):
        body = Pop(DEFAULT, x, body)
    return body


def sequence_of(*terms: Term) -> Term:
    """``M1 ; M2 ; ... ; Mn`` (right-associated); ``*`` for no terms."""
    if not terms:
        return SKIP
    result = terms[-1]
    for t in reversed(terms[:-1]):
        result = Seq(t, result)
    return result
