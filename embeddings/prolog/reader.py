"""Reading Prolog text: standard term syntax with operators, lists, quoted atoms and comments.

    clause ::= term '.'           terms ::= atoms | numbers | Variables | f(t, ...) | [t, ... | t]
                                          | t op t | op t | (t) | "codes"

The operator table is the standard one for the operators pure programs use (``:-``, ``;``,
``->``, ``,``, ``\\+``, ``=``, comparison, arithmetic); a term's text becomes a first-order term
of the RMC (:mod:`calculus.rmc.firstorder`): variables are ``FVar``, everything else ``Fn``
(numbers and atoms are constants, a list cell is ``'[|]'(H, T)`` and the empty list ``[]``, as
in SWI-Prolog 7+). Double-quoted text is a list of character codes (``double_quotes=codes``).
The parser is an operator-precedence parser with explicit stacks: no recursion, so deep terms and
long lists read. Errors name the line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from machine_calculus.calculus.errors import ParseError, Position
from machine_calculus.calculus.numerals import MAX_LITERAL_DIGITS, decimal_text, decimal_value
from machine_calculus.calculus.rmc.firstorder import FVar, fn
from machine_calculus.calculus.terms import Term

__all__ = ["CONS", "NIL", "OPERATORS", "Clause", "read_clauses", "read_term"]

CONS, NIL = "[|]", "[]"

#: name -> {"prefix" | "infix": (priority, type)}
OPERATORS: dict[str, dict[str, tuple[int, str]]] = {}
for _p, _t, _names in (
    (1200, "xfx", ":- -->"),
    (1200, "fx", ":- ?-"),
    (1100, "xfy", ";"),
    (1050, "xfy", "-> *->"),
    (1000, "xfy", ","),
    (900, "fy", "\\+"),
    (700, "xfx", "= \\= == \\== @< @> @=< @>= =.. is =:= =\\= < > =< >="),
    (500, "yfx", "+ - /\\ \\/ xor"),
    (400, "yfx", "* / // mod rem << >> div rdiv"),
    (200, "xfx", "**"),
    (200, "xfy", "^"),
    (200, "fy", "- + \\"),
):
    for _name in _names.split():
        OPERATORS.setdefault(_name, {})["prefix" if len(_t) == 2 else "infix"] = (_p, _t)

_SYMBOL_CHARS = r"[+\-*/\\^<>=~:.?@#&$]"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>%[^\n]*)
  | (?P<block>/\*)
  | (?P<end>\.(?=\s|%|$))
  | (?P<number>0'(?:\\(?:x[0-9a-fA-F]+\\?|[0-7]+\\?|.)|''?|[^\\\n])
      | 0x[0-9a-fA-F]+ | 0o[0-7]+ | 0b[01]+
      | \d+(?:_\d+)*(?:\.\d+(?:[eE][+-]?\d+|Inf|NaN)?|[eE][+-]?\d+)?)
  | (?P<var>[A-Z_][A-Za-z0-9_]*)
  | (?P<name>[a-z][A-Za-z0-9_]*)
  | (?P<quoted>')
  | (?P<string>")
  | (?P<symbol>"""
    + _SYMBOL_CHARS
    + r"""+)
  | (?P<solo>[!;,|])
  | (?P<punct>[()\[\]{}])
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    kind: str  # name (an atom), var, number, string, punct ( ) [ ] { } , |, end
    text: str
    value: Any
    offset: int
    layout_before: bool  # whitespace before it (``f (`` is not ``f(``)


@dataclass(frozen=True)
class Clause:
    """A clause as read: the term (``Head :- Body``, a fact, or ``:- Directive``), the names of
    its variables in order of appearance, and the line it starts on."""

    term: Term
    variables: tuple[str, ...]
    line: int


class _Source:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source

    def position(self, offset: int) -> Position:
        line = self.text.count("\n", 0, offset) + 1
        start = self.text.rfind("\n", 0, offset) + 1
        return Position(line, offset - start + 1, offset)

    def error(self, message: str, offset: int) -> ParseError:
        return ParseError(message, self.text, self.position(offset), self.source)


def _tokens(src: _Source) -> list[Token]:
    text, pos, out, layout = src.text, 0, [], True
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise src.error(f"unexpected character {text[pos]!r}", pos)
        kind, start = m.lastgroup, m.start()
        assert kind is not None  # every alternative of _TOKEN is a named group
        end = m.end()
        if kind in ("ws", "comment"):
            layout = True
            pos = end
            continue
        if kind == "block":
            close = text.find("*/", end)
            if close < 0:
                raise src.error("unterminated comment: '/*' without '*/'", start)
            pos, layout = close + 2, True
            continue
        if kind in ("quoted", "string"):
            value, end = _quoted(src, start, text[start])
            out.append(Token("name" if kind == "quoted" else "string", text[start:end], value, start, layout))
        elif kind == "number":
            raw = m.group()
            value = _number_value(src, raw, start)
            out.append(Token("number", raw, value, start, layout))
        elif kind in ("name", "symbol"):
            out.append(Token("name", m.group(), m.group(), start, layout))
        elif kind == "solo":
            ch = m.group()
            out.append(Token("punct" if ch in ",|" else "name", ch, ch, start, layout))
        else:  # var, punct, end
            out.append(Token(kind, m.group(), m.group(), start, layout))
        layout = False
        pos = end
    out.append(Token("eof", "", None, len(text), True))
    return out


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"', "`": "`", "a": "\a", "b": "\b", "0": "\0"}


def _quoted(src: _Source, start: int, quote: str) -> tuple[str, int]:
    text, pos, out = src.text, start + 1, []
    while pos < len(text):
        ch = text[pos]
        if ch == quote:
            if text.startswith(quote * 2, pos):
                out.append(quote)
                pos += 2
                continue
            return "".join(out), pos + 1
        if ch == "\\":
            nxt = text[pos + 1 : pos + 2]
            if nxt == "\n":
                pos += 2
                continue
            if nxt not in _ESCAPES:
                raise src.error(f"unknown escape '\\{nxt}'", pos)
            out.append(_ESCAPES[nxt])
            pos += 2
            continue
        out.append(ch)
        pos += 1
    raise src.error(f"unterminated quoted {'atom' if quote == chr(39) else 'string'}", start)


def _number_value(src: _Source, raw: str, start: int) -> int | float:
    r"""The value of a number token, as SWI-Prolog reads it: a character code ``0'c`` (``0'\n``,
    ``0'\x41\``, ``0'\101\``; ``0'''`` and ``0''`` for the quote), ``0x``/``0o``/``0b``
    integers, digit groups ``1_000_000``, floats (``1.5``, ``1.0e10``, ``1e10``, ``1.0Inf``,
    ``1.5NaN``), or a decimal integer. Integers have at most :data:`MAX_LITERAL_DIGITS` digits;
    a float too large for a double is SWI-Prolog's syntax error ``float_overflow``."""
    if raw.startswith("0'"):
        return _character_code(src, raw[2:], start)
    if raw[:2] in ("0x", "0o", "0b"):
        if len(raw) - 2 > MAX_LITERAL_DIGITS:
            raise src.error(
                f"integer literal of {len(raw) - 2:,} digits: at most {MAX_LITERAL_DIGITS:,} are read", start
            )
        return int(raw[2:], {"x": 16, "o": 8, "b": 2}[raw[1]])
    raw = raw.replace("_", "")
    if raw.endswith("Inf"):
        return math.inf
    if raw.endswith("NaN"):
        return math.nan
    if "." in raw or "e" in raw or "E" in raw:
        value = float(raw)
        if math.isinf(value):
            raise src.error(f"float overflow: {raw} is too large for a float", start)
        return value
    try:
        return decimal_value(raw)
    except ValueError as error:
        raise src.error(str(error), start) from None


def _character_code(src: _Source, body: str, start: int) -> int:
    r"""``0'c``: the code of ``c``, of an escape sequence (``\n``, ``\x41\``, ``\101\``), or of
    the quote (``0'''`` or ``0''``)."""
    if not body.startswith("\\"):
        return ord(body[0])
    escape = body[1:].rstrip("\\") if len(body) > 2 else body[1:]
    if escape[:1] == "x" and len(escape) > 1:
        return int(escape[1:], 16)
    if escape and all(c in "01234567" for c in escape):
        return int(escape, 8)
    if escape in _ESCAPES:
        return ord(_ESCAPES[escape])
    raise src.error(f"unknown escape '\\{escape}' in a character code", start)


def float_text(value: float) -> str:
    """A float as SWI-Prolog writes it: the shortest digits that read back, at least one digit
    after the point, the exponent form outside ``1e-4 <= |x| < 1e15`` (``1.0e+16``, ``1.5e-7``);
    ``1.0Inf``, ``-1.0Inf`` and ``1.5NaN``."""
    if math.isnan(value):
        return "1.5NaN"
    if math.isinf(value):
        return "1.0Inf" if value > 0 else "-1.0Inf"
    minus = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return f"{minus}0.0"
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    assert isinstance(exponent, int)  # a finite float
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    point = len(digit_tuple) + exponent  # the decimal point sits after this many digits
    if -4 < point <= 15:
        if point <= 0:
            return f"{minus}0.{'0' * -point}{digits}"
        return f"{minus}{digits[:point].ljust(point, '0')}.{digits[point:] or '0'}"
    power = point - 1
    return f"{minus}{digits[0]}.{digits[1:] or '0'}e{'+' if power > 0 else '-'}{abs(power)}"


NUMERIC_ATOM = "\ue000"  # marks an atom whose name reads as a number: '1' is not the integer 1
NUMBER_TEXT = re.compile(r"-?\d+(\.\d+(e[+-]\d+|Inf|NaN)?)?\Z")  # what decimal_text and float_text write


def _atom(name: str) -> Term:
    """The atom ``name``; one that looks like a number (``'1'``) gets a symbol apart from the
    number's (both would otherwise be the constant ``1``)."""
    return fn(NUMERIC_ATOM + name if NUMBER_TEXT.match(name) else name)


def _number(value: int | float) -> Term:
    return fn(decimal_text(value) if isinstance(value, int) else float_text(value))


def list_term(items: list[Term], tail: Term | None = None) -> Term:
    """``[t1, ..., tn | tail]`` as ``'[|]'`` cells (``[]`` when no tail)."""
    result = tail if tail is not None else fn(NIL)
    for item in reversed(items):
        result = fn(CONS, item, result)
    return result


class _Reader:
    """One clause at a time: operator precedence with explicit stacks."""

    def __init__(self, src: _Source, tokens: list[Token]) -> None:
        self.src, self.tokens, self.pos = src, tokens, 0
        self.variables: dict[str, FVar] = {}
        self.anonymous = 0

    def peek(self, k: int = 0) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def error(self, message: str, tok: Token) -> ParseError:
        return self.src.error(message, tok.offset)

    def variable(self, name: str) -> FVar:
        if name == "_":
            self.anonymous += 1
            return FVar(f"_{self.anonymous}")  # each _ is its own variable (no user name starts _<digit>)
        if name not in self.variables:
            self.variables[name] = FVar(name)
        return self.variables[name]

    def clause(self) -> tuple[Term, int]:
        """A term of priority at most 1200 and its end '.'; returns (term, start offset)."""
        self.variables, self.anonymous = {}, 0
        start = self.peek().offset
        term = self.term(1200, stop={"end"})
        tok = self.peek()
        if tok.kind != "end":
            raise self.error(f"expected an operator or '.' at the end of the clause, found {_show(tok)}", tok)
        self.pos += 1
        return term, start

    # The parser proper. ``frames`` holds the open brackets: ("(", tok) | ("args", name, args, tok)
    # | ("list", items, tok) | ("tail", items, tok); each frame has its own operator stack and
    # operand stack. An operand is (term, priority).
    def term(self, max_priority: int, stop: set[str]) -> Term:
        frames: list[list[Any]] = [["top", max_priority, [], []]]  # kind, max, operands, operators
        expect_operand = True
        while True:
            tok = self.peek()
            frame = frames[-1]
            operands, operators = frame[2], frame[3]
            if expect_operand:
                if tok.kind == "var":
                    self.pos += 1
                    operands.append((self.variable(tok.text), 0))
                    expect_operand = False
                elif tok.kind == "number":
                    self.pos += 1
                    operands.append((_number(tok.value), 0))
                    expect_operand = False
                elif tok.kind == "string":
                    self.pos += 1
                    operands.append((list_term([_number(ord(c)) for c in tok.value]), 0))
                    expect_operand = False
                elif tok.kind == "punct" and tok.text == "(":
                    self.pos += 1
                    frames.append(["(", 1200, [], [], tok])
                elif tok.kind == "punct" and tok.text == "[":
                    self.pos += 1
                    if self.peek().kind == "punct" and self.peek().text == "]":
                        self.pos += 1
                        operands.append((_atom(NIL), 0))
                        expect_operand = False
                    else:
                        frames.append(["list", 999, [], [], tok, []])
                elif tok.kind == "punct" and tok.text == "{":
                    raise self.error("curly-brace terms {...} are not supported (pure Prolog only)", tok)
                elif tok.kind == "name":
                    self.pos += 1
                    nxt = self.peek()
                    if nxt.kind == "punct" and nxt.text == "(" and not nxt.layout_before:
                        self.pos += 1
                        frames.append(["args", 999, [], [], tok, []])
                        continue
                    if tok.text == "-" and nxt.kind == "number" and not nxt.layout_before:
                        self.pos += 1
                        operands.append((_number(-nxt.value), 0))
                        expect_operand = False
                        continue
                    prefix = OPERATORS.get(tok.text, {}).get("prefix")
                    if prefix is not None and not _ends_operand(nxt):
                        operators.append(("prefix", tok, prefix[0], prefix[1]))
                        continue
                    priority = max((p for p, _ in OPERATORS.get(tok.text, {}).values()), default=0)
                    operands.append((_atom(tok.value), priority if priority <= frame[1] else 0))
                    expect_operand = False
                else:
                    raise self.error(f"expected a term, found {_show(tok)}", tok)
                continue
            # after an operand: an infix operator, a separator, a closing bracket or the end
            if tok.kind == "punct" and tok.text == "|" and frame[0] != "list":
                raise self.error("'|' is only supported inside a list ([H | T])", tok)
            # within arguments and lists (priority 999) ',' and '|' are separators, not operators
            infix = OPERATORS.get(tok.text, {}).get("infix") if tok.kind in ("name", "punct") else None
            if infix is not None and infix[0] <= frame[1]:
                priority, kind = infix
                self.reduce(operands, operators, priority if kind[0] == "y" else priority - 1)
                operators.append(("infix", tok, priority, kind))
                self.pos += 1
                expect_operand = True
                continue
            # the operand ends here: close the frame's expression
            self.reduce(operands, operators, frame[1])
            if operators:
                raise self.error(f"expected a term after {operators[-1][1].text!r}", tok)
            value, _ = operands.pop()
            kind = frame[0]
            if kind == "top":
                if tok.kind in stop or tok.kind == "eof":
                    return value
                raise self.error(f"unexpected {_show(tok)}", tok)
            self.pos += 1
            if kind == "(" and tok.text == ")":
                frames.pop()
                frames[-1][2].append((value, 0))
            elif kind == "args" and tok.text in (",", ")"):
                frame[5].append(value)
                if tok.text == ")":
                    frames.pop()
                    frames[-1][2].append((fn(frame[4].value, *frame[5]), 0))
                else:
                    expect_operand = True
                    continue
            elif kind == "list" and tok.text in (",", "|", "]"):
                frame[5].append(value)
                if tok.text == ",":
                    expect_operand = True
                    continue
                if tok.text == "|":
                    frames[-1] = ["tail", 999, [], [], frame[4], frame[5]]
                    expect_operand = True
                    continue
                frames.pop()
                frames[-1][2].append((list_term(frame[5]), 0))
            elif kind == "tail" and tok.text == "]":
                frames.pop()
                frames[-1][2].append((list_term(frame[5], value), 0))
            else:
                opened = frame[4]
                closer = {"(": "')'", "args": "',' or ')'", "list": "',', '|' or ']'", "tail": "']'"}[kind]
                raise self.error(
                    f"expected {closer} to close {opened.text!r} at {self.src.position(opened.offset).line}:"
                    f"{self.src.position(opened.offset).column}, found {_show(tok)}",
                    tok,
                )
            expect_operand = False

    def reduce(self, operands: list[tuple[Term, int]], operators: list[Any], level: int) -> None:
        """Apply the stacked operators whose priority is at most ``level``."""
        while operators and operators[-1][2] <= level:
            where, tok, priority, kind = operators.pop()
            if where == "prefix":
                arg, p = operands.pop()
                if p > (priority if kind == "fy" else priority - 1):
                    raise self.error(f"operator priority clash at {tok.text!r}", tok)
                operands.append((fn(tok.text, arg), priority))
            else:
                right, pr = operands.pop()
                left, pl = operands.pop()
                left_max = priority if kind == "yfx" else priority - 1
                right_max = priority if kind == "xfy" else priority - 1
                if pl > left_max or pr > right_max:
                    raise self.error(f"operator priority clash at {tok.text!r}", tok)
                operands.append((fn(tok.text, left, right), priority))


def _ends_operand(tok: Token) -> bool:
    """Does ``tok`` end the term (so that a prefix operator before it is an atom)?"""
    if tok.kind in ("end", "eof"):
        return True
    if tok.kind == "punct" and tok.text in (")", "]", "}", ",", "|"):
        return True
    return tok.kind == "name" and "infix" in OPERATORS.get(tok.text, {}) and "prefix" not in OPERATORS.get(tok.text, {})


def _show(tok: Token) -> str:
    return "the end of input" if tok.kind == "eof" else ("'.'" if tok.kind == "end" else repr(tok.text))


def read_clauses(text: str, source: str = "<program>") -> list[Clause]:
    """Every clause of a program text, in order."""
    src = _Source(text, source)
    reader = _Reader(src, _tokens(src))
    clauses = []
    while reader.peek().kind != "eof":
        term, start = reader.clause()
        clauses.append(Clause(term, tuple(reader.variables), src.position(start).line))
    return clauses


def read_term(text: str, source: str = "<query>") -> tuple[Term, tuple[str, ...]]:
    """One term (a query), with or without its final '.', and the names of its variables."""
    src = _Source(text, source)
    tokens = _tokens(src)
    reader = _Reader(src, tokens)
    if reader.peek().kind == "eof":
        raise src.error("empty query", 0)
    term = reader.term(1200, stop={"end"})
    if reader.peek().kind == "end":
        reader.pos += 1
    if reader.peek().kind != "eof":
        raise reader.error(f"unexpected {_show(reader.peek())} after the query", reader.peek())
    return term, tuple(reader.variables)
