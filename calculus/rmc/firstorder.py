"""First-order terms of the RMC, behind the generic term interface.

    t, u ::= x | f(t1, ..., tn)          variables and constructors (f() is the constant f)

``FVar("x")`` is a variable; ``Fn("f", operands)`` a constructor applied to an argument chain
``Arg(t1, Arg(t2, ... NoArg()))`` of kind ``"args"`` (the interface has fixed arities, so a list of
sub-terms is a chain, as a case frame's branches are). Build with :func:`fn` and read with
:func:`arguments`. Every traversal is iterative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from machine_calculus.calculus.terms import Term, free_variables

__all__ = ["NO_ARG", "Arg", "FVar", "Fn", "NoArg", "arguments", "fn", "replace_variables", "term_text"]


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


def term_text(t: Term, limit: int | None = None) -> str:
    """``f(x, g(a))`` (iterative); with ``limit``, only the first ``limit + 1`` characters
    (the walk stops there, however large the term's tree is)."""
    out: list[str] = []
    stack: list[Term | str] = [t]
    length = 0
    while stack:
        if limit is not None and length > limit:
            return "".join(out)[: limit + 1]
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            length += len(item)
        elif isinstance(item, FVar):
            out.append(item.name)
            length += len(item.name)
        elif isinstance(item, Fn):
            args = arguments(item)
            out.append(item.symbol)
            length += len(item.symbol)
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
    text = "".join(out)
    return text if limit is None else text[: limit + 1]


def replace_variables(t: Term, mapping: Mapping[str, Term]) -> Term:
    """``{u1/x1, ..., un/xn} t`` for a first-order term (no binders, so no renaming): iterative,
    sub-terms without a replaced variable are shared."""
    if type(t) is FVar:
        return mapping.get(t.name, t)
    if not any(x in mapping for x in free_variables(t)):
        return t
    done: dict[int, Term] = {}
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        node, ready = stack.pop()
        if type(node) is FVar:
            done[id(node)] = mapping.get(node.name, node)
            continue
        kids = arguments(node)  # type: ignore[arg-type]
        if not ready:
            if not any(x in mapping for x in free_variables(node)):
                done[id(node)] = node
                continue
            stack.append((node, True))
            stack.extend((k, False) for k in kids)
            continue
        done[id(node)] = fn(node.symbol, *(done[id(k)] for k in kids))  # type: ignore[attr-defined]
    return done[id(t)]
