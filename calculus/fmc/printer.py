"""Printers for FMC terms: Unicode (the papers' notation), ASCII and LaTeX.

Unicode and ASCII round-trip through :func:`calculus.fmc.parser.parse`. Parentheses appear only
where needed: a sequence ``N ; M`` inside a prefix position (after ``.``, or left of ``;``), a
case ``N ; {...}`` right of ``;`` (there it would take the whole sequence as its ``N``), and a
loop's body unless it is an atom (``x^j``, ``(M)^j``).
The papers' sequential variable ``x.M`` is used when ``M`` is a push or pop. Printing is
iterative, so terms of any depth print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from machine_calculus.calculus.fmc.sympy_values import is_sympy
from machine_calculus.calculus.fmc.syntax import (
    DEFAULT,
    Branch,
    Case,
    Const,
    ConstValue,
    Label,
    Loop,
    LoopFrame,
    Name,
    NoBranch,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    StarLabel,
    Term,
    Var,
    Wildcard,
    branches,
)
from machine_calculus.calculus.layout import Text as _Text
from machine_calculus.calculus.layout import assemble
from machine_calculus.calculus.patterns import Meta, meta_text

__all__ = [
    "ASCII",
    "LATEX",
    "NOTATIONS",
    "UNICODE",
    "Notation",
    "constant_text",
    "label_text",
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
    open_frame: str = "{"
    close_frame: str = "}"
    arrow: str = " -> "
    bar: str = " | "
    loop: str = "^"
    primitives: tuple[tuple[str, str], ...] = ()  # how primitives whose name differs are written

    def primitive(self, name: str) -> str:
        return dict(self.primitives).get(name, name)


UNICODE = Notation("unicode", "⋆", "⟨", "⟩", " ; ", arrow=" → ", primitives=(("*", "×"),))
ASCII = Notation("ascii", "*", "<", ">", " ; ", primitives=(("*", "mul"),))
LATEX = Notation(
    "latex",
    r"\star",
    r"\langle ",
    r"\rangle",
    r" \mathbin{;} ",
    escape_name=True,
    open_frame=r"\{",
    close_frame=r"\}",
    arrow=r" \to ",
    bar=r" \mid ",
    loop="^",
    primitives=(
        ("*", r"\times"),
        ("%", r"\bmod"),
        ("==", r"\mathrel{==}"),
        ("!=", r"\neq"),
        ("<=", r"\leq"),
        (">=", r"\geq"),
        ("not", r"\neg"),
    ),
)
NOTATIONS = {n.name: n for n in (UNICODE, ASCII, LATEX)}

# contexts: a prefix position (sequences need parentheses), a sequence, or the right of ';'
# (a sequence, but a case there needs parentheses), or a loop's body (only atoms go bare)
_PREFIX, _SEQ, _TAIL, _ATOM = 0, 1, 2, 3


def pretty(term: Term, notation: Notation | str = UNICODE, limit: int | None = None) -> str:
    """Print ``term`` in ``notation`` (a :class:`Notation` or its name); with ``limit``, only
    the first ``limit + 1`` characters (longer than ``limit`` means the text was cut)."""
    if isinstance(notation, str):
        notation = NOTATIONS[notation]
    return assemble((term, _SEQ), lambda item: _pieces(item[0], item[1], notation), limit)


def to_unicode(term: Term, limit: int | None = None) -> str:
    return pretty(term, UNICODE, limit)


def to_ascii(term: Term, limit: int | None = None) -> str:
    return pretty(term, ASCII, limit)


def to_latex(term: Term) -> str:
    return pretty(term, LATEX)


def _pieces(node: Term, ctx: int, nt: Notation) -> list[Any]:
    """One node as text pieces and sub-items, for the given context."""
    if isinstance(node, Meta):  # a pattern's metavariable, in a term's place
        return [_Text(meta_text(node))]
    if ctx == _ATOM and not isinstance(node, Var | Skip | Const | Prim | Loop):
        return [_Text("("), (node, _SEQ), _Text(")")]
    if isinstance(node, Seq):
        first, then = node.first, node.then
        if isinstance(first, Var) and isinstance(then, Push | Pop):  # x.M is a prefix form
            return [_Text(_name(first.name, nt) + "."), (then, _PREFIX)]
        if ctx in (_PREFIX, _ATOM):
            return [_Text("("), (node, _SEQ), _Text(")")]
        # a case on the left needs no parentheses: ``A ; {...} ; M`` is ``(A ; {...}) ; M``
        # (not right of another ';', where the case would take that one's left side too)
        bare = isinstance(first, Case) and ctx == _SEQ
        return [(first, _SEQ if bare else _PREFIX), _Text(nt.seq), (then, _TAIL)]
    if isinstance(node, Case):
        if ctx != _SEQ:
            return [_Text("("), (node, _SEQ), _Text(")")]
        return [(node.first, _SEQ), _Text(nt.seq), (node.frame, _SEQ)]
    if isinstance(node, Branch | NoBranch):  # a case frame alone (on the continuation stack)
        pieces = [_Text(nt.open_frame)]
        for i, (label, body) in enumerate(branches(node)):
            pieces += [_Text((nt.bar if i else "") + label_text(label, nt) + nt.arrow), (body, _SEQ)]
        return [*pieces, _Text(nt.close_frame)]
    if isinstance(node, LoopFrame):
        return [_Text(f"loop({label_text(node.label, nt)}, "), (node.body, _SEQ), _Text(")")]
    if isinstance(node, Loop):
        label = label_text(node.label, nt)
        return [(node.body, _ATOM), _Text(nt.loop + (f"{{{label}}}" if nt.escape_name else label))]
    if isinstance(node, Prim):
        return [_Text(nt.primitive(node.name))]

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


def label_text(label: Label, nt: Notation = UNICODE) -> str:
    """A label as written in a case frame or after ``^``: ``*``, ``_`` or a constant."""
    if isinstance(label, StarLabel):
        return nt.skip
    if isinstance(label, Wildcard):
        return r"\_" if nt.escape_name else "_"
    text = constant_text(label)
    return _latex_constant(label, text) if nt.escape_name else text


def _continuation(body: Term) -> list[Any]:
    """``.M`` after a push or pop; nothing when ``M`` is ``*`` (a trailing ``.*`` is omitted)."""
    if isinstance(body, Skip):
        return []
    return [_Text("."), (body, _PREFIX)]


def _location(location: str, nt: Notation) -> str:
    if isinstance(location, Meta):  # a pattern's ?a in a location's place
        return meta_text(location)
    return "" if location == DEFAULT else _name(location, nt)


def _name(name: str, nt: Notation) -> str:
    if isinstance(name, Meta):  # a pattern's ?x in a bound name's place
        return meta_text(name)
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
    if not is_sympy(value):
        raise TypeError(f"not a constant value: {value!r}")
    import sympy

    if isinstance(value, sympy.Symbol):
        return "$" + value.name
    if isinstance(value, sympy.Rational):  # Integer is a Rational
        return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"
    return f"$({sympy.sstr(value)})"  # a symbolic expression built by primitives


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
    if not is_sympy(value):
        return text
    import sympy

    if not isinstance(value, sympy.Rational):
        return sympy.latex(value)
    if isinstance(value, sympy.Rational) and value.q != 1:
        return rf"\tfrac{{{value.p}}}{{{value.q}}}"
    return text
