"""Parser for While (recursive descent, positioned errors, static checks).

Static checks, each a positioned error: ``break``/``continue`` outside a loop, an undeclared
constructor or one used with the wrong number of fields, a constructor declared twice, a match
listing a constructor twice or its default ``_`` before the end, a try catching a name twice,
and the names ``out``, ``in`` and ``exc`` (the compiled program's streams) as variables.
Nesting deeper than :data:`MAX_NESTING` is refused with a message, not a crash.
"""

from __future__ import annotations

import sympy

from machine_calculus.calculus.lexing import EOF, IDENT, NUMBER, STRING, Token, TokenCursor, tokenize
from machine_calculus.calculus.numerals import decimal_value
from machine_calculus.embeddings.imperative.syntax import (
    Assign,
    Binary,
    Block,
    Break,
    Catch,
    Construct,
    Continue,
    DataType,
    Expr,
    If,
    Input,
    Literal,
    Match,
    MatchArm,
    Print,
    Program,
    Skip,
    Stmt,
    Throw,
    Try,
    Unary,
    Variable,
    While,
)

__all__ = ["MAX_NESTING", "RESERVED_VARIABLES", "parse_while"]

PUNCTUATION = {
    s: s
    for s in (
        "(",
        ")",
        "{",
        "}",
        ";",
        ",",
        "=",
        "|",
        "=>",
        "+",
        "-",
        "*",
        "/",
        "%",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
    )
}
KEYWORDS = {
    "data",
    "if",
    "else",
    "while",
    "break",
    "continue",
    "throw",
    "try",
    "catch",
    "match",
    "skip",
    "print",
    "input",
    "not",
    "and",
    "or",
    "True",
    "False",
}
#: Locations of the compiled program, so not variable names.
RESERVED_VARIABLES = {"out", "in", "exc"}
#: How deeply blocks and expressions may nest.
MAX_NESTING = 100

_LEVELS = [("or",), ("and",), ("==", "!=", "<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%")]


def parse_while(text: str, source: str = "<input>") -> Program:
    """Parse a While program."""
    return _Parser(_split_signs(tokenize(text, PUNCTUATION, source=source)), text, source).program()


def _split_signs(tokens: list[Token]) -> list[Token]:
    """``i-1`` is ``i - 1`` and ``1/2`` is ``1 / 2``: numbers lexed the FMC's way are split."""
    out: list[Token] = []
    for tok in tokens:
        prev = out[-1] if out else None
        ends_operand = prev is not None and (
            prev.kind in (NUMBER, STRING, ")") or (prev.kind == IDENT and prev.text not in KEYWORDS - {"True", "False"})
        )
        if tok.kind == NUMBER and tok.text.startswith("-") and ends_operand:
            out.append(Token("-", "-", tok.line, tok.column, tok.offset))
            tok = Token(NUMBER, tok.text[1:], tok.line, tok.column + 1, tok.offset + 1)
        if tok.kind == NUMBER and "/" in tok.text:  # the FMC lexer reads 1/2 as one rational
            numerator, denominator = tok.text.split("/")
            out.append(Token(NUMBER, numerator, tok.line, tok.column, tok.offset))
            at = len(numerator)
            out.append(Token("/", "/", tok.line, tok.column + at, tok.offset + at))
            tok = Token(NUMBER, denominator, tok.line, tok.column + at + 1, tok.offset + at + 1)
        out.append(tok)
    return out


class _Parser(TokenCursor):
    def __init__(self, tokens: list[Token], text: str, source: str) -> None:
        super().__init__(tokens, text, source)
        self.depth = 0
        self.loops = 0
        self.arities: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------------
    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        return tok.kind == kind and (text is None or tok.text == text)

    def keyword(self, word: str) -> bool:
        return self.at(IDENT, word)

    def expect(self, kind: str, what: str | None = None) -> Token:
        tok = self.peek()
        if tok.kind != kind:
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(f"expected {what or repr(kind)}, found {found}", tok)
        return self.advance()

    def expect_keyword(self, word: str) -> Token:
        if not self.keyword(word):
            tok = self.peek()
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(f"expected '{word}', found {found}", tok)
        return self.advance()

    def nest(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"nested more than {MAX_NESTING} deep", tok)

    def capitalized(self, what: str) -> Token:
        tok = self.peek()
        if tok.kind != IDENT or not tok.text[0].isupper() or tok.text in KEYWORDS:
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(f"expected {what} (a Capitalized name), found {found}", tok)
        return self.advance()

    def variable(self) -> Token:
        tok = self.peek()
        if tok.kind != IDENT or tok.text in KEYWORDS or not (tok.text[0].islower() or tok.text[0] == "_"):
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(f"expected a variable (a lowercase name), found {found}", tok)
        if tok.text in RESERVED_VARIABLES:
            raise self.error(f"{tok.text!r} is reserved (a location of the compiled program)", tok)
        return self.advance()

    # -- declarations and statements -------------------------------------------------------------
    def program(self) -> Program:
        types = []
        while self.keyword("data"):
            types.append(self.data())
        body = []
        while not self.at(EOF):
            body.append(self.statement())
        return Program(tuple(types), tuple(body))

    def data(self) -> DataType:
        self.advance()
        name = self.capitalized("a type name").text
        self.expect("=", "'='")
        constructors = []
        while True:
            tok = self.capitalized("a constructor")
            if tok.text in self.arities:
                raise self.error(f"constructor {tok.text!r} is declared twice", tok)
            fields: list[str] = []
            if self.at("("):
                self.advance()
                while True:
                    fields.append(self.variable().text)
                    if not self.at(","):
                        break
                    self.advance()
                self.expect(")", "',' or ')'")
            self.arities[tok.text] = len(fields)
            constructors.append((tok.text, tuple(fields)))
            if not self.at("|"):
                break
            self.advance()
        self.expect(";", "'|' or ';'")
        return DataType(name, tuple(constructors))

    def block(self) -> Block:
        opening = self.expect("{", "'{'")
        self.nest(opening)
        body = []
        while not self.at("}"):
            if self.at(EOF):
                raise self.error(f"expected '}}' to close '{{' at {opening.line}:{opening.column}", self.peek())
            body.append(self.statement())
        self.advance()
        self.depth -= 1
        return tuple(body)

    def statement(self) -> Stmt:
        tok = self.peek()
        line = tok.line
        if tok.kind == IDENT and tok.text not in KEYWORDS and self.peek(1).kind == "=":
            name = self.variable().text
            self.advance()
            value = self.expression()
            self.expect(";", "';'")
            return Assign(name, value, line)
        word = tok.text if tok.kind == IDENT else None
        if word == "print":
            self.advance()
            self.expect("(", "'('")
            value = self.expression()
            self.expect(")", "')'")
            self.expect(";", "';'")
            return Print(value, line)
        if word == "skip":
            self.advance()
            self.expect(";", "';'")
            return Skip(line)
        if word == "if":
            self.advance()
            condition = self.condition()
            then = self.block()
            otherwise: Block = ()
            if self.keyword("else"):
                self.advance()
                otherwise = (self.statement(),) if self.keyword("if") else self.block()
            return If(condition, then, otherwise, line)
        if word == "while":
            self.advance()
            condition = self.condition()
            self.loops += 1
            body = self.block()
            self.loops -= 1
            return While(condition, body, line)
        if word in ("break", "continue"):
            self.advance()
            if not self.loops:
                raise self.error(f"'{word}' outside a loop", tok)
            self.expect(";", "';'")
            return Break(line) if word == "break" else Continue(line)
        if word == "throw":
            self.advance()
            name = self.capitalized("an exception name").text
            payload = None
            if self.at("("):
                self.advance()
                payload = self.expression()
                self.expect(")", "')'")
            self.expect(";", "';'")
            return Throw(name, payload, line)
        if word == "try":
            return self.try_statement()
        if word == "match":
            return self.match_statement()
        found = "end of input" if tok.kind == EOF else repr(tok.text)
        raise self.error(f"expected a statement, found {found}", tok)

    def condition(self) -> Expr:
        self.expect("(", "'('")
        condition = self.expression()
        self.expect(")", "')'")
        return condition

    def try_statement(self) -> Try:
        line = self.advance().line
        loops, self.loops = self.loops, self.loops  # break may leave a try inside a loop
        body = self.block()
        self.loops = loops
        handlers: list[Catch] = []
        seen: set[str] = set()
        while self.keyword("catch") or not handlers:
            self.expect_keyword("catch")
            tok = self.capitalized("an exception name")
            if tok.text in seen:
                raise self.error(f"exception {tok.text!r} is caught twice", tok)
            seen.add(tok.text)
            variable = None
            if self.at("("):
                self.advance()
                variable = self.variable().text
                self.expect(")", "')'")
            handlers.append(Catch(tok.text, variable, self.block()))
        return Try(body, tuple(handlers), line)

    def match_statement(self) -> Match:
        line = self.advance().line
        scrutinee = self.expression()
        opening = self.expect("{", "'{'")
        self.nest(opening)
        arms: list[MatchArm] = []
        seen: set[str] = set()
        while not self.at("}"):
            tok = self.peek()
            if arms and arms[-1].constructor is None:
                raise self.error("the default arm '_' must come last", tok)
            if tok.kind == IDENT and tok.text == "_":
                self.advance()
                self.expect("=>", "'=>'")
                arms.append(MatchArm(None, (), self.block()))
                continue
            con = self.capitalized("a constructor or '_'")
            if con.text not in self.arities:
                raise self.error(f"unknown constructor {con.text!r} (declare it with 'data')", con)
            if con.text in seen:
                raise self.error(f"constructor {con.text!r} has two arms", con)
            seen.add(con.text)
            variables: list[str] = []
            if self.at("("):
                self.advance()
                while True:
                    variables.append(self.variable().text)
                    if not self.at(","):
                        break
                    self.advance()
                self.expect(")", "',' or ')'")
            if len(variables) != self.arities[con.text]:
                raise self.error(f"{con.text} has {self.arities[con.text]} fields, not {len(variables)}", con)
            self.expect("=>", "'=>'")
            arms.append(MatchArm(con.text, tuple(variables), self.block()))
        if not arms:
            raise self.error("a match needs at least one arm", self.peek())
        self.advance()
        self.depth -= 1
        return Match(scrutinee, tuple(arms), line)

    # -- expressions -----------------------------------------------------------------------------
    def expression(self, level: int = 0) -> Expr:
        if level == len(_LEVELS):
            return self.unary()
        left = self.expression(level + 1)
        operators = _LEVELS[level]
        while (self.peek().kind in operators and self.peek().kind not in ("or", "and")) or (
            self.peek().kind == IDENT and self.peek().text in operators
        ):
            tok = self.advance()
            right = self.expression(level + 1)
            left = Binary(tok.text, left, right, tok.line)
            if level == 2 and self.peek().kind in operators:
                raise self.error("comparisons do not chain: use 'and'", self.peek())
        return left

    def unary(self) -> Expr:
        tok = self.peek()
        if tok.kind == "-" or (tok.kind == IDENT and tok.text == "not"):
            self.advance()
            self.nest(tok)
            operand = self.unary()
            self.depth -= 1
            return Unary("-" if tok.kind == "-" else "not", operand, tok.line)
        return self.atom()

    def atom(self) -> Expr:
        tok = self.peek()
        if tok.kind == NUMBER:
            try:
                number = decimal_value(tok.text)
            except ValueError as error:
                raise self.error(str(error), tok) from None
            self.advance()
            return Literal(sympy.Integer(number), tok.line)
        if tok.kind == STRING:
            self.advance()
            return Literal(tok.value, tok.line)
        if tok.kind == "(":
            self.advance()
            self.nest(tok)
            inner = self.expression()
            self.expect(")", "')'")
            self.depth -= 1
            return inner
        if tok.kind == IDENT:
            if tok.text in ("True", "False"):
                self.advance()
                return Literal(tok.text == "True", tok.line)
            if tok.text == "input":
                self.advance()
                self.expect("(", "'('")
                self.expect(")", "')'")
                return Input(tok.line)
            if tok.text[0].isupper():
                return self.construct()
            if tok.text not in KEYWORDS:
                return Variable(self.variable().text, tok.line)
        found = "end of input" if tok.kind == EOF else repr(tok.text)
        raise self.error(f"expected an expression, found {found}", tok)

    def construct(self) -> Expr:
        tok = self.advance()
        if tok.text not in self.arities:
            raise self.error(f"unknown constructor {tok.text!r} (declare it with 'data')", tok)
        arguments: list[Expr] = []
        if self.at("("):
            opening = self.advance()
            self.nest(opening)
            while True:
                arguments.append(self.expression())
                if not self.at(","):
                    break
                self.advance()
            self.expect(")", "',' or ')'")
            self.depth -= 1
        if len(arguments) != self.arities[tok.text]:
            raise self.error(f"{tok.text} has {self.arities[tok.text]} fields, not {len(arguments)}", tok)
        return Construct(tok.text, tuple(arguments), tok.line)
