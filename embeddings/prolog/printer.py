"""Prolog terms as SWI-Prolog writes them with ``write_term(T, [quoted(true), numbervars(true),
spacing(next_argument)])``: lists ``[a, b|T]``, operators by priority (``1+2*3``, ``(a, b)``,
``a mod b``), quoted atoms where needed (``'hello world'``, ``[]`` and ``'A'``). Iterative.
"""

from __future__ import annotations

import re
from typing import Any

from machine_calculus.calculus.layout import Text as _Text
from machine_calculus.calculus.layout import application_pieces, assemble
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings.prolog.reader import CONS, NIL, NUMBER_TEXT, NUMERIC_ATOM, OPERATORS

__all__ = ["atom_text", "prolog_text"]

_PLAIN = re.compile(r"[a-z][A-Za-z0-9_]*\Z")
_SYMBOLIC = re.compile(r"[+\-*/\\^<>=~:.?@#&$]+\Z")
_SOLO = {"[]", "!", ";", "{}"}
_ARGUMENT = 999.5  # an argument's position: priority 999, and an operator atom stands bare
_TAIL = -1.0  # the position of a list's rest after an element (printed by _tail_pieces)


def atom_text(name: str) -> str:
    """An atom, quoted when it must be (``'hello world'``, ``'A'``, ``','``)."""
    if _PLAIN.match(name) or _SOLO.__contains__(name) or (_SYMBOLIC.match(name) and name != "."):
        return name
    body = name.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{body}'"


BINDING_PRIORITY = 699  # a toplevel answer ``X = T`` writes T as the right operand of =/2 (700, xfx)


def prolog_text(term: Term, names: dict[str, str] | None = None, limit: int | None = None, priority: int = 1200) -> str:
    """``term`` in Prolog syntax, as ``write_term(T, [quoted(true), priority(P)])`` writes it:
    an operator term above ``priority`` is embraced (``(a:-b)`` at 699), and so is an operator
    atom below 1200 (``(-)``). ``names`` renames variables (others print by their own name).
    With ``limit``, only the first ``limit + 1`` characters (the walk stops there)."""
    chosen = names or {}
    return assemble((term, priority), lambda item: _pieces(item[0], item[1], chosen), limit)


def _pieces(node: Term, max_priority: float, names: dict[str, str]) -> list[Any]:
    if max_priority == _TAIL:
        return _tail_pieces(node)
    if isinstance(node, FVar):
        return [_Text(names.get(node.name, node.name))]
    assert isinstance(node, Fn)
    args = arguments(node)
    name = node.symbol
    if not args:
        if NUMBER_TEXT.match(name):
            return [_Text(name)]
        if name.startswith(NUMERIC_ATOM):
            return [_Text(atom_text(name[len(NUMERIC_ATOM) :]))]  # '1'
        # an operator atom is bare alone or as an argument, embraced as an operand: f(;), (/)<0, - (-)
        embrace = (name in OPERATORS or name == "|") and max_priority not in (1200, _ARGUMENT)  # SWI: ('|')
        text = atom_text(name)
        return [_Text(f"({text})" if embrace else text)]
    if name == CONS and len(args) == 2:
        return _list_pieces(node, names)
    ops = OPERATORS.get(name, {})
    if len(args) == 2 and "infix" in ops:
        priority, kind = ops["infix"]
        left_max = priority if kind == "yfx" else priority - 1
        right_max = priority if kind == "xfy" else priority - 1
        if name == ",":
            op = ", "
        elif _PLAIN.match(name):
            op = f" {name} "
        else:
            op = atom_text(name)
            if _starts_symbolic(args[1], right_max):
                op += " "  # 1- -1, not 1--1
        pieces = [(args[0], left_max), _Text(op), (args[1], right_max)]
        return [_Text("("), *pieces, _Text(")")] if priority > max_priority else pieces
    if len(args) == 1 and "prefix" in ops:
        priority, kind = ops["prefix"]
        arg_max = priority if kind == "fy" else priority - 1
        spaced = _PLAIN.match(name) or _is_number(args[0]) or _starts_symbolic(args[0], arg_max)
        spaced = spaced or _priority(args[0]) > arg_max  # \+ (a, b)
        pieces = [_Text(atom_text(name) + (" " if spaced else "")), (args[0], arg_max)]
        return [_Text("("), *pieces, _Text(")")] if priority > max_priority else pieces
    return application_pieces(atom_text(name), [(a, _ARGUMENT) for a in args])


def _is_number(t: Term) -> bool:
    return isinstance(t, Fn) and not arguments(t) and bool(NUMBER_TEXT.match(t.symbol))


def _priority(t: Term) -> int:
    """The priority a term is written at: its operator's, or 0."""
    if not isinstance(t, Fn):
        return 0
    ops = OPERATORS.get(t.symbol, {})
    n = len(arguments(t))
    if n == 2 and "infix" in ops:
        return ops["infix"][0]
    if n == 1 and "prefix" in ops:
        return ops["prefix"][0]
    if n == 0 and not NUMBER_TEXT.match(t.symbol):
        return max((p for p, _ in ops.values()), default=0)
    return 0


def _starts_symbolic(t: Term, max_priority: float) -> bool:
    """Does ``t``'s text (at ``max_priority``) begin with a symbol character (``-1``, ``-a``)?"""
    while isinstance(t, Fn) and _priority(t) <= max_priority:
        args = arguments(t)
        if not args:
            if t.symbol in OPERATORS and max_priority not in (1200, _ARGUMENT):
                return False  # embraced: (-)
            return (t.symbol.startswith("-") and bool(NUMBER_TEXT.match(t.symbol))) or bool(_SYMBOLIC.match(t.symbol))
        ops = OPERATORS.get(t.symbol, {})
        if len(args) == 1 and "prefix" in ops:
            return bool(_SYMBOLIC.match(t.symbol))
        if len(args) == 2 and "infix" in ops:
            t, max_priority = args[0], ops["infix"][0]
            continue
        return False
    return False


def _list_pieces(node: Term, names: dict[str, str]) -> list[Any]:
    """``[h`` and the tail still to print: one element per expansion, so a limited print of a
    list of 100,000 elements stops after the elements it shows."""
    head, tail = arguments(node)  # type: ignore[arg-type]
    return [_Text("["), (head, _ARGUMENT), (tail, _TAIL)]


def _tail_pieces(node: Term) -> list[Any]:
    """A list's rest after an element: ``, h`` and the rest, ``]`` at ``[]``, else ``|T]``."""
    if isinstance(node, Fn) and node.symbol == CONS and len(arguments(node)) == 2:
        head, tail = arguments(node)
        return [_Text(", "), (head, _ARGUMENT), (tail, _TAIL)]
    if isinstance(node, Fn) and node.symbol == NIL and not arguments(node):
        return [_Text("]")]
    return [_Text("|"), (node, _ARGUMENT), _Text("]")]
