"""Printers for RMC terms: Unicode (``⋆``, ``∃x.``, ``⟨t⟩``) and ASCII (``*``, ``new x.``, ``<t>``).

Precedence, loosest first: ``+`` (left-associative), ``;`` (right-associative), the prefix
``new x.``, postfix ``*`` (tightest). Parentheses appear only where needed. Iterative.
"""

from __future__ import annotations

from typing import Any

from machine_calculus.calculus.fmc.syntax import DEFAULT, Seq, Skip
from machine_calculus.calculus.layout import Text as _Text
from machine_calculus.calculus.layout import assemble
from machine_calculus.calculus.patterns import Meta, meta_text
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, term_text
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Pop, Push, Star
from machine_calculus.calculus.terms import (
    Term,
    fold,
    fresh_name,
    iter_distinct_nodes,
    substitute,
    variable_names,
    with_children,
)

__all__ = ["rmc_text"]

_CHOICE, _SEQ, _PREFIX, _ATOM = range(4)
_SYMBOLS = {
    "unicode": {"skip": "⋆", "new": "∃", "open": "⟨", "close": "⟩"},
    "ascii": {"skip": "*", "new": "new ", "open": "<", "close": ">"},
}


def rmc_text(term: Term, notation: str = "unicode", limit: int | None = None) -> str:
    """``term`` in ``notation`` (``"unicode"`` or ``"ascii"``); with ``limit``, only the first
    ``limit + 1`` characters (the walk stops there, as :func:`~machine_calculus.calculus.layout.assemble`).

    A ``new`` whose variable has the name of a constant in the term is printed with a fresh
    name (``new a. [f(a, a')]`` would read back with the wrong ``a``): equal terms, readable text.
    """
    term = _without_clashes(term)
    sym = _SYMBOLS[notation]
    return assemble((term, _CHOICE), lambda item: _pieces(item[0], item[1], sym, limit), limit)


def _without_clashes(term: Term) -> Term:
    """``term`` with every ``new x`` renamed where ``x`` is also a constant's name (iterative)."""
    symbols = {node.symbol for node in iter_distinct_nodes(term) if isinstance(node, Fn)}
    clashing = [n for n in iter_distinct_nodes(term) if isinstance(n, New) and n.variable in symbols]
    if not clashing:
        return term
    taken = symbols | variable_names(term)

    def rename(node: Term, kids: tuple[Term, ...]) -> Term:
        if isinstance(node, New) and node.variable in symbols:
            fresh = fresh_name(node.variable, taken)
            taken.add(fresh)
            return New(fresh, substitute(kids[0], {node.variable: FVar(fresh)}))
        return with_children(node, kids)

    return fold(term, rename)


def _location(location: str) -> str:
    if isinstance(location, Meta):  # a pattern's ?a in a location's place
        return meta_text(location)
    return "" if location == DEFAULT else location


def _pieces(node: Term, ctx: int, sym: dict[str, str], limit: int | None) -> list[Any]:
    if isinstance(node, Meta):  # a pattern's metavariable, in a term's place
        return [_Text(meta_text(node))]
    level = {Choice: _CHOICE, Seq: _SEQ, New: _PREFIX}.get(type(node), _ATOM)
    if level < ctx:
        return [_Text("("), (node, _CHOICE), _Text(")")]
    if isinstance(node, Choice):
        return [(node.left, _CHOICE), _Text(" + "), (node.right, _SEQ)]
    if isinstance(node, Seq):
        return [(node.first, _PREFIX), _Text(" ; "), (node.then, _SEQ)]
    if isinstance(node, New):
        variable = meta_text(node.variable) if isinstance(node.variable, Meta) else node.variable
        return [_Text(f"{sym['new']}{variable}."), (node.body, _PREFIX)]
    if isinstance(node, Star):
        return [(node.body, _ATOM), _Text("*")]
    if isinstance(node, Push):
        return [_Text(f"[{term_text(node.item, limit)}]{_location(node.location)}")]
    if isinstance(node, Pop):
        return [_Text(f"{_location(node.location)}{sym['open']}{term_text(node.pattern, limit)}{sym['close']}")]
    if isinstance(node, Skip):
        return [_Text(sym["skip"])]
    if isinstance(node, Fail):
        return [_Text("0")]
    raise TypeError(f"not an RMC term: {node!r}")
