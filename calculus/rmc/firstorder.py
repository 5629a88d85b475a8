"""First-order terms of the RMC, behind the generic term interface.

    t, u ::= x | f(t1, ..., tn)          variables and constructors (f() is the constant f)

``FVar("x")`` is a variable; ``Fn("f", operands)`` a constructor applied to an argument chain
``Arg(t1, Arg(t2, ... NoArg()))`` of kind ``"args"`` (the interface has fixed arities, so a list of
sub-terms is a chain, as a case frame's branches are). Build with :func:`fn` and read with
:func:`arguments`. Every traversal is iterative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from calculus.terms import Term

__all__ = ["NO_ARG", "Arg", "FVar", "Fn", "NoArg", "arguments", "fn", "term_text"]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FVar(Term):
    """A first-order variable ``x``."""

    name: str
    is_variable: ClassVar[bool] = True
    kind: ClassVar[str] = "fo"
    _tag: ClassVar[int] = 201
    sorts: ClassVar[tuple[str, ...]] = ("name",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Arg(Term):
    """One argument of a constructor, then the rest."""

    item: Term
    rest: Term
    kind: ClassVar[str] = "args"
    _tag: ClassVar[int] = 202
    sorts: ClassVar[tuple[str, ...]] = ("fo", "args")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class NoArg(Term):
    """The end of an argument chain."""

    kind: ClassVar[str] = "args"
    _tag: ClassVar[int] = 203
    sorts: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Fn(Term):
    """``f(t1, ..., tn)``."""

    symbol: str
    operands: Term
    kind: ClassVar[str] = "fo"
    _tag: ClassVar[int] = 204
    sorts: ClassVar[tuple[str, ...]] = ("symbol", "args")


NO_ARG = NoArg()


def fn(symbol: str, *args: Term) -> Fn:
    """``symbol(args...)``."""
    chain: Term = NO_ARG
    for a in reversed(args):
        chain = Arg(a, chain)
    return Fn(symbol, chain)


def arguments(t: Fn) -> tuple[Term, ...]:
    """The arguments of a constructor application, in order."""
    out = []
    chain = t.operands
    while isinstance(chain, Arg):
        out.append(chain.item)
        chain = chain.rest
    return tuple(out)


def term_text(t: Term) -> str:
    """``f(x, g(a))`` (iterative)."""
    out: list[str] = []
    stack: list[Term | str] = [t]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, FVar):
            out.append(item.name)
        elif isinstance(item, Fn):
            args = arguments(item)
            out.append(item.symbol)
            if args:
                pieces: list[Term | str] = ["("]
                for i, a in enumerate(args):
                    if i:
                        pieces.append(", ")
                    pieces.append(a)
                pieces.append(")")
                stack.extend(reversed(pieces))
        else:
            raise TypeError(f"not a first-order term: {item!r}")
    return "".join(out)
