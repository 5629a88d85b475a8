"""Parser for the FMC's concrete syntax, Unicode and ASCII (iterative: no recursion depth).

Grammar (prefix actions bind tighter than ``;``, which associates to the right)::

    program  ::= (name '=' term)* term                 definitions, then the term to run
    term     ::= prefix (';' prefix)* (';' frame)?     a frame takes everything left of it as N
               | term ';' '{' frame '}' (';' term)?
    frame    ::= label '->' term ('|' label '->' term)*     (Unicode → for ->)
    prefix   ::= '[' term ']' loc? ('.' prefix)?       push; a missing continuation is *
               | loc? '<' var '>' ('.' prefix)?        pop   (Unicode ⟨ ⟩)
               | ('λ' | '\\') var+ '.' prefix           sugar for <x>.<y>. ...
               | atom ('^' label)* ('.' prefix)?       loops; atom.M is atom ; M
    atom     ::= var | '*' | '⋆' | constant | primitive | '(' term ')'
    constant ::= integer | integer/integer | "string" | Capitalized | $symbol | $(sympy text)
    label    ::= '*' | constant | '_'                  ('_', the default branch, only last)
    primitive::= + - × mul / % == != < <= > >= not error  (× / mul is multiplication)

``N ; j -> M`` is the one-branch frame ``N ; {j -> M}``: its ``M`` runs to the end of the
sequence. ``A ; B ; {...}`` is ``(A ; B) ; {...}``, so that a frame catches what all of the
sequence before it exits with.

A location after ``]`` must stand on the same line as the ``]`` (so that a definition ending in
a push is not continued by the next line's name). ``--`` starts a comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    SKIP,
    STAR,
    Const,
    ConstValue,
    Label,
    Loop,
    Name,
    Pop,
    Prim,
    Push,
    Seq,
    Term,
    Var,
    case,
)
from machine_calculus.calculus.lexing import (
    EOF,
    EXPRESSION,
    IDENT,
    META,
    NUMBER,
    STRING,
    SYMBOL,
    Token,
    TokenCursor,
    tokenize,
)
from machine_calculus.calculus.patterns import Meta, whole_pattern
from machine_calculus.calculus.programs import read_program
from machine_calculus.calculus.terms import free_variables, substitute

__all__ = ["PUNCTUATION", "RESERVED", "Program", "parse", "parse_constant", "parse_pattern", "parse_program"]

#: Every symbol of the notation and the token kind it stands for (Unicode and ASCII alike).
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
    "*": "*",
    "⋆": "*",
    "\\": "\\",
    "λ": "\\",
    "=": "=",
    "{": "{",
    "}": "}",
    "|": "|",
    "->": "->",
    "→": "->",
    "^": "^",
    "+": "+",
    "-": "-",
    "×": "*mul",
    "/": "/",
    "%": "%",
    "==": "==",
    "!=": "!=",
    "<=": "<=",
    ">=": ">=",
}

#: Words that name primitives, so they are not variables.
RESERVED = {"not": "not", "mul": "*", "error": "error"}

# token kind -> primitive name, for the primitives written with symbols
_PRIMITIVE_TOKENS = {
    "+": "+",
    "-": "-",
    "*mul": "*",
    "/": "/",
    "%": "%",
    "==": "==",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_CONSTANT_TOKENS = (NUMBER, STRING, SYMBOL, EXPRESSION)


@dataclass(frozen=True, slots=True)
class Program:
    """A parsed file: its definitions in order and the term to run (definitions not inlined)."""

    definitions: tuple[tuple[str, Term], ...]
    main: Term

    @collector_paused()
    def term(self) -> Term:
        """The term to run with every definition substituted (each sees the earlier ones)."""
        env: dict[str, Term] = {}

        def inline(body: Term) -> Term:
            # only the definitions body uses: passing all of them made n definitions cost O(n^2)
            return substitute(body, {x: env[x] for x in free_variables(body) if x in env})

        for name, body in self.definitions:
            env[name] = inline(body)
        return inline(self.main)


def parse(text: str, source: str = "<input>") -> Term:
    """Parse a term or a whole file (definitions inlined) into an FMC term."""
    return parse_program(text, source).term()


@collector_paused()
def parse_program(text: str, source: str = "<input>") -> Program:
    """Parse ``(name = term)* term``."""
    parser = _Parser(tokenize(text, PUNCTUATION, source=source), text, source)
    return parser.program()


@collector_paused()
def parse_pattern(text: str, source: str = "<pattern>") -> Term:
    """Parse a pattern: a term (no definitions) in which ``?X`` is a metavariable
    (:class:`~calculus.patterns.Meta`) where a term is expected (``?M``, ``?M ; ?N``), in a
    location's place (``[?N]?a.?M``, ``?a<x>``) or a bound name's (``<?x>.?M``). Only this entry
    point reads ``?X``: :func:`parse` refuses it."""
    parser = _Parser(tokenize(text, PUNCTUATION, source=source, metavariables=True), text, source)
    return whole_pattern(parser, "';', '.'")


def parse_constant(token_text: str) -> ConstValue:
    """The value of a constant's text: ``3``, ``-2``, ``3/4``, ``"s"``, ``True``, ``$n``."""
    term = parse(token_text)
    if not isinstance(term, Const):
        raise ValueError(f"not a constant: {token_text!r}")
    return term.value


# Frames of the iterative parser: each waits for the value of a sub-term.
_SEQ, _PUSH, _PAREN, _PUSH_BODY, _POP_BODY, _LAMBDA_BODY, _THEN, _FRAME, _ARM = range(9)


class _Parser(TokenCursor):
    def expect(self, kind: str, what: str, opened: Token | None = None) -> Token:
        tok = self.peek()
        if tok.kind != kind:
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            extra = f" to close {opened.text!r} at {opened.line}:{opened.column}" if opened else ""
            raise self.error(f"expected {what}{extra}, found {found}", tok)
        return self.advance()

    # -- the grammar ---------------------------------------------------------------------------
    def program(self) -> Program:
        definitions, main = read_program(self, self.term, continues="';', '.' or end of input", bad_name=_bad_name)
        return Program(tuple(definitions), main)

    @collector_paused()
    def term(self) -> Term:
        """``prefix (';' prefix)*``, iteratively: frames wait for sub-terms on an explicit stack."""
        frames: list[list[Any]] = [[_SEQ, []]]
        value: Term | None = None
        while True:
            if value is None:
                value = self.start_prefix(frames)
                if value is None:
                    continue  # a frame was opened; parse its first sub-term
            # hand the finished value to the innermost waiting frame
            frame = frames[-1]
            kind = frame[0]
            if kind == _SEQ:
                frame[1].append(value)
                value = None
                if self.peek().kind == ";":
                    self.advance()
                    if self.starts_frame():
                        self.open_frame(frames, frame)
                    continue
                items = frame[1]
                frames.pop()
                value = _sequence(items)
                if not frames:
                    return value
            elif kind == _PUSH:
                frames.pop()
                close = self.expect("]", "']'", frame[1])
                location: Any = DEFAULT  # a str, or a pattern's Meta
                nxt = self.peek()
                if nxt.kind == IDENT and nxt.line == close.line:
                    location = self.advance().text
                elif nxt.kind == META and nxt.line == close.line:  # a pattern's ?a
                    location = Meta(str(self.advance().value))
                if self.peek().kind == ".":
                    self.advance()
                    frames.append([_PUSH_BODY, value, location])
                    value = None
                else:
                    value = Push(value, location, SKIP)
            elif kind == _PAREN:
                frames.pop()
                self.expect(")", "')'", frame[1])
                value = self.atom_done(frames, value)
            elif kind == _PUSH_BODY:
                frames.pop()
                value = Push(frame[1], frame[2], value)
            elif kind == _POP_BODY:
                frames.pop()
                value = Pop(frame[1], frame[2], value)
            elif kind == _LAMBDA_BODY:
                frames.pop()
                for x in reversed(frame[1]):
                    value = Pop(DEFAULT, x, value)
            elif kind == _FRAME:  # [_FRAME, first, pairs, labels (tokens), '{' token]
                frame[2].append((frame[3][-1][1], value))
                value = None
                if self.peek().kind == "|":
                    self.advance()
                    self.open_branch(frames, frame)
                    continue
                self.expect("}", "'|' or '}'", frame[4])
                frames.pop()
                value = case(frame[1], *frame[2])
            elif kind == _ARM:  # [_ARM, first, label]
                frames.pop()
                value = case(frame[1], (frame[2], value))
            else:  # _THEN
                frames.pop()
                value = Seq(frame[1], value)

    def starts_frame(self) -> bool:
        """After ';': a case frame ``{...}`` or a one-branch ``j -> M`` follows."""
        tok = self.peek()
        if tok.kind == "{":
            return True
        return self.peek(1).kind == "->" and (tok.kind in ("*", *_CONSTANT_TOKENS) or tok.kind == IDENT)

    def open_frame(self, frames: list[list[Any]], seq: list[Any]) -> None:
        """``N ; {...}`` or ``N ; j -> M``: ``N`` is the sequence so far; read the first label."""
        first = _sequence(seq[1])
        seq[1] = []
        if self.peek().kind == "{":
            frames.append([_FRAME, first, [], [], self.advance()])
            self.open_branch(frames, frames[-1])
        else:
            label = self.label(allow_any=True)
            self.expect("->", "'->'")
            frames.append([_ARM, first, label])
            frames.append([_SEQ, []])

    def open_branch(self, frames: list[list[Any]], frame: list[Any]) -> None:
        """``j -> M`` inside braces: check the label against the earlier ones, then read ``M``."""
        tok = self.peek()
        label = self.label(allow_any=True)
        for earlier_tok, earlier in frame[3]:
            if earlier == label:
                raise self.error(
                    f"label {tok.text!r} already has a branch at {earlier_tok.line}:{earlier_tok.column}", tok
                )
            if earlier is ANY:
                raise self.error(
                    f"the default branch '_' at {earlier_tok.line}:{earlier_tok.column} must come last", tok
                )
        frame[3].append((tok, label))
        self.expect("->", f"'->' after the label {tok.text!r}")
        frames.append([_SEQ, []])

    def label(self, *, allow_any: bool) -> Label:
        """``*``, a constant, or (in a case frame) ``_``."""
        tok = self.peek()
        if tok.kind == "*":
            self.advance()
            return STAR
        if tok.kind in _CONSTANT_TOKENS:
            self.advance()
            return self.constant(tok)
        if tok.kind == IDENT and tok.text == "_" and allow_any:
            self.advance()
            return ANY
        if tok.kind == IDENT and not _is_variable_name(tok.text):
            self.advance()
            return Name(tok.text)
        found = "end of input" if tok.kind == EOF else repr(tok.text)
        default = ", '_'" if allow_any else ""
        raise self.error(f"expected a label ('*', a constant, a Capitalized name{default}), found {found}", tok)

    def atom_done(self, frames: list[list[Any]], atom: Term) -> Term | None:
        """After an atom: its loops ``^j``, then ``.M`` (see :meth:`maybe_then`)."""
        while self.peek().kind == "^":
            self.advance()
            atom = Loop(atom, self.label(allow_any=False))
        return self.maybe_then(frames, atom)

    def maybe_then(self, frames: list[list[Any]], atom: Term) -> Term | None:
        """``atom.M`` is ``atom ; M``: open a frame if a '.' follows, else return the atom."""
        if self.peek().kind == ".":
            self.advance()
            frames.append([_THEN, atom])
            return None
        return atom

    def start_prefix(self, frames: list[list[Any]]) -> Term | None:
        """Read the start of a prefix term: return a finished atom, or open a frame (None)."""
        tok = self.peek()
        kind = tok.kind
        if kind == "[":
            self.advance()
            frames.append([_PUSH, tok])
            frames.append([_SEQ, []])
            return None
        if kind == "(":
            self.advance()
            frames.append([_PAREN, tok])
            frames.append([_SEQ, []])
            return None
        is_pop = self.peek(1).kind in (IDENT, ">", META)  # else '<' is the primitive (nothing can follow it)
        if (kind == "<" and is_pop) or (
            kind in (IDENT, META)
            and tok.text not in RESERVED
            and self.peek(1).kind == "<"
            and self.peek(1).line == tok.line
        ):
            location: Any = self.advance().text if kind in (IDENT, META) else DEFAULT
            if kind == META:  # a pattern's ?a<x>
                location = Meta(str(tok.value))
            self.expect("<", "'<'")
            variable = self.variable("'<'")
            self.expect(">", "'>'")
            if self.peek().kind == ".":
                self.advance()
                frames.append([_POP_BODY, location, variable])
                return None
            return Pop(location, variable, SKIP)
        if kind == "\\":
            self.advance()
            variables = [self.variable(repr(tok.text))]
            while self.peek().kind == IDENT:
                variables.append(self.variable(repr(tok.text)))
            self.expect(".", f"'.' after the variables of {tok.text!r}")
            frames.append([_LAMBDA_BODY, variables])
            return None
        if kind == "*":
            self.advance()
            return self.atom_done(frames, SKIP)
        if kind in _PRIMITIVE_TOKENS:
            self.advance()
            return self.atom_done(frames, Prim(_PRIMITIVE_TOKENS[kind]))
        if kind == IDENT:
            self.advance()
            if tok.text in RESERVED:
                return self.atom_done(frames, Prim(RESERVED[tok.text]))
            if _is_variable_name(tok.text):
                return self.atom_done(frames, Var(tok.text))
            return self.atom_done(frames, Const(Name(tok.text)))
        if kind in _CONSTANT_TOKENS:
            self.advance()
            return self.atom_done(frames, Const(self.constant(tok)))
        if kind == META:  # a pattern's ?M, where a term is expected
            self.advance()
            return self.atom_done(frames, Meta(str(tok.value)))
        if kind == EOF:
            raise self.error("unexpected end of input: expected a term", tok)
        raise self.error(f"unexpected {tok.text!r}: expected a term", tok)

    def variable(self, after: str) -> Any:
        """A bound name (``str``), or in a pattern ``?x`` (a :class:`Meta` in the name's place)."""
        tok = self.peek()
        if tok.kind == META:
            return Meta(str(self.advance().value))
        if tok.kind == IDENT and tok.text in RESERVED:
            raise self.error(f"{tok.text!r} is a primitive, not a variable", tok)
        if tok.kind != IDENT or not _is_variable_name(tok.text):
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise self.error(
                f"expected a variable after {after} (a name starting with a lowercase letter or '_'), found {found}",
                tok,
            )
        return self.advance().text

    def constant(self, tok: Token) -> ConstValue:
        if tok.kind == STRING:
            assert isinstance(tok.value, str)
            return tok.value
        # numbers and symbols are sympy values: the first one read imports sympy
        import sympy

        if tok.kind == SYMBOL:
            return sympy.Symbol(str(tok.value))
        if tok.kind == EXPRESSION:
            from machine_calculus.calculus.symbolic_text import parse_expression

            try:
                value = parse_expression(str(tok.value))
            except ValueError as error:
                raise self.error(str(error), tok) from None
            return canonical_constant(value)
        from machine_calculus.calculus.numerals import decimal_value

        numerator, _, denominator = tok.text.partition("/")
        try:
            top, bottom = decimal_value(numerator), decimal_value(denominator or "1")
        except ValueError as error:
            raise self.error(str(error), tok) from None
        if denominator:
            if bottom == 0:
                raise self.error(f"zero denominator in {tok.text!r}", tok)
            return sympy.Rational(top, bottom)
        return sympy.Integer(top)


def canonical_constant(value: Any) -> ConstValue:
    """sympy's ``true``/``false`` are the Names ``True``/``False``; other values are themselves."""
    import sympy  # the value is a sympy value: sympy is loaded

    if value is sympy.true:
        return Name("True")
    if value is sympy.false:
        return Name("False")
    return value


def _sequence(items: list[Term]) -> Term:
    """``M1 ; (M2 ; ... Mn)``."""
    value = items[-1]
    for item in reversed(items[:-1]):
        value = Seq(item, value)
    return value


def _bad_name(name: str) -> str | None:
    """Why ``name`` cannot be defined, or None."""
    if not _is_variable_name(name):
        return f"a definition's name must start with a lowercase letter or '_': {name!r}"
    if name in RESERVED:
        return f"{name!r} is a primitive, not a name to define"
    return None


def _is_variable_name(text: str) -> bool:
    return text[0] == "_" or text[0].islower()
