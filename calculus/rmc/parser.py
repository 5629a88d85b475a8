"""Parser for RMC terms, Unicode and ASCII (operator precedence with explicit stacks: no
recursion, so terms nested 100,000 deep parse).

    M ::= M + M | M ; M | new x y. M | [t]a.M | a<t>.M | M* | M~ | M† | (M) | [t]a | a<t> | * | 0
    t ::= x | f | f(t, ..., t)

Loosest first: ``+`` (left), ``;`` (right), the prefixes ``new x.`` (Unicode ``∃x.``) and
``[t]a.``/``a<t>.``, then the postfix ``*`` (star) and ``~``/``†`` (the converse, applied
while parsing). An identifier in a first-order term is a variable where a ``new`` around it
binds it, and a constant otherwise. A location after ``]`` or before ``<`` is on the same line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Seq
from machine_calculus.calculus.lexing import EOF, IDENT, META, NUMBER, Token, TokenCursor, tokenize
from machine_calculus.calculus.patterns import Meta, whole_pattern
from machine_calculus.calculus.programs import read_program
from machine_calculus.calculus.rmc.firstorder import FVar, fn
from machine_calculus.calculus.rmc.syntax import FAIL, Choice, New, Pop, Push, Star, converse
from machine_calculus.calculus.terms import Term

__all__ = ["parse_first_order", "parse_rmc", "parse_rmc_pattern"]

PUNCTUATION = {
    "[": "[",
    "]": "]",
    "(": "(",
    ")": ")",
    "<": "<",
    "⟨": "<",
    ">": ">",
    "⟩": ">",
    ".": ".",
    ";": ";",
    "+": "+",
    "*": "*",
    "⋆": "*",
    "~": "~",
    "†": "~",
    ",": ",",
    "∃": "new",
    "=": "=",
}
_PRECEDENCE = {"+": 1, ";": 2, "prefix": 3}


def parse_rmc(text: str, source: str = "<input>") -> Term:
    """Parse an RMC term, or a file: definitions ``name = term`` (each usable by name in the later
    ones, no recursion), then the term to run; definitions are inlined."""
    return _Parser(tokenize(text, PUNCTUATION, source=source), text, source).program()


def parse_rmc_pattern(text: str, source: str = "<pattern>") -> Term:
    """Parse a pattern: an RMC term (no definitions) in which ``?X`` is a metavariable
    (:class:`~calculus.patterns.Meta`) where a term is expected (``?M ; ?N``, ``?M*``), where a
    first-order term is (``[s(?t)]a``, ``a<?t>``), in a location's place (``[?t]?a``, ``?a<?t>``)
    or a ``new``'s name (``new ?x. ?M``). Only this entry point (and ``parse_first_order(...,
    patterns=True)``) reads ``?X``: :func:`parse_rmc` refuses it."""
    parser = _Parser(tokenize(text, PUNCTUATION, source=source, metavariables=True), text, source)
    return whole_pattern(parser, "';', '+', '*', '~'")


def parse_first_order(
    text: str, source: str = "<input>", variables: frozenset[str] | None = None, *, patterns: bool = False
) -> Term:
    """Parse a first-order term ``t ::= x | f | f(t, ..., t)``. An identifier is a variable when it
    is in ``variables`` or (when ``variables`` is None) starts with ``_``, as answers print them.
    With ``patterns``, ``?X`` is a metavariable (:class:`~calculus.patterns.Meta`): ``s(?X)``."""
    parser = _Parser(tokenize(text, PUNCTUATION, source=source, metavariables=patterns), text, source)
    parser.variable_test = (lambda x: x.startswith("_")) if variables is None else variables.__contains__
    if parser.peek().kind == EOF:
        raise parser.error("empty input: expected a first-order term", parser.peek())
    term = parser.first_order()
    if parser.peek().kind != EOF:
        tok = parser.peek()
        raise parser.error(f"unexpected {tok.text!r} after the term", tok)
    return term


class _Parser(TokenCursor):
    def __init__(self, tokens: list[Token], text: str, source: str) -> None:
        super().__init__(tokens, text, source)
        self.bound: dict[str, int] = {}  # names of the new operators on the stack (their scope)
        self.definitions: dict[str, Term] = {}
        self.variable_test: Callable[[str], bool] = lambda name: self.bound.get(name, 0) > 0

    def expect(self, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok.kind != kind:
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(f"expected {what}, found {found}", tok)
        return self.advance()

    def program(self) -> Term:
        def bad_name(name: str) -> str | None:
            return "'new' is a keyword, not a name to define" if name == "new" else None

        _, main = read_program(
            self,
            self.term,
            continues="';', '+', '*', '~' or the end",
            bad_name=bad_name,
            on_definition=self.definitions.__setitem__,
        )
        return main

    def term(self) -> Term:
        """A term, up to the first token that cannot continue it (the end, or the next definition)."""
        values: list[Term] = []
        ops: list[Any] = []  # ("(", tok) | ("+"|";", tok) | ("new", tok, x) | ("then", tok, action)
        expect_operand = True
        while True:
            tok = self.peek()
            if expect_operand:
                if tok.kind == "(":
                    ops.append(("(", self.advance()))
                elif tok.kind == "new" or (tok.kind == IDENT and tok.text == "new"):
                    self.advance()
                    names = [self.variable()]
                    while self.peek().kind == IDENT:
                        names.append(self.variable())
                    self.expect(".", "'.' after the variables of 'new'")
                    ops.extend(("new", tok, x) for x in names)
                    for x in names:
                        self.bound[x] = self.bound.get(x, 0) + 1
                elif tok.kind == "*":
                    self.advance()
                    values.append(SKIP)
                    expect_operand = False
                elif tok.kind == NUMBER and tok.text == "0":
                    self.advance()
                    values.append(FAIL)
                    expect_operand = False
                elif tok.kind == META and not (self.peek(1).kind == "<" and self.peek(1).line == tok.line):
                    self.advance()  # a pattern's ?M, where a term is expected
                    values.append(Meta(str(tok.value)))
                    expect_operand = False
                elif tok.kind == IDENT and self.peek(1).kind != "<" and tok.text != "new":
                    self.advance()
                    if tok.text not in self.definitions:
                        raise self.error(f"{tok.text!r} is not defined (no definition '{tok.text} = ...' before)", tok)
                    values.append(self.definitions[tok.text])
                    expect_operand = False
                elif tok.kind in ("[", "<") or (tok.kind in (IDENT, META) and self.peek(1).kind == "<"):
                    action = self.action()
                    if self.peek().kind == ".":
                        ops.append(("then", self.advance(), action))
                    else:
                        values.append(action)
                        expect_operand = False
                else:
                    found = "end of input" if tok.kind == EOF else repr(tok.text)
                    raise self.error(f"expected a term, found {found}", tok)
                continue
            # after an operand: postfix, binary, ')' or the end
            if tok.kind in ("*", "~"):
                self.advance()
                values[-1] = Star(values[-1]) if tok.kind == "*" else converse(values[-1])
                continue
            if tok.kind in ("+", ";"):
                self.reduce(values, ops, _PRECEDENCE[tok.kind], right=tok.kind == ";")
                ops.append((tok.kind, self.advance()))
                expect_operand = True
                continue
            if tok.kind == ")":
                self.reduce(values, ops, 0)
                if not ops or ops[-1][0] != "(":
                    raise self.error("unbalanced ')'", tok)
                ops.pop()
                self.advance()
                continue
            # anything else ends the term (the caller checks what follows), unless a '(' is open
            self.reduce(values, ops, 0)
            if ops and tok.kind == EOF:
                raise self.error(f"unclosed '(' at {ops[-1][1].line}:{ops[-1][1].column}", tok)
            if ops:
                raise self.error(f"unexpected {tok.text!r}: expected ';', '+', '*', '~' or ')'", tok)
            return values[0]

    def reduce(self, values: list[Term], ops: list[Any], level: int, right: bool = False) -> None:
        """Apply the operators on the stack that bind at least as tightly as ``level``."""
        while ops and ops[-1][0] != "(":
            kind = ops[-1][0]
            precedence = _PRECEDENCE.get(kind, _PRECEDENCE["prefix"])
            if precedence < level or (right and precedence == level):
                return
            op = ops.pop()
            if kind == "new":
                values[-1] = New(op[2], values[-1])
                self.bound[op[2]] -= 1
            elif kind == "then":
                values[-1] = Seq(op[2], values[-1])
            else:
                b = values.pop()
                a = values.pop()
                values.append(Choice(a, b) if kind == "+" else Seq(a, b))

    def variable(self) -> Any:
        """A ``new``'s name (``str``), or in a pattern ``?x`` (a :class:`Meta` in the name's place)."""
        tok = self.peek()
        if tok.kind == META:
            return Meta(str(self.advance().value))
        if tok.kind != IDENT:
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(f"expected a variable after 'new', found {found}", tok)
        return self.advance().text

    def action(self) -> Term:
        tok = self.peek()
        if tok.kind == "[":
            self.advance()
            item = self.first_order()
            close = self.expect("]", "']'")
            location: Any = DEFAULT
            if self.peek().kind == IDENT and self.peek().line == close.line and self.peek().text != "new":
                location = self.advance().text
            elif self.peek().kind == META and self.peek().line == close.line:  # a pattern's ?a
                location = Meta(str(self.advance().value))
            return Push(item, location)
        location = self.advance().text if tok.kind in (IDENT, META) else DEFAULT
        if tok.kind == META:  # a pattern's ?a<t>
            location = Meta(str(tok.value))
        self.expect("<", "'<'")
        pattern = self.first_order()
        self.expect(">", "'>'")
        return Pop(location, pattern)

    def first_order(self) -> Term:
        """``x | f | f(t, ...)``, iteratively."""
        frames: list[tuple[str, list[Term], Token]] = []  # (symbol, arguments so far, '(' token)
        while True:
            tok = self.peek()
            if tok.kind not in (IDENT, META):
                found = "end of input" if tok.kind == EOF else repr(tok.text)
                raise self.error(f"expected a first-order term, found {found}", tok)
            self.advance()
            if tok.kind == META:  # a pattern's ?X, where a first-order term is expected
                if self.peek().kind == "(":
                    raise self.error("a metavariable stands for a whole term, not a function symbol", tok)
                value: Term = Meta(str(tok.value))
            elif self.peek().kind == "(":
                frames.append((tok.text, [], self.advance()))
                continue
            else:
                value = FVar(tok.text) if self.variable_test(tok.text) else fn(tok.text)
            while True:
                if not frames:
                    return value
                frames[-1][1].append(value)
                if self.peek().kind == ",":
                    self.advance()
                    break
                self.expect(")", "',' or ')'")
                symbol, args, _ = frames.pop()
                value = fn(symbol, *args)
