"""Printers for FMC terms: Unicode (the papers' notation), ASCII and LaTeX.

Unicode and ASCII round-trip through :func:`calculus.fmc.parser.parse`. Parentheses appear only
where needed: a sequence ``N ; M`` inside a prefix position (after ``.``, or left of ``;``).
The papers' sequential variable ``x.M`` is used when ``M`` is a push or pop. Printing is
iterative, so terms of any depth print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from calculus.fmc.syntax import DEFAULT, Const, ConstValue, Name, Pop, Push, Seq, Skip, Term, Var

__all__ = [
    "ASCII",
    "LATEX",
    "NOTATIONS",
    "UNICODE",
    "Notation",
    "constant_text",
    "pretty",
    "to_ascii",
    "to_latex",
    "to_unicode",
]


@dataclass(frozen=True, slots=True)
class Notation:
    """The symbols of one notation."""

    name: str
    skip: str
    open_pop: str
    close_pop: str
    seq: str
    escape_name: bool = False  # LaTeX: names in \mathit{...} with _ escaped


UNICODE = Notation("unicode", "⋆", "⟨", "⟩", " ; ")
ASCII = Notation("ascii", "*", "<", ">", " ; ")
LATEX = Notation("latex", r"\star", r"\langle ", r"\rangle", r" \mathbin{;} ", escape_name=True)
NOTATIONS = {n.name: n for n in (UNICODE, ASCII, LATEX)}

_PREFIX, _SEQ = 0, 1  # contexts: a prefix position (sequences need parentheses) or a sequence


class _Text(str):
    """Output text on the printer's work stack (as opposed to a (term, context) item)."""


def pretty(term: Term, notation: Notation | str = UNICODE) -> str:
    """Print ``term`` in ``notation`` (a :class:`Notation` or its name)."""
    if isinstance(notation, str):
        notation = NOTATIONS[notation]
    out: list[str] = []
    stack: list[Any] = [(term, _SEQ)]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item)
            continue
        node, ctx = item
        pieces = _pieces(node, ctx, notation)
        stack.extend(reversed(pieces))
    return "".join(out)


def to_unicode(term: Term) -> str:
    return pretty(term, UNICODE)


def to_ascii(term: Term) -> str:
    return pretty(term, ASCII)


def to_latex(term: Term) -> str:
    return pretty(term, LATEX)


def _pieces(node: Term, ctx: int, nt: Notation) -> list[Any]:
    """One node as text pieces and sub-items, for the given context."""
    if isinstance(node, Seq):
        first, then = node.first, node.then
        if isinstance(first, Var) and isinstance(then, Push | Pop):  # x.M is a prefix form
            return [_Text(_name(first.name, nt) + "."), (then, _PREFIX)]
        if ctx == _PREFIX:
            return [_Text("("), (node, _SEQ), _Text(")")]
        return [(first, _PREFIX), _Text(nt.seq), (then, _SEQ)]
    if isinstance(node, Push):
        pieces: list[Any] = [_Text("["), (node.term, _SEQ), _Text("]" + _location(node.location, nt))]
        return pieces + _continuation(node.body)
    if isinstance(node, Pop):
        head = _location(node.location, nt) + nt.open_pop + _name(node.variable, nt) + nt.close_pop
        return [_Text(head), *_continuation(node.body)]
    if isinstance(node, Var):
        return [_Text(_name(node.name, nt))]
    if isinstance(node, Skip):
        return [_Text(nt.skip)]
    if isinstance(node, Const):
        text = constant_text(node.value)
        if nt.escape_name:
            text = _latex_constant(node.value, text)
        return [_Text(text)]
    raise TypeError(f"not an FMC term: {node!r}")


def _continuation(body: Term) -> list[Any]:
    """``.M`` after a push or pop; nothing when ``M`` is ``*`` (a trailing ``.*`` is omitted)."""
    if isinstance(body, Skip):
        return []
    return [_Text("."), (body, _PREFIX)]


def _location(location: str, nt: Notation) -> str:
    return "" if location == DEFAULT else _name(location, nt)


def _name(name: str, nt: Notation) -> str:
    if not nt.escape_name:
        return name
    escaped = name.replace("_", r"\_").replace("'", "'")
    return escaped if len(name) == 1 else rf"\mathit{{{escaped}}}"


def constant_text(value: ConstValue) -> str:
    """A constant as written in source: ``3``, ``-2``, ``3/4``, ``"s"``, ``True``, ``$n``."""
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, Name):
        return value.text
    if isinstance(value, sympy.Symbol):
        return "$" + value.name
    if isinstance(value, sympy.Rational):  # Integer is a Rational
        return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"
    raise TypeError(f"not a constant value: {value!r}")


_QUOTE = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", '"': '\\"', "\0": "\\0"}


def _quote(s: str) -> str:
    body = "".join(_QUOTE.get(ch, ch if ch.isprintable() else f"\\u{{{ord(ch):x}}}") for ch in s)
    return f'"{body}"'


def _latex_constant(value: ConstValue, text: str) -> str:
    if isinstance(value, str):
        specials = {
            "\\": r"\textbackslash{}",
            "{": r"\{",
            "}": r"\}",
            "_": r"\_",
            "#": r"\#",
            "$": r"\$",
            "%": r"\%",
            "&": r"\&",
            "^": r"\^{}",
            "~": r"\~{}",
        }
        return r"\texttt{" + "".join(specials.get(ch, ch) for ch in text) + "}"
    if isinstance(value, Name):
        return r"\mathsf{" + value.text.replace("_", r"\_") + "}"
    if isinstance(value, sympy.Symbol):
        return sympy.latex(value)
    if isinstance(value, sympy.Rational) and value.q != 1:
        return rf"\tfrac{{{value.p}}}{{{value.q}}}"
    return text
