"""Printers for RMC terms: Unicode (``⋆``, ``∃x.``, ``⟨t⟩``) and ASCII (``*``, ``new x.``, ``<t>``).

Precedence, loosest first: ``+`` (left-associative), ``;`` (right-associative), the prefix
``new x.``, postfix ``*`` (tightest). Parentheses appear only where needed. Iterative.
"""

from __future__ import annotations

from typing import Any

from calculus.fmc.syntax import DEFAULT, Seq, Skip
from calculus.rmc.firstorder import term_text
from calculus.rmc.syntax import Choice, Fail, New, Pop, Push, Star
from calculus.terms import Term

__all__ = ["rmc_text"]

_CHOICE, _SEQ, _PREFIX, _ATOM = range(4)
_SYMBOLS = {
    "unicode": {"skip": "⋆", "new": "∃", "open": "⟨", "close": "⟩"},
    "ascii": {"skip": "*", "new": "new ", "open": "<", "close": ">"},
}


class _Text(str):
    pass


def rmc_text(term: Term, notation: str = "unicode") -> str:
    """``term`` in ``notation`` (``"unicode"`` or ``"ascii"``)."""
    sym = _SYMBOLS[notation]
    out: list[str] = []
    stack: list[Any] = [(term, _CHOICE)]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item)
            continue
        node, ctx = item
        stack.extend(reversed(_pieces(node, ctx, sym)))
    return "".join(out)


def _location(location: str) -> str:
    return "" if location == DEFAULT else location


def _pieces(node: Term, ctx: int, sym: dict[str, str]) -> list[Any]:
    level = {Choice: _CHOICE, Seq: _SEQ, New: _PREFIX}.get(type(node), _ATOM)
    if level < ctx:
        return [_Text("("), (node, _CHOICE), _Text(")")]
    if isinstance(node, Choice):
        return [(node.left, _CHOICE), _Text(" + "), (node.right, _SEQ)]
    if isinstance(node, Seq):
        return [(node.first, _PREFIX), _Text(" ; "), (node.then, _SEQ)]
    if isinstance(node, New):
        return [_Text(f"{sym['new']}{node.variable}."), (node.body, _PREFIX)]
    if isinstance(node, Star):
        return [(node.body, _ATOM), _Text("*")]
    if isinstance(node, Push):
        return [_Text(f"[{term_text(node.item)}]{_location(node.location)}")]
    if isinstance(node, Pop):
        return [_Text(f"{_location(node.location)}{sym['open']}{term_text(node.pattern)}{sym['close']}")]
    if isinstance(node, Skip):
        return [_Text(sym["skip"])]
    if isinstance(node, Fail):
        return [_Text("0")]
    raise TypeError(f"not an RMC term: {node!r}")
