"""Printers for RMC terms: Unicode (``⋆``, ``∃x.``, ``⟨t⟩``), ASCII (``*``, ``new x.``, ``<t>``) and
LaTeX (``\\star``, ``\\exists x.``, ``\\langle t\\rangle``; names of more than one letter in
``\\mathit``, constants upright, fresh variables' subscripts as ``x_{1}``).

Precedence, loosest first: ``+`` (left-associative), ``;`` (right-associative), the prefix
``new x.``, postfix ``*`` (tightest). Parentheses appear only where needed. Iterative.
"""

from __future__ import annotations

from typing import Any

from machine_calculus.calculus.fmc.syntax import DEFAULT, Seq, Skip
from machine_calculus.calculus.layout import Text as _Text
from machine_calculus.calculus.layout import application_pieces, assemble
from machine_calculus.calculus.patterns import Meta, meta_text
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments, term_text
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
    "unicode": {"skip": "⋆", "new": "∃", "open": "⟨", "close": "⟩", "seq": " ; ", "star": "*"},
    "ascii": {"skip": "*", "new": "new ", "open": "<", "close": ">", "seq": " ; ", "star": "*"},
    "latex": {
        "skip": r"\star",
        "new": r"\exists ",
        "open": r"\langle ",
        "close": r"\rangle",
        "seq": r" \mathbin{;} ",
        "star": "^{*}",
    },
}
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


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


def _location(location: str, latex: bool = False) -> str:
    if isinstance(location, Meta):  # a pattern's ?a in a location's place
        return meta_text(location)
    if location == DEFAULT:
        return ""
    return _latex_name(location) if latex else location


def _latex_name(name: str) -> str:
    """A variable's or location's name in LaTeX: ``x``, ``\\mathit{out}``, ``x_{1}`` (a fresh one)."""
    stem = name.rstrip("₀₁₂₃₄₅₆₇₈₉")
    number = name[len(stem) :].translate(_SUBSCRIPTS)
    escaped = stem.replace("_", r"\_")
    shown = escaped if len(stem) == 1 else rf"\mathit{{{escaped}}}"
    return f"{shown}_{{{number}}}" if number else shown


def _latex_term(t: Term, limit: int | None = None) -> str:
    """A first-order term in LaTeX: constructors upright (``\\mathsf{s}(x)``), variables italic."""

    def pieces(node: Term) -> list[Any]:
        if isinstance(node, Meta):
            return [_Text(meta_text(node))]
        if isinstance(node, FVar):
            return [_Text(_latex_name(node.name))]
        if not isinstance(node, Fn):
            raise TypeError(f"not a first-order term: {node!r}")
        symbol = rf"\mathsf{{{node.symbol.replace('_', chr(92) + '_')}}}"
        args = arguments(node)
        return [_Text(symbol)] if not args else application_pieces(symbol, args)

    return assemble(t, pieces, limit)


def _pieces(node: Term, ctx: int, sym: dict[str, str], limit: int | None) -> list[Any]:
    if isinstance(node, Meta):  # a pattern's metavariable, in a term's place
        return [_Text(meta_text(node))]
    level = {Choice: _CHOICE, Seq: _SEQ, New: _PREFIX}.get(type(node), _ATOM)
    if level < ctx:
        return [_Text("("), (node, _CHOICE), _Text(")")]
    if isinstance(node, Choice):
        return [(node.left, _CHOICE), _Text(" + "), (node.right, _SEQ)]
    latex = sym is _SYMBOLS["latex"]
    if isinstance(node, Seq):
        return [(node.first, _PREFIX), _Text(sym["seq"]), (node.then, _SEQ)]
    if isinstance(node, New):
        variable = meta_text(node.variable) if isinstance(node.variable, Meta) else node.variable
        return [_Text(f"{sym['new']}{_latex_name(variable) if latex else variable}."), (node.body, _PREFIX)]
    if isinstance(node, Star):
        return [(node.body, _ATOM), _Text(sym["star"])]
    item = _latex_term if latex else term_text
    if isinstance(node, Push):
        return [_Text(f"[{item(node.item, limit)}]{_location(node.location, latex)}")]
    if isinstance(node, Pop):
        where = _location(node.location, latex)
        return [_Text(f"{where}{sym['open']}{item(node.pattern, limit)}{sym['close']}")]
    if isinstance(node, Skip):
        return [_Text(sym["skip"])]
    if isinstance(node, Fail):
        return [_Text("0")]
    raise TypeError(f"not an RMC term: {node!r}")
